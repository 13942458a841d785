"""Remuneration by effort and sacrifice: ratings, and the budgets planning takes from them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from solver.economy import load_economy
from solver.economy_market import market_from_economy
from solver.job_balance import balance_society
from solver.jobs import parse_society
from solver.planning import run_planning
from solver.remuneration import economy_with_ratings, effort_ratings, member_budgets

TOWN = Path(__file__).resolve().parent.parent / "solver" / "examples" / "planning_town.json"


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
    complexes = {c.member: c for c in result.complexes}
    worse = result.target[1] - complexes["bob"].desirability
    # pretend bob's complex is 0.2 less desirable than the balanced level
    object.__setattr__(complexes["bob"], "desirability", result.target[1] - 0.2 - worse)
    ratings = effort_ratings(society, result, premium=1.0)
    assert ratings["bob"] == pytest.approx(1.2 * ratings["ann"], rel=1e-6)


def test_a_planning_session_takes_its_budgets_from_effort_ratings() -> None:
    economy = load_economy(TOWN)
    ratings = effort_ratings(parse_society(bakery()))
    doubled = dict(ratings, ann=2 * ratings["ann"])
    once = member_budgets(economy, parse_society(bakery()), ratings)
    twice = member_budgets(economy, parse_society(bakery()), doubled)
    # doubling ann's rating doubles her share against every member whose rating is unchanged
    for other in ("bob", "cy"):
        assert twice["ann"] / twice[other] == pytest.approx(2 * once["ann"] / once[other])
    # and the planning market's budgets are those members' budgets
    market = market_from_economy(economy_with_ratings(economy, parse_society(bakery()), doubled))
    north = market.consumer_names().index("north-cc")
    federation_share = 0.0  # north's federation buys no public good (planning_town.json)
    assert market.consumers.budget[north] == pytest.approx(
        (twice["ann"] + twice["bob"]) * (1 - federation_share)
    )
    # ann's council is richer than with her old rating; the plan follows
    before = run_planning(
        market_from_economy(economy_with_ratings(economy, parse_society(bakery()), ratings)), "lp"
    )
    after = run_planning(market, "lp")
    assert before.converged and after.converged
    bread = market.labels.index("bread")
    north_bread = [r.proposals.consumer_requests.toarray()[north, bread] for r in (before, after)]
    assert north_bread[1] > north_bread[0]
    assert np.isfinite(north_bread).all()


def test_a_member_of_an_unknown_consumer_council_is_named() -> None:
    data = bakery()
    data["members"][0]["consumer_council"] = "atlantis"
    from solver.economy import EconomyValidationError

    with pytest.raises(EconomyValidationError, match=r"members\[0\].consumer_council"):
        economy_with_ratings(load_economy(TOWN), parse_society(data), {"ann": 1, "bob": 1, "cy": 1})
