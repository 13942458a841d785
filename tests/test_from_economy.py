"""The planning market of an economy: budgets from effort ratings, items, validation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from numpy.testing import assert_allclose

from solver.economy.budgets import consumer_budgets
from solver.economy.model import EconomyValidationError, load_economy, parse_economy
from solver.planning.from_economy import market_from_economy

EXAMPLES = Path(__file__).resolve().parents[1] / "solver" / "scenarios" / "examples"


def town(**changes: Any) -> dict[str, Any]:
    data = load_economy(EXAMPLES / "planning_town.json").model_dump(mode="json")
    data.update(changes)
    return data


def test_twice_the_effort_rating_gives_twice_the_budget() -> None:
    data = town()
    data["consumer_councils"] = [
        {
            "id": "a",
            "members": 10,
            "effort_rating": 1.0,
            "federation": "south",
            "preferences": {"bread": 1},
        },
        {
            "id": "b",
            "members": 10,
            "effort_rating": 2.0,
            "federation": "south",
            "preferences": {"bread": 1},
        },
        {
            "id": "c",
            "members": 20,
            "effort_rating": 0.5,
            "federation": "north",
            "preferences": {"bread": 1},
        },
    ]
    budgets = consumer_budgets(parse_economy(data))
    assert budgets.income[1] == pytest.approx(2 * budgets.income[0])
    assert budgets.private[1] == pytest.approx(2 * budgets.private[0])
    # rating x members: c has half the rating and twice the members of a
    assert budgets.income[2] == pytest.approx(budgets.income[0])
    # incomes share out the value of the social product (1,000 hours of labour) ...
    assert budgets.income.sum() == pytest.approx(1000.0)
    # ... and the south federation takes 10 % of its members' incomes for the park
    assert budgets.federation.tolist() == pytest.approx(
        [0.0, 0.0, 0.1 * (budgets.income[0] + budgets.income[1])]
    )
    assert budgets.private[:2] == pytest.approx(0.9 * budgets.income[:2])
    assert budgets.private[2] == pytest.approx(budgets.income[2])


def test_doubling_a_rating_doubles_that_councils_share_in_a_session() -> None:
    base = market_from_economy(parse_economy(town()))
    data = town()
    data["consumer_councils"][0]["effort_rating"] *= 2
    doubled = market_from_economy(parse_economy(data))
    share = base.consumers.budget / base.consumers.budget.sum()
    share2 = doubled.consumers.budget / doubled.consumers.budget.sum()
    # north-cc (rating 1, no federation share) and south-cc (rating 1.2, pays 10 %)
    assert share[0] / share[1] == pytest.approx(1.0 / (1.2 * 0.9))
    assert share2[0] / share2[1] == pytest.approx(2 * share[0] / share[1])


def test_market_items_and_techniques_follow_the_economy() -> None:
    market = market_from_economy(load_economy(EXAMPLES / "planning_town.json"))
    assert market.labels == [
        "bread",
        "clothes",
        "steel",
        "park",
        "labour",
        "land",
        "permit:smoke@city",
    ]
    assert market.kinds == [
        "private",
        "private",
        "intermediate",
        "public",
        "labour",
        "natural_resource",
        "permit",
    ]
    assert_allclose(market.fixed_supply, [0, 0, 0, 0, 1000, 30, 15])
    lin = market.linear
    assert lin is not None
    coal = market.technique_ids.index("steel-coal") if market.technique_ids else -1
    # steel-coal: 1 steel from 2 h and a smoke permit of the city cap (the council is in it)
    assert_allclose(lin.outputs.toarray()[coal], [0, 0, 1, 0, 0, 0, 0])
    assert_allclose(lin.inputs.toarray()[coal], [0, 0, 0, 0, 2, 0, 1])
    # first prices: cost prices (labour values), so steel costs 2 h and bread 1.2 h
    assert market.initial_prices[2] == pytest.approx(2.0)
    assert market.initial_prices[0] == pytest.approx(1.2)
    # effort cost at capacity: half the cost of its goods and primary inputs (2 h)
    assert lin.effort_at_capacity[coal] == pytest.approx(0.5 * 2.0)


def test_planning_needs_finite_capacities_availabilities_and_preferences() -> None:
    data = town()
    data["primary_inputs"][1]["availability"] = None
    del data["worker_councils"][1]["techniques"][0]["capacity"]
    data["consumer_councils"][0]["preferences"] = {}
    with pytest.raises(EconomyValidationError) as err:
        market_from_economy(parse_economy(data))
    fields = [p.field for p in err.value.problems]
    assert fields == [
        "primary_inputs[1].availability",
        "worker_councils[1].techniques[0].capacity",
        "consumer_councils[0].preferences",
    ]


def test_preferences_name_known_goods_of_the_right_kind() -> None:
    data = town()
    data["consumer_councils"][0]["preferences"] = {"bred": 1, "park": 1}
    data["federations"][2]["public_preferences"] = {"bread": 1}
    with pytest.raises(EconomyValidationError) as err:
        parse_economy(data)
    messages = {p.field: p.message for p in err.value.problems}
    assert "unknown good" in messages["consumer_councils[0].preferences['bred']"]
    assert "public" in messages["consumer_councils[0].preferences['park']"]
    assert "not public" in messages["federations[2].public_preferences['bread']"]


def test_federation_shares_must_leave_members_an_income() -> None:
    data = town()
    data["federations"][0]["budget_share"] = 0.6
    data["federations"][2]["budget_share"] = 0.5
    with pytest.raises(EconomyValidationError, match=r"consumer_councils\[1\].federation"):
        consumer_budgets(parse_economy(data))


def test_uniform_first_prices_are_available() -> None:
    market = market_from_economy(
        load_economy(EXAMPLES / "planning_town.json"), initial_prices="uniform"
    )
    assert np.all(market.initial_prices == 1.0)
    with pytest.raises(ValueError, match="initial_prices"):
        market_from_economy(load_economy(EXAMPLES / "planning_town.json"), initial_prices="zero")
