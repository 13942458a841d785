"""Proposals as the client puts them into ``SubmitProposal`` and ``SubmitProposals``
requests."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .api.planning.v1 import common_pb2 as common_pb
from .api.planning.v1 import planning_pb2 as pb

__all__ = ["CouncilEntry", "fill_proposal"]


@dataclass(frozen=True)
class CouncilEntry:
    """One council's proposal in :meth:`PlanningClient.submit_many`."""

    council_id: str
    token: str | None = None
    requests: Mapping[str, float] | None = None
    activities: Mapping[str, float] | None = None
    stated_effort: Mapping[str, float] | None = None


def fill_proposal(
    message: pb.SubmitProposalRequest | pb.CouncilProposalEntry,
    requests: Mapping[str, float] | None,
    activities: Mapping[str, float] | None,
    stated_effort: Mapping[str, float] | None,
) -> None:
    """Put a consumption (``requests``) or production (``activities``, optionally with the
    marginal effort cost stated per technique) proposal into ``message``."""
    if (requests is None) == (activities is None):
        raise ValueError("give requests (consumption) or activities (production)")
    if stated_effort and activities is None:
        raise ValueError("stated_effort: only worker councils (activities) state effort")
    if requests is not None:
        message.consumption.requests.extend(
            common_pb.ItemQuantity(item=k, quantity=v) for k, v in requests.items()
        )
        return
    assert activities is not None
    stated = dict(stated_effort or {})
    for technique in {**dict.fromkeys(activities), **dict.fromkeys(stated)}:
        entry = pb.TechniqueActivity(technique=technique, activity=activities.get(technique, 0.0))
        if technique in stated:
            entry.marginal_effort_cost = stated[technique]
        message.production.activities.append(entry)
