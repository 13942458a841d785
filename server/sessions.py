"""Planning sessions as the service runs them: persisted, replayable, shared by many callers.

A :class:`SessionManager` keeps, for every session in use, the solver's
:class:`~solver.planning.PlanningSession` and the open round's submissions. The database is
the truth and memory only a cache: a session is loaded by replaying its closed rounds (the
stored proposals of each round go through the same ``close_round`` again, which is
deterministic), so after a crash and a restart every session continues from its open round
with the same prices and the same price-rule state.

Concurrency: calls arrive on one asyncio event loop. Database work runs on one thread (the
store's single connection); solves run on a thread pool so that the loop keeps answering.
Proposals that arrive together are committed together (group commit: one transaction, one
sync to disk), each acknowledged only after that commit. A per-session gate lets any number
of submissions through at once but a round close only alone, so a proposal is either
committed to the round it names before the round closes, or refused because that round is no
longer open.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import json
import logging
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from solver.economy.model import Economy
from solver.planning.board.evaluation import Evaluation
from solver.planning.live_proposals import CouncilDirectory, CouncilKind, CouncilProposal
from solver.planning.market import Market
from solver.planning.result import PlanStatus, RoundRecord
from solver.planning.session import PlanningSession
from solver.usecases import (
    LEDGER_GENESIS,
    LastYear,
    MissingProposalsError,
    RoundAbandoned,
    check_rule,
    close_live_round,
    held_items,
    new_session,
    parse_economy,
    parse_society,
    planning_market,
    rate_economy,
    replay_round,
    round_evaluation,
    session_ledger,
)

from .auth import hash_token, new_token
from .store import EconomyRecord, NotFoundError, RoundClosedError, SessionRecord, Store

__all__ = [
    "LiveSession",
    "SessionManager",
    "SessionSettings",
    "SessionStateError",
]

log = logging.getLogger(__name__)
T = TypeVar("T")


class SessionStateError(RuntimeError):
    """The request does not fit the session's state (ended, live councils missing, ...)."""


@dataclass(frozen=True)
class SessionSettings:
    """How a session plans; stored as JSON with the session.

    Attributes
    ----------
    rule
        Price rule name.
    tolerance, max_rounds
        As for :class:`~solver.planning.PlanningSession`.
    rule_options
        Keyword settings of the price rule.
    live_councils
        Councils that propose over the API; the others are simulated.
    auto_close
        Close a round once every live council has submitted.
    round_timeout_seconds
        Close a round this long after it opened (0: never).
    last_word
        At the round limit without convergence, the board's last word (every council's part
        a mix of its own proposals), which live councils answer with ``AnswerLastWord``.
    previous
        The earlier session this one starts from: its ``session_id``, last round's
        ``prices`` by item and ``activities`` by technique, and ``economy`` (kept here, so
        that a replay starts where the session did whatever became of that one).
    """

    rule: str = "lp"
    tolerance: float = 0.01
    max_rounds: int = 100
    rule_options: dict[str, Any] = field(default_factory=dict)
    live_councils: list[str] = field(default_factory=list)
    auto_close: bool = True
    round_timeout_seconds: float = 0.0
    last_word: bool = False
    previous: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "tolerance": self.tolerance,
            "max_rounds": self.max_rounds,
            "rule_options": self.rule_options,
            "live_councils": self.live_councils,
            "auto_close": self.auto_close,
            "round_timeout_seconds": self.round_timeout_seconds,
            "last_word": self.last_word,
            "previous": self.previous,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SessionSettings:
        """Settings as stored; keys this version does not know are left aside."""
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


def _proposal_body(proposal: CouncilProposal) -> str:
    if proposal.activities is not None:
        body: dict[str, Any] = {"activities": dict(proposal.activities)}
        if proposal.stated_effort:
            body["stated_effort"] = dict(proposal.stated_effort)
        return json.dumps(body)
    return json.dumps({"requests": dict(proposal.requests or {})})


def _proposal_from_body(council_id: str, body: str) -> CouncilProposal:
    data = json.loads(body)
    return CouncilProposal(
        council_id, data.get("requests"), data.get("activities"), data.get("stated_effort")
    )


class RoundGate:
    """Any number of submissions at a time, or one round close alone.

    A close waits for the submissions in progress (their commits included) and holds back
    new ones until it is done.
    """

    def __init__(self) -> None:
        self._submitting = 0
        self._closing = False
        self._changed = asyncio.Condition()

    @contextlib.asynccontextmanager
    async def submitting(self) -> AsyncIterator[None]:
        async with self._changed:
            await self._changed.wait_for(lambda: not self._closing)
            self._submitting += 1
        try:
            yield
        finally:
            async with self._changed:
                self._submitting -= 1
                self._changed.notify_all()

    @contextlib.asynccontextmanager
    async def closing(self) -> AsyncIterator[None]:
        async with self._changed:
            await self._changed.wait_for(lambda: not self._closing)
            self._closing = True
            await self._changed.wait_for(lambda: self._submitting == 0)
        try:
            yield
        finally:
            async with self._changed:
                self._closing = False
                self._changed.notify_all()


class _GroupCommit:
    """Proposals waiting for the database are written together in one transaction."""

    def __init__(self, manager: SessionManager) -> None:
        self.manager = manager
        self.pending: list[tuple[tuple[str, int, str, str], asyncio.Future[bool]]] = []
        self.flushing: asyncio.Task[None] | None = None

    async def put(self, item: tuple[str, int, str, str]) -> bool:
        """Commit one proposal (with whatever else is waiting); True when it replaced one."""
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self.pending.append((item, future))
        if self.flushing is None:
            self.flushing = asyncio.ensure_future(self._flush())
        return await future

    async def _flush(self) -> None:
        try:
            while self.pending:
                batch, self.pending = self.pending, []
                try:
                    results = await self.manager.db(
                        self.manager.store.put_proposals, [item for item, _ in batch]
                    )
                except Exception as err:  # the whole transaction failed: refuse them all
                    for _, future in batch:
                        future.set_exception(err)
                    continue
                for (_, future), result in zip(batch, results, strict=True):
                    if isinstance(result, Exception):
                        future.set_exception(result)
                    else:
                        future.set_result(result)
        finally:
            self.flushing = None


@dataclass
class LiveSession:
    """A session in memory: the solver's session plus the open round's submissions.

    ``planning`` only ever holds rounds that are stored: a round is played on a fork and
    swapped in after its commit, so every reader sees the database's state.
    """

    record: SessionRecord  # as created: id, economy, creation time
    settings: SessionSettings
    market: Market
    directory: CouncilDirectory
    planning: PlanningSession
    submitted: dict[str, CouncilProposal]
    summaries: list[dict[str, Any]]
    round_opened: float  # wall-clock time the open round opened
    gate: RoundGate = field(default_factory=lambda: RoundGate())
    changed: asyncio.Condition = field(default_factory=asyncio.Condition)
    timer: asyncio.TimerHandle | None = None
    economy: Economy | None = None  # parsed when a council first reads its record
    # the SHA-256 of every closed round's ledger record: the chain a reader pages through
    # (records are re-made a page at a time from the stored proposals, never all kept)
    ledger_heads: list[str] = field(default_factory=list)

    @property
    def session_id(self) -> str:
        return self.record.session_id

    @property
    def status(self) -> PlanStatus:
        return self.planning.status

    @property
    def current_round(self) -> int:
        """The open round while running, else the last round."""
        played = len(self.planning.rounds)
        return played + 1 if self.status is PlanStatus.RUNNING else played

    @property
    def everyone_in(self) -> bool:
        """Every live council has submitted to the open round."""
        return bool(self.settings.live_councils) and len(self.submitted) == len(
            self.settings.live_councils
        )


def summary_of(record: RoundRecord, status: PlanStatus) -> dict[str, Any]:
    return record.summary() | {"status": status.value}


def _log_failure(task: asyncio.Task[Any]) -> None:
    """Done-callback of background tasks: an unexpected error is logged, not lost."""
    if not task.cancelled() and task.exception() is not None:
        log.error("background task failed", exc_info=task.exception())


class SessionManager:
    """Economies and planning sessions over a :class:`~server.store.Store`.

    Parameters
    ----------
    store
        The database.
    solve_workers
        Threads that run solves (round closes), so that long solves do not block the service.
    """

    def __init__(self, store: Store, *, solve_workers: int = 2) -> None:
        self.store = store
        self._db = ThreadPoolExecutor(max_workers=1, thread_name_prefix="parplan-db")
        self._solve: Executor = ThreadPoolExecutor(
            max_workers=solve_workers, thread_name_prefix="parplan-solve"
        )
        self._live: dict[str, LiveSession] = {}
        self._loading: dict[str, asyncio.Task[LiveSession]] = {}
        self._background: set[asyncio.Task[Any]] = set()
        self._writer = _GroupCommit(self)
        # the interrupt of every round being closed, so that shutdown can stop their LPs
        self._interrupts: set[threading.Event] = set()
        self._stopping = False

    async def _in(self, executor: Executor, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(executor, fn, *args)

    async def compute(self, fn: Callable[..., T], *args: Any) -> T:
        """Run CPU work (a solve, parsing a large economy) on a solve thread."""
        return await self._in(self._solve, fn, *args)

    async def db(self, fn: Callable[..., T], *args: Any) -> T:
        """Run a store call on the database thread."""
        return await self._in(self._db, fn, *args)

    def _spawn(self, coroutine: Any) -> asyncio.Task[Any]:
        """A background task that nothing cancels with its caller; errors are logged."""
        task = asyncio.ensure_future(coroutine)
        self._background.add(task)
        task.add_done_callback(self._background.discard)
        task.add_done_callback(_log_failure)
        return task

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
        self._solve.shutdown(wait=True, cancel_futures=True)
        self._db.shutdown(wait=True)

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

    async def create_economy(self, document: str) -> EconomyRecord:
        """Validate and store an economy (``EconomyValidationError`` names bad fields)."""
        economy = await self.compute(parse_economy, document)
        record = EconomyRecord(
            economy_id=f"eco-{uuid.uuid4().hex[:12]}",
            name=economy.name,
            goods=len(economy.goods),
            worker_councils=len(economy.worker_councils),
            consumer_councils=len(economy.consumer_councils),
            federations=len(economy.federations),
            document_bytes=len(document.encode()),
            created=time.time(),
            document=document,
        )
        await self.db(self.store.add_economy, record)
        return record

    async def rated_economy(self, economy_id: str, workplaces_json: str) -> EconomyRecord:
        """Store a copy of an economy whose consumer councils take their budgets from the
        effort ratings of these workplaces' members (balanced across workplaces)."""
        economy = await self._economy(economy_id)

        def rate() -> Economy:
            return rate_economy(economy, parse_society(workplaces_json))

        rated = await self.compute(rate)
        return await self.create_economy(rated.model_dump_json())

    async def economy_of(self, live: LiveSession) -> Economy:
        """The economy a session plans (parsed from the store; kept for the next caller)."""
        if live.economy is None:
            live.economy = await self._economy(live.record.economy_id)
        return live.economy

    async def _economy(self, economy_id: str) -> Economy:
        record = await self.db(self.store.economy, economy_id)
        return await self.compute(parse_economy, record.document)

    # -- sessions ------------------------------------------------------------------------

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
        await self.db(self.store.add_session, record, {c: hash_token(t) for c, t in tokens.items()})
        session = LiveSession(record, settings, market, directory, planning, {}, [], now)
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

    async def session(self, session_id: str) -> LiveSession:
        """The session, loaded (by replaying its rounds) if it is not in memory.

        One load per session runs at a time, shared by every caller and not cancelled with
        any of them, so a long replay finishes even if its first caller gives up.
        """
        live = self._live.get(session_id)
        if live is not None:
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

        def replay() -> None:
            for row in rounds:
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

        await self.compute(replay)
        if planning.status is PlanStatus.AWAITING_ANSWERS:
            for council, approve in await self.db(self.store.last_word_answers, session_id):
                planning.answer_last_word(council, approve)
        submitted: dict[str, CouncilProposal] = {}
        if planning.status is PlanStatus.RUNNING:
            bodies = await self.db(self.store.proposals, session_id, len(planning.rounds) + 1)
            submitted = {c: _proposal_from_body(c, body) for c, (body, _) in bodies.items()}
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
            submitted,
            summaries,
            record.round_opened,
            ledger_heads=heads,
        )
        self._live[session_id] = live
        self._arm_timer(live)
        if live.settings.auto_close and live.everyone_in and live.status is PlanStatus.RUNNING:
            # every live council had submitted when the server stopped: close as it would have
            self._spawn(self._auto_close(session_id, live.current_round))
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
        return await self.db(self.store.sessions)

    async def council_of_token(self, session_id: str, token: str) -> str | None:
        """The live council of ``session_id`` whose token this is, if any (read from the
        database, so an unknown token costs an index lookup, not a session load)."""
        return await self.db(self.store.council_of_token, session_id, hash_token(token))

    async def is_council_token(self, token: str) -> bool:
        """Whether the token belongs to a live council of any session."""
        return await self.db(self.store.token_known, hash_token(token))

    # -- rounds --------------------------------------------------------------------------

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
        live = await self.session(session_id)
        live.directory.check(proposal)

        async def commit() -> tuple[bool, int]:
            async with live.gate.submitting():
                self._check_open(live, round_)
                replaced = await self._writer.put(
                    (session_id, round_, proposal.council_id, _proposal_body(proposal))
                )
                live.submitted[proposal.council_id] = proposal
                return replaced, len(live.submitted)

        # a caller that goes away mid-commit must not leave memory behind the database
        replaced, count = await asyncio.shield(commit())
        total = len(live.settings.live_councils)
        closed = False
        if live.settings.auto_close and count == total:
            closed = await asyncio.shield(self._spawn(self._auto_close(session_id, round_)))
        return replaced, count, total, closed

    async def _auto_close(self, session_id: str, round_: int) -> bool:
        """Close a round that every live council has submitted to; False if already closed."""
        try:
            await self._close_round(session_id, round_, None, threading.Event())
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

        The ``deadline`` (``time.monotonic()`` seconds) bounds the round's LP. A round is
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
            submitted = dict(live.submitted)
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
            )
            # stored: the round becomes visible, all at once (no await in between)
            live.planning = planning
            live.submitted = {}
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
            )
            live.planning = planning
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
            self._spawn(self._timeout_close(live.session_id, round_))

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

    async def watch(self, session_id: str, from_round: int) -> AsyncIterator[dict[str, Any]]:
        """Every round summary from ``from_round`` on, as rounds close, until the end."""
        live = await self.session(session_id)
        sent = max(from_round, 1) - 1
        while True:
            while sent < len(live.summaries):
                yield live.summaries[sent]
                sent += 1
            if live.status is not PlanStatus.RUNNING:
                return
            async with live.changed:
                await live.changed.wait_for(functools.partial(_moved_on, live, sent))


def _moved_on(live: LiveSession, sent: int) -> bool:
    """A round closed since ``sent`` summaries went out, or the session ended."""
    return len(live.summaries) > sent or live.status is not PlanStatus.RUNNING
