"""Everything that talks to HiGHS directly: instances, threads, method options, statuses."""

from __future__ import annotations

import contextlib
import contextvars
import os
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import highspy
import numpy as np
import scipy.sparse as sp

from solver.status import Method, SolutionStatus, SolveOutcome, TerminationCondition

__all__ = [
    "AUTO_IPM_ABOVE_COLUMNS",
    "Highs",
    "LPOutcome",
    "apply_options",
    "configure_threads",
    "crossover_from",
    "highs_bounds",
    "highs_lp",
    "highs_threads",
    "interrupt_event",
    "interruptible",
    "method_options",
    "new_highs",
    "outcome_from_highs",
    "outcome_of",
    "resolved_method",
    "run_with_fallback",
    "show_solver_output",
    "solve_lp",
    "solver_output",
    "write_model",
]

# From benchmarks/results/round_lp*.md (synthetic IO economies, 2 cores): at 4,000 columns dual
# simplex and IPM both take about 0.2 s; from 8,000 columns on IPM (with crossover, so the
# duals are still those of a vertex) is faster: 0.54 vs 0.71 s at 8,000, 3.3 vs 6.0 s at
# 20,000, 6.4 vs 41 s at 40,000, and simplex ended with status unknown at 28,000 and 400,000
# columns. PDLP was slower than IPM at every size measured and its duals were off by 2.4e-4.
AUTO_IPM_ABOVE_COLUMNS = 5_000

Highs = highspy.Highs  # for annotations elsewhere: highspy itself is imported here only
_lock = threading.Lock()
_threads: int | None = None
# Set by `interruptible`: solves started in that context stop once the event is set.
_interrupt: contextvars.ContextVar[threading.Event | None] = contextvars.ContextVar(
    "highs_interrupt", default=None
)


@contextlib.contextmanager
def interruptible(event: threading.Event) -> Iterator[None]:
    """HiGHS solves started inside stop, with termination ``interrupted``, once ``event`` is set.

    For callers (a service, say) that must stop a solve they did not start themselves: the
    event is set from another thread, and the solver checks it between iterations.
    """
    token = _interrupt.set(event)
    try:
        yield
    finally:
        _interrupt.reset(token)


def _watch_interrupt(h: highspy.Highs) -> None:
    """Make ``h`` check the context's interrupt event, if there is one."""
    event = _interrupt.get()
    h.setCallback(None, None)  # drops whatever an earlier solve registered
    if event is None:
        return

    def check(kind: Any, message: Any, data_out: Any, data_in: Any, user_data: Any) -> None:
        if event.is_set():
            data_in.user_interrupt = True

    h.setCallback(check, None)
    for kind in ("kCallbackSimplexInterrupt", "kCallbackIpmInterrupt"):
        h.startCallback(getattr(highspy.cb.HighsCallbackType, kind))


def configure_threads(threads: int) -> None:
    """Set the number of HiGHS threads for this process.

    HiGHS starts one task scheduler per process, so the count can be chosen only once,
    before the first solve; asking again for a different count is an error rather than
    being silently ignored.
    """
    global _threads
    if threads < 1:
        raise ValueError(f"threads: must be >= 1, got {threads}")
    with _lock:
        if _threads is not None and _threads != threads:
            raise RuntimeError(
                f"threads: HiGHS threads already set to {_threads} in this process; "
                "they can be set only once"
            )
        _threads = threads


_show_output = False


def show_solver_output(show: bool = True) -> None:
    """Let HiGHS's banner and the solver log Pyomo passes on through, to stderr (``parplan
    --verbose``); by default they are dropped, so that a command prints only its own
    output."""
    global _show_output
    _show_output = show


@contextlib.contextmanager
def solver_output() -> Iterator[None]:
    """Send file descriptor 1 (where HiGHS writes its banner and Pyomo the solver's log)
    to stderr for the duration where :func:`show_solver_output` asked for it, else
    nowhere."""
    sys.stdout.flush()
    saved = os.dup(1)
    sink = os.open(os.devnull, os.O_WRONLY) if not _show_output else None
    try:
        os.dup2(2 if sink is None else sink, 1)
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)
        if sink is not None:
            os.close(sink)


def new_highs() -> highspy.Highs:
    """A silent HiGHS instance using this process's thread count."""
    global _threads
    with _lock:
        # Keep stdout clean for machine-readable output: HiGHS greets on stdout.
        with solver_output():
            h = highspy.Highs()
        if _threads is None:
            _threads = max(1, min(os.cpu_count() or 1, 8))
        threads = _threads
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", threads)
    return h


def highs_threads() -> int:
    """The HiGHS thread count of this process (fixed by the first instance)."""
    return _threads or 1


def highs_bounds(a: np.ndarray) -> np.ndarray:
    """Bounds as HiGHS reads them: any |bound| >= kHighsInf is infinite."""
    return np.clip(np.asarray(a, dtype=float), -highspy.kHighsInf, highspy.kHighsInf)


def highs_lp(
    matrix: sp.csc_array,
    cost: np.ndarray,
    col_lower: np.ndarray,
    col_upper: np.ndarray,
    row_lower: np.ndarray,
    row_upper: np.ndarray,
) -> highspy.HighsLp:
    """A ``HighsLp`` holding the CSC arrays as they are (no per-element hand-over)."""
    model = highspy.HighsLp()
    model.num_row_, model.num_col_ = matrix.shape
    model.col_cost_ = np.asarray(cost, dtype=float)
    model.col_lower_ = highs_bounds(col_lower)
    model.col_upper_ = highs_bounds(col_upper)
    model.row_lower_ = highs_bounds(row_lower)
    model.row_upper_ = highs_bounds(row_upper)
    model.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    model.a_matrix_.start_ = matrix.indptr
    model.a_matrix_.index_ = matrix.indices
    model.a_matrix_.value_ = matrix.data
    return model


def write_model(model: highspy.HighsLp, path: str) -> bool:
    """Write ``model`` to ``path`` in the format its suffix names (``.mps``, ``.lp``);
    whether HiGHS wrote it without complaint (a name it would drop is a complaint)."""
    h = new_highs()
    if h.passModel(model) == highspy.HighsStatus.kError:
        return False
    return bool(h.writeModel(path) == highspy.HighsStatus.kOk)


def apply_options(
    h: highspy.Highs,
    method: Method,
    n_cols: int,
    time_limit: float | None,
    *,
    interruptible: bool = True,
) -> None:
    """Reset ``h`` to this process's defaults, then set the method and time limit; a solve
    in an :func:`interruptible` context stops when its event is set (unless
    ``interruptible`` is false)."""
    h.resetOptions()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", highs_threads())
    for key, value in method_options(method, n_cols).items():
        h.setOptionValue(key, value)
    h.setOptionValue("time_limit", float(time_limit) if time_limit else highspy.kHighsInf)
    if interruptible:
        _watch_interrupt(h)


def method_options(method: Method, n_cols: int) -> dict[str, Any]:
    """HiGHS options for ``method`` on a problem with ``n_cols`` columns."""
    if method in (Method.AUTO, Method.LEONTIEF):  # HiGHS does not do LEONTIEF: AUTO
        method = Method.IPM if n_cols > AUTO_IPM_ABOVE_COLUMNS else Method.SIMPLEX
    if method is Method.CHOOSE:
        return {"solver": "choose"}
    if method is Method.SIMPLEX:
        return {"solver": "simplex", "simplex_strategy": 1}  # dual simplex
    if method is Method.IPM:
        return {"solver": "ipm", "run_crossover": "on"}
    return {"solver": "pdlp"}


def resolved_method(method: Method, n_cols: int) -> Method:
    """The concrete method ``AUTO`` stands for on a problem of this size."""
    if method in (Method.AUTO, Method.LEONTIEF):
        return Method.IPM if n_cols > AUTO_IPM_ABOVE_COLUMNS else Method.SIMPLEX
    return method


_TERMINATION = {
    highspy.HighsModelStatus.kOptimal: TerminationCondition.OPTIMAL,
    highspy.HighsModelStatus.kInfeasible: TerminationCondition.PROVEN_INFEASIBLE,
    highspy.HighsModelStatus.kUnbounded: TerminationCondition.UNBOUNDED,
    highspy.HighsModelStatus.kUnboundedOrInfeasible: TerminationCondition.INFEASIBLE_OR_UNBOUNDED,
    highspy.HighsModelStatus.kTimeLimit: TerminationCondition.MAX_TIME_LIMIT,
    highspy.HighsModelStatus.kIterationLimit: TerminationCondition.ITERATION_LIMIT,
    highspy.HighsModelStatus.kInterrupt: TerminationCondition.INTERRUPTED,
    getattr(highspy.HighsModelStatus, "kHighsInterrupt", -1): TerminationCondition.INTERRUPTED,
    highspy.HighsModelStatus.kLoadError: TerminationCondition.ERROR,
    highspy.HighsModelStatus.kModelError: TerminationCondition.ERROR,
    highspy.HighsModelStatus.kPresolveError: TerminationCondition.ERROR,
    highspy.HighsModelStatus.kSolveError: TerminationCondition.ERROR,
    highspy.HighsModelStatus.kPostsolveError: TerminationCondition.ERROR,
    highspy.HighsModelStatus.kMemoryLimit: TerminationCondition.ERROR,
}


def outcome_from_highs(h: highspy.Highs) -> tuple[TerminationCondition, SolutionStatus]:
    """Termination condition and solution status of the last ``run()``."""
    model_status = h.getModelStatus()
    termination = _TERMINATION.get(model_status, TerminationCondition.UNKNOWN)
    primal = h.getInfo().primal_solution_status  # 0 none, 1 infeasible, 2 feasible
    if termination is TerminationCondition.OPTIMAL:
        solution = SolutionStatus.OPTIMAL
    elif primal == 2:
        solution = SolutionStatus.FEASIBLE
    elif primal == 1:
        solution = SolutionStatus.INFEASIBLE
    else:
        solution = SolutionStatus.NO_SOLUTION
    return termination, solution


@dataclass(frozen=True)
class LPOutcome(SolveOutcome):
    """How one HiGHS run ended, and what it left, in the LP's row and column order.

    Attributes
    ----------
    termination, solution
        Why it stopped and what the returned point is (kept apart: a time limit hit with a
        feasible point is not an optimum).
    x, objective
        Column values and the objective there (``None`` where there is no primal point).
    row_dual, col_dual
        Row duals and reduced costs as HiGHS signs them for a minimisation (``None`` where
        they are not valid).
    seconds, method, iterations
        Wall time of the run(s); the method that ran and its simplex, interior point and
        PDLP iterations together (``None`` and 0 where not recorded).
    basic
        ``True`` where the point is a basis's (a vertex), ``False`` for an interior point
        that stands without one; ``None`` where not recorded.
    """

    termination: TerminationCondition
    solution: SolutionStatus
    x: np.ndarray | None
    row_dual: np.ndarray | None
    seconds: float
    col_dual: np.ndarray | None = None
    objective: float | None = None
    method: Method | None = None
    iterations: int = 0
    basic: bool | None = None

    def _has_duals(self) -> bool:
        return self.row_dual is not None


def run_with_fallback(
    h: highspy.Highs, method: Method, n_cols: int, time_limit: float | None
) -> LPOutcome:
    """Run ``h`` (its options already set for ``method``) and read the outcome; where the
    interior point method ends other than optimal, out of time or interrupted, dual simplex
    gets a second go (IPM occasionally stalls on the board's LPs, a few of hundreds in the
    benchmarks; simplex is slower but does not)."""
    start = time.perf_counter()
    h.run()
    termination, solution = outcome_from_highs(h)
    ended = termination is TerminationCondition.OPTIMAL or termination.cut_short
    if not ended and resolved_method(method, n_cols) is Method.IPM:
        apply_options(h, Method.SIMPLEX, n_cols, time_limit)
        h.clearSolver()
        h.run()
        termination, solution = outcome_from_highs(h)
    return outcome_of(h, termination, solution, time.perf_counter() - start)


def crossover_from(
    h: highspy.Highs, matrix: sp.csc_array, cost: np.ndarray, x: np.ndarray, row_dual: np.ndarray
) -> tuple[TerminationCondition, SolutionStatus]:
    """HiGHS's crossover from the point ``(x, row_dual)`` (an interior one, say) of the LP
    loaded in ``h`` (``matrix``, ``cost``) to a basis; how it ended (optimal where it is)."""
    _start_scheduler()
    solution = highspy.HighsSolution()
    solution.col_value = x
    solution.row_value = matrix @ x
    solution.row_dual = row_dual
    solution.col_dual = cost - matrix.T @ row_dual
    solution.value_valid = solution.dual_valid = True
    h.crossover(solution)
    return outcome_from_highs(h)


def interrupt_event() -> threading.Event | None:
    """The event that stops solves in this :func:`interruptible` context (``None``: none)."""
    return _interrupt.get()


# HiGHS keeps its task scheduler per thread: ``Highs.run`` starts the calling thread's,
# and a crossover in a thread that never ran one dies of a segmentation fault (HiGHS 1.16;
# a service's pool of solve threads met it in about one deadline-cut round in twenty)
_scheduler = threading.local()


def _start_scheduler() -> None:
    """Run an empty LP once in the calling thread: ``Highs.run`` starts that thread's task
    scheduler, which ``Highs.crossover`` uses but does not start."""
    if not getattr(_scheduler, "started", False):
        new_highs().run()
        _scheduler.started = True


def solve_lp(
    lp: highspy.HighsLp,
    *,
    method: Method = Method.AUTO,
    time_limit: float | None = None,
    interruptible: bool = True,
) -> LPOutcome:
    """Solve ``lp`` (from :func:`highs_lp`) on a fresh HiGHS instance (``interruptible``:
    as for :func:`apply_options`)."""
    h = new_highs()
    apply_options(h, method, int(lp.num_col_), time_limit, interruptible=interruptible)
    h.passModel(lp)
    return run_with_fallback(h, method, int(lp.num_col_), time_limit)


def outcome_of(
    h: highspy.Highs, termination: TerminationCondition, solution: SolutionStatus, seconds: float
) -> LPOutcome:
    """The outcome of ``h``'s last solve: ``termination``, ``solution`` and its point."""
    sol = h.getSolution()
    x = np.asarray(sol.col_value) if sol.value_valid else None
    dual = np.asarray(sol.row_dual) if sol.dual_valid else None
    return LPOutcome(termination, solution, x, dual, seconds)
