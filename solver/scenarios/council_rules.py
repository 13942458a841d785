"""Worker councils that decide by rules of their own, which the board does not know.

The board's model of a linear worker council (:class:`~solver.planning.councils.LinearWorkers`)
is that it runs each technique where a marginal effort cost rising linearly to ``E`` at
capacity meets the unit margin, with ``E`` fixed. Councils are autonomous: a real council
may weigh its effort otherwise, adjust slowly, or state its effort cost wrongly. Each rule
here is such a council, used to check that the board clears what councils actually propose
(``benchmarks/bench_planning.py --sections autonomy`` and ``tests/test_council_rules.py``):

* :class:`RoundPricedEffort`: the effort cost is valued at the round's own input costs
  (``E`` scaled by the cost of the technique's inputs at the round's prices, relative to the
  first prices), so it moves with every price the board publishes.
* :class:`PartialAdjustment`: a council moves only part of the way from its last proposal to
  its new best answer each round.
* :class:`MisstatedEffort`: a council whose true effort cost differs from the board's prior
  by ``truth``, that proposes by its true cost and states ``stated`` times it.

Each rule returns the activity of every technique and the marginal effort cost each council
states for it (``NaN`` where it states none), as a live council would submit them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Protocol

import numpy as np
from typing_extensions import override

from solver.planning.councils import LinearWorkers, linear_supply
from solver.planning.market import Market, Proposals, simulated_proposals

__all__ = [
    "COUNCIL_RULES",
    "CouncilRule",
    "MisstatedEffort",
    "PartialAdjustment",
    "RoundPricedEffort",
    "proposals_by_rule",
]


def _best_activity(workers: LinearWorkers, prices: np.ndarray, effort: np.ndarray) -> np.ndarray:
    """Where a marginal effort cost rising linearly to ``effort`` at capacity meets the
    margin: the board's own model of a council (:func:`linear_supply`), with another
    effort cost."""
    return linear_supply(replace(workers, effort_at_capacity=effort), prices)


class CouncilRule(Protocol):
    """How worker councils propose: activities and stated marginal effort costs."""

    name: str

    def propose(self, market: Market, prices: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Activity of every technique and the stated marginal effort cost (``NaN``: none)."""
        ...


@dataclass
class RoundPricedEffort(CouncilRule):
    """Effort valued at the round's input costs: ``E(p) = E c(p) / c(p0)``, with ``c`` the
    cost of a technique's inputs (goods and primary inputs) per unit and ``p0`` the first
    prices the council saw. States nothing."""

    name: str = "round-priced effort"
    _first: np.ndarray | None = field(default=None, repr=False)

    @override
    def propose(self, market: Market, prices: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        lin = market.linear
        assert lin is not None
        if self._first is None:
            self._first = np.asarray(prices, dtype=float).copy()
        priced = np.array([k not in ("permit",) for k in market.kinds])
        cost_now = lin.inputs @ np.where(priced, prices, 0.0)
        cost_first = lin.inputs @ np.where(priced, self._first, 0.0)
        scale = np.divide(cost_now, cost_first, out=np.ones(lin.n), where=cost_first > 0)
        activity = _best_activity(lin, prices, lin.effort_at_capacity * scale)
        return activity, np.full(lin.n, np.nan)


@dataclass
class PartialAdjustment(CouncilRule):
    """Moves ``speed`` of the way from the last proposal to the best answer at the round's
    prices, and all the way once within 0.1 % of capacity of it (the first round's proposal
    is the best answer). States nothing."""

    speed: float = 0.5
    name: str = "partial adjustment"
    _last: np.ndarray | None = field(default=None, repr=False)

    @override
    def propose(self, market: Market, prices: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        lin = market.linear
        assert lin is not None
        best = linear_supply(lin, prices)
        activity = best if self._last is None else self._last + self.speed * (best - self._last)
        # the last step: within 0.1 % of capacity, it goes all the way (a council that only
        # ever halved the distance would propose a loss-making sliver of activity for ever)
        activity = np.where(np.abs(activity - best) <= 1e-3 * lin.capacity, best, activity)
        self._last = activity
        return activity, np.full(lin.n, np.nan)


@dataclass
class MisstatedEffort(CouncilRule):
    """True effort cost ``truth`` times the board's prior; proposes by it, and states
    ``stated`` times its true marginal effort cost at the proposed activity."""

    truth: float = 1.0
    stated: float = 2.0
    name: str = "misstated effort"

    @override
    def propose(self, market: Market, prices: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        lin = market.linear
        assert lin is not None
        effort = self.truth * lin.effort_at_capacity
        activity = _best_activity(lin, prices, effort)
        marginal = np.divide(
            effort * activity, lin.capacity, out=np.zeros(lin.n), where=lin.capacity > 0
        )
        return activity, self.stated * marginal


COUNCIL_RULES = {
    "round-priced": RoundPricedEffort,
    "partial": PartialAdjustment,
    "misstated": MisstatedEffort,
}
"""The rules by name (each a factory of a fresh, stateful rule)."""


def proposals_by_rule(market: Market, prices: np.ndarray, rule: CouncilRule) -> Proposals:
    """Every council's proposal at ``prices``: consumers and federations simulated, worker
    councils by ``rule`` (activities and stated effort)."""
    activity, stated = rule.propose(market, prices)
    base = simulated_proposals(market, prices)
    return Proposals(
        consumer_requests=base.consumer_requests,
        federation_requests=base.federation_requests,
        linear_activity=activity,
        permits=base.permits,
        stated_effort=stated,
    )
