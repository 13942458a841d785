"""The board's master LP loaded in HiGHS, solved by our method and taken to a vertex by
HiGHS's crossover (:func:`run_interior_point`)."""

from __future__ import annotations

import dataclasses
import time

import numpy as np
import scipy.sparse as sp

from solver.highs import (
    Highs,
    LPOutcome,
    apply_options,
    crossover_from,
    highs_lp,
    interrupt_event,
    new_highs,
    outcome_from_highs,
    outcome_of,
    run_with_fallback,
)
from solver.interior_point.mehrotra import InteriorPoint, interior_point
from solver.interior_point.normal_equations import normal_entries
from solver.status import Method, SolutionStatus, TerminationCondition

__all__ = [
    "CENTRE_TOLERANCE",
    "CROSSOVER_FROM_ERROR",
    "PAIRS_PER_COLUMN",
    "PendingLP",
    "run_interior_point",
]

# The normal matrix is assembled from every pair of entries of a column each iteration; past
# this many pairs per column on average (a dense input-output technique, the Cobb-Douglas
# councils' proposals, on which the method also stalled) HiGHS's own IPM is used.
PAIRS_PER_COLUMN = 8.0
# Where the method stalls short of its tolerance but within this relative error, HiGHS's
# crossover still starts from its point (simplex then cleans up).
CROSSOVER_FROM_ERROR = 1e-6
CENTRE_TOLERANCE = 1e-8  # of a point not taken to a vertex (HiGHS IPM's relative gap)
CENTRING_TOLERANCE = 1e-6
"""Of a solve whose duals only centre the next, finer one (a coarser window's): its grid
steps are 0.2 % apart and more, so duals to 1e-6 centre it as well as to 1e-8, and the
last iterations to 1e-8 (4-5 of 30-50 at 10,000 goods) are saved."""


class PendingLP:
    """An LP as arrays (CSC matrix, cost, column and row bounds), handed to HiGHS only when
    :meth:`highs` is first called: a solve by our method alone (no crossover) never needs
    it, and passing the 2,000-good master's 374,550 columns and reading them back cost
    0.2 s a solve."""

    def __init__(
        self,
        matrix: sp.csc_array,
        cost: np.ndarray,
        col_lower: np.ndarray,
        col_upper: np.ndarray,
        row_lower: np.ndarray,
        row_upper: np.ndarray,
    ) -> None:
        self.arrays = (matrix, cost, col_lower, col_upper, row_lower, row_upper)
        self._highs: Highs | None = None

    def highs(self) -> Highs:
        """A HiGHS instance holding the LP (made on the first call)."""
        if self._highs is None:
            self._highs = new_highs()
            self._highs.passModel(highs_lp(*self.arrays))
        return self._highs


def run_interior_point(
    lp: PendingLP,
    method: Method,
    time_limit: float | None,
    *,
    vertex: bool = True,
    dual_start: np.ndarray | None = None,
    tolerance: float | None = None,
) -> LPOutcome:
    """Solve ``lp`` by :func:`interior_point`, then HiGHS's crossover.

    Where the crossover's basis is not optimal, the point's duals stand (inside the optimal
    face, near its centre) if it came within :data:`CENTRE_TOLERANCE`; a point short of
    that gets simplex iterations from the basis. ``vertex=False``: no crossover, the point
    within :data:`CENTRE_TOLERANCE`, or the looser ``tolerance`` asked (its duals inside the
    optimal face, near its centre). Where the method does not come within
    :data:`CROSSOVER_FROM_ERROR` (an infeasible LP, say), where the columns hold too many
    entries for it (:data:`PAIRS_PER_COLUMN`), or where crossover and simplex do not end
    optimal, HiGHS solves it as ``run_with_fallback`` does. ``dual_start``: row duals of a
    like LP on the same rows, where the method starts
    (:func:`~solver.interior_point.mehrotra.interior_point`); where it stalls short of what
    the point needs, the method runs again from the cold start. ``tolerance``: the
    method's, for a point not taken to a vertex (default :data:`CENTRE_TOLERANCE`; a solve
    that only centres the next may ask for :data:`CENTRING_TOLERANCE`).
    """
    start = time.perf_counter()

    def left() -> float | None:
        return None if time_limit is None else max(time_limit - time.perf_counter() + start, 0.01)

    matrix, cost, col_lower, col_upper, row_lower, row_upper = lp.arrays
    n_cols, highs = matrix.shape[1], lp.highs
    event = interrupt_event()
    if normal_entries(matrix.indptr) <= PAIRS_PER_COLUMN * max(n_cols, 1):

        def solve(warm: np.ndarray | None) -> InteriorPoint:
            return interior_point(
                matrix, cost, col_lower, col_upper, row_lower, row_upper,
                tolerance=1e-10 if vertex else (tolerance or CENTRE_TOLERANCE),
                deadline=start + time_limit if time_limit else None,
                stop=event.is_set if event is not None else None,
                dual_start=warm,
            )  # fmt: skip

        # what a point not taken to a vertex needs: the tolerance asked, at least 1e-8
        enough = CENTRE_TOLERANCE if vertex else max(tolerance or 0.0, CENTRE_TOLERANCE)
        point = solve(dual_start)
        misled = point.reason in ("stalled", "iteration limit") and point.error > enough
        if dual_start is not None and misled:
            point = solve(None)  # a start that misled it: the cold start before HiGHS's
        seconds = time.perf_counter() - start
        if point.reason in ("time limit", "stopped"):
            cut = {"time limit": TerminationCondition.MAX_TIME_LIMIT}
            termination = cut.get(point.reason, TerminationCondition.INTERRUPTED)
            return LPOutcome(termination, SolutionStatus.NO_SOLUTION, None, None, seconds)
        optimal = TerminationCondition.OPTIMAL, SolutionStatus.OPTIMAL
        value = float(cost @ point.x)  # the point itself: optimal duals, if not a vertex's
        interior = LPOutcome(
            *optimal, point.x, point.row_dual, seconds, None, value, Method.IPM, basic=False
        )
        # within CENTRE_TOLERANCE the point is optimal by HiGHS's own IPM's standard (a
        # relative gap of 1e-8); a vertex's solve asks for 1e-10 only so that the crossover
        # ends optimal, and a point that stalls between the two stands all the same
        stands = point.converged or point.error <= enough
        if stands and not vertex:
            return interior
        if point.error <= CROSSOVER_FROM_ERROR:
            apply_options(highs(), method, n_cols, left())  # its time limit and interrupts
            termination, status = crossover_from(highs(), matrix, cost, point.x, point.row_dual)
            if termination is not TerminationCondition.OPTIMAL and not stands:
                # simplex from the crossover's basis, for no longer than the method took: on
                # a 10,000-good master it ran for minutes where the method took 34 s. Not
                # for a point that stands: on the 10,000-good masters it spent 15-22 s for a
                # vertex, and twice ran out of that time
                limit = min(max(1.0, point.seconds), left() or np.inf)
                apply_options(highs(), Method.SIMPLEX, n_cols, limit)
                highs().run()
                termination, status = outcome_from_highs(highs())
            if termination is TerminationCondition.OPTIMAL:
                at_basis = outcome_of(highs(), termination, status, time.perf_counter() - start)
                return dataclasses.replace(at_basis, basic=True)
            if stands:  # optimal duals all the same, inside the optimal face
                return dataclasses.replace(interior, seconds=time.perf_counter() - start)
    h = highs()
    apply_options(h, method, n_cols, left())
    h.clearSolver()
    outcome = run_with_fallback(h, method, n_cols, left())
    return dataclasses.replace(outcome, seconds=time.perf_counter() - start)
