"""Vectorised path: the round's CSC arrays passed straight to ``highspy.Highs.passModel``;
and a starting basis handed to HiGHS (:func:`crash_start`).

This is the path for large economies: the hand-over costs one copy of the arrays, and a
new round only changes bounds, so HiGHS keeps its basis for a warm start.
"""

from __future__ import annotations

import time

import highspy
import numpy as np

from solver.highs import (
    LPOutcome,
    apply_options,
    highs_bounds,
    highs_lp,
    new_highs,
    outcome_from_highs,
    resolved_method,
)
from solver.lp.build import RoundBounds, RoundLP
from solver.status import Method, SolutionStatus, TerminationCondition

__all__ = ["HighsRoundModel", "basis_statuses", "crash_start"]


class HighsRoundModel:
    """A round LP loaded into one HiGHS instance, re-solvable with new bounds.

    Parameters
    ----------
    lp
        The round's sparse description.
    """

    def __init__(self, lp: RoundLP) -> None:
        self.lp = lp
        self._highs: highspy.Highs | None = None

    @property
    def highs(self) -> highspy.Highs:
        """The HiGHS instance, loaded with the LP when first needed (a round that the
        Leontief path answers never is: loading a dense table's LP costs more than solving
        it)."""
        if self._highs is None:
            lp = self.lp
            highs = new_highs()
            model = highs_lp(
                lp.matrix, lp.cost, lp.col_lower, lp.col_upper, lp.row_lower, lp.row_upper
            )
            if highs.passModel(model) == highspy.HighsStatus.kError:
                raise RuntimeError("HiGHS rejected the round LP")
            self._highs = highs
        return self._highs

    def update(self, bounds: RoundBounds) -> None:
        """Change the round's bounds in place; the structure and the basis are kept."""
        self.lp = self.lp.with_bounds(bounds)
        if self._highs is None:
            return  # loaded with these bounds when first needed
        rows = np.arange(self.lp.n_rows, dtype=np.int32)
        cols = np.arange(self.lp.n_cols, dtype=np.int32)
        self.highs.changeRowsBounds(  # type: ignore[attr-defined]
            self.lp.n_rows, rows, highs_bounds(self.lp.row_lower), highs_bounds(self.lp.row_upper)
        )
        self.highs.changeColsBounds(
            self.lp.n_cols, cols, highs_bounds(self.lp.col_lower), highs_bounds(self.lp.col_upper)
        )

    def solve(self, method: Method = Method.AUTO, time_limit: float | None = None) -> LPOutcome:
        """Run HiGHS with ``method``; a ``time_limit`` in seconds is honoured."""
        h = self.highs
        apply_options(h, method, self.lp.n_cols, time_limit)
        start = time.perf_counter()
        run_status = h.run()
        seconds = time.perf_counter() - start
        termination, solution = outcome_from_highs(h)
        if run_status == highspy.HighsStatus.kError and termination is TerminationCondition.UNKNOWN:
            # HiGHS gave up (e.g. a singular basis in simplex) without setting a model status.
            out_of_time = time_limit is not None and seconds >= 0.99 * time_limit
            termination = (
                TerminationCondition.MAX_TIME_LIMIT if out_of_time else TerminationCondition.ERROR
            )
        info = h.getInfo()
        sol = h.getSolution()
        has_primal = solution in (SolutionStatus.OPTIMAL, SolutionStatus.FEASIBLE)
        iterations = max(info.simplex_iteration_count, 0) + max(info.ipm_iteration_count, 0)
        iterations += max(info.pdlp_iteration_count, 0)
        return LPOutcome(
            termination=termination,
            solution=solution,
            method=resolved_method(method, self.lp.n_cols),
            objective=info.objective_function_value if has_primal else None,
            x=np.asarray(sol.col_value) if has_primal else None,
            row_dual=np.asarray(sol.row_dual) if sol.dual_valid else None,
            col_dual=np.asarray(sol.col_dual) if sol.dual_valid else None,
            seconds=seconds,
            iterations=iterations,
        )


_STATUSES = np.array(
    [
        highspy.HighsBasisStatus.kLower,
        highspy.HighsBasisStatus.kBasic,
        highspy.HighsBasisStatus.kUpper,
    ],
    dtype=object,
)


def crash_start(h: highspy.Highs, column_status: np.ndarray, row_status: np.ndarray) -> bool:
    """Give the LP loaded in ``h`` a starting basis: each column's and row's status, 0 at
    its lower bound, 1 basic, 2 at its upper bound; whether HiGHS took it."""
    basis = highspy.HighsBasis()
    basis.col_status = _STATUSES[column_status].tolist()
    basis.row_status = _STATUSES[row_status].tolist()
    basis.valid = True
    return bool(h.setBasis(basis) == highspy.HighsStatus.kOk)


def basis_statuses(h: highspy.Highs) -> tuple[np.ndarray, np.ndarray]:
    """The basis of the LP loaded in ``h`` as :func:`crash_start` takes it: each column's
    and row's status, 0 at its lower bound (or nonbasic free at zero), 1 basic, 2 at its
    upper bound."""
    basis = h.getBasis()
    code = {
        highspy.HighsBasisStatus.kBasic: 1,
        highspy.HighsBasisStatus.kUpper: 2,
    }
    col = np.array([code.get(v, 0) for v in basis.col_status], dtype=np.int8)
    row = np.array([code.get(v, 0) for v in basis.row_status], dtype=np.int8)
    return col, row
