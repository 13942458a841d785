"""The board's last word: where prices alone do not clear, a plan made of the councils' own
proposals.

Where a council is indifferent between techniques at the final prices, or does not respond
to them, indicative prices hop between answers and never settle (Arrow-Hurwicz; see
``../shared/reference/planning_theory.md``, section 3). The proposals already received hold
the answer: the board looks for a plan in which every council's part is a convex mix of the
proposals it has made itself (Dantzig-Wolfe's master with the councils' real proposals as
its only columns), so that it asks of nobody anything that council has not in effect
offered. Councils then approve or reject their part (:func:`answer_last_word`).

The plan is the solution of one LP over the weights ``w[c, r] >= 0``, ``sum_r w[c, r] = 1``,
of each council's proposals in the last :data:`WINDOW` rounds: every item's supply ``S``
and demand ``D`` (linear in the weights) within the tolerance of clearing,
``|S - D| <= tolerance (S + D) / 2``, where it can be, the excess beyond the tolerance
relative to the item's volume minimised otherwise; items free at the final prices may be in
excess supply. Every council's part is to be one it approves at the final prices (within its
budget; at no loss), both linear in the weights, the shortfall costing
:data:`DISAPPROVAL_COST`. A small cost per round of age makes the plan prefer recent
proposals.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import scipy.sparse as sp

from solver.highs import highs_lp, solve_lp
from solver.planning.board.evaluation import Evaluation, evaluate
from solver.planning.board.excess import clearing_excess, free_items
from solver.planning.board.own_proposals import council_ids, council_rows, mix_proposals
from solver.planning.live_proposals import named_proposals
from solver.planning.market import Market, Proposals, supply_and_demand
from solver.status import TerminationCondition

__all__ = ["WINDOW", "LastWord", "answer_last_word", "council_rows", "last_word"]

WINDOW = 10
"""Rounds of proposals the last word mixes (the latest ones)."""

AGE_COST = 1e-6
"""Cost per round of age of a proposal's weight, against 1 per unit of relative excess."""

DISAPPROVAL_COST = 1.0
"""Cost of a council's part beyond what it approves (over budget, or a loss), per unit of
its budget or social cost: a plan its councils reject is worth little, so the LP gives up
some clearing first."""

_SAME = 1e-9  # relative difference below which two proposals of a council are the same


@dataclass(frozen=True)
class LastWord:
    """The board's last word and the councils' answers to it.

    Attributes
    ----------
    round
        The round after which the board gave it (the last round played).
    rounds
        The rounds whose proposals it mixes, oldest first.
    plan
        Every council's part: the mix of its own proposals.
    councils
        Ids of every council (consumers, federations, worker councils, permit suppliers),
        in the order of the rows of ``weights``.
    weights
        ``(councils, rounds)`` weight of each council's proposal of each round.
    supply, demand, max_excess, worst_item
        The plan's totals and its largest clearing excess (and where).
    termination
        How the LP ended.
    evaluation
        The board's verdict on every council's part at the final prices.
    approved
        Whether each council approves its part (same order as ``councils``): its own answer
        where it gave one (``answers``), else the board's verdict (a simulated council's
        answer, and a council's whose part is its last proposal).
    answers
        The answers councils gave themselves (:meth:`answered`).
    awaiting
        Councils that answer for themselves and have not yet.
    """

    round: int
    rounds: list[int]
    plan: Proposals
    councils: list[str]
    weights: np.ndarray
    supply: np.ndarray
    demand: np.ndarray
    max_excess: float
    worst_item: str
    termination: TerminationCondition
    evaluation: Evaluation
    approved: np.ndarray
    answers: dict[str, bool] = field(default_factory=dict)
    awaiting: tuple[str, ...] = ()

    def expecting(self, councils: Collection[str]) -> LastWord:
        """The last word waiting for the answers of ``councils`` (those that answer for
        themselves) whose part differs from their last proposal."""
        mine = set(councils)
        return replace(self, awaiting=tuple(c for c in self.mixed if c in mine))

    def answered(self, council: str, approve: bool) -> LastWord:
        """The last word with ``council``'s own answer.

        Raises
        ------
        ValueError
            ``council: ...`` where the board does not await its answer.
        """
        if council not in self.awaiting:
            waiting = ", ".join(self.awaiting) or "nobody"
            raise ValueError(
                f"council: the board awaits no answer to its last word from {council!r} "
                f"(it awaits {waiting})"
            )
        approved = self.approved.copy()
        approved[self.councils.index(council)] = bool(approve)
        return replace(
            self,
            approved=approved,
            answers={**self.answers, council: bool(approve)},
            awaiting=tuple(c for c in self.awaiting if c != council),
        )

    @property
    def mixed(self) -> list[str]:
        """Councils whose part mixes two or more of their proposals (or is an earlier one):
        those for whom the last word differs from their last proposal."""
        latest = self.weights[:, -1] if self.weights.size else np.zeros(0)
        return [c for c, w in zip(self.councils, latest, strict=True) if w < 1.0 - 1e-9]

    @property
    def rejected(self) -> list[str]:
        """Councils that reject their part."""
        return [c for c, ok in zip(self.councils, self.approved, strict=True) if not ok]

    def clears(self, tolerance: float) -> bool:
        """Whether the plan clears within ``tolerance`` and every council approves it."""
        return self.max_excess <= tolerance and bool(self.approved.all())

    def to_dict(self, market: Market | None = None) -> dict[str, object]:
        """What a council or an auditor reads: when, from which rounds, for whom; with the
        ``market``, each listed council's ``part`` too (a worker council's activity by
        technique, or output and inputs; a consumer council's or federation's requests)."""
        mixed = set(self.mixed)
        parts = _parts(market, self.plan) if market is not None else {}
        return {
            "after_round": self.round,
            "rounds_mixed": self.rounds,
            "max_excess": self.max_excess,
            "worst_item": self.worst_item,
            "lp_status": self.termination.value,
            "awaiting": list(self.awaiting),
            "councils": {
                c: {
                    "weights": {
                        str(r): float(w) for r, w in zip(self.rounds, row, strict=True) if w > 1e-12
                    },
                    "approved": bool(ok),
                    "answered_by": "council" if c in self.answers else "board",
                }
                | ({"part": parts[i]} if i in parts else {})
                for i, (c, row, ok) in enumerate(
                    zip(self.councils, self.weights, self.approved, strict=True)
                )
                if c in mixed or not ok
            },
        }


def _parts(market: Market, plan: Proposals) -> dict[int, dict[str, Any]]:
    """Each council's part of ``plan`` by its index in :func:`council_ids`, with names: a
    consumer council's or federation's ``requests``, a linear worker council's
    ``activities``, a Cobb-Douglas council's ``output`` and ``inputs``."""
    named = named_proposals(market, plan)
    c = market.consumers.n
    f = market.federations.n if market.federations is not None else 0
    index = {name: c + f + w for w, name in enumerate(market.worker_names())}
    parts: dict[int, dict[str, Any]] = {}
    for start, group in ((0, "consumer"), (c, "federation")):
        for row, requests in enumerate(named[group].values()):
            parts[start + row] = {"requests": requests}
    for council, part in named["worker"].items():
        parts[index[council]] = part if market.linear is None else {"activities": part}
    return parts


def _varying(rows: Sequence[sp.csr_array]) -> np.ndarray:
    """Councils whose rows differ between some proposal and the last."""
    last = rows[-1]
    scale = np.asarray(abs(last).sum(axis=1)).ravel() + 1e-300
    differs = np.zeros(last.shape[0], dtype=bool)
    for r in rows[:-1]:
        gap = np.asarray(abs(r - last).sum(axis=1)).ravel()
        differs |= gap > _SAME * scale
    return differs


def last_word(
    market: Market,
    history: Sequence[Proposals],
    rounds: Sequence[int],
    prices: np.ndarray,
    tolerance: float,
    *,
    time_limit: float | None = None,
) -> LastWord:
    """The plan of mixes of the councils' own proposals that comes closest to clearing
    (see the module), the board's verdict on it at ``prices`` and the simulated councils'
    answers (:func:`answer_last_word`).

    Parameters
    ----------
    history
        The proposals of the rounds ``rounds`` (oldest first; the last :data:`WINDOW` are
        used).
    prices
        The final indicative prices.
    tolerance
        The session's tolerance of clearing.
    """
    if not history or len(history) != len(rounds):
        raise ValueError("history: give one Proposals per round, at least one")
    history, rounds = list(history)[-WINDOW:], list(rounds)[-WINDOW:]
    n, n_rounds = market.n_items, len(history)
    blocks = [council_rows(market, p) for p in history]
    supply_rows = [s for s, _ in blocks]
    demand_rows = [d for _, d in blocks]
    n_councils = supply_rows[-1].shape[0]
    varying = _varying([sp.csr_array(sp.hstack([s, d])) for s, d in blocks])
    fixed = ~varying
    # what the councils that always proposed the same add, with the fixed supplies and
    # demands
    s0 = np.asarray(market.fixed_supply, dtype=float) + supply_rows[-1].T @ fixed.astype(float)
    d0 = demand_rows[-1].T @ fixed.astype(float)
    if market.fixed_demand is not None:
        d0 = d0 + market.fixed_demand
    moving = np.flatnonzero(varying)
    v = moving.size
    half = 0.5 * tolerance * (1.0 - 1e-3)  # a hair inside, so that the plan clears
    # columns: the weight of each moving council's proposal of each round (round-major)
    last_s, last_d = supply_and_demand(market, history[-1])
    disposable = free_items(last_s, last_d, prices, tolerance)
    s_cols = sp.hstack([s[moving].T for s in supply_rows], format="csc")  # (n, v R)
    d_cols = sp.hstack([d[moving].T for d in demand_rows], format="csc")
    over = (1.0 - half) * s_cols - (1.0 + half) * d_cols  # excess supply beyond tolerance
    under = (1.0 - half) * d_cols - (1.0 + half) * s_cols  # shortage beyond tolerance
    convexity = sp.hstack([sp.eye_array(v, format="csc")] * n_rounds, format="csc")
    # each council's part within its budget, or at no loss, at the final prices
    loss, bound, scale = _approval_terms(market, history, prices, tolerance)
    approval = sp.csc_array(
        (
            loss[moving].T.ravel(),
            (np.tile(np.arange(v), n_rounds), np.arange(v * n_rounds)),
        ),
        shape=(v, v * n_rounds),
    )
    eye = sp.eye_array(n, format="csc")
    matrix = sp.vstack(
        [
            sp.hstack([over, -eye, sp.csc_array((n, n + v))]),
            sp.hstack([under, sp.csc_array((n, n)), -eye, sp.csc_array((n, v))]),
            sp.hstack([convexity, sp.csc_array((v, 2 * n + v))]),
            sp.hstack([approval, sp.csc_array((v, 2 * n)), -sp.eye_array(v, format="csc")]),
        ],
        format="csc",
    )
    volume = np.maximum(last_s + last_d, 1e-12 * max(float((last_s + last_d).max(initial=0)), 1))
    age = np.repeat(np.arange(n_rounds - 1, -1, -1, dtype=float), v)
    cost = np.r_[
        AGE_COST * age,
        np.where(disposable, 0.0, 1.0) / volume,
        1.0 / volume,
        DISAPPROVAL_COST / scale[moving],
    ]
    row_upper = np.r_[
        -(1.0 - half) * s0 + (1.0 + half) * d0,
        -(1.0 - half) * d0 + (1.0 + half) * s0,
        np.ones(v),
        bound[moving],
    ]
    row_lower = np.r_[np.full(2 * n, -np.inf), np.ones(v), np.full(v, -np.inf)]
    outcome = solve_lp(
        highs_lp(
            matrix, cost, np.zeros(cost.size), np.full(cost.size, np.inf), row_lower, row_upper
        ),
        time_limit=time_limit,
    )
    weights = np.zeros((n_councils, n_rounds))
    weights[fixed, -1] = 1.0
    if outcome.is_ok and outcome.x is not None:
        chosen = outcome.x[: v * n_rounds].reshape(n_rounds, v)
        weights[moving] = np.clip(chosen.T, 0.0, None)
        weights[moving] /= weights[moving].sum(axis=1, keepdims=True)
    else:  # no plan: every council keeps its last proposal
        weights[moving, -1] = 1.0
    plan = mix_proposals(market, history, weights)
    supply, demand = supply_and_demand(market, plan)
    excess = clearing_excess(supply, demand, prices, tolerance)
    worst = int(np.argmax(excess)) if excess.size else 0
    evaluation = evaluate(market, plan, prices, tolerance)
    return LastWord(
        round=int(rounds[-1]),
        rounds=[int(r) for r in rounds],
        plan=plan,
        councils=council_ids(market),
        weights=weights,
        supply=supply,
        demand=demand,
        max_excess=float(excess[worst]) if excess.size else 0.0,
        worst_item=market.labels[worst] if excess.size else "",
        termination=outcome.termination,
        evaluation=evaluation,
        approved=answer_last_word(market, evaluation),
    )


def _approval_terms(
    market: Market, history: Sequence[Proposals], prices: np.ndarray, tolerance: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per council (the order of :func:`council_ids`) and round, what counts against its
    approval at ``prices`` (a request's cost; a worker council's social cost, less the
    tolerance, minus its benefit), the most it may be (the budget with the tolerance; 0),
    and its scale (budget; cost)."""
    columns, bound, scale = [], None, None
    for proposals in history:
        ev = evaluate(market, proposals, prices, tolerance)
        p = market.permits.item.size if market.permits is not None else 0
        columns.append(
            np.r_[
                ev.consumer_cost,
                ev.federation_cost,
                (1.0 - tolerance) * ev.worker_cost - ev.worker_benefit,
                np.zeros(p),
            ]
        )
        bound = np.r_[
            (1.0 + tolerance) * ev.consumer_budget,
            (1.0 + tolerance) * ev.federation_budget,
            np.zeros(ev.worker_cost.size),
            np.full(p, np.inf),
        ]
        scale = np.r_[
            ev.consumer_budget,
            ev.federation_budget,
            np.maximum(ev.worker_cost, ev.worker_benefit),
            np.ones(p),
        ]
    assert bound is not None and scale is not None
    tiny = 1e-12 * max(float(np.max(scale, initial=0.0)), 1.0)
    return np.stack(columns, axis=1), bound, np.maximum(scale, tiny)


def answer_last_word(market: Market, evaluation: Evaluation) -> np.ndarray:
    """Simulated councils' answers to their parts, in the order of :func:`council_ids`: a
    consumer council or federation approves a part within its budget at the final prices, a
    worker council one whose social benefit covers its social cost there (no loss), as the
    board approves proposals; permit suppliers approve (they offered every permit of every
    proposal mixed)."""
    p = market.permits.item.size if market.permits is not None else 0
    return np.concatenate(
        [
            evaluation.consumer_approved,
            evaluation.federation_approved,
            evaluation.worker_approved,
            np.ones(p, dtype=bool),
        ]
    ).astype(bool)
