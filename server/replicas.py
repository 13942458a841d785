"""Sessions kept in step with a store that other servers write too (PostgreSQL replicas).

Each server holds the sessions in use in memory (:mod:`server.live`); the store is the
truth. Where other servers share the store, this one learns of a round they closed or an
answer they stored from the store's notifications (:meth:`~server.store_base.StoreBase.follow`)
and, for calls that read a session's state, by checking the stored round first; it then
replays the stored rounds it has not played (:meth:`Replicas.catch_up`), as a restarted
server does. A close whose server died (its lease on the round ran out) is taken over by
the first server whose sweep finds it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from solver.planning.result import PlanStatus
from solver.planning.session import PlanningSession
from solver.usecases import LEDGER_GENESIS, replay_round

from .live import LiveSession
from .records import RoundRow, SessionRecord
from .rounds import Rounds

__all__ = ["Replicas", "replay_rounds"]

log = logging.getLogger(__name__)


def replay_rounds(
    planning: PlanningSession,
    rows: list[RoundRow],
    heads: list[str],
    session_id: str,
    stored: SessionRecord,
) -> None:
    """Play stored rounds again on ``planning`` (deterministic), appending each round's
    ledger head to ``heads``; the stored (published) prices are kept where a replay differs,
    and a session ``stored`` with a round open after them stays open where the replay ends
    it (a server of another version closed its rounds, whose convergence test ran on: the
    store is what councils saw, as :func:`~solver.usecases.replay_round` keeps its closed
    rounds). A round that closed after ``stored`` was read, and is among ``rows``, reopens
    nothing."""
    for row in rows:
        head, differ = replay_round(
            planning, row.proposals, row.next_prices, heads[-1] if heads else LEDGER_GENESIS
        )
        heads.append(head)
        if differ:
            log.warning(
                "session %s round %d: replayed prices differ from the stored ones; "
                "keeping the stored (published) prices",
                session_id,
                row.round,
            )
    played = len(planning.rounds)
    open_after = stored.status == PlanStatus.RUNNING and stored.current_round > played
    if planning.status is PlanStatus.CONVERGED and open_after:
        planning.status = PlanStatus.RUNNING


def _behind(live: LiveSession, record: SessionRecord) -> bool:
    return record.current_round != live.current_round or record.status != live.status.value


class Replicas(Rounds):
    """Catching up with the store, following its notifications, and taking over the closes
    of servers that died (a part of :class:`~server.sessions.SessionManager`)."""

    _stop_following: Callable[[], None] | None = None

    def follow_store(self) -> None:
        """Start following other servers' changes and sweeping for abandoned closes (from
        the event loop, once it runs)."""
        loop = asyncio.get_running_loop()

        def on_change(session_id: str) -> None:
            loop.call_soon_threadsafe(self._changed_elsewhere, session_id)

        if self.store.shared:
            self._stop_following = self.store.follow(on_change)
        self.spawn(self._sweep())

    def stop_following(self) -> None:
        """Stop following the store (at shutdown)."""
        if self._stop_following is not None:
            self._stop_following()
            self._stop_following = None

    def _changed_elsewhere(self, session_id: str) -> None:
        """A session changed in the store ("": any may have, the notifications resumed)."""
        if self._stopping:
            return
        ids = list(self._live) if not session_id else [session_id]
        for sid in ids:
            live = self._live.get(sid)
            if live is not None:
                self.spawn(self.catch_up(live))

    async def catch_up(self, live: LiveSession, *, answers: bool = False) -> None:
        """Replay the rounds (and, with ``answers`` or where the session's status moved, the
        answers to the last word) that the store holds beyond this server's memory."""
        record = await self.db(self.store.session, live.session_id)
        if not answers and not _behind(live, record):
            return
        async with live.gate.closing():
            record = await self.db(self.store.session, live.session_id)
            played = len(live.planning.rounds)
            rows = await self.db(self.store.rounds, live.session_id, played + 1)
            planning, heads = live.planning.fork(), list(live.ledger_heads)
            await self.compute(replay_rounds, planning, rows, heads, live.session_id, record)
            stored = []
            if planning.status is PlanStatus.AWAITING_ANSWERS:
                stored = await self.db(self.store.last_word_answers, live.session_id)
                for council, approve in stored[live.answers_applied if not rows else 0 :]:
                    planning.answer_last_word(council, approve)
            live.planning = planning
            live.summaries.extend(
                row.summary | {"ledger_sha256": head}
                for row, head in zip(rows, heads[played:], strict=True)
            )
            live.ledger_heads = heads
            live.answers_applied = len(stored)
            live.round_opened = record.round_opened
            self._arm_timer(live)
        if rows or stored:
            log.info(
                "session %s: %d round(s) closed elsewhere replayed", live.session_id, len(rows)
            )
        async with live.changed:
            live.changed.notify_all()

    async def _sweep(self) -> None:
        """Every half lease, take over the closes whose server's lease ran out."""
        while not self._stopping:
            await asyncio.sleep(self.close_lease / 2)
            try:
                expired = await self.db(self.store.expired_closes)
            except Exception as err:  # the store is failing: health says so; try again
                log.warning("looking for abandoned round closes: %s", err)
                continue
            for session_id, round_ in expired:
                if (session_id, round_) in self._closing or self._stopping:
                    continue
                log.warning(
                    "session %s round %d: its closer's lease ran out; taking the close over",
                    session_id,
                    round_,
                )
                self.spawn(self._auto_close(session_id, round_))
