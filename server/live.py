"""A session as the service holds it: its settings, the open round's submissions, the
solver's session, and how proposals and round summaries are stored."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from dataclasses import dataclass, field
from typing import Any

from solver.economy.model import Economy
from solver.planning.live_proposals import CouncilDirectory, CouncilProposal
from solver.planning.market import Market
from solver.planning.result import PlanStatus, RoundRecord
from solver.planning.session import PlanningSession

from .concurrency import RoundGate
from .records import SessionRecord

__all__ = [
    "LiveSession",
    "SessionSettings",
    "SessionStateError",
    "proposal_body",
    "proposal_from_body",
    "summary_of",
]


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
        """The session's settings as stored in its record."""
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


def proposal_body(proposal: CouncilProposal) -> str:
    """A council's proposal as the store keeps it (JSON; its quantities are finite, as
    :meth:`~solver.planning.live_proposals.CouncilDirectory.check` found them, and stay
    so: NaN or infinity would be refused)."""
    if proposal.activities is not None:
        body: dict[str, Any] = {"activities": dict(proposal.activities)}
        if proposal.stated_effort:
            body["stated_effort"] = dict(proposal.stated_effort)
        return json.dumps(body, allow_nan=False)
    return json.dumps({"requests": dict(proposal.requests or {})}, allow_nan=False)


def proposal_from_body(council_id: str, body: str) -> CouncilProposal:
    """A stored proposal as the council sent it."""
    data = json.loads(body)
    return CouncilProposal(
        council_id, data.get("requests"), data.get("activities"), data.get("stated_effort")
    )


@dataclass
class LiveSession:
    """A session in memory: the solver's session as stored.

    ``planning`` only ever holds rounds that are stored: a round is played on a fork and
    swapped in after its commit, so every reader sees the database's state. The open
    round's proposals are read from the store when the round closes (whichever server
    took them).
    """

    record: SessionRecord  # as created: id, economy, creation time
    settings: SessionSettings
    market: Market
    directory: CouncilDirectory
    planning: PlanningSession
    summaries: list[dict[str, Any]]
    round_opened: float  # wall-clock time the open round opened
    gate: RoundGate = field(default_factory=lambda: RoundGate())
    changed: asyncio.Condition = field(default_factory=asyncio.Condition)
    timer: asyncio.TimerHandle | None = None
    economy: Economy | None = None  # parsed when a council first reads its record
    # the SHA-256 of every closed round's ledger record: the chain a reader pages through
    # (records are re-made a page at a time from the stored proposals, never all kept)
    ledger_heads: list[str] = field(default_factory=list)
    answers_applied: int = 0  # stored answers to the last word that ``planning`` holds
    tokens: dict[str, str] = field(default_factory=dict)  # live councils' token hashes

    @property
    def session_id(self) -> str:
        """The session's id."""
        return self.record.session_id

    @property
    def status(self) -> PlanStatus:
        """Where the session stands (running, converged, ...)."""
        return self.planning.status

    @property
    def current_round(self) -> int:
        """The open round while running, else the last round."""
        played = len(self.planning.rounds)
        return played + 1 if self.status is PlanStatus.RUNNING else played


def summary_of(record: RoundRecord, status: PlanStatus) -> dict[str, Any]:
    """A closed round's summary as the store keeps it and the service sends it."""
    return record.summary() | {"status": status.value}
