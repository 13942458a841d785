"""Planning sessions as the service runs them: persisted, replayable, shared by many callers.

A :class:`SessionManager` keeps, for every session in use, the solver's
:class:`~solver.planning.PlanningSession` and the open round's submissions. The database is
the truth and memory only a cache: a session is loaded by replaying its closed rounds (the
stored proposals of each round go through the same ``close_round`` again, which is
deterministic), so after a crash and a restart every session continues from its open round
with the same prices and the same price-rule state.

The round protocol (submissions, closes, timeouts, the last word, run and watch) is
:class:`~server.rounds.Rounds` and the economies' storage :class:`~server.economies.Economies`,
which the manager extends; the threads, the gate between
submissions and a close, and group commit are :mod:`server.concurrency`; the session as held
in memory is :mod:`server.live`.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import os
import socket
import time
import uuid
from typing import Any, TypeVar

from solver.planning.board.evaluation import Evaluation
from solver.planning.live_proposals import CouncilDirectory, CouncilKind
from solver.planning.market import Market
from solver.planning.result import PlanStatus
from solver.planning.session import PlanningSession
from solver.usecases import (
    LEDGER_GENESIS,
    LastYear,
    check_rule,
    held_items,
    new_session,
    planning_market,
    round_evaluation,
    session_ledger,
)

from .auth import hash_token, new_token
from .concurrency import GroupCommit
from .economies import Economies
from .live import (
    LiveSession,
    SessionSettings,
)
from .records import NotFoundError, SessionRecord
from .replicas import Replicas, replay_rounds
from .store import Store
from .watching import Watching

__all__ = ["CLOSE_LEASE", "DB_THREADS", "SessionManager"]

CLOSE_LEASE = 10.0
"""Seconds a round's close is held by its server before it must renew it (every third of
it): a server that dies mid-close holds the round up for at most this long."""
DB_THREADS = 4
"""Threads calling a store that other servers share (PostgreSQL, a pool of connections);
an SQLite file has one."""
Written = tuple[bool, int]

log = logging.getLogger(__name__)
T = TypeVar("T")


class SessionManager(Replicas, Economies, Watching):
    """Economies and planning sessions over a :class:`~server.store.Store`.

    Parameters
    ----------
    store
        The database.
    solve_workers
        Threads that run solves (round closes), so that long solves do not block the service.
    close_lease
        Seconds a round's close is held before it is renewed (every third of it) or, where
        this server died, taken over by another sharing the store.
    """

    def __init__(
        self, store: Store, *, solve_workers: int = 2, close_lease: float = CLOSE_LEASE
    ) -> None:
        super().__init__(solve_workers=solve_workers, db_threads=DB_THREADS if store.shared else 1)
        self.store = store
        self.replica = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.close_lease = close_lease
        self._closing = set()
        self._live = {}
        self._loading: dict[str, asyncio.Task[LiveSession]] = {}
        self._writer = GroupCommit(self._write)
        self._interrupts = set()
        self._stopping = False

    async def _write(self, items: list[tuple[str, int, str, str]]) -> list[Written | Exception]:
        """Commit proposals together; each with whether it replaced one and how many
        councils the round then holds."""
        return list(await self.db(self.store.submit_proposals, items))

    def interrupt_solves(self) -> None:
        """Stop every LP being solved, now and from now on: their rounds are abandoned and
        stay open (as a deadline leaves them); timeout closes are no longer scheduled."""
        self._stopping = True
        for live in self._live.values():
            if live.timer is not None:
                live.timer.cancel()
                live.timer = None
        for interrupt in list(self._interrupts):
            interrupt.set()

    def shutdown(self) -> None:
        """Stop every solve and wait for the worker threads (each ends within an LP
        iteration of being interrupted)."""
        self.interrupt_solves()
        self.stop_following()
        self.shutdown_workers()

    async def answers(
        self, live: LiveSession, round_: int, council: str | None = None
    ) -> tuple[Evaluation, dict[str, list[dict[str, Any]]]]:
        """The board's evaluation of a closed round, and the items each council (``council``
        alone, if given) kept from clearing with what the board expects of it; both re-made
        from the round's stored proposals, read once, for a round before the last."""
        planning = live.planning
        last = round_ == len(planning.rounds)
        proposals, evaluation = planning.last_proposals, planning.last_evaluation
        if not last or proposals is None or evaluation is None:
            proposals = (await self.db(self.store.round, live.session_id, round_)).proposals
            evaluation = await self.compute(round_evaluation, planning, proposals, round_)
        # a few sparse products: inline, so that it never waits behind a round's solve
        return evaluation, held_items(planning, proposals, round_, council)

    async def ledger(
        self, session_id: str, start: int, size: int
    ) -> tuple[list[dict[str, Any]], int, str]:
        """Closed rounds ``start + 1`` to ``start + size`` of the session's published ledger
        (re-made from the stored proposals, chained to the round before), how many rounds
        it holds and its head (empty before any round closed)."""
        live = await self.session(session_id)
        planning, heads = live.planning, list(live.ledger_heads)
        closed = len(heads)
        if start >= closed or size <= 0:
            return [], closed, heads[-1] if heads else ""
        last = min(start + size, closed)
        rows = await self.db(self.store.rounds, session_id, start + 1, last)
        previous = heads[start - 1] if start > 0 else LEDGER_GENESIS
        records = await self.compute(
            session_ledger, planning, [row.proposals for row in rows], start + 1, previous
        )
        return records, closed, heads[-1]

    # -- economies -----------------------------------------------------------------------

    async def create_session(
        self,
        economy_id: str,
        settings: SessionSettings,
        *,
        all_live: bool = False,
        previous_session_id: str = "",
    ) -> tuple[LiveSession, dict[str, str]]:
        """A new session and a token for each live council.

        Raises
        ------
        ValueError
            A setting the solver refuses, naming it (unknown rule or option, bad tolerance,
            unknown live council).
        EconomyValidationError
            The economy cannot be planned (e.g. infinite availability), naming the field.
        """
        check_rule(settings.rule, settings.rule_options)  # a bad rule costs no economy load
        economy = await self._economy(economy_id)
        market = await self.compute(planning_market, economy)
        directory = CouncilDirectory(market)
        live = list(directory.kinds) if all_live else list(dict.fromkeys(settings.live_councils))
        unknown = [c for c in live if c not in directory.kinds]
        if unknown:
            raise ValueError(f"live_councils: no council {', '.join(map(repr, unknown))}")
        if market.linear is None and any(directory.kinds[c] is CouncilKind.WORKER for c in live):
            raise ValueError("live_councils: this economy's worker councils are simulated only")
        settings = SessionSettings(**(settings.to_json() | {"live_councils": live}))
        if previous_session_id:
            previous = await self._previous(previous_session_id)
            settings = dataclasses.replace(settings, previous=previous)
        planning = self._planning(market, settings)  # refuses bad settings before storing
        market = planning.market  # with its first prices
        now = time.time()
        record = SessionRecord(
            session_id=f"ses-{uuid.uuid4().hex[:12]}",
            economy_id=economy_id,
            settings=settings.to_json(),
            status=PlanStatus.RUNNING.value,
            current_round=1,
            round_opened=now,
            created=now,
        )
        tokens = {c: new_token() for c in live}
        hashes = {c: hash_token(t) for c, t in tokens.items()}
        await self.db(self.store.add_session, record, hashes)
        session = LiveSession(
            record,
            settings,
            market,
            directory,
            planning,
            [],
            now,
            tokens={h: c for c, h in hashes.items()},
        )
        self._live[record.session_id] = session
        self._arm_timer(session)
        return session, tokens

    async def _previous(self, session_id: str) -> dict[str, Any]:
        """What a new session takes from the earlier session ``session_id``."""
        field = "previous_session_id"
        try:
            earlier = await self.session(session_id)
        except NotFoundError as err:
            raise ValueError(f"{field}: no session {session_id!r}") from err
        last = LastYear.from_session(earlier.planning, field)
        return {
            "session_id": session_id,
            "prices": dict(last.prices),
            "activities": dict(last.activities),
            "economy": last.economy,
        }

    @staticmethod
    def _planning(market: Market, settings: SessionSettings) -> PlanningSession:
        previous = settings.previous
        last_year = (
            LastYear(
                previous["prices"],
                previous["activities"],
                "previous_session_id",
                previous.get("economy", ""),
            )
            if previous
            else None
        )
        return new_session(
            market,
            settings.rule,
            tolerance=settings.tolerance,
            max_rounds=settings.max_rounds,
            rule_options=settings.rule_options,
            last_word=settings.last_word,
            answering=settings.live_councils,
            last_year=last_year,
        )

    async def session(self, session_id: str, *, fresh: bool = True) -> LiveSession:
        """The session, loaded (by replaying its rounds) if it is not in memory; where other
        servers share the store and ``fresh``, first brought up to the stored round.

        One load per session runs at a time, shared by every caller and not cancelled with
        any of them, so a long replay finishes even if its first caller gives up.
        """
        live = self._live.get(session_id)
        if live is not None:
            if fresh and self.store.shared:
                await self.catch_up(live)
            return live
        task = self._loading.get(session_id)
        if task is None:
            task = asyncio.ensure_future(self._load(session_id))
            self._loading[session_id] = task
            task.add_done_callback(lambda _: self._loading.pop(session_id, None))
        return await asyncio.shield(task)

    async def _load(self, session_id: str) -> LiveSession:
        record = await self.db(self.store.session, session_id)
        settings = SessionSettings.from_json(record.settings)
        economy = await self._economy(record.economy_id)
        market = await self.compute(planning_market, economy)
        planning = self._planning(market, settings)
        market = planning.market  # with its first prices
        rounds = await self.db(self.store.rounds, session_id)

        heads: list[str] = []
        await self.compute(replay_rounds, planning, rounds, heads, session_id, record)
        answers = []
        if planning.status is PlanStatus.AWAITING_ANSWERS:
            answers = await self.db(self.store.last_word_answers, session_id)
            for council, approve in answers:
                planning.answer_last_word(council, approve)
        submitted = 0
        if planning.status is PlanStatus.RUNNING:
            submitted = len(
                await self.db(self.store.proposals, session_id, len(planning.rounds) + 1)
            )
        summaries = [
            row.summary | {"ledger_sha256": head} for row, head in zip(rounds, heads, strict=True)
        ]
        log.info("session %s loaded: %d round(s) replayed", session_id, len(rounds))
        live = LiveSession(
            record,
            settings,
            market,
            CouncilDirectory(market),
            planning,
            summaries,
            record.round_opened,
            ledger_heads=heads,
            answers_applied=len(answers),
            tokens=await self.db(self.store.council_tokens, session_id),
        )
        self._live[session_id] = live
        self._arm_timer(live)
        everyone_in = bool(settings.live_councils) and submitted == len(settings.live_councils)
        if settings.auto_close and everyone_in and live.status is PlanStatus.RUNNING:
            # every live council had submitted when the server stopped: close as it would have
            self.spawn(self._auto_close(session_id, live.current_round))
        return live

    async def resume(self) -> int:
        """Load the running sessions whose rounds close on a timeout, so that their timers
        run again after a restart; returns how many."""
        records = await self.db(self.store.sessions)
        timed = [
            r
            for r in records
            if r.status == PlanStatus.RUNNING.value
            and float(r.settings.get("round_timeout_seconds", 0.0)) > 0
        ]
        for record in timed:
            await self.session(record.session_id)
        return len(timed)

    async def sessions(self) -> list[SessionRecord]:
        """Every stored session, newest first."""
        return await self.db(self.store.sessions)

    async def council_of_token(self, session_id: str, token: str) -> str | None:
        """The live council of ``session_id`` whose token this is, if any (read from the
        database, so an unknown token costs an index lookup, not a session load; for a
        session in memory, from the tokens it holds)."""
        token_hash = hash_token(token)
        live = self._live.get(session_id)
        if live is not None:  # every token of a session is made with it: all are here
            return live.tokens.get(token_hash)
        return await self.db(self.store.council_of_token, session_id, token_hash)

    async def is_council_token(self, token: str) -> bool:
        """Whether the token belongs to a live council of any session."""
        return await self.db(self.store.token_known, hash_token(token))
