"""Solver outcome enums and the HiGHS method choice.

As in Pyomo's ``contrib.solver``, *why the solver stopped* (termination condition) and
*what it has to show for it* (solution status) are separate: "time limit hit with a feasible
plan" is ``MAX_TIME_LIMIT`` + ``FEASIBLE``, never confused with ``OPTIMAL``.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["Method", "SolutionStatus", "TerminationCondition"]


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


class SolutionStatus(StrEnum):
    """What the solver returned."""

    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    """A feasible but not proven optimal point (e.g. stopped by a time limit)."""
    INFEASIBLE = "infeasible"
    """A point was returned but it violates constraints."""
    NO_SOLUTION = "no_solution"


class Method(StrEnum):
    """The HiGHS LP method.

    ``AUTO`` is ours: it picks by problem size from the measurements in ``benchmarks/``.
    ``CHOOSE`` is HiGHS's own choice.
    """

    AUTO = "auto"
    CHOOSE = "choose"
    SIMPLEX = "simplex"
    IPM = "ipm"
    PDLP = "pdlp"
