"""Live councils' proposals as ``PlanningService`` reads them: one per call
(``SubmitProposal``) or many committed together (``SubmitProposals``), each answered on its
own (the client's side: :mod:`server.proposal_messages`)."""

from __future__ import annotations

import grpc

from server.api.planning.v1 import planning_pb2 as pb
from server.services.common import code_of, error_message, quantities
from server.sessions import SessionManager
from solver.planning.live_proposals import CouncilProposal

__all__ = ["MAX_BATCH", "proposal_of", "submit_batch"]

MAX_BATCH = 10_000
"""Most proposals one ``SubmitProposals`` call takes."""


def proposal_of(
    council_id: str,
    message: pb.SubmitProposalRequest | pb.CouncilProposalEntry,
) -> CouncilProposal:
    """The council's proposal a request carries (its ``consumption`` or ``production``).

    Raises
    ------
    ValueError
        ``proposal: ...`` where it carries neither, a field given twice.
    """
    which = message.WhichOneof("proposal")
    if which == "consumption":
        return CouncilProposal(
            council_id,
            requests=quantities(
                "requests", [(r.item, r.quantity) for r in message.consumption.requests]
            ),
        )
    if which == "production":
        activities = message.production.activities
        return CouncilProposal(
            council_id,
            activities=quantities("activities", [(a.technique, a.activity) for a in activities]),
            stated_effort=quantities(
                "stated_effort",
                [
                    (a.technique, a.marginal_effort_cost)
                    for a in activities
                    if a.HasField("marginal_effort_cost")
                ],
            )
            or None,
        )
    raise ValueError("proposal: set consumption or production")


def _outcome(council_id: str, code: grpc.StatusCode, message: str) -> pb.ProposalOutcome:
    return pb.ProposalOutcome(council_id=council_id, code=code.value[0], message=message)


def _refused(council_id: str, err: BaseException) -> pb.ProposalOutcome:
    return _outcome(council_id, code_of(err) or grpc.StatusCode.UNKNOWN, error_message(err))


async def submit_batch(
    manager: SessionManager, request: pb.SubmitProposalsRequest, *, as_admin: bool
) -> pb.SubmitProposalsResponse:
    """Commit the proposals of a ``SubmitProposals`` call together; each answered on its
    own (see the RPC's comment). ``as_admin``: the call carries the admin token, so the
    proposals' own tokens may be left out.

    Raises
    ------
    ValueError
        ``proposals: ...`` where the call holds none or more than :data:`MAX_BATCH`.
    """
    entries = list(request.proposals)
    if not entries or len(entries) > MAX_BATCH:
        raise ValueError(f"proposals: from 1 to {MAX_BATCH:,} a call, got {len(entries):,}")
    session_id = request.session_id
    outcomes: list[pb.ProposalOutcome | None] = [None] * len(entries)
    proposals: list[tuple[int, CouncilProposal]] = []
    seen: set[str] = set()
    for i, entry in enumerate(entries):
        council = entry.council_id
        if council in seen:
            outcomes[i] = _refused(council, ValueError(f"proposals[{i}].council_id: given twice"))
            continue
        seen.add(council)
        if entry.council_token or not as_admin:
            owner = await manager.council_of_token(session_id, entry.council_token)
            if owner is None:
                outcomes[i] = _outcome(
                    council,
                    grpc.StatusCode.UNAUTHENTICATED,
                    f"proposals[{i}].council_token: not a token of session {session_id!r}",
                )
                continue
            if owner != council:
                outcomes[i] = _outcome(
                    council,
                    grpc.StatusCode.PERMISSION_DENIED,
                    f"proposals[{i}].council_id: the token belongs to council {owner!r}, "
                    f"which may not propose for {council!r}",
                )
                continue
        try:
            proposals.append((i, proposal_of(council, entry)))
        except ValueError as err:
            outcomes[i] = _refused(council, err)
    results, submitted, total, closed = await manager.submit_many(
        session_id, request.round, [p for _, p in proposals]
    )
    for (i, proposal), result in zip(proposals, results, strict=True):
        if isinstance(result, BaseException):
            outcomes[i] = _refused(proposal.council_id, result)
        else:
            outcomes[i] = pb.ProposalOutcome(council_id=proposal.council_id, replaced=result)
    return pb.SubmitProposalsResponse(
        round=request.round,
        outcomes=[o for o in outcomes if o is not None],
        submitted_count=submitted,
        live_council_count=total,
        round_closed=closed,
    )
