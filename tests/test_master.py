"""The board's master LP: its duals clear the board's model of the economy."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose
from test_session import one_good

from solver.economy.model import load_economy, parse_economy
from solver.planning.board.dual_function import dual_value
from solver.planning.board.master import BoardMaster, MasterLPResult, solve_master_lp
from solver.planning.board.master_blocks import (
    EDGE_STEPS,
    WorkerColumns,
    technique_grid,
    technique_steps,
    worker_columns,
)
from solver.planning.councils import linear_supply
from solver.planning.from_economy import market_from_economy
from solver.planning.market import (
    Market,
    elastic_supply,
    final_demand,
    simulated_proposals,
    supply_and_demand,
)
from solver.scenarios.pequod import pequod_economy, pequod_market

EXAMPLES = Path(__file__).resolve().parents[1] / "solver" / "scenarios" / "examples"


def board_prices(
    market: Market, prices: np.ndarray, grid_ratio: float, grid_steps: int = 40
) -> MasterLPResult:
    """One board LP over the simulated proposals at ``prices``, Cobb-Douglas demand."""
    proposals = simulated_proposals(market, prices)
    return solve_master_lp(
        [],
        market,
        final_demand(proposals, market.n_items),
        elastic_supply(market, proposals),
        prices,
        demand_elasticity=np.full(market.n_items, -1.0),
        permit_elasticity=np.full(market.n_items, 0.5),
        grid_ratio=grid_ratio,
        grid_steps=grid_steps,
    )


def test_duals_at_the_equilibrium_proposals_are_the_equilibrium_prices() -> None:
    # one_good: bread at p = 1, labour at w = 0.75 clear the market (closed form)
    market = market_from_economy(parse_economy(one_good()))
    prices = np.array([1.0, 0.75])
    proposals = simulated_proposals(market, prices)
    assert_allclose(proposals.consumer_requests.toarray(), [[100.0, 0.0]])
    assert_allclose(proposals.linear_activity, [100.0])
    result = board_prices(market, prices, grid_ratio=1.001)
    assert result.termination.value == "optimal"
    assert_allclose(result.prices, prices, rtol=2e-3)


def test_from_wrong_prices_the_duals_point_to_the_equilibrium() -> None:
    # demand and supply curves are exact for these councils, so one LP from prices a few
    # per cent off lands within the grid's precision of the closed-form equilibrium, as
    # long as that lies inside the trust region (the technique's margin 0.28 +- 22 %)
    market = market_from_economy(parse_economy(one_good()))
    prices = np.array([1.02, 0.74])
    result = board_prices(market, prices, grid_ratio=1.001, grid_steps=200)
    assert_allclose(result.prices, [1.0, 0.75], rtol=3e-3)


def test_technique_steps_follow_the_councils_supply_at_the_grid_points() -> None:
    market = market_from_economy(parse_economy(one_good()))
    lin = market.linear
    assert lin is not None
    prices = np.array([1.0, 0.9])  # margin 0.1: 40 % of capacity; turnover 1.9
    grid = technique_grid(5, 0.05)  # price moves up to 5 %: margins 0.1 +- 0.1
    steps = technique_steps(market, prices, grid)
    assert steps is not None
    assert steps.use.shape == (2, 1)  # one activity column for the one technique
    assert_allclose(steps.use.toarray()[:, 0], [-1.0, 1.0])  # makes bread, uses labour
    # EDGE_STEPS pieces up to the grid, the grid's steps, EDGE_STEPS pieces to capacity
    assert_allclose(steps.technique, np.zeros(EDGE_STEPS + grid.size - 1 + EDGE_STEPS))
    # activity offered up to each grid margin equals the council's own supply there
    margins = 0.1 + 1.9 * grid
    supplied = [linear_supply(lin, np.array([0.9 + m, 0.9]))[0] for m in margins]
    offered = np.cumsum(steps.upper)[EDGE_STEPS - 1 : EDGE_STEPS - 1 + grid.size]
    assert_allclose(offered, supplied, rtol=1e-12)
    assert (np.diff(steps.cost) > 0).all()  # rising marginal effort cost
    # every step, from idle to capacity, at the marginal effort cost E x / K of its
    # midpoint: the steps' total cost is the council's effort cost E x^2 / (2 K) exactly
    assert np.sum(steps.upper) == pytest.approx(lin.capacity[0], rel=1e-12)
    mid = np.cumsum(steps.upper) - steps.upper / 2
    effort, capacity = lin.effort_at_capacity[0], lin.capacity[0]
    assert_allclose(steps.cost, effort * mid / capacity, rtol=1e-12)
    for k in range(1, steps.upper.size + 1):
        x = np.sum(steps.upper[:k])
        assert np.dot(steps.cost[:k], steps.upper[:k]) == pytest.approx(
            float(lin.effort_cost(np.array([x]))[0]), rel=1e-12
        )


@pytest.mark.parametrize("bread", [0.5, 0.89, 1.0, 1.1, 1.3])
def test_every_margin_the_window_reaches_is_a_step_boundary(bread: float) -> None:
    """Idle, about to start, partly used, about to reach capacity, at capacity: at the
    widest margin each move of the grid allows (bread up, labour down by it), the
    council's supply is where a step ends."""
    market = market_from_economy(parse_economy(one_good()))
    lin = market.linear
    assert lin is not None
    prices = np.array([bread, 0.9])
    grid = technique_grid(10, 0.05)
    steps = technique_steps(market, prices, grid)
    assert steps is not None
    ends = np.concatenate([[0.0], np.cumsum(steps.upper)])
    for move in grid:
        supplied = linear_supply(lin, prices * np.array([1.0 + move, 1.0 - move]))[0]
        assert np.min(np.abs(ends - supplied)) < 1e-9 * lin.capacity[0]
    assert ends[-1] == pytest.approx(lin.capacity[0], rel=1e-12)


def test_a_technique_idle_throughout_the_window_has_only_the_coarse_pieces() -> None:
    # margin -0.4 at turnover 1.4: no move of 5 % makes it pay, so its grid collapses at 0
    market = market_from_economy(parse_economy(one_good()))
    lin = market.linear
    assert lin is not None
    steps = technique_steps(market, np.array([0.5, 0.9]), technique_grid(10, 0.05))
    assert steps is not None
    capacity, effort = lin.capacity[0], lin.effort_at_capacity[0]
    assert_allclose(steps.upper, np.full(EDGE_STEPS, capacity / EDGE_STEPS))
    assert steps.cost[0] == pytest.approx(effort / (2 * EDGE_STEPS))


def test_technique_grid_is_fine_at_the_centre_and_reaches_a_factor_8() -> None:
    grid = technique_grid(40)
    assert grid.size == 81
    assert grid[0] == pytest.approx(1 / 8 - 1) and grid[-1] == pytest.approx(7.0)
    assert grid[40] == 0.0
    steps = np.diff(np.log1p(grid))
    assert steps[40] == pytest.approx(np.log(8) / 1600)  # 0.13 % beside the centre
    assert steps[-1] == pytest.approx(np.log(8) * 79 / 1600)  # about 10 % at the edge


def test_worker_columns_hold_inputs_minus_outputs_and_stated_effort() -> None:
    market = pequod_market(pequod_economy(n_workers=30, n_consumers=30, goods_per_category=2))
    prices = market.initial_prices
    proposals = simulated_proposals(market, prices)
    cols = worker_columns(market, proposals)
    cd, prop = market.cobb_douglas, proposals.cobb_douglas
    assert cd is not None and prop is not None
    use = cols.use.toarray()
    own_input = prop.inputs.toarray()[np.arange(cd.n), cd.product]
    assert_allclose(use[np.arange(cd.n), cd.product], own_input - prop.output)
    assert_allclose(use.sum(axis=1) + prop.output, np.asarray(prop.inputs.sum(axis=1)).ravel())
    assert_allclose(cols.cost, cd.s * prop.effort**cd.k)
    with pytest.raises(ValueError, match="proposals"):
        from solver.planning.market import Proposals

        worker_columns(market, Proposals(consumer_requests=proposals.consumer_requests))


def test_the_dual_function_has_the_excess_supply_as_gradient() -> None:
    # Hotelling: each council's best answer makes dL/dp_i = supply_i - demand_i
    market = market_from_economy(load_economy(EXAMPLES / "germany_1995_planning.json"))
    rng = np.random.default_rng(0)
    prices = market.initial_prices * np.exp(rng.normal(0.0, 0.1, market.n_items))
    eps = np.full(market.n_items, 0.5)
    supply, demand = supply_and_demand(market, simulated_proposals(market, prices))
    base = dual_value(market, simulated_proposals(market, prices), prices, eps)
    gradient = np.empty(market.n_items)
    for i in range(market.n_items):
        step = prices.copy()
        step[i] *= 1 + 1e-6
        value = dual_value(market, simulated_proposals(market, step), step, eps)
        gradient[i] = (value - base) / (step[i] - prices[i])
    assert_allclose(gradient, supply - demand, rtol=1e-4, atol=1e-6 * supply.max())


def small_master(market: Market, prices: np.ndarray, history: list[WorkerColumns]) -> BoardMaster:
    proposals = simulated_proposals(market, prices)
    n = market.n_items
    return BoardMaster(
        history,
        market,
        final_demand(proposals, n),
        elastic_supply(market, proposals),
        prices,
        demand_elasticity=np.full(n, -1.0),
        permit_elasticity=np.full(n, 0.5),
        grid_ratio=1.01,
    )


def test_columns_added_to_the_master_solve_as_if_they_had_been_there_from_the_start() -> None:
    market = pequod_market(pequod_economy(n_workers=30, n_consumers=30, goods_per_category=2))
    prices = market.initial_prices.astype(float)
    first = worker_columns(market, simulated_proposals(market, prices))
    elsewhere = prices * np.random.default_rng(3).uniform(0.7, 1.3, market.n_items)
    second = worker_columns(market, simulated_proposals(market, elsewhere))
    grown = small_master(market, prices, [first])
    grown.solve()
    grown.add_workers(second)
    added = grown.solve()
    whole = small_master(market, prices, [first, second])
    from_scratch = whole.solve()
    assert added.termination.value == from_scratch.termination.value == "optimal"
    assert added.n_cols == from_scratch.n_cols
    assert_allclose(added.prices, from_scratch.prices, rtol=1e-6)
    assert_allclose(grown.council_values, whole.council_values, rtol=1e-6, atol=1e-6)
    # complementary slackness: a council's value is the best profit among its columns at
    # the duals (zero when the master does not use it at all)
    profits = np.column_stack([-(c.use @ added.prices) - c.cost for c in (first, second)]).max(
        axis=1
    )
    assert_allclose(grown.council_values, np.maximum(profits, 0.0), rtol=1e-6, atol=1e-3)
    with pytest.raises(ValueError, match="columns: expected"):
        grown.add_workers(WorkerColumns(use=first.use[:3], cost=first.cost[:3]))


def test_columns_idle_for_three_solves_are_dropped_and_the_duals_stay() -> None:
    market = pequod_market(pequod_economy(n_workers=30, n_consumers=30, goods_per_category=2))
    prices = market.initial_prices.astype(float)
    first = worker_columns(market, simulated_proposals(market, prices))
    master = small_master(market, prices, [first])
    base = master.solve()
    # the same proposals at a prohibitive effort cost: never worth using
    master.add_workers(WorkerColumns(use=first.use, cost=first.cost + 1e9))
    dropped = []
    for _ in range(3):
        result = master.solve()
        assert_allclose(result.prices, base.prices, rtol=1e-6)
        dropped.append(master.drop_unused_workers())
    assert dropped == [0, 0, master.n_units]
    assert master.n_cols == base.n_cols
    assert_allclose(master.solve().prices, base.prices, rtol=1e-6)
