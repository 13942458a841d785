"""The round LP solved as a Leontief system where it is one: the cheapest technique per
good, its prices and activities from sparse iterations, certified optimal by LP duality.

Where every technique makes one good (no joint production), the non-substitution theorem
says the cheapest technique of each good at the prices ``v = min_t (c_t + a_t v) / o_t``
serves every final demand at least cost, with activities ``(O - A)_chosen x = net
requests``. Prices come from value iteration (sparse matrix-vector products, settling at
the rate of the chosen input matrix's spectral radius), activities from Jacobi sweeps;
where either is slow, Howard's policy iteration with sparse LU. At 10^4 goods this takes
hundredths of a second where HiGHS's interior point method takes seconds.

The answer is used only where LP duality certifies it: activities non-negative and within
every capacity, availability and pollution cap; prices non-negative and below every
shortfall penalty; no technique with a negative reduced cost. Then it is an optimum of the
round LP, with the rows' and columns' duals in HiGHS's signs, and
:func:`~solver.lp.results.assign_result` labels it like any other. Anywhere else (joint
production, a binding limit, a good no technique makes) :func:`leontief_solve` answers
``None`` and the caller solves the LP with HiGHS.

Joint production is taken where the round is square: as many techniques as goods, each
technique's largest output a different good, as an input-output table whose negative
coefficients became byproducts. Its prices and activities solve ``v (O - A) = c`` and
``(O - A) x = y`` (Jacobi sweeps, else sparse LU), and the same certificate decides.
"""

from __future__ import annotations

import time

import numpy as np
import scipy.sparse as sp

from solver.economy.leontief import (
    jacobi_solve,
    least_per_good,
    paired_outputs,
    single_outputs,
    sparse_lu,
)
from solver.highs import LPOutcome
from solver.lp.build import RoundLP
from solver.status import Method, SolutionStatus, TerminationCondition

__all__ = ["leontief_solve"]

MAX_POLICY_ROUNDS = 50
MAX_VALUE_ROUNDS = 2000  # Bellman or Jacobi sweeps before the LU path takes over
TOLERANCE = 1e-9  # relative, on reduced costs, feasibility and limits


def _first_choice(good: np.ndarray, unit: np.ndarray, n_goods: int) -> np.ndarray | None:
    """Each good's technique of least direct cost per unit (``None`` where a good has none)."""
    candidates, goods = least_per_good(good, unit)
    chosen = np.full(n_goods, -1, dtype=np.int64)
    chosen[goods] = candidates
    return None if np.any(chosen < 0) else chosen


def _cheapest(good: np.ndarray, unit: np.ndarray, chosen: np.ndarray) -> np.ndarray:
    """Each good's technique of least ``unit`` cost; the current one kept on ties."""
    best = chosen.copy()
    best_unit = unit[chosen]
    candidates, goods = least_per_good(good, unit)
    better = unit[candidates] < best_unit[goods] - TOLERANCE * np.maximum(
        1.0, np.abs(best_unit[goods])
    )
    best[goods[better]] = candidates[better]
    return best


def _value_iteration(
    net_t: sp.csr_array, cost: np.ndarray, good: np.ndarray, amount: np.ndarray, n_goods: int
) -> tuple[np.ndarray, np.ndarray] | None:
    """Prices ``v = min_t (c_t + a_t v) / o_t`` by Bellman iteration from 0, and the
    technique that attains each minimum; ``None`` where it does not settle (a choice that
    is not productive, or too slowly: the LU path takes over)."""
    order = np.argsort(good, kind="stable")
    starts = np.r_[0, np.flatnonzero(np.diff(good[order])) + 1]
    price = np.zeros(n_goods)
    for _ in range(MAX_VALUE_ROUNDS):
        unit = (cost - net_t @ price) / amount + price[good]  # (c_t + a_t v) / o_t
        new = np.minimum.reduceat(unit[order], starts)
        if not np.all(np.isfinite(new)):
            return None
        step = float(np.abs(new - price).max())
        price = new
        if step <= 1e-14 * max(1.0, float(np.abs(price).max())):
            unit = (cost - net_t @ price) / amount + price[good]
            best = np.minimum.reduceat(unit[order], starts)
            ties = np.flatnonzero(unit[order] <= best[good[order]])
            chosen = np.full(n_goods, -1, dtype=np.int64)
            chosen[good[order][ties][::-1]] = order[ties][::-1]  # the first on a tie
            return price, chosen
    return None


def _policy_iteration(
    net: sp.csc_array, cost: np.ndarray, good: np.ndarray, amount: np.ndarray, n_goods: int
) -> tuple[np.ndarray, np.ndarray] | None:
    """Howard's policy iteration with sparse LU: where value iteration is slow."""
    chosen = _first_choice(good, cost / amount, n_goods)
    if chosen is None:
        return None
    for _ in range(MAX_POLICY_ROUNDS):
        lu = sparse_lu(sp.csc_array(net[:, chosen]))
        if lu is None:
            return None
        price = lu.solve(cost[chosen], trans="T")  # v (O - A)_chosen = c_chosen
        if not np.all(np.isfinite(price)):
            return None
        reduced = cost - net.T @ price
        better = _cheapest(good, reduced / amount + price[good], chosen)
        if np.array_equal(better, chosen):
            return price, chosen
        chosen = better
    return None


def _activities(square: sp.csc_array, required: np.ndarray, lu: bool) -> np.ndarray | None:
    """``x`` with ``square x = required``: Jacobi sweeps (the square is a productive
    Leontief matrix: the inputs off its diagonal, byproducts among them, shrink what they
    carry), else (where ``lu``) sparse LU."""
    x = jacobi_solve(square, required, MAX_VALUE_ROUNDS)
    if x is not None:
        return x
    factor = sparse_lu(square) if lu else None
    return None if factor is None else factor.solve(required)


def _square_prices(
    net: sp.csc_array, cost: np.ndarray, chosen: np.ndarray, lu: bool
) -> tuple[np.ndarray, np.ndarray] | None:
    """Prices ``v`` with ``v (O - A) = c`` where each good has exactly one technique (joint
    production allowed): Jacobi sweeps on the transposed system, else sparse LU."""
    price = _activities(sp.csc_array(net[:, chosen].T), cost[chosen], lu)
    return None if price is None else (price, chosen)


def leontief_solve(lp: RoundLP, *, lu: bool = True) -> LPOutcome | None:
    """An optimum of ``lp`` from the Leontief system of its cheapest techniques, certified
    by duality (see the module docstring), or ``None`` where that does not hold.

    ``lu=False`` gives up where the sparse iterations do not settle instead of factoring
    (the LU's fill-in is hard to foresee: a guess that costs little when it fails)."""
    start = time.perf_counter()
    n_goods = lp.n_goods
    cols = lp.technique_cols
    net = sp.csc_array(lp.matrix[lp.good_rows, cols])  # outputs - inputs per unit of activity
    cost = lp.cost[cols]
    made = single_outputs(lp.tech.outputs)
    found: tuple[np.ndarray, np.ndarray] | None = None
    if made is None:  # joint production: a Leontief system only where it is square
        paired = paired_outputs(lp.tech.outputs, n_goods)
        if paired is None:
            return None
        found = _square_prices(net, cost, paired, lu)
    else:
        good, amount = made
        if np.unique(good).size != n_goods:
            return None  # a good no technique makes
        found = _value_iteration(sp.csr_array(net.T), cost, good, amount, n_goods)
        if found is None and lu:
            found = _policy_iteration(net, cost, good, amount, n_goods)
    if found is None:
        return None
    price, chosen = found
    required = np.asarray(lp.bounds.net_requests, dtype=float)
    level = _activities(sp.csc_array(net[:, chosen]), required, lu)
    scale = max(1.0, float(np.abs(required).max(initial=0.0)))
    if level is None or np.any(level < -TOLERANCE * scale):  # stock left where not needed
        return None
    x = np.zeros(lp.n_cols)
    x[np.arange(lp.n_cols)[cols][chosen]] = np.maximum(level, 0.0)
    row_dual = np.zeros(lp.n_rows)
    row_dual[lp.good_rows] = price
    col_dual = lp.cost - lp.matrix.T @ row_dual
    if not _certified(lp, x, price, col_dual, scale):
        return None
    return LPOutcome(
        termination=TerminationCondition.OPTIMAL,
        solution=SolutionStatus.OPTIMAL,
        x=x,
        row_dual=row_dual,
        col_dual=col_dual,
        seconds=time.perf_counter() - start,
        objective=float(lp.cost @ x),
        method=Method.LEONTIEF,
    )


def _certified(
    lp: RoundLP, x: np.ndarray, price: np.ndarray, reduced: np.ndarray, scale: float
) -> bool:
    """Whether ``x`` and ``price`` are primal and dual feasible for ``lp`` (complementary
    slackness holds by construction: every chosen technique has reduced cost 0, every row
    is met with equality or has dual 0)."""
    activity = lp.matrix @ x
    limit = np.r_[lp.bounds.availability, lp.bounds.caps]
    used = activity[lp.n_goods :]
    if np.any(used > limit + TOLERANCE * np.maximum(1.0, np.abs(limit))):
        return False  # a primary input or a cap would bind: its dual is not 0
    tech_x = x[lp.technique_cols]
    capacity = lp.bounds.capacity
    if np.any(tech_x > capacity + TOLERANCE * np.maximum(1.0, capacity)):
        return False
    if np.any(np.isclose(tech_x, capacity, rtol=TOLERANCE, atol=0.0) & (tech_x > 0)):
        return False  # at capacity: a capacity rent may be due
    penalty = lp.shortfall_penalty
    if np.any(price < -TOLERANCE * scale) or np.any(price > penalty):
        return False  # a shortfall would be cheaper than making the good
    tech_reduced = reduced[lp.technique_cols]
    return bool(
        np.all(tech_reduced >= -TOLERANCE * np.maximum(1.0, np.abs(lp.cost[lp.technique_cols])))
    )
