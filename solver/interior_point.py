"""A primal-dual interior point method for LPs whose columns are mostly singletons, and
the board's master LP solved by it with HiGHS's crossover (:func:`run_interior_point`).

Nearly every column of the board's master LP is a step with one entry (a demand step in
its item's row, an effort step in its technique's link row). In the normal equations
``A Theta A^T dy = r`` such a column adds to the diagonal only, so the matrix is what the
few columns with several entries make of it, and QDLDL factors it (AMD ordering, fixed
pattern) in milliseconds. HiGHS's IPX does not exploit this: 25-30 s on the 2,000-good
technique-choice master (8,006 rows, 374,550 columns), this method 2-3 s. It is Mehrotra's
predictor-corrector (Wright, *Primal-Dual Interior-Point Methods*, 1997, ch. 10) with a
slack per row that is not an equality; HiGHS's crossover takes its point to a vertex.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import qdldl
import scipy.sparse as sp

from solver.highs import (
    Highs,
    LPOutcome,
    apply_options,
    crossover_from,
    interrupt_event,
    loaded_lp,
    outcome_from_highs,
    outcome_of,
    run_with_fallback,
)
from solver.status import Method, SolutionStatus, TerminationCondition

__all__ = [
    "CENTRE_TOLERANCE",
    "CROSSOVER_FROM_ERROR",
    "PAIRS_PER_COLUMN",
    "InteriorPoint",
    "NormalEquations",
    "interior_point",
    "normal_entries",
    "run_interior_point",
]

# The normal matrix is assembled from every pair of entries of a column each iteration; past
# this many pairs per column on average (a dense input-output technique, the Cobb-Douglas
# councils' proposals, on which the method also stalled) HiGHS's own IPM is used.
PAIRS_PER_COLUMN = 8.0
# Where the method stalls short of its tolerance but within this relative error, HiGHS's
# crossover still starts from its point (simplex then cleans up).
CROSSOVER_FROM_ERROR = 1e-6
CENTRE_TOLERANCE = 1e-8  # of a point not taken to a vertex (it only centres the next solve)

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


def normal_entries(starts: np.ndarray | list[int]) -> int:
    """Entries of the upper triangle of ``A A^T`` before merging: ``sum k (k + 1) / 2`` over
    columns with ``k`` entries (``starts``: CSC column pointers, ``A.indptr``)."""
    k = np.diff(np.asarray(starts)).astype(np.int64)
    return int((k * (k + 1) // 2).sum())


class NormalEquations:
    """``A diag(theta) A^T + diag(extra)`` on a fixed upper-triangular pattern: the pairs of
    entries ``(i, k)``, ``i <= k``, of each column (``a_i a_k theta_j`` lands in ``(i, k)``)
    are found once, so each iteration assembles the matrix with two ``bincount`` calls."""

    def __init__(self, matrix: sp.csc_array) -> None:
        a = sp.csc_array(matrix, copy=True)
        a.sum_duplicates()
        a.sort_indices()
        m = a.shape[0]
        counts = np.diff(a.indptr)
        first = a.indptr[:-1]
        upper, lower, value, column = [], [], [], []
        for k in np.unique(counts[counts > 0]):  # columns with k entries, all pairs at once
            cols = np.flatnonzero(counts == k)
            at = first[cols][:, None] + np.arange(k)[None, :]
            i, j = np.triu_indices(int(k))
            lower.append(a.indices[at[:, i]].ravel())
            upper.append(a.indices[at[:, j]].ravel())
            value.append((a.data[at[:, i]] * a.data[at[:, j]]).ravel())
            column.append(np.repeat(cols, i.size))
        rows = np.concatenate([*lower, np.arange(m)])  # row indices within a column are sorted
        cols_ = np.concatenate([*upper, np.arange(m)])
        keys, where = np.unique(cols_.astype(np.int64) * m + rows, return_inverse=True)
        n_pairs = rows.size - m
        self._pair_slot, self._diagonal_slot = where[:n_pairs], where[n_pairs:]
        self._pair_value = np.concatenate(value) if value else np.zeros(0)
        self._pair_column = np.concatenate(column) if column else np.zeros(0, dtype=np.int64)
        self._indices = (keys % m).astype(np.int64)
        self._indptr = np.searchsorted(keys // m, np.arange(m + 1)).astype(np.int64)
        self.shape = (m, m)
        self.nnz = int(keys.size)

    def assemble(self, theta: np.ndarray, extra: np.ndarray) -> sp.csc_matrix:
        """The upper triangle of ``A diag(theta) A^T + diag(extra)`` as CSC."""
        data = np.bincount(
            self._pair_slot, weights=self._pair_value * theta[self._pair_column], minlength=self.nnz
        )
        data += np.bincount(self._diagonal_slot, weights=extra, minlength=self.nnz)
        return sp.csc_matrix((data, self._indices, self._indptr), shape=self.shape)


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

    Returns
    -------
    InteriorPoint

    Raises
    ------
    ValueError
        For a free column, one whose upper bound is below its lower, or arrays of the
        wrong size.
    """
    started = time.perf_counter()
    a = sp.csc_array(matrix)
    m, n = a.shape
    arrays = [cost, col_lower, col_upper, row_lower, row_upper]
    c, cl, cu, rl, ru = (np.asarray(v, dtype=float) for v in arrays)
    if c.size != n or cl.size != n or cu.size != n or rl.size != m or ru.size != m:
        raise ValueError(f"matrix: {m} x {n}, but the costs, bounds or row bounds differ")
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
    normal = NormalEquations(full)
    rows_view, cols_view = full.tocsr(), full.T.tocsr()

    # start in the middle of each box, a unit inside a one-sided bound; unit duals. A side
    # a column lacks keeps a dual of 0 and a slack of 1, so no formula needs a mask.
    v = np.where(has_l & has_u, 0.5 * (lower + upper), np.where(has_l, lower + 1.0, upper - 1.0))
    y = np.zeros(m)
    on_l, on_u = has_l.astype(float), has_u.astype(float)
    zl, zu = on_l.copy(), on_u.copy()
    no_l, no_u = np.flatnonzero(~has_l), np.flatnonzero(~has_u)
    b_scale = 1.0 + max(np.abs(b).max(initial=0.0), np.abs(lower).max(), np.abs(upper).max())
    c_scale = 1.0 + np.abs(cost_).max(initial=0.0)
    pairs = int(has_l.sum() + has_u.sum())
    factor: qdldl.Solver | None = None
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
        theta = 1.0 / (zl / sl + zu / su + REGULARISATION)
        assembled = normal.assemble(theta, np.full(m, REGULARISATION))
        if factor is None:
            factor = qdldl.Solver(assembled, upper=True)
        else:
            factor.update(assembled, upper=True)
        newton = _Newton(rows_view, cols_view, factor, theta, has_l, has_u, sl, su, zl, zu)
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


@dataclass(frozen=True)
class _Newton:
    """One iteration's Newton system, reduced to the normal equations (factored)."""

    rows: sp.csr_array
    cols: sp.csr_array
    factor: qdldl.Solver
    theta: np.ndarray
    has_l: np.ndarray
    has_u: np.ndarray
    sl: np.ndarray
    su: np.ndarray
    zl: np.ndarray
    zu: np.ndarray

    def direction(
        self, r_primal: np.ndarray, r_dual: np.ndarray, target_l: np.ndarray, target_u: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The step with ``zl dv + sl dzl = target_l`` and ``-zu dv + su dzu = target_u``."""
        t = r_dual - target_l / self.sl + target_u / self.su
        dy = self.factor.solve(r_primal + self.rows @ (self.theta * t))
        dv = self.theta * (self.cols @ dy - t)
        dzl = (target_l - self.zl * dv) / self.sl  # 0 on a side a column lacks, as zl
        dzu = (target_u + self.zu * dv) / self.su
        return dv, dy, dzl, dzu

    def longest(self, dv: np.ndarray, dzl: np.ndarray, dzu: np.ndarray) -> tuple[float, float]:
        """The longest primal and dual steps that keep slacks and duals non-negative."""
        primal = min(_ratio(self.sl, -dv, self.has_l), _ratio(self.su, dv, self.has_u))
        dual = min(_ratio(self.zl, -dzl), _ratio(self.zu, -dzu))  # 0 where a side is lacking
        return primal, dual


def _ratio(level: np.ndarray, fall: np.ndarray, where: np.ndarray | None = None) -> float:
    """Longest step ``t`` (``inf`` if none) keeping ``level - t fall >= 0`` where ``where``
    holds (everywhere if ``None``)."""
    falling = fall > 0 if where is None else where & (fall > 0)
    ratio = np.divide(level, fall, out=np.full(level.shape, np.inf), where=falling)
    return float(ratio.min(initial=np.inf))


def run_interior_point(
    h: Highs, method: Method, n_cols: int, time_limit: float | None, *, vertex: bool = True
) -> LPOutcome:
    """Solve the LP loaded in ``h`` by :func:`interior_point`, then HiGHS's crossover.

    The crossover's basis is optimal where the point met the tolerance; elsewhere a few
    simplex iterations from it finish. ``vertex=False``: no crossover, the point within
    :data:`CENTRE_TOLERANCE` (its duals the centre of the optimal face). Where the method
    does not come within :data:`CROSSOVER_FROM_ERROR` (an infeasible LP, say), where the
    columns hold too many entries for it (:data:`PAIRS_PER_COLUMN`), or where crossover
    and simplex do not end optimal, HiGHS solves it as ``run_with_fallback`` does.
    """
    start = time.perf_counter()

    def left() -> float | None:
        return None if time_limit is None else max(time_limit - time.perf_counter() + start, 0.01)

    lp, event = h.getLp(), interrupt_event()  # its arrays cost 0.4 s at 686,000 columns:
    if normal_entries(lp.a_matrix_.start_) <= PAIRS_PER_COLUMN * max(int(lp.num_col_), 1):
        matrix, cost, col_lower, col_upper, row_lower, row_upper = loaded_lp(lp)  # only here
        point = interior_point(
            matrix, cost, col_lower, col_upper, row_lower, row_upper,
            tolerance=1e-10 if vertex else CENTRE_TOLERANCE,
            deadline=start + time_limit if time_limit else None,
            stop=event.is_set if event is not None else None,
        )  # fmt: skip
        seconds = time.perf_counter() - start
        if point.reason in ("time limit", "stopped"):
            cut = {"time limit": TerminationCondition.MAX_TIME_LIMIT}
            termination = cut.get(point.reason, TerminationCondition.INTERRUPTED)
            return LPOutcome(termination, SolutionStatus.NO_SOLUTION, None, None, seconds)
        optimal = TerminationCondition.OPTIMAL, SolutionStatus.OPTIMAL
        value = float(cost @ point.x)  # the point itself: optimal duals, if not a vertex's
        interior = LPOutcome(*optimal, point.x, point.row_dual, seconds, None, value, Method.IPM)
        if point.converged and not vertex:
            return interior
        if point.converged or point.error <= CROSSOVER_FROM_ERROR:
            termination, status = crossover_from(h, matrix, cost, point.x, point.row_dual)
            if termination is not TerminationCondition.OPTIMAL:
                # simplex from the crossover's basis, for no longer than the method took: on
                # a 10,000-good master it ran for minutes where the method took 34 s
                limit = min(max(1.0, point.seconds), left() or np.inf)
                apply_options(h, Method.SIMPLEX, n_cols, limit)
                h.run()
                termination, status = outcome_from_highs(h)
            if termination is TerminationCondition.OPTIMAL:
                return outcome_of(h, termination, status, time.perf_counter() - start)
            if point.converged:  # optimal duals all the same, the centre of the optimal face
                return dataclasses.replace(interior, seconds=time.perf_counter() - start)
    apply_options(h, method, n_cols, left())
    h.clearSolver()
    outcome = run_with_fallback(h, method, n_cols, left())
    return dataclasses.replace(outcome, seconds=time.perf_counter() - start)
