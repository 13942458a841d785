"""Simulated councils: closed forms satisfy their first-order conditions."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose

from solver.planning.councils import (
    CobbDouglasWorkers,
    Consumers,
    LinearWorkers,
    PermitSuppliers,
    ces_demand,
    cobb_douglas_supply,
    linear_supply,
    permit_supply,
)


def workers(rng: np.random.Generator, n_workers: int = 50, n_items: int = 12) -> CobbDouglasWorkers:
    rows = []
    for _ in range(n_workers):
        k = rng.integers(1, 8)
        cols = np.sort(rng.choice(np.arange(1, n_items), size=k, replace=False))
        rows.append((cols, rng.uniform(0.75 / k, 0.85 / k, size=k)))
    indptr = np.concatenate([[0], np.cumsum([len(c) for c, _ in rows])])
    b = sp.csr_array(
        (np.concatenate([v for _, v in rows]), np.concatenate([c for c, _ in rows]), indptr),
        shape=(n_workers, n_items),
    )
    return CobbDouglasWorkers(
        product=np.zeros(n_workers, dtype=np.int64),
        exponents=b,
        a=rng.uniform(4, 6, n_workers),
        c=rng.uniform(0.05, 0.1, n_workers),
        s=np.ones(n_workers),
        k=rng.uniform(3, 4, n_workers),
    )


def test_cobb_douglas_supply_satisfies_the_first_order_conditions() -> None:
    rng = np.random.default_rng(3)
    w = workers(rng)
    prices = rng.uniform(300, 900, 12)
    prop = cobb_douglas_supply(w, prices)
    lam = prices[w.product]
    b = w.exponents
    x = prop.inputs
    # the output is what the production function makes of the proposed inputs and effort
    log_prod = np.log(w.a) + w.c * np.log(prop.effort)
    log_prod += np.asarray(
        (b.multiply(sp.csr_array((np.log(x.data), x.indices, x.indptr), shape=x.shape))).sum(axis=1)
    ).ravel()
    assert_allclose(np.log(prop.output), log_prod, rtol=1e-10)
    # marginal revenue product of every input equals its price
    dense_b, dense_x = b.toarray(), x.toarray()
    used = dense_b > 0
    mrp = (lam * prop.output)[:, None] * dense_b / np.where(used, dense_x, 1.0)
    assert_allclose(mrp[used], np.broadcast_to(prices, dense_b.shape)[used], rtol=1e-10)
    # marginal revenue of effort equals its marginal disutility
    assert_allclose(
        lam * w.c * prop.output / prop.effort, w.s * w.k * prop.effort ** (w.k - 1), rtol=1e-10
    )


def test_supply_rises_with_the_output_price_under_decreasing_returns() -> None:
    w = workers(np.random.default_rng(4))
    assert (w.returns_to_scale < 1).all()
    prices = np.full(12, 500.0)
    low = cobb_douglas_supply(w, prices).output
    prices[0] = 550.0
    high = cobb_douglas_supply(w, prices).output
    assert (high > low).all()


def consumers(rng: np.random.Generator, elasticity: float) -> Consumers:
    weights = sp.csr_array(rng.uniform(0.5, 2.0, (3, 5)))
    return Consumers(
        budget=np.array([5000.0, 10000.0, 2500.0]),
        preferences=weights,
        elasticity=np.full(3, elasticity),
    )


@pytest.mark.parametrize("sigma", [0.5, 1.0, 2.5])
def test_ces_demand_spends_the_budget_on_the_utility_maximising_bundle(sigma: float) -> None:
    rng = np.random.default_rng(5)
    cc = consumers(rng, sigma)
    prices = np.array([10.0, 20.0, 40.0, 1000.0, 3000.0])
    x = ces_demand(cc, prices).toarray()
    assert_allclose(x @ prices, cc.budget, rtol=1e-12)
    # first-order conditions of max sum_j w_j x_j^((sigma-1)/sigma): the marginal utility
    # per unit of money, w_j x_j^(-1/sigma) / p_j, is the same for every good
    w = cc.preferences.toarray()
    ratio = w * x ** (-1.0 / sigma) / prices
    assert_allclose(ratio, ratio[:, :1] * np.ones_like(ratio), rtol=1e-10)
    if sigma == 1.0:  # Cobb-Douglas: budget shares equal the normalised weights
        assert_allclose(x * prices / cc.budget[:, None], w / w.sum(axis=1, keepdims=True))


def test_doubling_a_budget_doubles_the_request() -> None:
    rng = np.random.default_rng(6)
    cc = consumers(rng, 0.7)
    prices = np.array([10.0, 20.0, 40.0, 1000.0, 3000.0])
    doubled = Consumers(cc.budget * np.array([2.0, 1.0, 1.0]), cc.preferences, cc.elasticity)
    assert_allclose(
        ces_demand(doubled, prices)[[0]].toarray(), 2 * ces_demand(cc, prices)[[0]].toarray()
    )
    assert_allclose(
        ces_demand(doubled, prices)[[1]].toarray(), ces_demand(cc, prices)[[1]].toarray()
    )


def test_linear_supply_meets_the_rising_effort_cost_up_to_capacity() -> None:
    # one good (price 3) from one input (price 1) per unit; capacity 10, effort cost at
    # capacity E: margin 2, so the level is 10 * 2 / E, at most 10
    outputs = sp.csr_array(np.array([[1.0, 0.0], [1.0, 0.0], [1.0, 0.0]]))
    inputs = sp.csr_array(np.array([[0.0, 1.0], [0.0, 1.0], [0.0, 1.0]]))
    workers_ = LinearWorkers(
        outputs=outputs,
        inputs=inputs,
        unit_cost=np.zeros(3),
        capacity=np.full(3, 10.0),
        effort_at_capacity=np.array([4.0, 1.0, 0.0]),
        council=np.arange(3),
    )
    x = linear_supply(workers_, np.array([3.0, 1.0]))
    assert_allclose(x, [5.0, 10.0, 10.0])
    # the marginal effort cost E x / K equals the margin where the council is not at capacity
    assert np.isclose(4.0 * x[0] / 10.0, 2.0)
    assert_allclose(workers_.effort_cost(x), [4.0 * 25 / 20, 100 / 20, 0.0])
    # no margin, no activity
    assert_allclose(linear_supply(workers_, np.array([1.0, 1.0])), 0.0)


def test_permit_supply_maximises_income_utility_minus_exposure() -> None:
    s = PermitSuppliers(
        item=np.zeros(2, dtype=np.int64),
        owner=np.arange(2),
        j=np.array([0.15, 0.11]),
        k=np.array([1.15, 1.19]),
    )
    p = np.array([40.0])
    z = permit_supply(s, p)
    # derivative of (p z)^j - z^k / 5 vanishes at z
    assert_allclose(s.j * p[0] ** s.j * z ** (s.j - 1) - s.k * z ** (s.k - 1) / 5, 0.0, atol=1e-12)
