"""Simulated councils: closed forms satisfy their first-order conditions."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from numpy.testing import assert_allclose

from solver.councils import (
    CobbDouglasConsumers,
    CobbDouglasWorkers,
    cobb_douglas_demand,
    cobb_douglas_supply,
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


def test_cobb_douglas_demand_spends_the_budget() -> None:
    rng = np.random.default_rng(5)
    cc = CobbDouglasConsumers(
        income=np.array([5000.0, 10000.0]),
        private_weights=rng.uniform(0.025, 0.05, (2, 3)),
        public_weights=rng.uniform(0.025, 0.05, (2, 2)),
    )
    private_p, public_p = np.array([10.0, 20.0, 40.0]), np.array([1000.0, 3000.0])
    private, public = cobb_douglas_demand(cc, private_p, public_p)
    assert np.isclose(private @ private_p + public @ public_p, 15000.0)
    # doubling one council's income doubles what it alone would buy
    alone = CobbDouglasConsumers(cc.income[:1], cc.private_weights[:1], cc.public_weights[:1])
    twice = CobbDouglasConsumers(2 * cc.income[:1], cc.private_weights[:1], cc.public_weights[:1])
    assert_allclose(
        cobb_douglas_demand(twice, private_p, public_p)[0],
        2 * cobb_douglas_demand(alone, private_p, public_p)[0],
    )
