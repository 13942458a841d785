"""Remuneration by effort and sacrifice: ratings, and the budgets planning takes from them."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from solver.economy.model import load_economy
from solver.jobs.balance import balance_society
from solver.jobs.remuneration import economy_with_ratings, effort_ratings, member_budgets
from solver.jobs.workplaces import parse_society
from solver.planning.from_economy import market_from_economy
from solver.planning.session import run_planning

TOWN = (
    Path(__file__).resolve().parent.parent
    / "solver"
    / "scenarios"
    / "examples"
    / "planning_town.json"
)


def bakery(ann_rating: float | None = None) -> dict[str, Any]:
    """Planning-town's bakery: ann and bob in the north council, cy in the south."""
    return {
        "id": "bakery",
        "tasks": [
            {"id": "knead", "hours": 30, "empowerment": 3, "desirability": 4},
            {"id": "plan", "hours": 10, "empowerment": 9, "desirability": 7},
            {"id": "clean", "hours": 20, "empowerment": 1, "desirability": 1},
        ],
        "members": [
            {"id": "ann", "hours": 20, "consumer_council": "north-cc", "effort_rating": ann_rating},
            {"id": "bob", "hours": 20, "consumer_council": "north-cc"},
            {"id": "cy", "hours": 20, "consumer_council": "south-cc", "intensity": 1.5},
        ],
    }


def test_derived_ratings_follow_hours_and_intensity() -> None:
    society = parse_society(bakery())
    ratings = effort_ratings(society, balance_society(society))
    # balanced complexes, equal hours: the ratings are the intensities
    assert ratings == pytest.approx({"ann": 1.0, "bob": 1.0, "cy": 1.5}, rel=1e-6)


def test_an_undesirable_complex_earns_its_sacrifice() -> None:
    society = parse_society(bakery())
    result = balance_society(society)
    bob = next(c for c in result.complexes if c.member == "bob")
    # bob's complex 0.2 less desirable than the balanced level, the rest as balanced
    duller = replace(bob, desirability=result.target[1] - 0.2)
    complexes = [duller if c.member == "bob" else c for c in result.complexes]
    ratings = effort_ratings(society, [replace(result.workplaces[0].result, complexes=complexes)])
    assert ratings["bob"] == pytest.approx(1.2 * ratings["ann"], rel=1e-6)


def test_a_planning_session_takes_its_budgets_from_effort_ratings() -> None:
    economy = load_economy(TOWN)
    society = parse_society(bakery())
    ratings = effort_ratings(society)
    doubled = dict(ratings, ann=2 * ratings["ann"])
    markets = [
        market_from_economy(economy_with_ratings(economy, society, r)) for r in (ratings, doubled)
    ]
    north, south = (markets[0].consumer_names().index(c) for c in ("north-cc", "south-cc"))
    south_fed = 0.1  # south's federation spends 10 % on the park (planning_town.json)

    def incomes(market):  # type: ignore[no-untyped-def]
        budget = market.consumers.budget
        return budget[north], budget[south] / (1 - south_fed)

    (n1, s1), (n2, s2) = incomes(markets[0]), incomes(markets[1])
    # the planning market's incomes are the members' ratings times one value per point:
    # north-cc (ann + bob) against south-cc (cy)
    assert n1 / s1 == pytest.approx((ratings["ann"] + ratings["bob"]) / ratings["cy"])
    assert n2 / s2 == pytest.approx((doubled["ann"] + doubled["bob"]) / doubled["cy"])
    # ann's own budget: her part of north-cc's income; doubling her rating doubles it
    # against cy, whose rating is unchanged
    ann = [n * r["ann"] / (r["ann"] + r["bob"]) for n, r in ((n1, ratings), (n2, doubled))]
    assert (ann[1] / s2) == pytest.approx(2 * ann[0] / s1)
    assert member_budgets(economy, society, doubled)["ann"] == pytest.approx(ann[1])
    # and the plan follows: ann's council asks for more bread
    plans = [run_planning(m, "lp") for m in markets]
    assert all(p.converged for p in plans)
    bread = markets[0].labels.index("bread")
    asked = [p.proposals.consumer_requests.toarray()[north, bread] for p in plans]
    assert asked[1] > asked[0]


def test_members_of_a_workplace_that_cannot_be_balanced_keep_a_rating() -> None:
    data = bakery()
    data["tasks"][0]["qualifications"] = ["baker"]  # nobody is a baker
    society = parse_society(data)
    ratings = effort_ratings(society, balance_society(society))
    assert all(np.isfinite(r) and r > 0 for r in ratings.values())
    budgets = member_budgets(load_economy(TOWN), society, ratings)
    assert all(np.isfinite(b) and b > 0 for b in budgets.values())


def test_a_member_of_an_unknown_consumer_council_is_named() -> None:
    data = bakery()
    data["members"][0]["consumer_council"] = "atlantis"
    from solver.economy.model import EconomyValidationError

    with pytest.raises(EconomyValidationError, match=r"members\[0\].consumer_council"):
        economy_with_ratings(load_economy(TOWN), parse_society(data), {"ann": 1, "bob": 1, "cy": 1})
