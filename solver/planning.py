"""A planning session: the facilitation board's rounds, from first prices to a feasible plan.

One round: the board publishes indicative prices; every council proposes (simulated
councils by their behaviour, live ones through :meth:`PlanningSession.close_round`); the
board aggregates supply and demand, evaluates every proposal, and answers with the next
prices from its price rule. The session stops when it has converged (every item's relative
excess within tolerance, every proposal approved, prices moving less than the tolerance) or
after ``max_rounds``, reported as not converged together with the last plan.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np

from .market import (
    Evaluation,
    Market,
    Proposals,
    check_proposals,
    evaluate,
    simulated_proposals,
    supply_and_demand,
)
from .price_rules import PriceRule, clearing_excess, free_items, make_rule, relative_excess

__all__ = [
    "PlanResult",
    "PlanStatus",
    "PlanningSession",
    "RoundRecord",
    "compare_prices",
    "council_feedback",
    "run_planning",
]


HISTORY_PRICES_UP_TO = 1000  # items; larger economies keep prices out of the JSON history
FEEDBACK_UP_TO = 1000  # councils; larger economies list only the rejected proposals


class PlanStatus(StrEnum):
    """How a planning session ended."""

    CONVERGED = "converged"
    MAX_ROUNDS = "max_rounds"  # stopped without converging; the last plan is reported
    RUNNING = "running"


@dataclass(frozen=True)
class RoundRecord:
    """What happened in one round.

    Attributes
    ----------
    round
        Round number, from 1.
    prices
        Indicative prices the proposals were made against.
    supply, demand
        Totals of the proposals (supply includes fixed supplies).
    max_excess
        Largest relative excess ``2|S - D| / (S + D)`` over items that are not free.
    worst_item
        The item with that excess.
    price_change
        Largest relative change from these prices to the next ones.
    rejected
        Number of proposals the board did not approve.
    lp_status, lp_seconds
        Termination of the round's LP and its solve time (``None`` when the rule solved
        none).
    seconds
        Wall time of the round (proposals, evaluation and price rule).
    next_prices
        The prices the board answers with.
    """

    round: int
    prices: np.ndarray
    supply: np.ndarray
    demand: np.ndarray
    max_excess: float
    worst_item: str
    price_change: float
    rejected: int
    lp_status: str | None
    lp_seconds: float | None
    seconds: float
    next_prices: np.ndarray = field(repr=False)

    def summary(self, prices: list[str] | None = None) -> dict[str, Any]:
        """The round as JSON-ready numbers; with item labels, its prices too."""
        out: dict[str, Any] = {
            "round": self.round,
            "max_excess": self.max_excess,
            "worst_item": self.worst_item,
            "price_change": self.price_change,
            "rejected": self.rejected,
            "lp_status": self.lp_status,
            "lp_seconds": self.lp_seconds,
            "seconds": self.seconds,
        }
        if prices is not None:
            out["prices"] = dict(zip(prices, self.prices.tolist(), strict=True))
        return out


def _relative_change(new: np.ndarray, old: np.ndarray, tolerance: float) -> float:
    if not old.size:
        return 0.0
    floor = tolerance * float(np.mean(np.abs(old)))
    return float(np.max(np.abs(new - old) / np.maximum(np.abs(old), floor)))


class PlanningSession:
    """The board's side of a planning session over a :class:`~solver.market.Market`.

    Parameters
    ----------
    market
        Items and councils.
    rule
        A price rule object or the name of one (``lp``, ``tatonnement``, ``hybrid``).
    tolerance
        Largest relative excess of an item at convergence (also the budget and benefit-cost
        tolerance of the evaluation).
    price_tolerance
        Largest relative price change at convergence; defaults to ``tolerance``.
    max_rounds
        Rounds after which the session stops, not converged.
    prices
        First indicative prices; defaults to ``market.initial_prices``.
    """

    def __init__(
        self,
        market: Market,
        rule: PriceRule | str = "lp",
        *,
        tolerance: float = 0.01,
        price_tolerance: float | None = None,
        max_rounds: int = 100,
        prices: np.ndarray | None = None,
        rule_options: dict[str, Any] | None = None,
    ) -> None:
        if not 0.0 < tolerance < 1.0:
            raise ValueError(f"tolerance: must be in (0, 1), got {tolerance}")
        if max_rounds < 1:
            raise ValueError(f"max_rounds: must be at least 1, got {max_rounds}")
        self.market = market
        self.rule = make_rule(rule, **(rule_options or {})) if isinstance(rule, str) else rule
        self.tolerance = tolerance
        self.price_tolerance = tolerance if price_tolerance is None else price_tolerance
        self.max_rounds = max_rounds
        self.prices = (market.initial_prices if prices is None else np.asarray(prices)).astype(
            float
        )
        if self.prices.shape != (market.n_items,) or not np.all(self.prices > 0):
            raise ValueError("prices: one positive price per item")
        self.rounds: list[RoundRecord] = []
        self.status = PlanStatus.RUNNING
        self.last_proposals: Proposals | None = None
        self.last_evaluation: Evaluation | None = None

    def fork(self) -> PlanningSession:
        """A copy that can play the next round while this session stays as it is.

        The market is shared (it never changes); the price rule, which learns from every
        round, is copied. A service closes a round on a fork and keeps it only once the round
        is stored, so that nobody sees a round that may still be abandoned.
        """
        twin = copy.copy(self)
        twin.rule = copy.deepcopy(self.rule, {id(self.market): self.market})
        twin.rounds = list(self.rounds)
        return twin

    def simulated_proposals(self) -> Proposals:
        """Every simulated council's proposal at the current prices."""
        return simulated_proposals(self.market, self.prices)

    def close_round(self, proposals: Proposals) -> RoundRecord:
        """Aggregate and evaluate ``proposals`` (made at the current prices) and move prices."""
        if self.status is not PlanStatus.RUNNING:
            raise RuntimeError(f"the session has ended ({self.status.value})")
        check_proposals(self.market, proposals)  # before anything of the session changes
        start = time.perf_counter()
        prices = self.prices
        supply, demand = supply_and_demand(self.market, proposals)
        evaluation = evaluate(self.market, proposals, prices, self.tolerance)
        excess = clearing_excess(supply, demand, prices, self.tolerance)
        worst = int(np.argmax(excess)) if excess.size else 0
        step = self.rule.next_prices(self.market, prices, proposals, supply, demand)
        change = _relative_change(step.prices, prices, self.tolerance)
        record = RoundRecord(
            round=len(self.rounds) + 1,
            prices=prices.copy(),
            supply=supply,
            demand=demand,
            max_excess=float(excess[worst]) if excess.size else 0.0,
            worst_item=self.market.labels[worst] if excess.size else "",
            price_change=change,
            rejected=evaluation.rejected,
            lp_status=step.lp.termination.value if step.lp is not None else None,
            lp_seconds=step.lp.seconds if step.lp is not None else None,
            seconds=time.perf_counter() - start,
            next_prices=step.prices,
        )
        self.rounds.append(record)
        self.last_proposals, self.last_evaluation = proposals, evaluation
        if (
            record.max_excess <= self.tolerance
            and record.rejected == 0
            and record.price_change <= self.price_tolerance
        ):
            self.status = PlanStatus.CONVERGED
        elif len(self.rounds) >= self.max_rounds:
            self.status = PlanStatus.MAX_ROUNDS
        else:
            self.prices = step.prices
        return record

    def run(self, progress: Callable[[RoundRecord], None] | None = None) -> PlanResult:
        """Play rounds with simulated councils until the session ends."""
        while self.status is PlanStatus.RUNNING:
            record = self.close_round(self.simulated_proposals())
            if progress is not None:
                progress(record)
        return self.result()

    def result(self) -> PlanResult:
        """The plan of the last round and the history so far."""
        if not self.rounds or self.last_proposals is None or self.last_evaluation is None:
            raise RuntimeError("no round has been played")
        return PlanResult(
            market=self.market,
            rule=self.rule.name,
            status=self.status,
            tolerance=self.tolerance,
            rounds=list(self.rounds),
            proposals=self.last_proposals,
            evaluation=self.last_evaluation,
        )


@dataclass(frozen=True)
class PlanResult:
    """The final plan and the history of a planning session.

    The plan is the last round's: the proposals made at its indicative prices, their totals
    and the board's verdict on each.
    """

    market: Market
    rule: str
    status: PlanStatus
    tolerance: float
    rounds: list[RoundRecord]
    proposals: Proposals
    evaluation: Evaluation

    @property
    def converged(self) -> bool:
        return self.status is PlanStatus.CONVERGED

    @property
    def final(self) -> RoundRecord:
        return self.rounds[-1]

    @property
    def prices(self) -> np.ndarray:
        return self.final.prices

    def rounds_to(self, threshold: float) -> int | None:
        """First round whose largest relative excess is at most ``threshold``."""
        for r in self.rounds:
            if r.max_excess <= threshold:
                return r.round
        return None

    def to_dict(self, top: int | None = None) -> dict[str, Any]:
        """A JSON-ready summary: status, history, prices and quantities of every item."""
        market, last = self.market, self.final
        rho = relative_excess(last.supply, last.demand)
        order = np.argsort(-rho, kind="stable") if top is not None else np.arange(rho.size)
        items = [
            {
                "item": market.labels[i],
                "kind": market.kinds[i],
                "price": float(last.prices[i]),
                "supply": float(last.supply[i]),
                "demand": float(last.demand[i]),
                "relative_excess": float(rho[i]),
            }
            for i in order[:top]
        ]
        ev = self.evaluation
        consumption = np.asarray(self.proposals.consumer_requests.sum(axis=0)).ravel()
        public = (
            np.asarray(self.proposals.federation_requests.sum(axis=0)).ravel()
            if self.proposals.federation_requests is not None
            else np.zeros(market.n_items)
        )
        plan: dict[str, Any] = {
            "consumption": {
                market.labels[i]: float(consumption[i]) for i in np.flatnonzero(consumption)
            },
            "public_goods": {market.labels[i]: float(public[i]) for i in np.flatnonzero(public)},
        }
        if self.proposals.linear_activity is not None and market.technique_ids is not None:
            plan["activities"] = {
                t: float(x)
                for t, x in zip(market.technique_ids, self.proposals.linear_activity, strict=True)
            }
        return {
            "economy": market.name,
            "rule": self.rule,
            "status": self.status.value,
            "converged": self.converged,
            "rounds": len(self.rounds),
            "tolerance": self.tolerance,
            "max_excess": last.max_excess,
            "worst_item": last.worst_item,
            "councils": {
                "consumer": int(ev.consumer_approved.size),
                "federation": int(ev.federation_approved.size),
                "worker": int(ev.worker_approved.size),
                "rejected": ev.rejected,
            },
            "items": items,
            "plan": plan,
            "rejected_proposals": council_feedback(market, ev, only_rejected=True)[:100],
            "feedback": (
                council_feedback(market, ev)
                if ev.consumer_approved.size + ev.federation_approved.size + ev.worker_approved.size
                <= FEEDBACK_UP_TO
                else None
            ),
            "history": [
                r.summary(prices=market.labels if market.n_items <= HISTORY_PRICES_UP_TO else None)
                for r in self.rounds
            ],
        }


def run_planning(
    market: Market,
    rule: str = "lp",
    *,
    tolerance: float = 0.01,
    max_rounds: int = 100,
    progress: Callable[[RoundRecord], None] | None = None,
    **rule_options: Any,
) -> PlanResult:
    """Run a planning session with simulated councils to convergence (or ``max_rounds``)."""
    session = PlanningSession(
        market, rule, tolerance=tolerance, max_rounds=max_rounds, rule_options=rule_options
    )
    return session.run(progress)


def compare_prices(first: PlanResult, second: PlanResult) -> dict[str, Any]:
    """How far apart two sessions' final prices are, item by item.

    Differences are relative to the larger of the two prices; items that are free in both
    plans (in excess supply at a negligible price) agree whatever their tiny prices are.
    """
    if first.market.labels != second.market.labels:
        raise ValueError("the two plans are for different economies")
    a, b = first.prices, second.prices
    rel = np.abs(a - b) / np.maximum(np.abs(a), np.abs(b))
    free = free_items(first.final.supply, first.final.demand, a, first.tolerance) & free_items(
        second.final.supply, second.final.demand, b, second.tolerance
    )
    rel[free] = 0.0
    worst = int(np.argmax(rel))
    return {
        "rules": [first.rule, second.rule],
        "rounds": [len(first.rounds), len(second.rounds)],
        "converged": [first.converged, second.converged],
        "max_relative_difference": float(rel[worst]),
        "mean_relative_difference": float(rel.mean()),
        "worst_item": first.market.labels[worst],
        "items": [
            {
                "item": label,
                first.rule: float(x),
                second.rule: float(y),
                "relative_difference": float(r),
            }
            for label, x, y, r in zip(first.market.labels, a, b, rel, strict=True)
        ],
    }


def council_feedback(
    market: Market, evaluation: Evaluation, *, only_rejected: bool = False
) -> list[dict[str, Any]]:
    """The board's answer to every council: approved or not, why, and its ratio or budget use.

    Parameters
    ----------
    market
        The market the proposals were made in (for council ids).
    evaluation
        The board's evaluation of the round (:func:`~solver.market.evaluate`).
    only_rejected
        Leave out the approved proposals (for economies with millions of councils).
    """
    out: list[dict[str, Any]] = []

    for kind, names, cost, budget, use, approved in (
        (
            "consumer",
            market.consumer_names(),
            evaluation.consumer_cost,
            evaluation.consumer_budget,
            evaluation.consumer_budget_use,
            evaluation.consumer_approved,
        ),
        (
            "federation",
            market.federation_names(),
            evaluation.federation_cost,
            evaluation.federation_budget,
            evaluation.federation_budget_use,
            evaluation.federation_approved,
        ),
    ):
        for i in np.flatnonzero(~approved) if only_rejected else range(approved.size):
            ok = bool(approved[i])
            if budget[i] <= 0 and cost[i] <= 0:
                reason = "no budget and no request"
            elif ok:
                reason = f"within budget ({use[i]:.1%} used)"
            else:
                reason = (
                    f"over budget: the request costs {cost[i]:.6g} at indicative prices, "
                    f"the budget is {budget[i]:.6g} ({use[i]:.1%})"
                )
            out.append(
                {
                    "council": names[i],
                    "kind": kind,
                    "approved": ok,
                    "reason": reason,
                    "budget_use": float(use[i]),
                }
            )
    names = market.worker_names()
    ratio = evaluation.worker_ratio
    for i in (
        np.flatnonzero(~evaluation.worker_approved)
        if only_rejected
        else range(evaluation.worker_approved.size)
    ):
        ok = bool(evaluation.worker_approved[i])
        if np.isnan(ratio[i]):
            reason = "no activity proposed"
        elif ok:
            reason = f"social benefit covers social cost (ratio {ratio[i]:.4g})"
        else:
            reason = (
                f"social benefit {evaluation.worker_benefit[i]:.6g} is below social cost "
                f"{evaluation.worker_cost[i]:.6g} at indicative prices (ratio {ratio[i]:.4g} < 1)"
            )
        out.append(
            {
                "council": names[i],
                "kind": "worker",
                "approved": ok,
                "reason": reason,
                "ratio": None if np.isnan(ratio[i]) else float(ratio[i]),
            }
        )
    return out
