"""Solver outcome enums, the HiGHS method choice and the path by which an LP reaches it.

As in Pyomo's ``contrib.solver``, *why the solver stopped* (termination condition) and
*what it has to show for it* (solution status) are separate: "time limit hit with a feasible
plan" is ``MAX_TIME_LIMIT`` + ``FEASIBLE``, never confused with ``OPTIMAL``.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["Method", "ModelPath", "SolutionStatus", "SolveOutcome", "TerminationCondition"]


class TerminationCondition(StrEnum):
    """Why the solver stopped."""

    OPTIMAL = "optimal"
    """Convergence criteria satisfied: the solution is optimal within tolerances."""
    MAX_TIME_LIMIT = "max_time_limit"
    ITERATION_LIMIT = "iteration_limit"
    INTERRUPTED = "interrupted"
    PROVEN_INFEASIBLE = "proven_infeasible"
    UNBOUNDED = "unbounded"
    INFEASIBLE_OR_UNBOUNDED = "infeasible_or_unbounded"
    ERROR = "error"
    UNKNOWN = "unknown"

    @property
    def cut_short(self) -> bool:
        """Stopped before the end by a time limit or an interrupt (a feasible point may
        still come with it)."""
        return self in (TerminationCondition.MAX_TIME_LIMIT, TerminationCondition.INTERRUPTED)

    @property
    def is_infeasible(self) -> bool:
        """Proven infeasible, or infeasible or unbounded (the LPs here are bounded)."""
        return self in (
            TerminationCondition.PROVEN_INFEASIBLE,
            TerminationCondition.INFEASIBLE_OR_UNBOUNDED,
        )


class SolutionStatus(StrEnum):
    """What the solver returned."""

    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    """A feasible but not proven optimal point (e.g. stopped by a time limit)."""
    INFEASIBLE = "infeasible"
    """A point was returned but it violates constraints."""
    NO_SOLUTION = "no_solution"


class Method(StrEnum):
    """The LP method.

    ``AUTO`` is ours: it picks by problem size from the measurements in ``benchmarks/``
    (a round LP above ``AUTO_IPM_ABOVE_COLUMNS`` columns tries ``LEONTIEF`` first).
    ``CHOOSE`` is HiGHS's own choice. ``LEONTIEF`` is not HiGHS's: the round LP as the
    Leontief system of its cheapest techniques (:mod:`solver.lp.leontief_path`), certified
    by duality, else HiGHS as ``AUTO``; elsewhere it means ``AUTO``.
    """

    AUTO = "auto"
    CHOOSE = "choose"
    SIMPLEX = "simplex"
    IPM = "ipm"
    PDLP = "pdlp"
    LEONTIEF = "leontief"


class ModelPath(StrEnum):
    """How the LP reaches HiGHS."""

    VECTORISED = "vectorised"
    """CSC arrays straight into ``highspy`` (fast hand-over; the default)."""
    PYOMO = "pyomo"
    """An algebraic Pyomo model through Pyomo's persistent HiGHS interface."""


class SolveOutcome:
    """How a solve ended: what every solver path's result is.

    The raw HiGHS outcome (:class:`~solver.highs.LPOutcome`), the round LP's labelled
    result (:class:`~solver.lp.results.RoundResult`) and the board's master LP's prices
    (:class:`~solver.planning.board.master.MasterLPResult`) all answer the same questions
    the same way, so that no caller tests termination conditions by hand.
    """

    termination: TerminationCondition
    solution: SolutionStatus

    @property
    def is_ok(self) -> bool:
        """Solved to optimality."""
        return self.termination is TerminationCondition.OPTIMAL

    @property
    def cut_short(self) -> bool:
        """Stopped by a time limit or an interrupt."""
        return self.termination.cut_short

    @property
    def is_infeasible(self) -> bool:
        """Found infeasible (or infeasible or unbounded)."""
        return self.termination.is_infeasible

    @property
    def has_prices(self) -> bool:
        """Optimal with valid duals: its duals may be read as prices."""
        return self.is_ok and self._has_duals()

    def _has_duals(self) -> bool:
        return True
