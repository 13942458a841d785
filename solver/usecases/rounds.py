"""One round's social-cost LP, alone: for a caller that gives requests and limits."""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping

from solver.economy.edits import with_activity_limits, with_requests
from solver.economy.model import parse_economy
from solver.highs import configure_threads, interruptible, show_solver_output
from solver.lp.results import RoundResult
from solver.lp.solve import solve_round
from solver.status import Method

__all__ = ["configure_threads", "show_solver_output", "solve_document_round", "solve_round"]


def solve_document_round(
    document: str,
    requests: Mapping[str, Mapping[str, float]],
    activity_limits: Mapping[str, float],
    *,
    method: Method = Method.AUTO,
    elastic: bool = True,
    deadline: float | None = None,
    interrupt: threading.Event | None = None,
) -> RoundResult:
    """The round LP of an economy document with councils' ``requests`` and techniques'
    ``activity_limits`` put in (:func:`~solver.economy.edits.with_requests`,
    :func:`~solver.economy.edits.with_activity_limits`).

    ``deadline`` (a :func:`time.monotonic` instant) sets HiGHS's time limit to what is left
    once the economy is read, less a margin to answer in time; ``interrupt`` stops the
    solve from another thread.
    """
    economy = with_requests(parse_economy(document), dict(requests))
    if activity_limits:
        economy = with_activity_limits(economy, dict(activity_limits))
    time_limit = None
    if deadline is not None:
        left = deadline - time.monotonic()
        time_limit = max(left - max(0.1 * left, 0.05), 0.01)
    with interruptible(interrupt or threading.Event()):
        return solve_round(economy, method=method, time_limit=time_limit, elastic=elastic)
