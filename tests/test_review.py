"""Workplace review: benefit-cost ratios against the cost-weighted social average, flags and
the reasons the data support, on a case computed by hand."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import scipy.sparse as sp

from solver import load_example
from solver.economy.model import Economy
from solver.planning.board.review import review_workplaces
from solver.planning.from_economy import market_from_economy
from solver.planning.market import Market, Proposals, simulated_proposals


def bakeries() -> dict[str, Any]:
    """Two bakeries (one loaf from 1 h, or from 2 h of labour) and a smoky steelworks."""
    return {
        "name": "bakeries",
        "goods": [
            {"id": "bread", "kind": "private", "unit": "loaf"},
            {"id": "steel", "kind": "private", "unit": "t"},
        ],
        "primary_inputs": [
            {"id": "labour", "kind": "labour", "unit": "h", "availability": 1000, "weight": 1}
        ],
        "pollutants": [{"id": "smoke", "unit": "t"}],
        "worker_councils": [
            {
                "id": "quick",
                "federation": "town",
                "techniques": [
                    {
                        "id": "bake-quick",
                        "outputs": {"bread": 1},
                        "primary_inputs": {"labour": 1},
                        "capacity": 100,
                    }
                ],
            },
            {
                "id": "slow",
                "federation": "town",
                "techniques": [
                    {
                        "id": "bake-slow",
                        "outputs": {"bread": 1},
                        "primary_inputs": {"labour": 2},
                        "capacity": 100,
                    }
                ],
            },
            {
                "id": "smelter",
                "federation": "town",
                "techniques": [
                    {
                        "id": "smelt",
                        "outputs": {"steel": 1},
                        "primary_inputs": {"labour": 1},
                        "emissions": {"smoke": 1},
                        "capacity": 100,
                    }
                ],
            },
        ],
        "consumer_councils": [
            {
                "id": "cc",
                "members": 10,
                "effort_rating": 1.0,
                "federation": "town",
                "preferences": {"bread": 1, "steel": 1},
            }
        ],
        "federations": [{"id": "town", "level": "city", "pollution_caps": {"smoke": 50}}],
    }


def plan_of(market: Market, prices: dict[str, float], activity: dict[str, float]) -> tuple:
    p = np.array([prices.get(label, 0.0) for label in market.labels])
    x = np.array([activity[t] for t in market.technique_names()])
    proposals = Proposals(
        consumer_requests=sp.csr_array((market.consumers.n, market.n_items)),
        federation_requests=sp.csr_array((market.federations.n, market.n_items))
        if market.federations is not None
        else None,
        linear_activity=x,
    )
    return proposals, p


def test_a_hand_computed_review() -> None:
    """Bread at 1.5, labour 1, steel 3, the smoke permit 1; 10 loaves each, 10 t of steel.
    Benefit / cost: quick 15 / 10, slow 15 / 20, smelter 30 / (10 + 10 of permits); social
    average (15 + 15 + 30) / (10 + 20 + 20) = 1.2. Flagged below 0.9 x 1.2 = 1.08: slow
    (0.75) only; the smelter (1.5) is not."""
    market = market_from_economy(Economy.model_validate(bakeries()))
    permit = next(label for label in market.labels if label.startswith("permit:"))
    proposals, prices = plan_of(
        market,
        {"bread": 1.5, "labour": 1.0, "steel": 3.0, permit: 1.0},
        {"bake-quick": 10.0, "bake-slow": 10.0, "smelt": 10.0},
    )
    review = review_workplaces(market, proposals, prices, threshold=0.1)
    assert review.social_average == pytest.approx(1.2)
    by_id = {c.id: c for c in review.councils}
    assert by_id["quick"].benefit_cost_ratio == pytest.approx(1.5)
    assert by_id["slow"].benefit_cost_ratio == pytest.approx(0.75)
    assert by_id["smelter"].benefit_cost_ratio == pytest.approx(1.5)
    assert review.flagged == ["slow"]
    reasons = by_id["slow"].reasons
    assert any("quick's bake-quick at 1 (50% less)" in r for r in reasons), reasons
    assert any("0.5 bread per unit of input cost" in r and "quick 1" in r for r in reasons)
    assert not any("pollution" in r for r in reasons)
    out = review.to_dict()
    assert out["social_average"] == pytest.approx(1.2)
    assert [c["id"] for c in out["councils"] if c["flagged"]] == ["slow"]
    # a stricter reviewer flags the smelter's pollution too: half its social cost
    strict = review_workplaces(
        market,
        proposals,
        prices * np.where(np.array([label == permit for label in market.labels]), 4.0, 1.0),
        threshold=0.0,
    )
    smelter = {c.id: c for c in strict.councils}["smelter"]
    assert smelter.flagged  # 30 / (10 + 40) = 0.6 against 60 / 80 = 0.75
    assert any("pollution is 80% of its social cost" in r for r in smelter.reasons)


def test_every_council_is_reviewed_and_the_average_is_cost_weighted() -> None:
    market = market_from_economy(load_example("planning-town"))
    proposals = simulated_proposals(market, market.initial_prices * 1.5)
    review = review_workplaces(market, proposals, market.initial_prices * 1.5)
    table = review.table()
    assert list(table.index) == market.worker_names()
    costs = table["cost"].to_numpy()
    assert review.social_average == pytest.approx(table["benefit"].sum() / costs.sum())
    with pytest.raises(ValueError, match="threshold"):
        review_workplaces(market, proposals, market.initial_prices, threshold=1.5)
