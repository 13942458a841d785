"""``planning.v1`` messages of the planning service, made from the solver's and the
store's records: summaries, sessions, feedback, items and councils (translation only)."""

from __future__ import annotations

import json
import math
from typing import Any

from server.api.planning.v1 import planning_pb2 as pb
from server.live import LiveSession, SessionSettings
from server.records import SessionRecord
from server.services.common import duration, termination_of, timestamp
from solver.planning.board.evaluation import Evaluation
from solver.planning.council_view import CouncilView, ItemInfo
from solver.planning.live_proposals import CouncilKind
from solver.planning.result import PlanStatus
from solver.usecases import council_feedback, to_json

__all__ = [
    "FEEDBACK_FIELDS",
    "ITEM_KIND",
    "KIND",
    "STATUS",
    "council_message",
    "feedback_messages",
    "item_message",
    "rule_options_of",
    "session_message",
    "summary_message",
]


STATUS = {
    PlanStatus.RUNNING: pb.SESSION_STATUS_RUNNING,
    PlanStatus.CONVERGED: pb.SESSION_STATUS_CONVERGED,
    PlanStatus.MAX_ROUNDS: pb.SESSION_STATUS_MAX_ROUNDS,
    PlanStatus.SETTLED: pb.SESSION_STATUS_SETTLED,
    PlanStatus.AWAITING_ANSWERS: pb.SESSION_STATUS_AWAITING_ANSWERS,
}
KIND = {
    CouncilKind.CONSUMER: pb.COUNCIL_KIND_CONSUMER,
    CouncilKind.FEDERATION: pb.COUNCIL_KIND_FEDERATION,
    CouncilKind.WORKER: pb.COUNCIL_KIND_WORKER,
}


def summary_message(data: dict[str, Any]) -> pb.RoundSummary:
    """A round's summary (:meth:`RoundRecord.summary`) as a ``RoundSummary``."""
    return pb.RoundSummary(
        round=data["round"],
        max_excess=data["max_excess"],
        worst_item=data["worst_item"],
        price_change=data["price_change"],
        rejected=data["rejected"],
        lp_termination=termination_of(data["lp_status"]),
        lp_duration=duration(data["lp_seconds"]) if data["lp_seconds"] is not None else None,
        duration=duration(data["seconds"]),
        status=STATUS[PlanStatus(data["status"])],
        ledger_sha256=data.get("ledger_sha256", ""),
    )


def session_message(
    record: SessionRecord,
    settings: SessionSettings,
    status: pb.SessionStatus,
    current_round: int,
    last_round: dict[str, Any] | None,
) -> pb.Session:
    """A session in memory as the ``Session`` resource."""
    message = pb.Session(
        session_id=record.session_id,
        economy_id=record.economy_id,
        rule=settings.rule,
        tolerance=settings.tolerance,
        max_rounds=settings.max_rounds,
        rule_options={k: to_json(v) for k, v in settings.rule_options.items()},
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
        message.last_round.CopyFrom(summary_message(last_round))
    return message


def rule_options_of(raw: dict[str, str]) -> dict[str, Any]:
    """Rule options arrive as text; numbers and booleans are read as JSON."""
    options: dict[str, Any] = {}
    for key, value in raw.items():
        try:
            options[key] = json.loads(value)
        except json.JSONDecodeError:
            options[key] = value
    return options


def feedback_messages(
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
            kind=KIND[CouncilKind(f["kind"])],
            approved=f["approved"],
            reason=f["reason"],
            # a field that does not apply stays unset
            **{
                name: f[key]
                for name, key in FEEDBACK_FIELDS
                if f.get(key) is not None and math.isfinite(f[key])
            },
            holding_back=[pb.HeldItem(**h) for h in f.get("holding_back", [])],
        )
        for f in answers
    ]


FEEDBACK_FIELDS = (
    ("benefit_cost_ratio", "ratio"),
    ("budget_use", "budget_use"),
    ("budget", "budget"),
    ("cost", "cost"),
    ("benefit", "benefit"),
)


ITEM_KIND = {
    "private": pb.ITEM_KIND_PRIVATE_GOOD,
    "public": pb.ITEM_KIND_PUBLIC_GOOD,
    "intermediate": pb.ITEM_KIND_INTERMEDIATE_GOOD,
    "labour": pb.ITEM_KIND_LABOUR,
    "natural_resource": pb.ITEM_KIND_NATURAL_RESOURCE,
    "permit": pb.ITEM_KIND_PERMIT,
}


def item_message(info: ItemInfo) -> pb.Item:
    """One priced item, with its kind, unit, pollutant and federation."""
    item = pb.Item(item_id=info.item_id, kind=ITEM_KIND[info.kind], unit=info.unit)
    if info.pollutant is not None:
        item.pollutant = info.pollutant
    if info.federation is not None:
        item.federation = info.federation
    return item


def council_message(view: CouncilView) -> pb.Council:
    """A council's own record (:class:`CouncilView`) as a ``Council``."""
    council = pb.Council(
        council_id=view.council_id,
        kind=KIND[view.kind],
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
