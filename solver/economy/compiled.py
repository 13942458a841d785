"""An economy compiled once into what the LPs and the market read: matrices, caps, bounds,
costs.

An :class:`~solver.economy.model.Economy` is a document; planning reads it as arrays. The
arrays are derived here, once per economy (:func:`compile_economy`), and every reader (the
round's LP, the planning market, the production check) takes the one
:class:`CompiledEconomy` instead of deriving its own copy: the technology matrices, the cap
votes decided, the pollution caps over the techniques, the net requests, availabilities and
the social cost of each technique and of each unit of shortfall.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from solver.economy.cap_votes import CapVote, cap_votes, decided_caps
from solver.economy.growth import Investment, investment_demand, investments
from solver.economy.model import Economy
from solver.economy.production import TechnologyMatrices, technology_matrices

__all__ = ["CompiledEconomy", "PollutionCaps", "compile_economy", "pollution_caps"]


@dataclass(frozen=True)
class PollutionCaps:
    """The federations' pollution caps as rows over the techniques.

    Attributes
    ----------
    rows
        ``(federation, pollutant)`` of every cap, in federation order.
    pollutant
        Index of each cap's pollutant in ``TechnologyMatrices.pollutants``.
    members
        ``(caps, techniques)``: 1 where the technique's council is located in the cap's
        federation or below it.
    limits
        The capped quantity of each row.
    """

    rows: list[tuple[str, str]]
    pollutant: np.ndarray
    members: sp.csr_array
    limits: np.ndarray

    def emissions(self, tech: TechnologyMatrices) -> sp.csr_array:
        """``(caps, techniques)``: emissions counted against each cap per unit of activity."""
        if not self.rows:
            return self.members
        return sp.csr_array(self.members.multiply(tech.emissions.tocsr()[self.pollutant, :]))


def pollution_caps(
    economy: Economy, tech: TechnologyMatrices, votes: Sequence[CapVote]
) -> PollutionCaps:
    """Every federation's pollution caps, in federation order, and the techniques each one
    covers (those of worker councils located in the federation or below it); a cap left to
    a vote is as ``votes`` (:func:`~solver.economy.cap_votes.cap_votes`) decided it."""
    pollutant_index = {e: i for i, e in enumerate(tech.pollutants)}
    cap_rows = [(f.id, e) for f in economy.federations for e in f.pollution_caps]
    fed_index = {f.id: i for i, f in enumerate(economy.federations)}
    # council -> federation it is located in (or -1); federation -> ancestors (incl. itself)
    located = np.array(
        [
            fed_index.get(wc.federation, -1) if wc.federation else -1
            for wc in economy.worker_councils
        ],
        dtype=np.int64,
    )
    ancestors = economy.federation_ancestors()
    # within[f_anc, f] = 1 when federation f lies in the subtree of f_anc
    pairs = [(fed_index[a], fed_index[f]) for f, chain in ancestors.items() for a in chain]
    n_fed = len(economy.federations)
    within = sp.csr_array(
        (np.ones(len(pairs)), ([a for a, _ in pairs], [f for _, f in pairs])), shape=(n_fed, n_fed)
    )
    tech_fed = located[tech.council]
    has_fed = np.flatnonzero(tech_fed >= 0)
    tech_in_fed = sp.csr_array(
        (np.ones(len(has_fed)), (tech_fed[has_fed], has_fed)), shape=(n_fed, len(tech.techniques))
    )
    subtree = (within @ tech_in_fed).tocsr()  # federation x techniques located in its subtree
    row_fed = np.array([fed_index[f] for f, _ in cap_rows], dtype=np.int64)
    members = (
        sp.csr_array(subtree[row_fed, :]) if cap_rows else sp.csr_array((0, len(tech.techniques)))
    )
    members.data[:] = 1.0
    cap_pollutant = np.array([pollutant_index[e] for _, e in cap_rows], dtype=np.int64)
    limits = np.array(list(decided_caps(economy, votes).values()), dtype=float)
    return PollutionCaps(rows=cap_rows, pollutant=cap_pollutant, members=members, limits=limits)


@dataclass(frozen=True)
class CompiledEconomy:
    """An economy's derived arrays, computed once (:func:`compile_economy`).

    Attributes
    ----------
    economy
        The document it was compiled from.
    tech
        Its technology matrices (columns in technique order).
    cap_votes
        Every cap left to a vote, decided (:mod:`solver.economy.cap_votes`).
    caps
        The pollution caps over the techniques, votes decided.
    investments
        The federations' capacity investments (:func:`~solver.economy.growth.investments`).
    investment
        What they take of each good this year, summed.
    requests
        Net requests per good: consumer councils' and federations' requests and the
        federations' capacity investments, less the stock.
    availability
        Each primary input's availability (``inf`` where unlimited).
    technique_cost
        Social cost of one unit of each technique's activity: its primary inputs at their
        social cost per unit (``weight``) plus the damage of its emissions (theirs).
    shortfall_penalty
        Social cost per unit of each good's unmet request.
    """

    economy: Economy
    tech: TechnologyMatrices
    cap_votes: tuple[CapVote, ...]
    caps: PollutionCaps
    investments: tuple[Investment, ...]
    investment: np.ndarray
    requests: np.ndarray
    availability: np.ndarray
    technique_cost: np.ndarray
    shortfall_penalty: np.ndarray


def compile_economy(economy: Economy) -> CompiledEconomy:
    """Derive, once, every array the LPs and the market read of ``economy``."""
    tech = technology_matrices(economy)
    votes = tuple(cap_votes(economy))
    row = {g: i for i, g in enumerate(tech.goods)}
    requests = np.zeros(len(tech.goods))
    for cc in economy.consumer_councils:
        for g, q in cc.requests.items():
            requests[row[g]] += q
    for f in economy.federations:
        for g, q in f.public_requests.items():
            requests[row[g]] += q
    invested = tuple(investments(economy))
    investment = np.zeros(len(tech.goods))
    for g, q in investment_demand(invested).items():
        investment[row[g]] = q
    requests += investment
    requests -= np.array([g.stock for g in economy.goods])
    social_cost = np.array([p.weight for p in economy.primary_inputs], dtype=float)
    damage = np.array([p.weight for p in economy.pollutants], dtype=float)
    cost = tech.primary_use.T @ social_cost
    if damage.size:
        cost = cost + tech.emissions.T @ damage
    return CompiledEconomy(
        economy=economy,
        tech=tech,
        cap_votes=votes,
        caps=pollution_caps(economy, tech, votes),
        investments=invested,
        investment=investment,
        requests=requests,
        availability=np.array(
            [np.inf if p.availability is None else p.availability for p in economy.primary_inputs],
            dtype=float,
        ),
        technique_cost=np.asarray(cost, dtype=float),
        shortfall_penalty=np.array(
            [
                economy.default_shortfall_penalty
                if g.shortfall_penalty is None
                else g.shortfall_penalty
                for g in economy.goods
            ],
            dtype=float,
        ),
    )
