"""Mehrotra's predictor-corrector method (Wright, *Primal-Dual Interior-Point Methods*, 1997,
ch. 10) on an LP in HiGHS's form, with a slack per row that is not an equality."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from solver.interior_point.normal_system import NormalSystem

__all__ = ["INFINITE", "InteriorPoint", "interior_point"]

INFINITE = 1e30  # |bound| at or above this is no bound (HiGHS's kHighsInf, or inf)
REGULARISATION = 1e-10  # added to every diagonal: keeps a singular normal matrix factorable
STEP_TO_BOUNDARY = 0.995  # fraction of the longest step that keeps the iterate interior


@dataclass(frozen=True)
class InteriorPoint:
    """Where :func:`interior_point` ended.

    Attributes
    ----------
    x, row_dual
        Column values and row duals (HiGHS's signs), at the best point met.
    converged, reason
        Whether the relative residuals and gap fell below the tolerance; ``"optimal"``,
        ``"stalled"`` (an infeasible or unbounded LP, or one too badly conditioned),
        ``"iteration limit"``, ``"time limit"`` or ``"stopped"``.
    iterations, seconds
        Iterations run and wall time.
    error
        The largest relative residual or gap at ``x`` (a crossover may start from it).
    """

    x: np.ndarray
    row_dual: np.ndarray
    converged: bool
    iterations: int
    seconds: float
    reason: str
    error: float


@np.errstate(divide="ignore", invalid="ignore")  # a stalling iterate may divide by a 0 slack
def interior_point(
    matrix: sp.csc_array,
    cost: np.ndarray,
    col_lower: np.ndarray,
    col_upper: np.ndarray,
    row_lower: np.ndarray,
    row_upper: np.ndarray,
    *,
    tolerance: float = 1e-10,
    max_iterations: int = 100,
    deadline: float | None = None,
    stop: Callable[[], bool] | None = None,
    dual_start: np.ndarray | None = None,
) -> InteriorPoint:
    """Minimise ``cost @ x`` subject to ``row_lower <= matrix @ x <= row_upper`` and
    ``col_lower <= x <= col_upper`` by Mehrotra's predictor-corrector method.

    Parameters
    ----------
    matrix, cost, col_lower, col_upper, row_lower, row_upper
        The LP; a bound at or beyond ``1e30`` in size is none. Every column needs a finite
        bound (a free column has no barrier term); a fixed column is moved to the right-hand
        side.
    tolerance
        Largest relative primal residual, dual residual and complementarity gap of a
        converged point (relative to ``1 +`` the largest bound, cost and objective). At
        ``1e-10`` HiGHS's crossover ends optimal from the point on the board's masters; at
        ``1e-8`` it left hundreds of dual infeasibilities for simplex to clean up (1 s).
    max_iterations, deadline, stop
        Most iterations (30-35 on the board's masters); a ``time.perf_counter()`` reading
        at which to give up; a call that, when true, stops the method (an interrupt).
    dual_start
        Row duals (HiGHS's signs) of a like LP on the same rows, an earlier solve's, to
        start from (:func:`_warm_start`); ``None``: the cold start.

    Returns
    -------
    InteriorPoint

    Raises
    ------
    ValueError
        For a free column, one whose upper bound is below its lower, or arrays (or a
        ``dual_start``) of the wrong size.
    """
    started = time.perf_counter()
    a = sp.csc_array(matrix)
    m, n = a.shape
    arrays = [cost, col_lower, col_upper, row_lower, row_upper]
    c, cl, cu, rl, ru = (np.asarray(v, dtype=float) for v in arrays)
    if c.size != n or cl.size != n or cu.size != n or rl.size != m or ru.size != m:
        raise ValueError(f"matrix: {m} x {n}, but the costs, bounds or row bounds differ")
    if dual_start is not None and np.shape(dual_start) != (m,):
        raise ValueError(f"dual_start: expected {m} row duals, got {np.shape(dual_start)}")
    equality = (rl == ru) & (np.abs(rl) < INFINITE)
    slack_rows = np.flatnonzero(~equality)
    # variables: the columns, then a slack w per other row, with A x - w = 0 on its row
    s = slack_rows.size
    full = sp.hstack(
        [a, sp.csc_array((-np.ones(s), (slack_rows, np.arange(s))), shape=(m, s))], format="csc"
    )
    b = np.where(equality, rl, 0.0)
    cost_ = np.r_[c, np.zeros(s)]
    lower, upper = np.r_[cl, rl[slack_rows]], np.r_[cu, ru[slack_rows]]
    has_l, has_u = np.abs(lower) < INFINITE, np.abs(upper) < INFINITE
    if not np.all(has_l | has_u):
        raise ValueError("interior_point: every column needs a finite bound")
    if np.any(has_l & has_u & (upper < lower)):
        raise ValueError("interior_point: a column's upper bound is below its lower bound")
    lower, upper = np.where(has_l, lower, 0.0), np.where(has_u, upper, 0.0)
    # a fixed column (an idle technique's capacity of 0, say) has no interior: it is moved
    # to the right-hand side, and the method runs on the others
    fixed = has_l & has_u & (upper == lower)
    at_fixed = np.where(fixed, lower, 0.0)
    b = b - full @ at_fixed
    free = np.flatnonzero(~fixed)
    full, cost_ = full[:, free], cost_[free]
    lower, upper, has_l, has_u = lower[free], upper[free], has_l[free], has_u[free]
    normal = NormalSystem(full)
    rows_view, cols_view = full.tocsr(), full.T.tocsr()

    # start in the middle of each box, a unit inside a one-sided bound; unit duals. A side
    # a column lacks keeps a dual of 0 and a slack of 1, so no formula needs a mask.
    v = np.where(has_l & has_u, 0.5 * (lower + upper), np.where(has_l, lower + 1.0, upper - 1.0))
    y = np.zeros(m)
    on_l, on_u = has_l.astype(float), has_u.astype(float)
    zl, zu = on_l.copy(), on_u.copy()
    if dual_start is not None:
        v, y, zl, zu = _warm_start(cols_view, cost_, lower, upper, has_l, has_u, v, dual_start)
    no_l, no_u = np.flatnonzero(~has_l), np.flatnonzero(~has_u)
    b_scale = 1.0 + max(np.abs(b).max(initial=0.0), np.abs(lower).max(), np.abs(upper).max())
    c_scale = 1.0 + np.abs(cost_).max(initial=0.0)
    pairs = int(has_l.sum() + has_u.sum())
    best = mark = np.inf
    since_mark = 0

    kept: tuple[np.ndarray, np.ndarray] = (v, y)  # the point of least error so far

    def ended(reason: str, iterations: int) -> InteriorPoint:
        x = at_fixed.copy()
        x[free] = kept[0]
        return InteriorPoint(
            x[:n],
            kept[1].copy(),
            reason == "optimal",
            iterations,
            time.perf_counter() - started,
            reason,
            best,
        )

    for iteration in range(max_iterations):
        sl, su = v - lower, upper - v
        sl[no_l], su[no_u] = 1.0, 1.0
        r_primal = b - rows_view @ v
        r_dual = cost_ - cols_view @ y - zl + zu
        gap = float(sl @ zl + su @ zu)
        objective = float(cost_ @ v)
        error = max(
            np.abs(r_primal).max(initial=0.0) / b_scale,
            np.abs(r_dual).max(initial=0.0) / c_scale,
            gap / (1.0 + abs(objective)),
        )
        if not np.isfinite(error):
            return ended("stalled", iteration)
        if error < best:
            kept = (v, y)
        best = min(best, error)
        # an infeasible or unbounded LP drives the iterates off without the error falling:
        # stop once 15 iterations have not halved it
        if error < 0.5 * mark:
            mark, since_mark = error, 0
        else:
            since_mark += 1
        if error < tolerance:
            return ended("optimal", iteration)
        if since_mark >= 15:
            return ended("stalled", iteration)
        if deadline is not None and time.perf_counter() > deadline:
            return ended("time limit", iteration)
        if stop is not None and stop():
            return ended("stopped", iteration)
        mu = gap / pairs
        inv_sl, inv_su = 1.0 / sl, 1.0 / su  # divisions cost: each is done once
        theta = 1.0 / (zl * inv_sl + zu * inv_su + REGULARISATION)
        normal.factor(theta, np.full(m, REGULARISATION))
        rooms = np.where(has_l, sl, np.inf), np.where(has_u, su, np.inf)
        newton = _Newton(rows_view, cols_view, normal, theta, inv_sl, inv_su, *rooms, zl, zu)
        # predictor: the affine direction towards mu = 0
        dv, dy, dzl, dzu = newton.direction(r_primal, r_dual, -sl * zl, -su * zu)
        step_p, step_d = newton.longest(dv, dzl, dzu)
        affine = float(
            (sl + step_p * dv) @ (zl + step_d * dzl) + (su - step_p * dv) @ (zu + step_d * dzu)
        )
        sigma = (affine / gap) ** 3
        # corrector: centred on sigma mu, with the predictor's second-order term
        dv, dy, dzl, dzu = newton.direction(
            r_primal,
            r_dual,
            sigma * mu * on_l - sl * zl - dv * dzl,
            sigma * mu * on_u - su * zu + dv * dzu,
        )
        step_p, step_d = newton.longest(dv, dzl, dzu)
        step_p, step_d = min(1.0, STEP_TO_BOUNDARY * step_p), min(1.0, STEP_TO_BOUNDARY * step_d)
        v = v + step_p * dv
        y = y + step_d * dy
        zl = zl + step_d * dzl
        zu = zu + step_d * dzu
    return ended("iteration limit", max_iterations)


WARM_MARGIN = 0.2
"""The nearest a warm start places a boxed column to a bound: this share of its box."""
WARM_CENTRALITY = 0.03
"""A warm start's complementarity products, as a share of the mean ``|reduced cost| x box
width`` of the boxed columns."""


def _warm_start(
    cols_view: sp.csr_array,
    cost: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    has_l: np.ndarray,
    has_u: np.ndarray,
    cold: np.ndarray,
    dual_start: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A starting point ``(v, y, zl, zu)`` from row duals ``dual_start`` of a like LP.

    The reduced costs ``d = c - A^T y`` at those duals say which bound each column ends at
    if they are nearly right: a boxed column starts at the share ``(1 - tanh(d / m)) / 2``
    of its box, ``m`` the median ``|d|``, kept :data:`WARM_MARGIN` from either bound: near
    the bound its reduced cost favours where that cost is large, near the middle where it
    is small and its sign may be the old duals' error. The others start where the cold
    start has them (``cold``). The bound duals split ``d`` between the sides, each side with
    ``mu / slack`` besides, so that every boxed column starts with positive bound duals and
    products of at least ``mu`` (:data:`WARM_CENTRALITY`). Its dual residual, ``mu / su -
    mu / sl``, vanishes only at the middle of its box: a start exactly dual feasible (the
    same ``mu / min(sl, su)`` on both sides) stalled on the first round's second window at
    10,000 goods (its error not halved in 15 iterations, primal steps of 0.002-0.2), where
    this one took 43 iterations.
    Where no boxed column has a reduced cost, the cold start's unit duals.

    The board's masters are the reason (:class:`~solver.planning.rules.lp_rounds.
    RefinedWindows`): each window's master has the rows of the last, only its steps
    differ, and from the last solve's duals the method took 16-18 iterations where the
    cold start took 27-39 (2,000 goods, rounds 2 and 3), 19-30 where it took 45-59
    (10,000 goods; the coarser windows stopping at 1e-6 besides).
    Their effort steps are parallel columns whose costs rise: from the middle of their
    boxes each step in turn blocked the step length, 0.03-0.3 for 25 iterations. Placed
    at the margin by the sign of ``d`` alone, the first round's second window (whose
    start, the widest window's duals, is furthest off) took 57 iterations where the cold
    start took 48; by its size, 43.
    """
    y = np.asarray(dual_start, dtype=float).copy()
    d = cost - cols_view @ y
    box = has_l & has_u
    width = np.where(box, upper - lower, 0.0)
    spread = float(np.mean((np.abs(d) * width)[box])) if box.any() else 0.0
    on_l, on_u = has_l.astype(float), has_u.astype(float)
    if not spread > 0.0:
        return cold, np.zeros(y.size), on_l, on_u
    # the share of its box a column starts at: towards the bound its reduced cost favours,
    # the more so the larger that cost against the median one, never nearer than the margin
    typical = float(np.median(np.abs(d[box])))
    lean = np.tanh(d / typical) if typical > 0.0 else np.sign(d)
    share = np.clip(0.5 - 0.5 * lean, WARM_MARGIN, 1.0 - WARM_MARGIN)
    v = np.where(box, lower + share * width, cold)
    mu = WARM_CENTRALITY * spread
    sl = np.where(has_l, v - lower, 1.0)
    su = np.where(has_u, upper - v, 1.0)
    zl = (np.maximum(d, 0.0) + mu / sl) * on_l
    zu = (np.maximum(-d, 0.0) + mu / su) * on_u
    return v, y, zl, zu


@dataclass(frozen=True)
class _Newton:
    """One iteration's Newton system, reduced to the normal equations (factored).

    ``inv_sl``, ``inv_su``: the reciprocal slacks; ``room_l``, ``room_u``: the slacks, or
    ``inf`` on a side a column lacks."""

    rows: sp.csr_array
    cols: sp.csr_array
    normal: NormalSystem
    theta: np.ndarray
    inv_sl: np.ndarray
    inv_su: np.ndarray
    room_l: np.ndarray
    room_u: np.ndarray
    zl: np.ndarray
    zu: np.ndarray

    def direction(
        self, r_primal: np.ndarray, r_dual: np.ndarray, target_l: np.ndarray, target_u: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The step with ``zl dv + sl dzl = target_l`` and ``-zu dv + su dzu = target_u``."""
        t = r_dual - target_l * self.inv_sl + target_u * self.inv_su
        dy = self.normal.solve(r_primal + self.rows @ (self.theta * t))
        dv = self.theta * (self.cols @ dy - t)
        dzl = (target_l - self.zl * dv) * self.inv_sl  # 0 on a side a column lacks, as zl
        dzu = (target_u + self.zu * dv) * self.inv_su
        return dv, dy, dzl, dzu

    def longest(self, dv: np.ndarray, dzl: np.ndarray, dzu: np.ndarray) -> tuple[float, float]:
        """The longest primal and dual steps that keep slacks and duals non-negative."""
        room = np.where(dv < 0.0, self.room_l, self.room_u)  # the side dv moves towards
        primal = float((room / np.abs(dv)).min(initial=np.inf))
        dual = min(_ratio(self.zl, dzl), _ratio(self.zu, dzu))  # 0 where a side is lacking
        return primal, dual


def _ratio(level: np.ndarray, change: np.ndarray) -> float:
    """Longest step ``t`` (``inf`` if none) keeping ``level + t change >= 0``: the least
    ``-level / change`` where ``change < 0``."""
    return -float(np.max(level / change, where=change < 0.0, initial=-np.inf))
