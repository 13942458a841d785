"""Which councils keep which items from clearing: their parts add up to the round's excess."""

from __future__ import annotations

import numpy as np
import pytest

from solver import load_example
from solver.planning.board.holding_back import MOST_ITEMS, holding_back
from solver.planning.from_economy import market_from_economy
from solver.planning.market import simulated_proposals, supply_and_demand


def test_councils_on_the_side_of_an_excess_are_named_with_their_parts() -> None:
    market = market_from_economy(load_example("planning-town"))
    prices = market.initial_prices * np.where(np.array(market.labels) == "bread", 1.5, 1.0)
    proposals = simulated_proposals(market, prices)
    supply, demand = supply_and_demand(market, proposals)
    expected = proposals.linear_activity * 0.5  # what a rule might expect next round
    held = holding_back(market, proposals, prices, supply, demand, 0.01, expected)
    assert held, "bread at 1.5 x its cost price is out of tolerance"
    lin = market.linear
    assert lin is not None
    labels = market.labels
    per_unit = (lin.outputs - lin.inputs).toarray()
    for council, entries in held.items():
        assert 1 <= len(entries) <= MOST_ITEMS
        relative = [e["relative_excess"] for e in entries]
        assert relative == sorted(relative, reverse=True)
        for e in entries:
            i = labels.index(e["item"])
            assert e["excess"] == pytest.approx(supply[i] - demand[i])
            assert np.sign(e["part"]) == np.sign(e["excess"])  # it pushes the excess
            if council in market.worker_names():
                own = lin.council == market.worker_names().index(council)
                x = proposals.linear_activity[own]
                assert e["part"] == pytest.approx(float(x @ per_unit[own, i]))
                assert e["expected"] == pytest.approx(0.5 * e["part"])
            else:  # a consumer council or federation: what it asks for
                assert e["part"] < 0 and "expected" not in e
    # bread is in excess supply at that price: the bakery is among those named for it
    assert any(e["item"] == "bread" for e in held["bakery"])


def test_nothing_is_held_back_when_every_item_clears() -> None:
    market = market_from_economy(load_example("planning-town"))
    proposals = simulated_proposals(market, market.initial_prices)
    supply, _ = supply_and_demand(market, proposals)
    # the same quantities on both sides: every excess is zero
    assert holding_back(market, proposals, market.initial_prices, supply, supply, 0.01) == {}


def test_one_council_alone_gets_its_own_entries() -> None:
    market = market_from_economy(load_example("planning-town"))
    prices = market.initial_prices * np.where(np.array(market.labels) == "bread", 1.5, 1.0)
    proposals = simulated_proposals(market, prices)
    supply, demand = supply_and_demand(market, proposals)
    every = holding_back(market, proposals, prices, supply, demand, 0.01)
    alone = holding_back(market, proposals, prices, supply, demand, 0.01, only="bakery")
    assert alone == {"bakery": every["bakery"]}
    assert holding_back(market, proposals, prices, supply, demand, 0.01, only="nobody") == {}
