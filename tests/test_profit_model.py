"""The board's smooth model of the councils: fitted to proposals, cleared by Newton's method."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from numpy.testing import assert_allclose

from solver.planning.board.excess import relative_excess
from solver.planning.board.master_blocks import WorkerColumns, worker_columns
from solver.planning.board.profit_model import ProfitModel, model_clearing_prices
from solver.planning.market import (
    elastic_supply,
    final_demand,
    simulated_proposals,
    supply_and_demand,
)
from solver.scenarios.pequod import pequod_economy, pequod_market


def small_pequod(pollutant: bool = False, seed: int = 0):  # type: ignore[no-untyped-def]
    return pequod_market(
        pequod_economy(
            n_workers=60, n_consumers=40, goods_per_category=2, pollutant=pollutant, seed=seed
        )
    )


def test_the_model_reproduces_the_proposals_and_is_exact_for_cobb_douglas_councils() -> None:
    market = small_pequod()
    rng = np.random.default_rng(1)
    prices = rng.uniform(400.0, 900.0, market.n_items)
    model = ProfitModel.fit(worker_columns(market, simulated_proposals(market, prices)), prices)
    here = model.columns(prices)
    made = worker_columns(market, simulated_proposals(market, prices))
    assert_allclose(here.use.toarray(), made.use.toarray(), atol=1e-9)
    assert_allclose(here.cost, made.cost, rtol=1e-9)
    # Hahnel's councils have a Cobb-Douglas profit function: one proposal reveals it
    elsewhere = prices * rng.uniform(0.7, 1.4, market.n_items)
    there = worker_columns(market, simulated_proposals(market, elsewhere))
    predicted = model.columns(elsewhere)
    assert_allclose(predicted.use.toarray(), there.use.toarray(), rtol=1e-8, atol=1e-9)
    assert_allclose(predicted.cost, there.cost, rtol=1e-8)


def test_a_proposal_without_profit_is_held_as_it_is() -> None:
    use = sp.csr_array(np.array([[1.0, -2.0], [1.0, -1.0]]))  # inputs minus outputs
    prices = np.array([1.0, 1.0])
    model = ProfitModel.fit(WorkerColumns(use=use, cost=np.array([0.5, 0.5])), prices)
    assert_allclose(model.profit, [0.5, 0.0])
    assert_allclose(model.held, [-1.0, 1.0])
    assert_allclose(model.theta.toarray(), [[-2.0, 4.0], [0.0, 0.0]])


def test_the_model_clearing_prices_clear_a_cobb_douglas_economy() -> None:
    market = small_pequod()
    prices = market.initial_prices.astype(float)
    proposals = simulated_proposals(market, prices)
    model = ProfitModel.fit(worker_columns(market, proposals), prices)
    n = market.n_items
    cleared = model_clearing_prices(
        model,
        market,
        final_demand(proposals, n),
        np.full(n, -1.0),
        elastic_supply(market, proposals),
        np.full(n, 0.5),
        np.full(n, 20.0),  # far from the first prices: nature and labour are abundant here
    )
    supply, demand = supply_and_demand(market, simulated_proposals(market, cleared))
    assert relative_excess(supply, demand).max() < 1e-6


def test_permit_income_moves_the_model_demand() -> None:
    # consumer councils earn from the permits they sell: the model counts that income
    market = small_pequod(pollutant=True)
    prices = market.initial_prices.astype(float)
    proposals = simulated_proposals(market, prices)
    model = ProfitModel.fit(worker_columns(market, proposals), prices)
    n = market.n_items
    args = (
        model,
        market,
        final_demand(proposals, n),
        np.full(n, -1.0),
        elastic_supply(market, proposals),
        np.full(n, 0.5),
        np.full(n, np.log(8.0)),
    )
    earned = np.asarray(proposals.consumer_requests.sum(axis=0)).ravel()
    without = model_clearing_prices(*args)
    with_income = model_clearing_prices(
        *args, earned_demand=earned, budget=float(market.consumers.budget.sum())
    )
    permit = market.items_of("permit")
    assert with_income[permit] < prices[permit]  # permits are cheaper at the clearing prices,
    goods = market.items_of("private", "public")
    assert np.all(with_income[goods] < without[goods])  # so incomes and demand for goods fall
