"""Pollution caps left to a vote: a say in proportion to how much one is affected.

A federation may leave its cap on a pollutant to the federations below it
(``"pollution_caps": {"smoke": "vote"}``); each that states ``"preferred_caps": {"smoke": N}``
votes. The cap is the **weighted median** of the preferred caps, each voter weighing

    weight = members x exposure,
    exposure = sum over techniques emitting the pollutant of
               capacity x emission rate x decay ** d,

where ``members`` are those of the consumer councils of the voting federation itself (so no
one counts twice when federations at several levels vote), ``d`` is the number of levels
from the voter up to the lowest federation that holds both it and the technique's worker
council (0 when the council is located in the voter or below it) and ``decay`` is the
capping federation's ``exposure_decay``. A technique whose council has no location, or one
in another federation tree, exposes no voter. The weighted median is the lowest preferred
cap that voters with at least half the weight prefer to any higher one: a tie goes to the
stricter cap. Where no voter is exposed (no weight at all), the headcount decides.

The headcount outcome (weights = members) is kept beside the decision, so that a plan shows
what weighing by exposure changed. Everything here is a pure function of the economy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from solver.economy.model import VOTE, Economy

__all__ = ["CapVote", "Voter", "cap_votes", "decided_caps", "weighted_median"]


@dataclass(frozen=True)
class Voter:
    """One federation's say in a cap vote."""

    federation: str
    members: int
    exposure: float
    preferred_cap: float

    @property
    def weight(self) -> float:
        """The voter's weight: members x exposure."""
        return self.members * self.exposure


@dataclass(frozen=True)
class CapVote:
    """The decision on one federation's cap on one pollutant.

    Attributes
    ----------
    federation, pollutant
        The cap decided.
    cap
        The weighted median of the preferred caps (weights ``members x exposure``).
    headcount_cap
        The same median weighted by members alone, for comparison.
    decay
        The capping federation's ``exposure_decay``.
    voters
        Every federation that voted, in the economy's order.
    basis
        ``"exposure"``, or ``"headcount"`` where no voter is exposed.
    """

    federation: str
    pollutant: str
    cap: float
    headcount_cap: float
    decay: float
    voters: tuple[Voter, ...]
    basis: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the decision, its basis and every voter's weight and share."""
        total = sum(v.weight for v in self.voters) if self.basis == "exposure" else None
        heads = sum(v.members for v in self.voters)
        return {
            "federation": self.federation,
            "pollutant": self.pollutant,
            "cap": self.cap,
            "headcount_cap": self.headcount_cap,
            "basis": self.basis,
            "exposure_decay": self.decay,
            "voters": [
                {
                    "federation": v.federation,
                    "preferred_cap": v.preferred_cap,
                    "members": v.members,
                    "exposure": v.exposure,
                    "weight": v.weight,
                    "share": (v.weight / total) if total else (v.members / heads if heads else 0.0),
                }
                for v in self.voters
            ],
        }


def weighted_median(values: np.ndarray, weights: np.ndarray) -> float:
    """The lowest value whose cumulative weight (values sorted ascending) reaches half the
    total: ties at exactly half go to the lower value.

    Raises
    ------
    ValueError
        No values, a negative weight, or weights summing to zero.
    """
    values, weights = np.asarray(values, dtype=float), np.asarray(weights, dtype=float)
    if values.size == 0 or values.shape != weights.shape:
        raise ValueError("weighted_median: one weight per value, at least one value")
    if np.any(weights < 0) or not np.all(np.isfinite(weights)):
        raise ValueError("weighted_median: weights must be finite and >= 0")
    total = float(weights.sum())
    if total <= 0:
        raise ValueError("weighted_median: the weights sum to zero")
    order = np.argsort(values, kind="stable")
    cumulative = np.cumsum(weights[order])
    # a relative slack, so that a tie computed in floating point still counts as one
    reached = np.flatnonzero(cumulative >= 0.5 * total * (1.0 - 1e-12))
    return float(values[order][reached[0]])


def _members(economy: Economy) -> dict[str, int]:
    """Federation -> members of the consumer councils located in it (not below it)."""
    members: dict[str, int] = {f.id: 0 for f in economy.federations}
    for cc in economy.consumer_councils:
        if cc.federation is not None:
            members[cc.federation] += cc.members
    return members


def _exposure(
    economy: Economy,
    voter: str,
    pollutant: str,
    decay: float,
    ancestors: dict[str, list[str]],
) -> float:
    """Capacity x emission rate of every emitter of ``pollutant``, decayed by the levels
    from ``voter`` up to the lowest federation holding the emitter too."""
    chain = ancestors[voter]
    total = 0.0
    for wc in economy.worker_councils:
        if wc.federation is None:
            continue
        around = set(ancestors[wc.federation])
        levels = next((d for d, f in enumerate(chain) if f in around), None)
        if levels is None:  # another tree: no federation holds both
            continue
        for t in wc.techniques:
            rate = t.emissions.get(pollutant, 0.0)
            if rate > 0 and t.capacity is not None:
                total += t.capacity * rate * decay**levels
    return total


def cap_votes(economy: Economy) -> list[CapVote]:
    """Every cap left to a vote, decided (see the module), in federation order."""
    ancestors = economy.federation_ancestors()
    members = _members(economy)
    votes: list[CapVote] = []
    for fed in economy.federations:
        for pollutant, cap in fed.pollution_caps.items():
            if cap != VOTE:
                continue
            voters = tuple(
                Voter(
                    federation=f.id,
                    members=members[f.id],
                    exposure=_exposure(economy, f.id, pollutant, fed.exposure_decay, ancestors),
                    preferred_cap=float(f.preferred_caps[pollutant]),
                )
                for f in economy.federations
                if f.id != fed.id and fed.id in ancestors[f.id] and pollutant in f.preferred_caps
            )
            if not voters:  # the economy's validation refuses this; a clear word if not
                raise ValueError(
                    f"pollution_caps: {fed.id!r} leaves its {pollutant!r} cap to a vote, but "
                    "no federation below it states a preferred cap"
                )
            preferred = np.array([v.preferred_cap for v in voters])
            heads = np.array([v.members for v in voters], dtype=float)
            weights = np.array([v.weight for v in voters])
            # nobody counted: one voice per voting federation
            headcount = weighted_median(
                preferred, heads if heads.sum() > 0 else np.ones_like(heads)
            )
            exposed = weights.sum() > 0
            votes.append(
                CapVote(
                    federation=fed.id,
                    pollutant=pollutant,
                    cap=weighted_median(preferred, weights) if exposed else headcount,
                    headcount_cap=headcount,
                    decay=fed.exposure_decay,
                    voters=voters,
                    basis="exposure" if exposed else "headcount",
                )
            )
    return votes


def decided_caps(economy: Economy, votes: Sequence[CapVote]) -> dict[tuple[str, str], float]:
    """``(federation, pollutant) -> cap`` of every cap, in federation order, a cap left to a
    vote as ``votes`` (:func:`cap_votes` of ``economy``) decided it."""
    decided = {(v.federation, v.pollutant): v.cap for v in votes}
    return {
        (f.id, e): decided[(f.id, e)] if q == VOTE else float(q)
        for f in economy.federations
        for e, q in f.pollution_caps.items()
    }
