"""A thin typed client of the planning service (synchronous; one channel per client)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from solver.economy.model import Economy

from .api.planning.v1 import economy_pb2 as eco_pb
from .api.planning.v1 import economy_pb2_grpc as eco_grpc
from .api.planning.v1 import jobs_pb2 as jobs_pb
from .api.planning.v1 import jobs_pb2_grpc as jobs_grpc
from .api.planning.v1 import planning_pb2 as pb
from .api.planning.v1 import planning_pb2_grpc as pb_grpc
from .api.planning.v1 import round_pb2 as round_pb
from .api.planning.v1 import round_pb2_grpc as round_grpc
from .client_errors import TypedStub
from .durations import duration
from .proposal_messages import CouncilEntry, fill_proposal

__all__ = ["CouncilEntry", "PlanningClient", "strict_loads"]

CHUNK_BYTES = 1024 * 1024


class PlanningClient:
    """Calls of ``planning.v1`` with one token.

    Parameters
    ----------
    target
        ``host:port`` of the server.
    token
        The admin token or a council's token, sent as ``authorization: Bearer``.
    max_message_mb
        Largest message sent or received (match the server's ``--max-message-mb``).
    tls_ca
        PEM file of the certificate authority when the server speaks TLS.
    channel
        An open channel to share (see :meth:`as_council`); ``target`` is then ignored.
    """

    def __init__(
        self,
        target: str,
        token: str,
        *,
        max_message_mb: int = 16,
        tls_ca: Path | str | None = None,
        channel: grpc.Channel | None = None,
    ) -> None:
        self.target = target
        self.max_message_bytes = max_message_mb * 1024 * 1024
        if channel is None:
            options = [
                ("grpc.max_receive_message_length", self.max_message_bytes),
                ("grpc.max_send_message_length", self.max_message_bytes),
            ]
            if tls_ca is not None:
                credentials = grpc.ssl_channel_credentials(Path(tls_ca).read_bytes())
                channel = grpc.secure_channel(target, credentials, options=options)
            else:
                channel = grpc.insecure_channel(target, options=options)
            self._owns_channel = True
        else:
            self._owns_channel = False
        self.channel = channel
        self.metadata = (("authorization", f"Bearer {token}"),)
        # every call raises a typed error (server/client_errors.py), a grpc.RpcError still
        self.economies = TypedStub(eco_grpc.EconomyServiceStub(channel), target)
        self.planning = TypedStub(pb_grpc.PlanningServiceStub(channel), target)
        self.rounds = TypedStub(round_grpc.RoundServiceStub(channel), target)
        self.jobs = TypedStub(jobs_grpc.JobsServiceStub(channel), target)

    def as_council(self, token: str) -> PlanningClient:
        """A client on the same channel that speaks with a council's token."""
        return PlanningClient(
            self.target,
            token,
            max_message_mb=self.max_message_bytes // (1024 * 1024),
            channel=self.channel,
        )

    def close(self) -> None:
        """Close the channel."""
        if self._owns_channel:
            self.channel.close()

    def __enter__(self) -> PlanningClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- service -------------------------------------------------------------------------

    def healthy(self, service: str = "", timeout: float = 5.0) -> bool:
        """Whether the server reports ``SERVING`` (for ``service``, or overall)."""
        stub = health_pb2_grpc.HealthStub(self.channel)
        reply = stub.Check(health_pb2.HealthCheckRequest(service=service), timeout=timeout)
        return bool(reply.status == health_pb2.HealthCheckResponse.SERVING)

    # -- economies -----------------------------------------------------------------------

    def create_economy(self, economy: Economy | Mapping[str, Any] | str | Path) -> eco_pb.Economy:
        """Store an economy (a model, a dict, JSON text or a JSON file).

        Documents that do not fit in one message are streamed with ``UploadEconomy``.
        """
        if isinstance(economy, Economy):
            document = economy.model_dump_json()
        elif isinstance(economy, Path):
            document = economy.read_text()
        elif isinstance(economy, str):
            document = economy
        else:
            document = json.dumps(economy)
        data = document.encode()
        if len(data) < self.max_message_bytes - 4096:
            request = eco_pb.CreateEconomyRequest(economy_json=document)
            return self.economies.CreateEconomy(request, metadata=self.metadata).economy
        size = min(CHUNK_BYTES, self.max_message_bytes // 2)
        chunks = (
            eco_pb.UploadEconomyRequest(chunk=data[i : i + size]) for i in range(0, len(data), size)
        )
        return self.economies.UploadEconomy(chunks, metadata=self.metadata).economy

    def get_economy(self, economy_id: str) -> eco_pb.Economy:
        """The stored economy ``economy_id`` (``EconomyService.GetEconomy``)."""
        request = eco_pb.GetEconomyRequest(economy_id=economy_id)
        return self.economies.GetEconomy(request, metadata=self.metadata).economy

    def list_economies(self, page_size: int = 0) -> list[eco_pb.Economy]:
        """Every stored economy, oldest first, page after page."""
        return list(
            _pages(
                lambda token: self.economies.ListEconomies(
                    eco_pb.ListEconomiesRequest(page_size=page_size, page_token=token),
                    metadata=self.metadata,
                ),
                "economies",
            )
        )

    def delete_economy(self, economy_id: str) -> None:
        """Delete the stored economy ``economy_id`` (``EconomyService.DeleteEconomy``)."""
        request = eco_pb.DeleteEconomyRequest(economy_id=economy_id)
        self.economies.DeleteEconomy(request, metadata=self.metadata)

    # -- sessions ------------------------------------------------------------------------

    def create_session(
        self,
        economy_id: str,
        *,
        rule: str = "lp",
        tolerance: float = 0.01,
        max_rounds: int = 100,
        live_councils: list[str] | None = None,
        all_councils_live: bool = False,
        manual_close: bool = False,
        round_timeout_seconds: float = 0.0,
        rule_options: Mapping[str, Any] | None = None,
        workplaces: str | Path | None = None,
        last_word: bool = False,
        previous_session_id: str = "",
    ) -> tuple[pb.Session, dict[str, str]]:
        """A new session; returns it and ``council id -> token`` for its live councils.

        ``workplaces`` (JSON text or a file): budgets from their members' effort ratings.
        ``previous_session_id``: start from that session's last prices (next year's plan).
        """
        request = pb.CreateSessionRequest(
            economy_id=economy_id,
            rule=rule,
            tolerance=tolerance,
            max_rounds=max_rounds,
            live_councils=live_councils or [],
            all_councils_live=all_councils_live,
            manual_close=manual_close,
            round_timeout=duration(round_timeout_seconds),
            rule_options={k: json.dumps(v) for k, v in (rule_options or {}).items()},
            workplaces_json=_document(workplaces) if workplaces is not None else "",
            last_word=last_word,
            previous_session_id=previous_session_id,
        )
        reply = self.planning.CreateSession(request, metadata=self.metadata)
        return reply.session, {t.council_id: t.token for t in reply.council_tokens}

    def answer_last_word(self, session_id: str, council_id: str, approve: bool) -> pb.Session:
        """A live council's answer to its part of the board's last word."""
        request = pb.AnswerLastWordRequest(
            session_id=session_id, council_id=council_id, approve=approve
        )
        return self.planning.AnswerLastWord(request, metadata=self.metadata).session

    def ledger(self, session_id: str, page_size: int = 10) -> Iterator[pb.LedgerRecord]:
        """Every closed round's ledger record, page after page."""
        yield from _pages(
            lambda token: self.planning.GetLedger(
                pb.GetLedgerRequest(session_id=session_id, page_size=page_size, page_token=token),
                metadata=self.metadata,
            ),
            "records",
        )

    def get_session(self, session_id: str) -> pb.Session:
        """The session ``session_id`` (``PlanningService.GetSession``)."""
        request = pb.GetSessionRequest(session_id=session_id)
        return self.planning.GetSession(request, metadata=self.metadata).session

    def list_sessions(self, page_size: int = 0) -> list[pb.Session]:
        """Every session, oldest first, page after page."""
        return list(
            _pages(
                lambda token: self.planning.ListSessions(
                    pb.ListSessionsRequest(page_size=page_size, page_token=token),
                    metadata=self.metadata,
                ),
                "sessions",
            )
        )

    def submit(
        self,
        session_id: str,
        council_id: str,
        round_: int,
        *,
        requests: Mapping[str, float] | None = None,
        activities: Mapping[str, float] | None = None,
        stated_effort: Mapping[str, float] | None = None,
        timeout: float | None = None,
    ) -> pb.SubmitProposalResponse:
        """Submit (or revise) a council's proposal: ``requests`` or ``activities``, the
        latter optionally with the marginal effort cost the council states per technique
        (``stated_effort``; a technique stated but not in ``activities`` runs at zero)."""
        request = pb.SubmitProposalRequest(session_id=session_id, council_id=council_id)
        request.round = round_
        fill_proposal(request, requests, activities, stated_effort)
        return self.planning.SubmitProposal(request, metadata=self.metadata, timeout=timeout)

    def submit_many(
        self,
        session_id: str,
        round_: int,
        proposals: Sequence[CouncilEntry],
        timeout: float | None = None,
    ) -> pb.SubmitProposalsResponse:
        """Submit many councils' proposals in one call (``SubmitProposals``), committed
        together; each of :class:`CouncilEntry` (its council, its token, unless this client
        holds the admin token, and its ``requests`` or ``activities``). Each is answered on
        its own in the response's ``outcomes``."""
        request = pb.SubmitProposalsRequest(session_id=session_id, round=round_)
        for entry in proposals:
            message = request.proposals.add(
                council_id=entry.council_id, council_token=entry.token or ""
            )
            fill_proposal(message, entry.requests, entry.activities, entry.stated_effort)
        return self.planning.SubmitProposals(request, metadata=self.metadata, timeout=timeout)

    def close_round(
        self, session_id: str, round_: int, timeout: float | None = None
    ) -> pb.CloseRoundResponse:
        """Close the open round of ``session_id`` (``PlanningService.CloseRound``)."""
        request = pb.CloseRoundRequest(session_id=session_id, round=round_)
        return self.planning.CloseRound(request, metadata=self.metadata, timeout=timeout)

    def get_round(self, session_id: str, round_: int | None = None) -> pb.GetRoundResponse:
        """A round's prices (and feedback once closed); ``None``: the open round."""
        request = pb.GetRoundRequest(session_id=session_id)
        if round_ is not None and round_ != 0:  # 0: the open round, as before
            request.round = round_
        return self.planning.GetRound(request, metadata=self.metadata)

    def get_council(self, session_id: str, council_id: str) -> pb.GetCouncilResponse:
        """A council's own record and what every item is (a council's token: its own only)."""
        request = pb.GetCouncilRequest(session_id=session_id, council_id=council_id)
        return self.planning.GetCouncil(request, metadata=self.metadata)

    def prices(self, session_id: str, round_: int | None = None) -> tuple[int, dict[str, float]]:
        """The round number and its indicative prices by item."""
        reply = self.get_round(session_id, round_)
        return reply.round, {p.item: p.quantity for p in reply.prices}

    def get_plan(self, session_id: str, top: int = 0) -> dict[str, Any]:
        """The plan of the last closed round, as ``parplan plan --json`` gives it."""
        request = pb.GetPlanRequest(session_id=session_id, top=top)
        reply = self.planning.GetPlan(request, metadata=self.metadata)
        plan: dict[str, Any] = strict_loads(reply.plan_json)
        return plan

    def run(
        self, session_id: str, max_rounds: int = 0, timeout: float | None = None
    ) -> Iterator[pb.RoundSummary]:
        """Play a simulated session, yielding each round as it closes."""
        request = pb.RunSessionRequest(session_id=session_id, max_rounds=max_rounds)
        for reply in self.planning.RunSession(request, metadata=self.metadata, timeout=timeout):
            yield reply.summary

    def watch(self, session_id: str, from_round: int = 1) -> Iterator[pb.WatchSessionResponse]:
        """Rounds from ``from_round`` on, as they close, until the session ends: each with
        its summary, prices, next prices and feedback."""
        request = pb.WatchSessionRequest(session_id=session_id, from_round=from_round)
        yield from self.planning.WatchSession(request, metadata=self.metadata)

    # -- jobs ----------------------------------------------------------------------------

    def balance_workplace(
        self, workplaces: str | Path, workplace_id: str = "", tolerance: float = 0.0
    ) -> jobs_pb.BalanceWorkplaceResponse:
        """Balance one workplace (of a single-workplace or society document)."""
        request = jobs_pb.BalanceWorkplaceRequest(
            workplaces_json=_document(workplaces), workplace_id=workplace_id, tolerance=tolerance
        )
        return self.jobs.BalanceWorkplace(request, metadata=self.metadata)

    def balance_society(
        self, workplaces: str | Path, tolerance: float = 0.0, partners: int = 0
    ) -> jobs_pb.BalanceSocietyResponse:
        """Balance across workplaces towards the society's averages."""
        request = jobs_pb.BalanceSocietyRequest(
            workplaces_json=_document(workplaces), tolerance=tolerance, partners=partners
        )
        return self.jobs.BalanceSociety(request, metadata=self.metadata)

    def ratings(
        self, workplaces: str | Path, economy_id: str = ""
    ) -> tuple[dict[str, float], dict[str, float]]:
        """Members' effort ratings and, with an economy, their budgets."""
        request = jobs_pb.GetRatingsRequest(
            workplaces_json=_document(workplaces), economy_id=economy_id
        )
        reply = self.jobs.GetRatings(request, metadata=self.metadata)
        return dict(reply.ratings), dict(reply.member_budgets)

    # -- single rounds -------------------------------------------------------------------

    def solve_round(
        self,
        economy: str | Economy,
        *,
        requests: Mapping[str, Mapping[str, float]] | None = None,
        activities: Mapping[str, float] | None = None,
        method: str = "auto",
        hard: bool = False,
        timeout: float | None = None,
    ) -> round_pb.SolveRoundResponse:
        """One round's LP: a stored economy (by id) or an economy model, with consumer
        councils' and federations' ``requests`` replacing theirs and worker councils'
        ``activities`` capping their techniques; the deadline (``timeout``) bounds the solve."""
        request = round_pb.SolveRoundRequest(
            method=method, hard=hard, activities=dict(activities or {})
        )
        if isinstance(economy, Economy):
            request.economy_json = economy.model_dump_json()
        else:
            request.economy_id = economy
        for council, quantities in (requests or {}).items():
            request.requests.append(
                round_pb.CouncilRequests(council_id=council, quantities=dict(quantities))
            )
        return self.rounds.SolveRound(request, metadata=self.metadata, timeout=timeout)


def _pages(call: Callable[[str], Any], field: str) -> Iterator[Any]:
    """Every item of a paged listing, page after page: ``call(page_token)`` until there is
    no next page."""
    token = ""
    while True:
        reply = call(token)
        yield from getattr(reply, field)
        token = reply.next_page_token
        if not token:
            return


def _document(source: str | Path) -> str:
    """JSON text, or the text of a JSON file."""
    return source.read_text() if isinstance(source, Path) else source


def strict_loads(text: str) -> Any:
    """JSON as strict parsers read it: ``NaN`` and ``Infinity`` refused, as in JavaScript."""

    def refuse(constant: str) -> Any:
        raise ValueError(f"not JSON: {constant} (the service writes null for no value)")

    return json.loads(text, parse_constant=refuse)
