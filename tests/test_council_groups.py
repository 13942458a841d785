"""Councils grouped by product in the master LP: summed columns, the model's answers of a
group, and the same master optimum as with a convexity row per council."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose

import solver.planning.board.master as master_module
from solver.planning.board.council_groups import CouncilGroups, columns_apart
from solver.planning.board.master import BoardMaster
from solver.planning.board.master_blocks import WorkerColumns, worker_columns
from solver.planning.board.profit_model import ProfitModel
from solver.planning.market import Market, simulated_proposals
from solver.planning.result import PlanStatus
from solver.planning.session import PlanningSession
from solver.scenarios.pequod import pequod_economy, pequod_market


def round_of(seed: int = 0) -> tuple[Market, np.ndarray, WorkerColumns, ProfitModel]:
    """A small Pequod market, prices off its equilibrium, the worker councils' proposals
    there as columns and the board's model fitted to them."""
    market = pequod_market(pequod_economy(n_workers=60, n_consumers=60, goods_per_category=2))
    session = PlanningSession(market, "newton", tolerance=1e-3)
    while session.status is PlanStatus.RUNNING:
        session.close_round(session.simulated_proposals())
    rng = np.random.default_rng(seed)  # a few per cent off the equilibrium
    prices = session.prices * rng.uniform(0.97, 1.03, market.n_items)
    columns = worker_columns(market, simulated_proposals(market, prices))
    return market, prices, columns, ProfitModel.fit(columns, prices)


def test_groups_are_the_products_and_their_columns_the_sums_of_their_councils() -> None:
    market, _, columns, model = round_of()
    cd = market.cobb_douglas
    assert cd is not None
    groups = CouncilGroups.of(market, columns, model)
    products = np.unique(cd.product)
    assert groups.n_groups == products.size
    summed = groups.summed(columns)
    use = columns.use.toarray()
    for g, product in enumerate(products):
        mine = cd.product == product
        assert_allclose(summed.use.toarray()[g], use[mine].sum(axis=0), rtol=1e-12)
        assert summed.cost[g] == pytest.approx(columns.cost[mine].sum(), rel=1e-12)
    assert_allclose(summed.convexity().toarray(), np.eye(groups.n_groups))


def test_a_groups_model_column_is_worth_the_sum_of_its_councils_profits() -> None:
    # Hotelling: a predicted proposal at prices q is worth the council's profit at q
    # (value of net supply less the effort it states), so a group's column is worth the
    # sum of its councils' profit functions there: what its convexity row must beat
    market, prices, columns, model = round_of()
    groups = CouncilGroups.of(market, columns, model)
    elsewhere = prices * np.random.default_rng(7).uniform(0.7, 1.4, prices.size)
    best = groups.model_columns(model, elsewhere)
    worth = -(best.use @ elsewhere) - best.cost
    summing = sp.csr_array(
        (np.ones(groups.group.size), (groups.group, np.arange(groups.group.size)))
    )
    assert_allclose(worth, summing @ model.profits(elsewhere), rtol=1e-10)
    # the gain is what the columns beat the values by, summed over groups
    assert groups.gain(best, elsewhere, worth - 1.0) == pytest.approx(groups.n_groups)
    assert groups.gain(best, elsewhere, worth + 1.0) == 0.0


def test_a_council_the_model_holds_at_its_word_is_in_every_column_of_its_group() -> None:
    market, prices, columns, _ = round_of()
    # council 0 states an effort cost above what its proposal is worth: no profit to
    # extrapolate, so the model keeps its proposal as it is at any prices
    cost = columns.cost.copy()
    cost[0] = float(-(columns.use[[0]] @ prices)[0]) + 1.0
    stated = WorkerColumns(use=columns.use, cost=cost)
    model = ProfitModel.fit(stated, prices)
    assert model.profit[0] == 0.0
    groups = CouncilGroups.of(market, stated, model, by_product=False)
    assert groups.n_groups == columns.use.shape[0]
    for q in (prices, 1.3 * prices):
        best = groups.model_columns(model, q)
        assert_allclose(best.use.toarray()[0], columns.use.toarray()[0], rtol=1e-12)
        assert best.cost[0] == pytest.approx(cost[0])


def round_master(market: Market, prices: np.ndarray, blocks: list[WorkerColumns]) -> BoardMaster:
    """The master of one round over ``blocks``, its demand steps centred on the councils'
    requests at ``prices`` (elasticity -1) on a grid of 1 % steps, 40 a side."""
    proposals = simulated_proposals(market, prices)
    requests = np.asarray(proposals.consumer_requests.sum(axis=0)).ravel()
    if proposals.federation_requests is not None:
        requests = requests + np.asarray(proposals.federation_requests.sum(axis=0)).ravel()
    return BoardMaster(
        blocks,
        market,
        requests,
        np.zeros(market.n_items),
        prices,
        demand_elasticity=np.full(market.n_items, -1.0),
        permit_elasticity=np.full(market.n_items, 0.5),
        grid_ratio=1.01,
        grid_steps=40,
    )


def generated_master(
    market: Market,
    prices: np.ndarray,
    columns: WorkerColumns,
    model: ProfitModel,
    *,
    by_product: bool,
) -> BoardMaster:
    """The master of one round after column generation over the model to a gap of 1e-9."""
    groups = CouncilGroups.of(market, columns, model, by_product=by_product)
    # the model's answers around the prices as first columns, so that every resource is
    # priced from the first solve (with the proposals alone it is in excess, priced 0)
    around = prices * np.random.default_rng(1).uniform(0.6, 1.6, (20, prices.size))
    master = round_master(
        market,
        prices,
        [groups.summed(columns), *(groups.model_columns(model, q) for q in around)],
    )
    for _ in range(200):
        result = master.solve()
        assert result.termination.value == "optimal"
        duals = np.maximum(result.prices, 0.25 * prices)  # a free input: no finite answer
        best = groups.model_columns(model, duals)
        gain = groups.gain(best, duals, master.council_values)
        closed = gain <= 1e-9 * np.abs(master.council_values).sum()
        if closed and np.array_equal(duals, result.prices):
            return master
        master.add_workers(best)
    raise AssertionError("column generation did not close its gap in 200 passes")


def test_the_group_master_reaches_the_optimum_of_the_master_of_councils() -> None:
    # Dantzig-Wolfe with aggregated blocks: a group's best answer to the duals is the sum
    # of its councils' best answers, so column generation over groups ends at the optimum
    # of the same problem as over councils (the LP of the model's production sets and
    # the demand steps)
    market, prices, columns, model = round_of()
    grouped = generated_master(market, prices, columns, model, by_product=True)
    councils = generated_master(market, prices, columns, model, by_product=False)
    assert grouped.n_units < councils.n_units
    assert grouped.objective == pytest.approx(councils.objective, rel=1e-7)


def test_columns_apart_keeps_a_groups_proposals_only_where_they_differ_from_the_reference() -> None:
    # group 0: use (3, 4) at cost 0 against (3, 4.01): 0.01 apart on a size of 5, 0.2 %;
    # group 1: use (1, 0) at cost 1 against cost 1.02: 0.02 on a size of sqrt 2, 1.4 %;
    # group 2: the same column
    columns = WorkerColumns(
        use=sp.csr_array(np.array([[3.0, 4.0], [1.0, 0.0], [2.0, -1.0]])),
        cost=np.array([0.0, 1.0, 0.5]),
        unit=np.arange(3),
        n_units=3,
    )
    reference = WorkerColumns(
        use=sp.csr_array(np.array([[3.0, 4.01], [1.0, 0.0], [2.0, -1.0]])),
        cost=np.array([0.0, 1.02, 0.5]),
        unit=np.arange(3),
        n_units=3,
    )
    kept = columns_apart(columns, reference, 1e-3)
    assert kept.unit is not None and kept.unit.tolist() == [0, 1]
    assert kept.n_units == 3
    assert_allclose(kept.use.toarray(), [[3.0, 4.0], [1.0, 0.0]])
    assert_allclose(kept.cost, [0.0, 1.0])
    assert columns_apart(columns, reference, 1e-2).unit.tolist() == [1]
    assert columns_apart(columns, reference, 0.1).use.shape == (0, 2)
    with pytest.raises(ValueError, match="same groups"):
        shuffled = WorkerColumns(reference.use, reference.cost, np.array([2, 1, 0]), 3)
        columns_apart(columns, shuffled, 0.1)


@pytest.mark.parametrize("seed", [0, 1])
def test_a_master_first_solved_near_its_crash_prices_ends_at_the_whole_masters_optimum(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the steps held out at their crash bounds in the first simplex are let back in: the
    # whole master's objective is reached, whatever the band
    market, prices, columns, model = round_of(seed)
    groups = CouncilGroups.of(market, columns, model)
    objectives = []
    for band in (1, 10**6):
        monkeypatch.setattr(master_module, "NEAR_STEPS", band)
        master = round_master(
            market, prices, [groups.summed(columns), groups.model_columns(model, prices)]
        )
        assert master.solve().termination.value == "optimal"
        objectives.append(master.objective)
    assert objectives[0] == pytest.approx(objectives[1], rel=1e-9)
