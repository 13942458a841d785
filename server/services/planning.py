"""``planning.v1.PlanningService``: sessions, live councils' proposals, rounds and plans."""

from __future__ import annotations

from collections.abc import AsyncIterator

import grpc
from typing_extensions import override

from server.api.planning.v1 import planning_pb2 as pb
from server.api.planning.v1 import planning_pb2_grpc as pb_grpc
from server.auth import bearer_token, is_admin
from server.live import LiveSession, SessionSettings, SessionStateError
from server.planning_messages import (
    KIND,
    STATUS,
    council_message,
    feedback_messages,
    item_message,
    rule_options_of,
    session_message,
    summary_message,
)
from server.proposal_batches import proposal_of, submit_batch
from server.records import NotFoundError
from server.services.common import (
    Guard,
    deadline_of,
    item_quantities,
    next_page_token,
    page_of,
    page_window,
    round_timeout_of,
    translate_errors,
    translate_stream_errors,
)
from server.sessions import SessionManager
from solver.planning.result import PlanStatus
from solver.usecases import council_record, session_items, to_json

__all__ = ["MAX_SESSION_WATCHERS", "WATCH_IDLE_SECONDS", "PlanningService"]

MAX_SESSION_WATCHERS = 1024
"""``WatchSession`` streams open at once, over every session; one more is refused with
``RESOURCE_EXHAUSTED``."""
WATCH_IDLE_SECONDS = 900.0
"""A ``WatchSession`` stream that waits this long for the next round ends with
``UNAVAILABLE`` naming the round to watch from again (a stream never ends otherwise)."""


class PlanningService(pb_grpc.PlanningServiceServicer):
    """``planning.v1.PlanningService``."""

    def __init__(
        self,
        manager: SessionManager,
        admin_token: str,
        *,
        max_watchers: int = MAX_SESSION_WATCHERS,
        watch_idle_seconds: float | None = WATCH_IDLE_SECONDS,
    ) -> None:
        self.manager = manager
        self.guard = Guard(manager, admin_token)
        self.max_watchers = max_watchers
        self.watch_idle_seconds = watch_idle_seconds
        self._watchers = 0

    @staticmethod
    def _session(live: LiveSession) -> pb.Session:
        return session_message(
            live.record,
            live.settings,
            STATUS[live.status],
            live.current_round,
            live.summaries[-1] if live.summaries else None,
        )

    @translate_errors
    @override
    async def CreateSession(
        self, request: pb.CreateSessionRequest, context: grpc.aio.ServicerContext
    ) -> pb.CreateSessionResponse:
        await self.guard.admin(context)
        timeout = round_timeout_of(request.round_timeout)
        settings = SessionSettings(
            rule=request.rule or "lp",
            tolerance=request.tolerance or 0.01,
            max_rounds=request.max_rounds or 100,
            rule_options=rule_options_of(dict(request.rule_options)),
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
                pb.CouncilToken(council_id=c, kind=KIND[live.directory.kinds[c]], token=t)
                for c, t in tokens.items()
            ],
        )

    @translate_errors
    @override
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
    @override
    async def GetLedger(
        self, request: pb.GetLedgerRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetLedgerResponse:
        await self.guard.caller(context, request.session_id)
        # ledger records are large: pages of 10, at most 100 (proto/README)
        start, size = page_window(request.page_size, request.page_token, default=10, largest=100)
        records, closed, head = await self.manager.ledger(request.session_id, start, size)
        return pb.GetLedgerResponse(
            records=[
                pb.LedgerRecord(
                    round=int(r["round"]),
                    sha256=str(r["sha256"]),
                    previous_sha256=str(r["previous_sha256"]),
                    record_json=to_json(r),
                )
                for r in records
            ],
            next_page_token=next_page_token(start, size, closed),
            head_sha256=head,
        )

    @translate_errors
    @override
    async def GetSession(
        self, request: pb.GetSessionRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetSessionResponse:
        await self.guard.caller(context, request.session_id)
        live = await self.manager.session(request.session_id)
        return pb.GetSessionResponse(session=self._session(live))

    @translate_errors
    @override
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
                session_message(
                    r,
                    SessionSettings.from_json(r.settings),
                    STATUS[PlanStatus(r.status)],
                    r.current_round,
                    last.get(r.session_id),
                )
                for r in records
            ],
        )

    @translate_errors
    @override
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
        proposal = proposal_of(request.council_id, request)
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
    @override
    async def SubmitProposals(
        self, request: pb.SubmitProposalsRequest, context: grpc.aio.ServicerContext
    ) -> pb.SubmitProposalsResponse:
        token = bearer_token(context.invocation_metadata())
        as_admin = is_admin(token, self.guard.admin_token)
        if token is not None and not as_admin:
            await self.guard.caller(context, request.session_id)  # a council's: valid here
        return await submit_batch(self.manager, request, as_admin=as_admin)

    @translate_errors
    @override
    async def CloseRound(
        self, request: pb.CloseRoundRequest, context: grpc.aio.ServicerContext
    ) -> pb.CloseRoundResponse:
        await self.guard.admin(context)
        summary = await self.manager.close_round(
            request.session_id, request.round, deadline=deadline_of(context)
        )
        live = await self.manager.session(request.session_id)
        return pb.CloseRoundResponse(summary=summary_message(summary), session=self._session(live))

    @translate_errors
    @override
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
            council=council_message(view),
            items=[item_message(i) for i in session_items(live.market)],
        )

    @translate_errors
    @override
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
            summary=summary_message(live.summaries[round_ - 1]),
            feedback=feedback_messages(
                live,
                evaluation,
                council,
                only_rejected=False,
                held=held,
            ),
            next_prices=item_quantities(labels, record.next_prices),
        )

    @translate_errors
    @override
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
            status=STATUS[live.status],
            rounds=len(live.planning.rounds),
            plan_json=to_json(plan),
        )

    @translate_stream_errors
    @override
    async def RunSession(
        self, request: pb.RunSessionRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[pb.RunSessionResponse]:
        await self.guard.admin(context)
        async for summary in self.manager.run(
            request.session_id, request.max_rounds, deadline=deadline_of(context)
        ):
            yield pb.RunSessionResponse(summary=summary_message(summary))

    @translate_stream_errors
    @override
    async def WatchSession(
        self, request: pb.WatchSessionRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[pb.WatchSessionResponse]:
        council = await self.guard.caller(context, request.session_id)
        if request.HasField("from_round") and request.from_round < 1:
            raise ValueError(f"from_round: rounds are numbered from 1, got {request.from_round}")
        first = request.from_round if request.HasField("from_round") else 1
        if self._watchers >= self.max_watchers:
            await context.abort(
                grpc.StatusCode.RESOURCE_EXHAUSTED,
                f"{self._watchers} WatchSession streams are open, the most this server keeps "
                "(--max-session-watchers); try again later, or read rounds with GetRound",
            )
        self._watchers += 1
        try:
            async for message in self._watch(request, council, first):
                yield message
        finally:
            self._watchers -= 1

    async def _watch(
        self, request: pb.WatchSessionRequest, council: str | None, first: int
    ) -> AsyncIterator[pb.WatchSessionResponse]:
        rounds = self.manager.watch(request.session_id, first, self.watch_idle_seconds)
        async for summary in rounds:
            live = await self.manager.session(request.session_id)
            record = live.planning.rounds[summary["round"] - 1]
            evaluation, held = await self.manager.answers(live, summary["round"], council)
            yield pb.WatchSessionResponse(
                summary=summary_message(summary),
                prices=item_quantities(live.market.labels, record.prices),
                next_prices=item_quantities(live.market.labels, record.next_prices),
                feedback=feedback_messages(
                    live,
                    evaluation,
                    council,
                    only_rejected=council is None,
                    held=held,
                ),
            )
