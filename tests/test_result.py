"""A plan's labelled tables: they add up as the board adds up the proposals, and agree with the
plan's JSON."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

import solver
from solver.planning.market import elastic_supply


@pytest.fixture(scope="module", params=["planning-town", "usa-2014-planning"])
def linear(request: pytest.FixtureRequest) -> solver.PlanResult:
    return solver.plan(solver.load_example(request.param), rule="lp", max_rounds=5)


@pytest.fixture(scope="module")
def pequod() -> solver.PlanResult:
    market = solver.pequod_market(solver.pequod_economy(270, 270, 3, pollutant=True, seed=0))
    return solver.plan(market, rule="newton", tolerance=0.03, max_rounds=5)


def _balance(result: solver.PlanResult) -> np.ndarray:
    """Fixed and offered supply + councils' net production - their consumption, per item."""
    market, items = result.market, result.items
    net = result.production.sum(axis=0).reindex(items.index, fill_value=0.0)
    used = result.consumption.sum(axis=0).reindex(items.index, fill_value=0.0)
    offered = market.fixed_supply + elastic_supply(market, result.proposals)
    return offered + net.to_numpy(dtype=float) - used.to_numpy(dtype=float)


def test_items_excess_is_production_less_consumption(linear: solver.PlanResult) -> None:
    items = linear.items
    np.testing.assert_allclose(_balance(linear), items["excess"], rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(items["excess"], items["supply"] - items["demand"], atol=1e-12)


def test_the_same_holds_for_cobb_douglas_councils_and_permit_sellers(
    pequod: solver.PlanResult,
) -> None:
    items = pequod.items
    np.testing.assert_allclose(_balance(pequod), items["excess"], rtol=1e-9, atol=1e-9)
    assert pequod.activity.empty  # these councils propose quantities, not techniques
    assert (pequod.production.sum(axis=1) != 0).all()


def test_tables_agree_with_the_plan_json(linear: solver.PlanResult) -> None:
    summary = linear.to_dict()
    items = linear.items
    assert list(items.index) == linear.market.labels
    for row in summary["items"]:
        got = items.loc[row["item"]]
        assert (got["kind"], got["price"], got["supply"], got["demand"]) == (
            row["kind"],
            row["price"],
            row["supply"],
            row["demand"],
        )
    assert linear.activity.to_dict() == summary["plan"]["activities"]
    totals = linear.consumption.loc[linear.market.consumer_names()].sum(axis=0)
    for good, quantity in summary["plan"]["consumption"].items():
        assert totals[good] == pytest.approx(quantity, rel=1e-12)
    history = linear.history
    assert list(history.index) == list(range(1, len(linear.rounds) + 1))
    assert list(history["max_excess"]) == [r["max_excess"] for r in summary["history"]]
    assert linear.price_history().loc[len(linear.rounds)].equals(linear.prices)


def test_units_come_from_the_economy_and_free_items_are_marked() -> None:
    town = solver.load_example("planning-town")
    result = solver.plan(town)
    units = result.items["unit"]
    assert units["bread"] == next(g.unit for g in town.goods if g.id == "bread")
    assert units["labour"] == next(p.unit for p in town.primary_inputs if p.id == "labour")
    assert units["permit:smoke@city"] == next(p.unit for p in town.pollutants if p.id == "smoke")
    free = result.items.query("free")
    assert (free["excess"] > 0).all()
    assert (free["price"] <= result.tolerance * result.items["price"].mean()).all()


def test_every_table_writes_csv_that_pandas_reads_back(linear: solver.PlanResult) -> None:
    for table in (linear.items, linear.history, linear.activity, linear.prices):
        back = pd.read_csv(io.StringIO(table.to_csv()), index_col=0)
        assert list(back.index.astype(str)) == [str(i) for i in table.index]
    consumption = pd.read_csv(io.StringIO(linear.consumption.to_csv()), index_col=0)
    np.testing.assert_allclose(consumption.to_numpy(), linear.consumption.to_numpy(dtype=float))
