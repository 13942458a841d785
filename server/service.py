"""The gRPC services: translate messages to :mod:`server.sessions` calls and errors to codes.

Status codes
------------
- ``INVALID_ARGUMENT``: a malformed economy or proposal, an unknown rule or option; the
  message names the field.
- ``NOT_FOUND``: no such economy or session.
- ``FAILED_PRECONDITION``: the call does not fit the session's state: a proposal for a round
  that is not open, a close while live councils have never proposed, an economy still used.
- ``UNAUTHENTICATED``: no ``authorization: Bearer <token>`` metadata, or a token the session
  does not know.
- ``PERMISSION_DENIED``: a valid token that may not make this call (a council token on a
  management call, or a council proposing for another council).
- ``RESOURCE_EXHAUSTED``: a message or upload larger than the configured limit.
- ``CANCELLED`` / ``DEADLINE_EXCEEDED``: the caller gave up; the round in progress finishes
  and is stored, nothing is half-written.
"""

from __future__ import annotations

import asyncio
import functools
import json
import math
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, TypeVar

import grpc
from google.protobuf.timestamp_pb2 import Timestamp

from solver.economy.model import (
    EconomyValidationError,
    parse_economy,
    with_activity_limits,
    with_requests,
)
from solver.highs import interruptible
from solver.jobs.balance import balance_society, balance_workplace
from solver.jobs.problem import DEFAULT_TOLERANCE
from solver.jobs.remuneration import effort_ratings, member_budgets
from solver.jobs.reports import BalanceStatus, SocietyResult, WorkplaceReport, finite, spread
from solver.jobs.workplaces import WorkplaceValidationError, parse_society
from solver.lp.results import RoundResult
from solver.lp.solve import solve_round
from solver.planning.board.evaluation import Evaluation
from solver.planning.live_proposals import CouncilKind, CouncilProposal
from solver.planning.market import ProposalError
from solver.planning.result import (
    PlanStatus,
    council_feedback,
)
from solver.status import Method, SolutionStatus, TerminationCondition

from .api.planning.v1 import economy_pb2 as eco_pb
from .api.planning.v1 import economy_pb2_grpc as eco_grpc
from .api.planning.v1 import jobs_pb2 as jobs_pb
from .api.planning.v1 import jobs_pb2_grpc as jobs_grpc
from .api.planning.v1 import planning_pb2 as pb
from .api.planning.v1 import planning_pb2_grpc as pb_grpc
from .api.planning.v1 import round_pb2 as round_pb
from .api.planning.v1 import round_pb2_grpc as round_grpc
from .auth import bearer_token, is_admin
from .sessions import (
    LiveSession,
    RoundAbandoned,
    SessionManager,
    SessionSettings,
    SessionStateError,
)
from .store import EconomyRecord, NotFoundError, RoundClosedError, SessionRecord

__all__ = ["EconomyService", "JobsService", "PlanningService", "RoundService"]

R = TypeVar("R")

_ERROR_CODES: list[tuple[type[BaseException], grpc.StatusCode]] = [
    (NotFoundError, grpc.StatusCode.NOT_FOUND),
    (RoundClosedError, grpc.StatusCode.FAILED_PRECONDITION),
    (RoundAbandoned, grpc.StatusCode.DEADLINE_EXCEEDED),
    (SessionStateError, grpc.StatusCode.FAILED_PRECONDITION),
    (EconomyValidationError, grpc.StatusCode.INVALID_ARGUMENT),
    (WorkplaceValidationError, grpc.StatusCode.INVALID_ARGUMENT),
    (ProposalError, grpc.StatusCode.INVALID_ARGUMENT),
    (ValueError, grpc.StatusCode.INVALID_ARGUMENT),
]


def _code_of(err: BaseException) -> grpc.StatusCode | None:
    for kind, code in _ERROR_CODES:
        if isinstance(err, kind):
            return code
    return None


def translate_errors(
    method: Callable[..., Awaitable[R]],
) -> Callable[..., Awaitable[R]]:
    """Turn the solver's and the store's errors into status codes with their messages."""

    @functools.wraps(method)
    async def wrapper(self: Any, request: Any, context: grpc.aio.ServicerContext) -> R:
        try:
            return await method(self, request, context)
        except Exception as err:
            code = _code_of(err)
            if code is None:
                raise
            await context.abort(code, str(err))
            raise AssertionError("unreachable") from err  # abort raises

    return wrapper


def translate_stream_errors(
    method: Callable[..., AsyncIterator[R]],
) -> Callable[..., AsyncIterator[R]]:
    """:func:`translate_errors` for server-streaming methods."""

    @functools.wraps(method)
    async def wrapper(
        self: Any, request: Any, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[R]:
        try:
            async for item in method(self, request, context):
                yield item
        except Exception as err:
            code = _code_of(err)
            if code is None:
                raise
            await context.abort(code, str(err))

    return wrapper


def _timestamp(seconds: float) -> Timestamp:
    stamp = Timestamp()
    stamp.FromNanoseconds(int(seconds * 1e9))
    return stamp


def _deadline(context: grpc.aio.ServicerContext) -> float | None:
    """The caller's deadline on the monotonic clock (it becomes the solves' time limit)."""
    remaining = context.time_remaining()
    return None if remaining is None else time.monotonic() + remaining


class _Guard:
    """Token checks shared by both services."""

    def __init__(self, manager: SessionManager, admin_token: str) -> None:
        self.manager = manager
        self.admin_token = admin_token

    @staticmethod
    async def _token(context: grpc.aio.ServicerContext) -> str:
        token = bearer_token(context.invocation_metadata())
        if token is None:
            await context.abort(
                grpc.StatusCode.UNAUTHENTICATED,
                "missing token: send the metadata 'authorization: Bearer <token>'",
            )
        assert token is not None
        return token

    async def admin(self, context: grpc.aio.ServicerContext) -> None:
        token = await self._token(context)
        if is_admin(token, self.admin_token):
            return
        if await self.manager.is_council_token(token):
            await context.abort(
                grpc.StatusCode.PERMISSION_DENIED,
                "this call needs the admin token; a council's token does not do",
            )
        await context.abort(grpc.StatusCode.UNAUTHENTICATED, "unknown token")

    async def caller(self, context: grpc.aio.ServicerContext, session_id: str) -> str | None:
        """``None`` for the admin, else the council whose token this is.

        The token is checked against the database before the session is loaded, so a wrong
        token costs an index lookup and says nothing about which sessions exist.
        """
        token = await self._token(context)
        if is_admin(token, self.admin_token):
            return None
        council = await self.manager.council_of_token(session_id, token)
        if council is None:
            await context.abort(
                grpc.StatusCode.UNAUTHENTICATED,
                f"the token is not valid for session {session_id!r}",
            )
        return council


class EconomyService(eco_grpc.EconomyServiceServicer):
    """``planning.v1.EconomyService``."""

    def __init__(
        self,
        manager: SessionManager,
        admin_token: str,
        *,
        max_message_bytes: int,
        max_upload_bytes: int,
    ) -> None:
        self.manager = manager
        self.guard = _Guard(manager, admin_token)
        self.max_message_bytes = max_message_bytes
        self.max_upload_bytes = max_upload_bytes

    @staticmethod
    def _message(record: EconomyRecord, with_document: bool = False) -> eco_pb.Economy:
        return eco_pb.Economy(
            economy_id=record.economy_id,
            name=record.name,
            goods=record.goods,
            worker_councils=record.worker_councils,
            consumer_councils=record.consumer_councils,
            federations=record.federations,
            document_bytes=record.document_bytes,
            create_time=_timestamp(record.created),
            economy_json=record.document if with_document else "",
        )

    async def _create(self, document: str) -> eco_pb.Economy:
        if not document.strip():
            raise ValueError("economy_json: empty document")
        return self._message(await self.manager.create_economy(document))

    @translate_errors
    async def CreateEconomy(
        self, request: eco_pb.CreateEconomyRequest, context: grpc.aio.ServicerContext
    ) -> eco_pb.CreateEconomyResponse:
        await self.guard.admin(context)
        return eco_pb.CreateEconomyResponse(economy=await self._create(request.economy_json))

    @translate_errors
    async def UploadEconomy(
        self,
        request_iterator: AsyncIterator[eco_pb.UploadEconomyRequest],
        context: grpc.aio.ServicerContext,
    ) -> eco_pb.UploadEconomyResponse:
        await self.guard.admin(context)
        chunks: list[bytes] = []
        size = 0
        async for piece in request_iterator:
            size += len(piece.chunk)
            if size > self.max_upload_bytes:
                await context.abort(
                    grpc.StatusCode.RESOURCE_EXHAUSTED,
                    f"economy upload larger than the server's limit of "
                    f"{self.max_upload_bytes:,} bytes (--max-upload-mb)",
                )
            chunks.append(piece.chunk)
        try:
            document = b"".join(chunks).decode("utf-8")
        except UnicodeDecodeError as err:
            raise ValueError(f"chunk: the document is not UTF-8 ({err})") from None
        del chunks
        return eco_pb.UploadEconomyResponse(economy=await self._create(document))

    @translate_errors
    async def GetEconomy(
        self, request: eco_pb.GetEconomyRequest, context: grpc.aio.ServicerContext
    ) -> eco_pb.GetEconomyResponse:
        await self.guard.admin(context)
        record = await self.manager.db(self.manager.store.economy, request.economy_id)
        if record.document_bytes > self.max_message_bytes - 64 * 1024:
            await context.abort(
                grpc.StatusCode.RESOURCE_EXHAUSTED,
                f"economy_id: the document of {record.economy_id!r} has "
                f"{record.document_bytes:,} bytes, more than one message may carry "
                f"({self.max_message_bytes:,}, --max-message-mb); ListEconomies gives its "
                "summary",
            )
        return eco_pb.GetEconomyResponse(economy=self._message(record, with_document=True))

    @translate_errors
    async def ListEconomies(
        self, request: eco_pb.ListEconomiesRequest, context: grpc.aio.ServicerContext
    ) -> eco_pb.ListEconomiesResponse:
        await self.guard.admin(context)
        records = await self.manager.db(self.manager.store.economies)
        return eco_pb.ListEconomiesResponse(economies=[self._message(r) for r in records])

    @translate_errors
    async def DeleteEconomy(
        self, request: eco_pb.DeleteEconomyRequest, context: grpc.aio.ServicerContext
    ) -> eco_pb.DeleteEconomyResponse:
        await self.guard.admin(context)
        try:
            await self.manager.db(self.manager.store.delete_economy, request.economy_id)
        except ValueError as err:  # still used by a session
            raise SessionStateError(str(err)) from err
        return eco_pb.DeleteEconomyResponse()


_STATUS = {
    PlanStatus.RUNNING: pb.SESSION_STATUS_RUNNING,
    PlanStatus.CONVERGED: pb.SESSION_STATUS_CONVERGED,
    PlanStatus.MAX_ROUNDS: pb.SESSION_STATUS_MAX_ROUNDS,
}
_KIND = {
    CouncilKind.CONSUMER: pb.COUNCIL_KIND_CONSUMER,
    CouncilKind.FEDERATION: pb.COUNCIL_KIND_FEDERATION,
    CouncilKind.WORKER: pb.COUNCIL_KIND_WORKER,
}


def _summary(data: dict[str, Any]) -> pb.RoundSummary:
    return pb.RoundSummary(
        round=data["round"],
        max_excess=data["max_excess"],
        worst_item=data["worst_item"],
        price_change=data["price_change"],
        rejected=data["rejected"],
        lp_status=data["lp_status"] or "",
        lp_seconds=data["lp_seconds"] or 0.0,
        seconds=data["seconds"],
        status=_STATUS[PlanStatus(data["status"])],
    )


def _session_message(
    record: SessionRecord,
    settings: SessionSettings,
    status: pb.SessionStatus,
    current_round: int,
    last_round: dict[str, Any] | None,
) -> pb.Session:
    message = pb.Session(
        session_id=record.session_id,
        economy_id=record.economy_id,
        rule=settings.rule,
        tolerance=settings.tolerance,
        max_rounds=settings.max_rounds,
        rule_options={k: json.dumps(v) for k, v in settings.rule_options.items()},
        status=status,
        current_round=current_round,
        live_councils=settings.live_councils,
        auto_close=settings.auto_close,
        round_timeout_seconds=settings.round_timeout_seconds,
        create_time=_timestamp(record.created),
    )
    if last_round is not None:
        message.last_round.CopyFrom(_summary(last_round))
    return message


def _options(raw: dict[str, str]) -> dict[str, Any]:
    """Rule options arrive as text; numbers and booleans are read as JSON."""
    options: dict[str, Any] = {}
    for key, value in raw.items():
        try:
            options[key] = json.loads(value)
        except json.JSONDecodeError:
            options[key] = value
    return options


class PlanningService(pb_grpc.PlanningServiceServicer):
    """``planning.v1.PlanningService``."""

    def __init__(self, manager: SessionManager, admin_token: str) -> None:
        self.manager = manager
        self.guard = _Guard(manager, admin_token)

    @staticmethod
    def _session(live: LiveSession) -> pb.Session:
        return _session_message(
            live.record,
            live.settings,
            _STATUS[live.status],
            live.current_round,
            live.summaries[-1] if live.summaries else None,
        )

    @translate_errors
    async def CreateSession(
        self, request: pb.CreateSessionRequest, context: grpc.aio.ServicerContext
    ) -> pb.CreateSessionResponse:
        await self.guard.admin(context)
        if request.round_timeout_seconds < 0:
            raise ValueError("round_timeout_seconds: must be >= 0")
        settings = SessionSettings(
            rule=request.rule or "lp",
            tolerance=request.tolerance or 0.01,
            max_rounds=request.max_rounds or 100,
            rule_options=_options(dict(request.rule_options)),
            live_councils=list(request.live_councils),
            auto_close=not request.manual_close,
            round_timeout_seconds=request.round_timeout_seconds,
        )
        economy_id = request.economy_id
        if request.workplaces_json:  # budgets from the workplaces' effort ratings
            economy_id = (
                await self.manager.rated_economy(economy_id, request.workplaces_json)
            ).economy_id
        live, tokens = await self.manager.create_session(
            economy_id, settings, all_live=request.all_councils_live
        )
        return pb.CreateSessionResponse(
            session=self._session(live),
            council_tokens=[
                pb.CouncilToken(council_id=c, kind=_KIND[live.directory.kinds[c]], token=t)
                for c, t in tokens.items()
            ],
        )

    @translate_errors
    async def GetSession(
        self, request: pb.GetSessionRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetSessionResponse:
        await self.guard.caller(context, request.session_id)
        live = await self.manager.session(request.session_id)
        return pb.GetSessionResponse(session=self._session(live))

    @translate_errors
    async def ListSessions(
        self, request: pb.ListSessionsRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListSessionsResponse:
        await self.guard.admin(context)
        # from the database alone: listing must not load (replay) every session
        records = await self.manager.sessions()
        last = await self.manager.db(self.manager.store.last_summaries)
        return pb.ListSessionsResponse(
            sessions=[
                _session_message(
                    r,
                    SessionSettings.from_json(r.settings),
                    _STATUS[PlanStatus(r.status)],
                    r.current_round,
                    last.get(r.session_id),
                )
                for r in records
            ]
        )

    @translate_errors
    async def SubmitProposal(
        self, request: pb.SubmitProposalRequest, context: grpc.aio.ServicerContext
    ) -> pb.SubmitProposalResponse:
        council = await self.guard.caller(context, request.session_id)
        if council is None:
            await context.abort(
                grpc.StatusCode.PERMISSION_DENIED,
                "proposals come from councils: use the council's own token",
            )
        if council != request.council_id:
            await context.abort(
                grpc.StatusCode.PERMISSION_DENIED,
                f"council_id: the token belongs to council {council!r}, which may not "
                f"propose for {request.council_id!r}",
            )
        which = request.WhichOneof("proposal")
        if which == "consumption":
            proposal = CouncilProposal(
                request.council_id,
                requests=_quantities(
                    "requests", [(r.item, r.quantity) for r in request.consumption.requests]
                ),
            )
        elif which == "production":
            proposal = CouncilProposal(
                request.council_id,
                activities=_quantities(
                    "activities",
                    [(a.technique, a.activity) for a in request.production.activities],
                ),
            )
        else:
            raise ValueError("proposal: set consumption or production")
        replaced, submitted, total, closed = await self.manager.submit(
            request.session_id, request.round, proposal
        )
        return pb.SubmitProposalResponse(
            round=request.round,
            replaced=replaced,
            submitted=submitted,
            live_councils=total,
            round_closed=closed,
        )

    @translate_errors
    async def CloseRound(
        self, request: pb.CloseRoundRequest, context: grpc.aio.ServicerContext
    ) -> pb.CloseRoundResponse:
        await self.guard.admin(context)
        summary = await self.manager.close_round(
            request.session_id, request.round, deadline=_deadline(context)
        )
        live = await self.manager.session(request.session_id)
        return pb.CloseRoundResponse(summary=_summary(summary), session=self._session(live))

    @translate_errors
    async def GetRound(
        self, request: pb.GetRoundRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetRoundResponse:
        council = await self.guard.caller(context, request.session_id)
        live = await self.manager.session(request.session_id)
        round_ = request.round or live.current_round
        labels = live.market.labels
        played = len(live.planning.rounds)
        if round_ < 1 or round_ > played + (live.status is PlanStatus.RUNNING):
            raise NotFoundError(
                f"round: session {request.session_id!r} has no round {round_} "
                f"(rounds 1 to {live.current_round})"
            )
        if round_ > played:  # the open round
            return pb.GetRoundResponse(
                round=round_, closed=False, prices=_items(labels, live.planning.prices)
            )
        record = live.planning.rounds[round_ - 1]
        evaluation = await self.manager.evaluation(live, round_)
        return pb.GetRoundResponse(
            round=round_,
            closed=True,
            prices=_items(labels, record.prices),
            summary=_summary(live.summaries[round_ - 1]),
            feedback=_feedback(live, evaluation, council, only_rejected=False),
            next_prices=_items(labels, record.next_prices),
        )

    @translate_errors
    async def GetPlan(
        self, request: pb.GetPlanRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetPlanResponse:
        council = await self.guard.caller(context, request.session_id)
        live = await self.manager.session(request.session_id)
        if not live.planning.rounds:
            raise SessionStateError("session_id: no round has closed yet, so there is no plan")
        plan = live.planning.result().to_dict(top=request.top or None)
        if council is not None:  # the plan is public; other councils' feedback is not
            for key in ("feedback", "rejected_proposals"):
                if isinstance(plan.get(key), list):
                    plan[key] = [f for f in plan[key] if f.get("council") == council]
        return pb.GetPlanResponse(
            status=_STATUS[live.status],
            rounds=len(live.planning.rounds),
            plan_json=json.dumps(plan),
        )

    @translate_stream_errors
    async def RunSession(
        self, request: pb.RunSessionRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[pb.RunSessionResponse]:
        await self.guard.admin(context)
        async for summary in self.manager.run(
            request.session_id, request.max_rounds, deadline=_deadline(context)
        ):
            yield pb.RunSessionResponse(summary=_summary(summary))

    @translate_stream_errors
    async def WatchSession(
        self, request: pb.WatchSessionRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[pb.WatchSessionResponse]:
        council = await self.guard.caller(context, request.session_id)
        async for summary in self.manager.watch(request.session_id, request.from_round):
            live = await self.manager.session(request.session_id)
            record = live.planning.rounds[summary["round"] - 1]
            evaluation = await self.manager.evaluation(live, summary["round"])
            yield pb.WatchSessionResponse(
                summary=_summary(summary),
                prices=_items(live.market.labels, record.prices),
                next_prices=_items(live.market.labels, record.next_prices),
                feedback=_feedback(live, evaluation, council, only_rejected=council is None),
            )


def _feedback(
    live: LiveSession, evaluation: Evaluation, council: str | None, *, only_rejected: bool
) -> list[pb.CouncilFeedback]:
    """The board's answers: a council's own, or (for the admin) every or every rejected one."""
    answers = council_feedback(live.market, evaluation, only_rejected=only_rejected)
    if council is not None:
        answers = [f for f in answers if f["council"] == council]
    return [
        pb.CouncilFeedback(
            council_id=f["council"],
            kind=_KIND[CouncilKind(f["kind"])],
            approved=f["approved"],
            reason=f["reason"],
            benefit_cost_ratio=f.get("ratio") or 0.0,
            budget_use=f.get("budget_use") or 0.0,
        )
        for f in answers
    ]


def _quantities(field: str, pairs: list[tuple[str, float]]) -> dict[str, float]:
    out: dict[str, float] = {}
    for name, value in pairs:
        if name in out:
            raise ValueError(f"{field}[{name}]: given twice")
        out[name] = value
    return out


def _items(labels: list[str], values: Any) -> list[pb.ItemQuantity]:
    return [
        pb.ItemQuantity(item=label, quantity=float(v))
        for label, v in zip(labels, values, strict=True)
    ]


_TERMINATION = {
    t: getattr(round_pb, f"TERMINATION_CONDITION_{t.name}") for t in TerminationCondition
}
_SOLUTION = {s: getattr(round_pb, f"SOLUTION_STATUS_{s.name}") for s in SolutionStatus}


class RoundService(round_grpc.RoundServiceServicer):
    """``planning.v1.RoundService``: one round's LP, stateless."""

    def __init__(self, manager: SessionManager, admin_token: str) -> None:
        self.manager = manager
        self.guard = _Guard(manager, admin_token)

    @translate_errors
    async def SolveRound(
        self, request: round_pb.SolveRoundRequest, context: grpc.aio.ServicerContext
    ) -> round_pb.SolveRoundResponse:
        await self.guard.admin(context)
        which = request.WhichOneof("economy")
        if which == "economy_id":
            record = await self.manager.db(self.manager.store.economy, request.economy_id)
            document = record.document
        elif which == "economy_json":
            document = request.economy_json
        else:
            raise ValueError("economy: give economy_id or economy_json")
        try:
            method = Method(request.method or "auto")
        except ValueError:
            choices = ", ".join(m.value for m in Method)
            raise ValueError(f"method: unknown {request.method!r}; one of {choices}") from None
        requests: dict[str, dict[str, float]] = {}
        for entry in request.requests:
            if entry.council_id in requests:
                raise ValueError(f"requests[{entry.council_id}]: given twice")
            requests[entry.council_id] = dict(entry.quantities)
        activities = dict(request.activities)
        deadline = _deadline(context)
        interrupt = threading.Event()

        def solve() -> RoundResult:
            economy = with_requests(parse_economy(document), requests)
            if activities:
                economy = with_activity_limits(economy, activities)
            time_limit = None
            if deadline is not None:
                # what is left once the economy is read, less a margin to answer in time
                left = deadline - time.monotonic()
                time_limit = max(left - max(0.1 * left, 0.05), 0.01)
            with interruptible(interrupt):
                return solve_round(
                    economy, method=method, time_limit=time_limit, elastic=not request.hard
                )

        try:
            result = await self.manager.compute(solve)
        except asyncio.CancelledError:
            interrupt.set()
            raise
        return round_pb.SolveRoundResponse(
            termination=_TERMINATION[result.termination],
            solution_status=_SOLUTION[result.solution],
            objective=result.objective if result.objective is not None else 0.0,
            solve_seconds=result.solve_seconds,
            feasible=result.feasible,
            prices=result.prices() if result.has_duals else {},
            rents=result.rents() if result.has_duals else {},
            pollution_prices=[
                round_pb.PollutionPrice(federation=f, pollutant=e, price=float(p))
                for (f, e), p in zip(result.cap_rows, result.pollution_price, strict=True)
            ]
            if result.pollution_price is not None
            else [],
            activities=result.activities() if result.activity is not None else {},
            shortfalls=[
                round_pb.Shortfall(good=s.good, required=s.required, missing=s.shortfall)
                for s in result.shortfalls()
            ],
            result_json=json.dumps(result.to_dict()),
        )


_BALANCE = {
    BalanceStatus.BALANCED: jobs_pb.BALANCE_STATUS_BALANCED,
    BalanceStatus.UNBALANCED: jobs_pb.BALANCE_STATUS_UNBALANCED,
    BalanceStatus.INFEASIBLE: jobs_pb.BALANCE_STATUS_INFEASIBLE,
}


def _workplace_balance(
    report: WorkplaceReport, target: tuple[float, float]
) -> jobs_pb.WorkplaceBalance:
    result = report.result
    before = spread(report.before, target) if report.before else None
    after = result.spread() if result.complexes else None
    return jobs_pb.WorkplaceBalance(
        workplace_id=report.workplace,
        status=_BALANCE[result.status],
        largest_deviation=(
            result.largest_deviation if result.largest_deviation is not None else math.nan
        ),
        empowerment_gini_before=before["empowerment_gini"] if before else 0.0,
        empowerment_gini_after=after["empowerment_gini"] if after else 0.0,
        reasons=result.reasons,
    )


def _finite_json(data: Any) -> str:
    """JSON with NaN (the ratings of members who work no hours) as null."""
    return json.dumps(finite(data), allow_nan=False)


class JobsService(jobs_grpc.JobsServiceServicer):
    """``planning.v1.JobsService``: balanced job complexes and effort ratings, stateless."""

    def __init__(self, manager: SessionManager, admin_token: str) -> None:
        self.manager = manager
        self.guard = _Guard(manager, admin_token)

    @staticmethod
    def _tolerance(value: float) -> float:
        if not (math.isfinite(value) and 0.0 <= value < 1.0):
            raise ValueError(f"tolerance: a share of the rating scale in [0, 1), got {value}")
        return value or DEFAULT_TOLERANCE

    @translate_errors
    async def BalanceWorkplace(
        self, request: jobs_pb.BalanceWorkplaceRequest, context: grpc.aio.ServicerContext
    ) -> jobs_pb.BalanceWorkplaceResponse:
        await self.guard.admin(context)
        tolerance = self._tolerance(request.tolerance)

        def run() -> WorkplaceReport:
            society = parse_society(request.workplaces_json)
            places = {w.id: w for w in society.workplaces}
            if request.workplace_id:
                if request.workplace_id not in places:
                    raise ValueError(f"workplace_id: no workplace {request.workplace_id!r}")
                workplace = places[request.workplace_id]
            elif len(places) == 1:
                (workplace,) = places.values()
            else:
                raise ValueError("workplace_id: the document has several workplaces; name one")
            return balance_workplace(workplace, tolerance=tolerance)

        report = await self.manager.compute(run)
        return jobs_pb.BalanceWorkplaceResponse(
            balance=_workplace_balance(report, report.result.target),
            result_json=_finite_json(report.to_dict()),
        )

    @translate_errors
    async def BalanceSociety(
        self, request: jobs_pb.BalanceSocietyRequest, context: grpc.aio.ServicerContext
    ) -> jobs_pb.BalanceSocietyResponse:
        await self.guard.admin(context)
        tolerance = self._tolerance(request.tolerance)
        if request.partners < 0:
            raise ValueError(f"partners: must be >= 0, got {request.partners}")
        partners = request.partners or 3

        def run() -> SocietyResult:
            society = parse_society(request.workplaces_json)
            return balance_society(society, tolerance=tolerance, partners=partners)

        result = await self.manager.compute(run)
        return jobs_pb.BalanceSocietyResponse(
            workplaces=[_workplace_balance(w, result.target) for w in result.workplaces],
            largest_deviation=result.largest_deviation(),
            largest_deviation_alone=result.largest_deviation(result.alone),
            away_hours=result.away_hours,
            result_json=_finite_json(result.to_dict()),
        )

    @translate_errors
    async def GetRatings(
        self, request: jobs_pb.GetRatingsRequest, context: grpc.aio.ServicerContext
    ) -> jobs_pb.GetRatingsResponse:
        await self.guard.admin(context)
        tolerance = self._tolerance(request.tolerance)
        document = None
        if request.economy_id:
            record = await self.manager.db(self.manager.store.economy, request.economy_id)
            document = record.document

        def run() -> tuple[dict[str, float], dict[str, float]]:
            society = parse_society(request.workplaces_json)
            ratings = effort_ratings(society, balance_society(society, tolerance=tolerance))
            budgets: dict[str, float] = {}
            if document is not None:
                budgets = member_budgets(parse_economy(document), society, ratings)
            return ratings, budgets

        ratings, budgets = await self.manager.compute(run)
        return jobs_pb.GetRatingsResponse(ratings=ratings, member_budgets=budgets)
