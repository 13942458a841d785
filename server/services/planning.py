"""``planning.v1.PlanningService``: sessions, live councils' proposals, rounds and plans."""

from __future__ import annotations

import json
import math
from collections.abc import AsyncIterator
from typing import Any

import grpc

from server.api.planning.v1 import planning_pb2 as pb
from server.api.planning.v1 import planning_pb2_grpc as pb_grpc
from server.live import LiveSession, SessionSettings, SessionStateError
from server.services.common import (
    Guard,
    deadline_of,
    duration,
    item_quantities,
    page_of,
    quantities,
    round_timeout_of,
    termination_of,
    timestamp,
    translate_errors,
    translate_stream_errors,
)
from server.sessions import SessionManager
from server.store import NotFoundError, SessionRecord
from solver.planning.board.evaluation import Evaluation
from solver.planning.council_view import CouncilView, ItemInfo
from solver.planning.live_proposals import CouncilKind, CouncilProposal
from solver.planning.result import PlanStatus
from solver.usecases import council_feedback, council_record, session_items

__all__ = ["PlanningService"]


_STATUS = {
    PlanStatus.RUNNING: pb.SESSION_STATUS_RUNNING,
    PlanStatus.CONVERGED: pb.SESSION_STATUS_CONVERGED,
    PlanStatus.MAX_ROUNDS: pb.SESSION_STATUS_MAX_ROUNDS,
    PlanStatus.SETTLED: pb.SESSION_STATUS_SETTLED,
    PlanStatus.AWAITING_ANSWERS: pb.SESSION_STATUS_AWAITING_ANSWERS,
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
        lp_termination=termination_of(data["lp_status"]),
        lp_duration=duration(data["lp_seconds"]) if data["lp_seconds"] is not None else None,
        duration=duration(data["seconds"]),
        status=_STATUS[PlanStatus(data["status"])],
        ledger_sha256=data.get("ledger_sha256", ""),
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
        manual_close=not settings.auto_close,
        round_timeout=duration(settings.round_timeout_seconds),
        create_time=timestamp(record.created),
        last_word=settings.last_word,
        previous_session_id=(settings.previous or {}).get("session_id", ""),
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
        self.guard = Guard(manager, admin_token)

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
        timeout = round_timeout_of(request.round_timeout)
        settings = SessionSettings(
            rule=request.rule or "lp",
            tolerance=request.tolerance or 0.01,
            max_rounds=request.max_rounds or 100,
            rule_options=_options(dict(request.rule_options)),
            live_councils=list(request.live_councils),
            auto_close=not request.manual_close,
            round_timeout_seconds=timeout,
            last_word=request.last_word,
        )
        economy_id = request.economy_id
        if request.workplaces_json:  # budgets from the workplaces' effort ratings
            economy_id = (
                await self.manager.rated_economy(economy_id, request.workplaces_json)
            ).economy_id
        live, tokens = await self.manager.create_session(
            economy_id,
            settings,
            all_live=request.all_councils_live,
            previous_session_id=request.previous_session_id,
        )
        return pb.CreateSessionResponse(
            session=self._session(live),
            council_tokens=[
                pb.CouncilToken(council_id=c, kind=_KIND[live.directory.kinds[c]], token=t)
                for c, t in tokens.items()
            ],
        )

    @translate_errors
    async def AnswerLastWord(
        self, request: pb.AnswerLastWordRequest, context: grpc.aio.ServicerContext
    ) -> pb.AnswerLastWordResponse:
        council = await self.guard.caller(context, request.session_id)
        if council != request.council_id:
            await context.abort(
                grpc.StatusCode.PERMISSION_DENIED,
                f"council_id: only the token of council {request.council_id!r} answers for it",
            )
        live = await self.manager.answer_last_word(
            request.session_id, request.council_id, request.approve
        )
        return pb.AnswerLastWordResponse(session=self._session(live))

    @translate_errors
    async def GetLedger(
        self, request: pb.GetLedgerRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetLedgerResponse:
        await self.guard.caller(context, request.session_id)
        if request.page_size < 0:
            raise ValueError("page_size: must be >= 0")
        size = min(request.page_size or 10, 100)
        token = request.page_token or "0"
        if not token.isdigit():
            raise ValueError(f"page_token: not a token of this call: {token!r}")
        start = int(token)
        records, closed, head = await self.manager.ledger(request.session_id, start, size)
        return pb.GetLedgerResponse(
            records=[
                pb.LedgerRecord(
                    round=int(r["round"]),
                    sha256=str(r["sha256"]),
                    previous_sha256=str(r["previous_sha256"]),
                    record_json=json.dumps(r),
                )
                for r in records
            ],
            next_page_token=str(start + size) if start + size < closed else "",
            head_sha256=head,
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
        records, next_token = page_of(
            await self.manager.sessions(), request.page_size, request.page_token
        )
        last = await self.manager.db(self.manager.store.last_summaries)
        return pb.ListSessionsResponse(
            next_page_token=next_token,
            sessions=[
                _session_message(
                    r,
                    SessionSettings.from_json(r.settings),
                    _STATUS[PlanStatus(r.status)],
                    r.current_round,
                    last.get(r.session_id),
                )
                for r in records
            ],
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
                requests=quantities(
                    "requests", [(r.item, r.quantity) for r in request.consumption.requests]
                ),
            )
        elif which == "production":
            proposal = CouncilProposal(
                request.council_id,
                activities=quantities(
                    "activities",
                    [(a.technique, a.activity) for a in request.production.activities],
                ),
                stated_effort=quantities(
                    "stated_effort",
                    [
                        (a.technique, a.marginal_effort_cost)
                        for a in request.production.activities
                        if a.HasField("marginal_effort_cost")
                    ],
                )
                or None,
            )
        else:
            raise ValueError("proposal: set consumption or production")
        replaced, submitted, total, closed = await self.manager.submit(
            request.session_id, request.round, proposal
        )
        return pb.SubmitProposalResponse(
            round=request.round,
            replaced=replaced,
            submitted_count=submitted,
            live_council_count=total,
            round_closed=closed,
        )

    @translate_errors
    async def CloseRound(
        self, request: pb.CloseRoundRequest, context: grpc.aio.ServicerContext
    ) -> pb.CloseRoundResponse:
        await self.guard.admin(context)
        summary = await self.manager.close_round(
            request.session_id, request.round, deadline=deadline_of(context)
        )
        live = await self.manager.session(request.session_id)
        return pb.CloseRoundResponse(summary=_summary(summary), session=self._session(live))

    @translate_errors
    async def GetCouncil(
        self, request: pb.GetCouncilRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetCouncilResponse:
        council = await self.guard.caller(context, request.session_id)
        if council is not None and council != request.council_id:
            await context.abort(
                grpc.StatusCode.PERMISSION_DENIED,
                f"council_id: the token belongs to council {council!r}, which may not read "
                f"the record of {request.council_id!r}",
            )
        live = await self.manager.session(request.session_id)
        economy = await self.manager.economy_of(live)
        view = council_record(economy, live.directory, request.council_id)
        return pb.GetCouncilResponse(
            council=_council(view), items=[_item(i) for i in session_items(live.market)]
        )

    @translate_errors
    async def GetRound(
        self, request: pb.GetRoundRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetRoundResponse:
        council = await self.guard.caller(context, request.session_id)
        live = await self.manager.session(request.session_id)
        round_ = request.round if request.HasField("round") else live.current_round
        labels = live.market.labels
        played = len(live.planning.rounds)
        if round_ < 1 or round_ > played + (live.status is PlanStatus.RUNNING):
            raise NotFoundError(
                f"round: session {request.session_id!r} has no round {round_} "
                f"(rounds 1 to {live.current_round})"
            )
        if round_ > played:  # the open round
            return pb.GetRoundResponse(
                round=round_, closed=False, prices=item_quantities(labels, live.planning.prices)
            )
        record = live.planning.rounds[round_ - 1]
        evaluation, held = await self.manager.answers(live, round_, council)
        return pb.GetRoundResponse(
            round=round_,
            closed=True,
            prices=item_quantities(labels, record.prices),
            summary=_summary(live.summaries[round_ - 1]),
            feedback=_feedback(
                live,
                evaluation,
                council,
                only_rejected=False,
                held=held,
            ),
            next_prices=item_quantities(labels, record.next_prices),
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
            request.session_id, request.max_rounds, deadline=deadline_of(context)
        ):
            yield pb.RunSessionResponse(summary=_summary(summary))

    @translate_stream_errors
    async def WatchSession(
        self, request: pb.WatchSessionRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[pb.WatchSessionResponse]:
        council = await self.guard.caller(context, request.session_id)
        if request.HasField("from_round") and request.from_round < 1:
            raise ValueError(f"from_round: rounds are numbered from 1, got {request.from_round}")
        first = request.from_round if request.HasField("from_round") else 1
        async for summary in self.manager.watch(request.session_id, first):
            live = await self.manager.session(request.session_id)
            record = live.planning.rounds[summary["round"] - 1]
            evaluation, held = await self.manager.answers(live, summary["round"], council)
            yield pb.WatchSessionResponse(
                summary=_summary(summary),
                prices=item_quantities(live.market.labels, record.prices),
                next_prices=item_quantities(live.market.labels, record.next_prices),
                feedback=_feedback(
                    live,
                    evaluation,
                    council,
                    only_rejected=council is None,
                    held=held,
                ),
            )


def _feedback(
    live: LiveSession,
    evaluation: Evaluation,
    council: str | None,
    *,
    only_rejected: bool,
    held: dict[str, list[dict[str, Any]]] | None = None,
) -> list[pb.CouncilFeedback]:
    """The board's answers: a council's own, or (for the admin) every or every rejected one."""
    answers = council_feedback(live.market, evaluation, only_rejected=only_rejected, held=held)
    if council is not None:
        answers = [f for f in answers if f["council"] == council]
    return [
        pb.CouncilFeedback(
            council_id=f["council"],
            kind=_KIND[CouncilKind(f["kind"])],
            approved=f["approved"],
            reason=f["reason"],
            # a field that does not apply stays unset
            **{
                name: f[key]
                for name, key in _FEEDBACK_FIELDS
                if f.get(key) is not None and math.isfinite(f[key])
            },
            holding_back=[pb.HeldItem(**h) for h in f.get("holding_back", [])],
        )
        for f in answers
    ]


_FEEDBACK_FIELDS = (
    ("benefit_cost_ratio", "ratio"),
    ("budget_use", "budget_use"),
    ("budget", "budget"),
    ("cost", "cost"),
    ("benefit", "benefit"),
)


_ITEM_KIND = {
    "private": pb.ITEM_KIND_PRIVATE_GOOD,
    "public": pb.ITEM_KIND_PUBLIC_GOOD,
    "intermediate": pb.ITEM_KIND_INTERMEDIATE_GOOD,
    "labour": pb.ITEM_KIND_LABOUR,
    "natural_resource": pb.ITEM_KIND_NATURAL_RESOURCE,
    "permit": pb.ITEM_KIND_PERMIT,
}


def _item(info: ItemInfo) -> pb.Item:
    item = pb.Item(item_id=info.item_id, kind=_ITEM_KIND[info.kind], unit=info.unit)
    if info.pollutant is not None:
        item.pollutant = info.pollutant
    if info.federation is not None:
        item.federation = info.federation
    return item


def _council(view: CouncilView) -> pb.Council:
    council = pb.Council(
        council_id=view.council_id,
        kind=_KIND[view.kind],
        name=view.name,
        federation_chain=view.federation_chain,
        techniques=[
            pb.Technique(
                technique_id=t.id,
                outputs=t.outputs,
                inputs=t.inputs,
                primary_inputs=t.primary_inputs,
                emissions=t.emissions,
                capacity=float(t.capacity) if t.capacity is not None else math.inf,
            )
            for t in view.techniques
        ],
        preferences=view.preferences,
        requests=view.requests,
        pollution_caps=view.pollution_caps,
        preferred_caps=view.preferred_caps,
    )
    optional = ("effort_cost_share", "members", "effort_rating", "substitution_elasticity")
    for name in (*optional, "budget"):  # unset where it does not apply to the kind
        value = getattr(view, name)
        if value is not None:
            setattr(council, name, value)
    return council
