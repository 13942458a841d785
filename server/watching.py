"""Sessions watched round by round: every round summary as rounds close, until the end, or
until a watcher has waited too long."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import AsyncIterator
from typing import Any

from solver.planning.result import PlanStatus

from .live import LiveSession

__all__ = ["WatchIdle", "Watching"]


class Watching:
    """Watching sessions (a part of :class:`~server.sessions.SessionManager`)."""

    async def session(self, session_id: str, *, fresh: bool = True) -> LiveSession:
        """The session, loaded if it is not in memory (the manager's)."""
        raise NotImplementedError

    async def watch(
        self, session_id: str, from_round: int, idle_seconds: float | None = None
    ) -> AsyncIterator[dict[str, Any]]:
        """Every round summary from ``from_round`` on, as rounds close, until the end.

        Raises
        ------
        WatchIdle
            No round closed for ``idle_seconds`` (``None``: wait as long as it takes).
        """
        live = await self.session(session_id)
        sent = max(from_round, 1) - 1
        while True:
            while sent < len(live.summaries):
                yield live.summaries[sent]
                sent += 1
            if live.status is not PlanStatus.RUNNING:
                return
            async with live.changed:
                try:
                    # a timeout of this task (not asyncio.wait_for, whose inner task can be
                    # cancelled while taking the condition's lock back, leaving it unheld)
                    async with asyncio.timeout(idle_seconds):
                        await live.changed.wait_for(functools.partial(_moved_on, live, sent))
                except TimeoutError:
                    raise WatchIdle(
                        f"no round of session {session_id!r} closed for {idle_seconds:g} s; "
                        f"watch again with from_round {sent + 1}"
                    ) from None


class WatchIdle(Exception):
    """A watcher waited longer than its idle limit for the next round."""


def _moved_on(live: LiveSession, sent: int) -> bool:
    """A round closed since ``sent`` summaries went out, or the session ended."""
    return len(live.summaries) > sent or live.status is not PlanStatus.RUNNING
