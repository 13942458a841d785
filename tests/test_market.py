"""The board's aggregation and evaluation of proposals."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose

from solver.economy.model import load_economy
from solver.planning.board.evaluation import evaluate
from solver.planning.from_economy import market_from_economy
from solver.planning.market import (
    ProposalError,
    Proposals,
    check_proposals,
    simulated_proposals,
    supply_and_demand,
)
from solver.planning.session import PlanningSession
from solver.scenarios.pequod import pequod_economy, pequod_market

EXAMPLES = Path(__file__).resolve().parents[1] / "solver" / "scenarios" / "examples"


def test_supply_and_demand_add_up_the_proposals() -> None:
    market = market_from_economy(load_economy(EXAMPLES / "planning_town.json"))
    prices = market.initial_prices
    p = simulated_proposals(market, prices)
    supply, demand = supply_and_demand(market, p)
    lin = market.linear
    assert lin is not None and p.linear_activity is not None and p.federation_requests is not None
    x = p.linear_activity
    assert_allclose(supply, market.fixed_supply + lin.outputs.T @ x)
    expected = (
        lin.inputs.T @ x
        + np.asarray(p.consumer_requests.sum(axis=0)).ravel()
        + np.asarray(p.federation_requests.sum(axis=0)).ravel()
    )
    assert_allclose(demand, expected)
    # simulated councils spend exactly their budgets
    ev = evaluate(market, p, prices, tolerance=1e-9)
    assert_allclose(ev.consumer_budget_use, 1.0)
    assert_allclose(ev.federation_budget_use[ev.federation_budget > 0], 1.0)
    assert ev.rejected == 0


def test_worker_councils_pass_when_benefit_covers_cost() -> None:
    market = market_from_economy(load_economy(EXAMPLES / "planning_town.json"))
    prices = market.initial_prices
    p = simulated_proposals(market, prices)
    ev = evaluate(market, p, prices, tolerance=0.0)
    active = ~np.isnan(ev.worker_ratio)
    assert (ev.worker_ratio[active] >= 1.0).all()
    # a council told to run its technique at a loss is rejected
    lin = market.linear
    assert lin is not None
    losing = prices.copy()
    losing[0] = 0.5 * (lin.inputs @ prices)[lin.council == 1][0]  # bread below its cost
    forced = Proposals(
        consumer_requests=p.consumer_requests,
        federation_requests=p.federation_requests,
        linear_activity=lin.capacity.copy(),
    )
    ev = evaluate(market, forced, losing, tolerance=0.01)
    bakery = (market.worker_ids or []).index("bakery")
    assert not ev.worker_approved[bakery] and ev.worker_ratio[bakery] < 1


def test_permit_income_enters_the_budget() -> None:
    market = pequod_market(
        pequod_economy(n_workers=60, n_consumers=40, goods_per_category=2, pollutant=True)
    )
    prices = market.initial_prices
    p = simulated_proposals(market, prices)
    assert p.permits is not None and market.permits is not None
    ev = evaluate(market, p, prices, tolerance=0.0)
    income = p.permits * prices[market.permits.item]
    assert_allclose(ev.consumer_budget, market.consumers.budget + income)
    assert_allclose(ev.consumer_budget_use, 1.0)


def test_proposals_for_the_wrong_number_of_councils_are_refused() -> None:
    market = market_from_economy(load_economy(EXAMPLES / "planning_town.json"))
    p = simulated_proposals(market, market.initial_prices)
    short = Proposals(
        consumer_requests=sp.csr_array(p.consumer_requests.toarray()[:1]),
        federation_requests=p.federation_requests,
        linear_activity=p.linear_activity,
    )
    with pytest.raises(ValueError, match="proposals: 1 requests for 2 councils"):
        evaluate(market, short, market.initial_prices, tolerance=0.01)
    with pytest.raises(ValueError, match="proposals: federation_requests is missing"):
        evaluate(
            market,
            Proposals(consumer_requests=p.consumer_requests, linear_activity=p.linear_activity),
            market.initial_prices,
            tolerance=0.01,
        )


def test_bad_proposals_are_refused_naming_the_field_and_the_council() -> None:
    market = market_from_economy(load_economy(EXAMPLES / "planning_town.json"))
    good = simulated_proposals(market, market.initial_prices)
    requests = good.consumer_requests.toarray()
    requests[1, 0] = -5.0
    activity = np.zeros(len(market.technique_names()))
    activity[market.technique_names().index("bake")] = 1e6
    bad = Proposals(
        consumer_requests=sp.csr_array(requests),
        federation_requests=good.federation_requests,
        linear_activity=activity,
    )
    with pytest.raises(ProposalError) as err:
        check_proposals(market, bad)
    assert err.value.problems == [
        ("consumer_requests[south-cc]", "negative request"),
        ("linear_activity[bake]", "activity 1e+06 exceeds the capacity 500"),
    ]
    with pytest.raises(ProposalError, match="linear_activity: expected one activity level"):
        check_proposals(
            market,
            Proposals(
                consumer_requests=good.consumer_requests,
                federation_requests=good.federation_requests,
                linear_activity=activity[:2],
            ),
        )


def test_a_session_refuses_bad_proposals_and_stays_where_it_was() -> None:
    market = market_from_economy(load_economy(EXAMPLES / "planning_town.json"))
    session = PlanningSession(market, "lp")
    before = session.prices.copy()
    good = session.simulated_proposals()
    with pytest.raises(ProposalError, match="federation_requests: missing"):
        session.close_round(
            Proposals(
                consumer_requests=good.consumer_requests, linear_activity=good.linear_activity
            )
        )
    assert session.rounds == [] and np.array_equal(session.prices, before)
    session.close_round(good)  # the same session goes on with valid proposals
    assert len(session.rounds) == 1
