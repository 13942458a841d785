"""The round protocol of the service's sessions: submissions, a round's close (by every
live council having proposed, by a call, or by its timeout), the board's last word, and
sessions run round by round (watching them: :mod:`server.watching`)."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import AsyncIterator
from typing import Any

from solver.planning.live_proposals import CouncilProposal
from solver.planning.result import PlanStatus, RoundRecord
from solver.usecases import (
    LEDGER_GENESIS,
    MissingProposalsError,
    RoundAbandoned,
    close_live_round,
)

from .close_lease import holding_close
from .concurrency import GroupCommit, Workers
from .live import LiveSession, SessionStateError, proposal_body, proposal_from_body, summary_of
from .records import RoundBeingClosed, RoundClosedError, StaleSessionError
from .store import Store

__all__ = ["Rounds"]

log = logging.getLogger(__name__)


class Rounds(Workers):
    """The round protocol over the sessions that :class:`~server.sessions.SessionManager`
    loads (its base: :meth:`session` is the manager's)."""

    store: Store
    _live: dict[str, LiveSession]
    _writer: GroupCommit[tuple[str, int, str, str], tuple[bool, int]]
    replica: str
    """This server among those sharing the store: the holder of its closes' leases."""
    close_lease: float
    """Seconds a close's lease runs before it is renewed (a third of it) or taken over."""
    _closing: set[tuple[str, int]]  # (session, round) this server is closing
    # the interrupt of every round being closed, so that shutdown can stop their LPs
    _interrupts: set[threading.Event]
    _stopping: bool

    async def session(self, session_id: str, *, fresh: bool = True) -> LiveSession:
        """The session, loaded if it is not in memory (the manager's)."""
        raise NotImplementedError

    async def catch_up(self, live: LiveSession, *, answers: bool = False) -> None:
        """Replay what other servers stored (:class:`~server.replicas.Replicas`)."""
        raise NotImplementedError

    async def submit(
        self, session_id: str, round_: int, proposal: CouncilProposal
    ) -> tuple[bool, int, int, bool]:
        """Commit a live council's proposal for the open round.

        Returns
        -------
        replaced, submitted, live, closed
            Whether it replaced an earlier proposal, how many live councils have submitted
            and how many there are, and whether this submission closed the round. The close
            it triggers runs to its end even if this caller goes away.
        """
        (result,), count, total, closed = await self.submit_many(session_id, round_, [proposal])
        if isinstance(result, BaseException):
            raise result
        return result, count, total, closed

    async def submit_many(
        self, session_id: str, round_: int, proposals: list[CouncilProposal]
    ) -> tuple[list[bool | Exception], int, int, bool]:
        """Commit live councils' proposals for the open round together (one transaction
        with whatever else is waiting); each is checked and answered on its own.

        Returns
        -------
        results, submitted, live, closed
            Per proposal, whether it replaced an earlier one or why it was refused; then as
            :meth:`submit`.
        """
        # the store checks the round as it commits: memory is brought up to date only where
        # it disagrees (another server closed a round)
        live = await self.session(session_id, fresh=False)
        if self.store.shared and round_ != live.current_round:
            await self.catch_up(live)
        results: list[bool | Exception | None] = [None] * len(proposals)
        items = []
        for i, proposal in enumerate(proposals):
            try:
                live.directory.check(proposal)
            except ValueError as err:  # ProposalError too
                results[i] = err
                continue
            items.append((i, (session_id, round_, proposal.council_id, proposal_body(proposal))))

        async def commit() -> list[tuple[bool, int] | Exception]:
            async with live.gate.submitting():
                self._check_open(live, round_)
                # all refused by their check: nothing to write
                return await self._writer.put_many([item for _, item in items]) if items else []

        # a caller that goes away mid-commit must not leave memory behind the database
        written = await asyncio.shield(commit())
        count = -1
        for (i, _), outcome in zip(items, written, strict=True):
            if isinstance(outcome, Exception):
                results[i] = outcome
            else:
                results[i], count = outcome[0], max(count, outcome[1])
        if count < 0:  # nothing committed: how many are in as it stands
            count = await self.db(self.store.submitted_count, session_id, round_)
        total = len(live.settings.live_councils)
        closed = False
        if live.settings.auto_close and count == total:
            closed = await asyncio.shield(self.spawn(self._auto_close(session_id, round_)))
        return [r for r in results if r is not None], count, total, closed

    async def _auto_close(self, session_id: str, round_: int) -> bool:
        """Close a round that every live council has submitted to; False if another call
        or server closed it. Where another server holds the close, wait for it: it closes
        the round, or its lease runs out and this server takes the close over."""
        while True:
            try:
                await self._close_round(session_id, round_, None, threading.Event())
            except RoundBeingClosed as held:
                live = await self.session(session_id, fresh=False)
                waited = 0.0
                while live.current_round == round_ and waited <= held.wait and not self._stopping:
                    await asyncio.sleep(0.1)  # notifications bring the round closed elsewhere
                    waited += 0.1
                await self.catch_up(live)
                if live.current_round != round_ or live.status is not PlanStatus.RUNNING:
                    return False
                if self._stopping:
                    raise
                continue
            except RoundClosedError:
                return False  # another call closed it first
            return True

    @staticmethod
    def _check_open(live: LiveSession, round_: int) -> None:
        if round_ < 1:
            raise ValueError(
                f"round: rounds are numbered from 1; give the open round "
                f"({live.current_round}), as GetRound without a round tells"
            )
        if live.status is not PlanStatus.RUNNING:
            raise RoundClosedError(live.session_id, round_, None, live.status.value)
        if round_ != live.current_round:
            raise RoundClosedError(live.session_id, round_, live.current_round)

    async def close_round(
        self,
        session_id: str,
        round_: int,
        *,
        deadline: float | None = None,
    ) -> dict[str, Any]:
        """Close the open round: assemble every council's proposal, move prices, persist.

        Live councils that have not submitted keep their previous round's proposal; in the
        first round there is none, and the close is refused naming them.

        The ``deadline`` (``time.monotonic()`` seconds) bounds the round's master LP. A round is
        stored only when its solve ran to its end: if the deadline passes or the caller is
        cancelled first, the LP is stopped, :class:`RoundAbandoned` is raised and the round
        stays open as it was, so a replay after a restart always meets the same rounds.
        """
        interrupt = threading.Event()
        task = asyncio.ensure_future(self._close_round(session_id, round_, deadline, interrupt))
        try:
            return await asyncio.shield(task)
        except asyncio.CancelledError:
            interrupt.set()  # stops the LP; the task then abandons the round
            raise

    async def _close_round(
        self, session_id: str, round_: int, deadline: float | None, interrupt: threading.Event
    ) -> dict[str, Any]:
        self._interrupts.add(interrupt)
        if self._stopping:
            interrupt.set()
        try:
            return await self._close_round_interruptibly(session_id, round_, deadline, interrupt)
        finally:
            self._interrupts.discard(interrupt)

    async def _close_round_interruptibly(
        self, session_id: str, round_: int, deadline: float | None, interrupt: threading.Event
    ) -> dict[str, Any]:
        live = await self.session(session_id)
        async with live.gate.closing():
            self._check_open(live, round_)
            # the round's proposals as stored, whichever server took them; none lands after
            async with holding_close(
                self.db, self.store, session_id, round_, self.replica, self.close_lease
            ) as bodies:
                self._closing.add((session_id, round_))
                try:
                    return await self._close_taken(live, round_, bodies, deadline, interrupt)
                finally:
                    self._closing.discard((session_id, round_))

    async def _close_taken(
        self,
        live: LiveSession,
        round_: int,
        bodies: dict[str, str],
        deadline: float | None,
        interrupt: threading.Event,
    ) -> dict[str, Any]:
        """Play and store a round whose close this server holds (under the closing gate)."""
        session_id = live.session_id
        submitted = {c: proposal_from_body(c, body) for c, body in bodies.items()}
        # the round is played on a fork: readers keep seeing the stored rounds until the
        # new one is stored too, and an abandoned round leaves nothing behind
        planning = live.planning.fork()
        left = None if deadline is None else max(deadline - time.monotonic(), 0.01)
        planning.rule.time_limit = left

        def solve() -> tuple[RoundRecord, str]:
            heads = live.ledger_heads
            try:
                return close_live_round(
                    planning,
                    live.directory,
                    submitted,
                    live.settings.live_councils,
                    heads[-1] if heads else LEDGER_GENESIS,
                    interrupt=interrupt,
                    deadline=deadline,
                )
            except MissingProposalsError as err:
                raise SessionStateError(str(err)) from err
            except RoundAbandoned as err:
                raise RoundAbandoned(f"{err} (session {session_id!r})") from err

        record, head = await self.compute(solve)
        planning.rule.time_limit = None
        summary = summary_of(record, planning.status) | {"ledger_sha256": head}
        await self.db(
            self.store.close_round,
            session_id,
            round_,
            summary,
            record.prices,
            record.next_prices,
            planning.last_proposals,
            planning.status.value,
            self.replica,
        )
        # stored: the round becomes visible, all at once (no await in between)
        live.planning = planning
        live.answers_applied = 0
        live.summaries.append(summary)
        live.ledger_heads.append(head)
        live.round_opened = time.time()
        self._arm_timer(live)
        async with live.changed:
            live.changed.notify_all()
        return summary

    async def answer_last_word(
        self, session_id: str, council_id: str, approve: bool
    ) -> LiveSession:
        """A live council's own answer to its part of the board's last word, stored before
        anyone sees it.

        Raises
        ------
        SessionStateError
            The session awaits no answers.
        ValueError
            ``council_id: ...`` where the board awaits none from that council.
        """
        live = await self.session(session_id)
        for _ in range(5):  # another server's answer stored meanwhile: again with it
            try:
                return await self._answer(live, council_id, approve)
            except StaleSessionError:
                await self.catch_up(live, answers=True)
        return await self._answer(live, council_id, approve)

    async def _answer(self, live: LiveSession, council_id: str, approve: bool) -> LiveSession:
        session_id = live.session_id
        async with live.gate.closing():
            if live.status is not PlanStatus.AWAITING_ANSWERS:
                raise SessionStateError(
                    f"session_id: session {session_id!r} awaits no answers to a last word "
                    f"({live.status.value})"
                )
            planning = live.planning.fork()
            try:
                planning.answer_last_word(council_id, approve)
            except ValueError as err:
                raise ValueError(f"council_id: {str(err).removeprefix('council: ')}") from err
            await self.db(
                self.store.put_last_word_answer,
                session_id,
                council_id,
                approve,
                planning.status.value,
                live.answers_applied,
            )
            live.planning = planning
            live.answers_applied += 1
        async with live.changed:
            live.changed.notify_all()
        return live

    def _arm_timer(self, live: LiveSession) -> None:
        """Schedule the open round's timeout close, if the session has one."""
        if live.timer is not None:
            live.timer.cancel()
            live.timer = None
        timeout = live.settings.round_timeout_seconds
        if timeout <= 0 or live.status is not PlanStatus.RUNNING or self._stopping:
            return
        round_ = live.current_round
        delay = max(live.round_opened + timeout - time.time(), 0.0)

        def fire() -> None:
            self.spawn(self._timeout_close(live.session_id, round_))

        live.timer = asyncio.get_running_loop().call_later(delay, fire)

    async def _timeout_close(self, session_id: str, round_: int) -> None:
        try:
            await self._close_round(session_id, round_, None, threading.Event())
            log.info("session %s round %d closed by its timeout", session_id, round_)
        except (RoundClosedError, SessionStateError) as err:
            log.info("session %s round %d: timeout close skipped: %s", session_id, round_, err)

    async def run(
        self,
        session_id: str,
        max_rounds: int,
        *,
        deadline: float | None,
    ) -> AsyncIterator[dict[str, Any]]:
        """Play rounds with simulated councils; yields each round's summary.

        Stops at the end of the session, after ``max_rounds`` rounds (0: no limit), or at
        the ``deadline`` (``time.monotonic()`` seconds), which also bounds each LP; a
        cancelled caller stops the round in progress (:meth:`close_round`).
        """
        live = await self.session(session_id)
        if live.settings.live_councils:
            raise SessionStateError(
                "session_id: the session has live councils; they submit their proposals "
                "and rounds close with CloseRound"
            )
        played = 0
        while live.status is PlanStatus.RUNNING and (max_rounds <= 0 or played < max_rounds):
            if deadline is not None and time.monotonic() >= deadline:
                return
            round_ = live.current_round
            try:
                summary = await self.close_round(session_id, round_, deadline=deadline)
            except RoundClosedError:
                if live.current_round != round_:
                    continue  # another call (an earlier run's last round) closed it meanwhile
                raise
            yield summary
            played += 1
