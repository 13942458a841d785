"""What one council may read of its own record, and what every priced item is.

A live council proposes from what it knows of itself: its techniques (a worker council), its
preferences, members and effort rating (a consumer council), its public requests and caps (a
federation), the federations it belongs to, and its budget in the unit of prices. This
module reads that from the economy and the market, so that a council acting over the API
needs nothing else. :func:`item_catalogue` says what each item of the price vector is (a good
and its kind, a primary input, a pollution permit with its pollutant and federation).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from solver.economy.cap_votes import CapVote
from solver.economy.model import VOTE, Economy, Federation, Technique
from solver.planning.live_proposals import CouncilDirectory, CouncilKind
from solver.planning.market import Market, ProposalError

__all__ = ["CouncilView", "ItemInfo", "council_view", "item_catalogue"]


@dataclass(frozen=True)
class ItemInfo:
    """One priced item: its id in every price list, its kind (one of
    :data:`~solver.planning.market.ITEM_KINDS`) and unit; for a permit (id
    ``permit:<pollutant>@<federation>``), the pollutant and the federation whose cap it
    shares out."""

    item_id: str
    kind: str
    unit: str
    pollutant: str | None = None
    federation: str | None = None


@dataclass(frozen=True)
class CouncilView:
    """A council's own record (fields that do not apply to its kind are ``None`` or empty).

    Attributes
    ----------
    council_id, kind, name
        Who it is.
    federation_chain
        The federations it belongs to, nearest first (a worker council's location, a
        consumer council's neighbourhood, a federation's parents).
    techniques
        Worker councils: their techniques, as in the economy (inputs, outputs, primary
        inputs, emissions per unit of activity, capacity).
    effort_cost_share
        Worker councils: the economy's prior of their effort cost (what the board assumes
        until the council's proposals and statements say otherwise).
    members, effort_rating, substitution_elasticity
        Consumer councils.
    preferences, requests
        Consumer councils: private goods; federations: public goods.
    pollution_caps
        Federations: pollutant -> cap (a cap left to a vote as the vote decided it).
    preferred_caps
        Federations: pollutant -> the cap it votes for where one above leaves it to a vote.
    budget
        Consumer councils and federations: what the council may spend at indicative prices
        (a consumer council's income from selling permits comes on top, round by round).
    """

    council_id: str
    kind: CouncilKind
    name: str = ""
    federation_chain: list[str] = field(default_factory=list)
    techniques: list[Technique] = field(default_factory=list)
    effort_cost_share: float | None = None
    members: int | None = None
    effort_rating: float | None = None
    substitution_elasticity: float | None = None
    preferences: dict[str, float] = field(default_factory=dict)
    requests: dict[str, float] = field(default_factory=dict)
    pollution_caps: dict[str, float] = field(default_factory=dict)
    preferred_caps: dict[str, float] = field(default_factory=dict)
    budget: float | None = None


def _chain(economy: Economy, first: str | None) -> list[str]:
    parents = {f.id: f.parent for f in economy.federations}
    chain: list[str] = []
    at = first
    while at is not None and at not in chain:
        chain.append(at)
        at = parents.get(at)
    return chain


def _caps(fed: Federation, votes: tuple[CapVote, ...]) -> dict[str, float]:
    """A federation's caps, those left to a vote as the market's votes decided them (they
    are decided once, with the market, not again for every read)."""
    decided = {v.pollutant: v.cap for v in votes if v.federation == fed.id}
    return {e: decided[e] if q == VOTE else float(q) for e, q in fed.pollution_caps.items()}


def council_view(economy: Economy, directory: CouncilDirectory, council_id: str) -> CouncilView:
    """The record of ``council_id`` in ``economy``, planned as ``directory.market`` (a
    session's directory, so that a read does not index every council again).

    Raises
    ------
    ProposalError
        ``council_id``: no such council.
    """
    market = directory.market
    kind = directory.kind(council_id)
    row = directory.rows[council_id]
    if kind is CouncilKind.WORKER:
        wc = next(w for w in economy.worker_councils if w.id == council_id)
        return CouncilView(
            council_id,
            kind,
            name=wc.name,
            federation_chain=_chain(economy, wc.federation),
            techniques=list(wc.techniques),
            effort_cost_share=wc.effort_cost_share,
        )
    if kind is CouncilKind.CONSUMER:
        cc = next(c for c in economy.consumer_councils if c.id == council_id)
        return CouncilView(
            council_id,
            kind,
            name=cc.name,
            federation_chain=_chain(economy, cc.federation),
            members=cc.members,
            effort_rating=cc.effort_rating,
            substitution_elasticity=cc.substitution_elasticity,
            preferences=dict(cc.preferences or cc.requests),
            requests=dict(cc.requests),
            budget=float(market.consumers.budget[row]),
        )
    fed = next((f for f in economy.federations if f.id == council_id), None)
    if fed is None or market.federations is None:
        raise ProposalError([("council_id", f"no council {council_id!r}")])
    return CouncilView(
        council_id,
        kind,
        name=fed.name,
        federation_chain=_chain(economy, fed.parent),
        preferences=dict(fed.public_preferences or fed.public_requests),
        requests=dict(fed.public_requests),
        pollution_caps=_caps(fed, market.cap_votes),
        preferred_caps=dict(fed.preferred_caps),
        budget=float(market.federations.budget[row]),
    )


def item_catalogue(market: Market) -> list[ItemInfo]:
    """Every item of ``market``'s price vector, in its order."""
    units = market.units or [""] * market.n_items
    out = []
    for label, kind, unit in zip(market.labels, market.kinds, units, strict=True):
        pollutant = federation = None
        if kind == "permit" and label.startswith("permit:"):
            pollutant, _, federation = label[len("permit:") :].partition("@")
            federation = federation or None
        out.append(ItemInfo(label, kind, unit, pollutant, federation))
    return out
