"""Workplace review: every worker council's social benefit against its social cost at the
final prices, set against the social average, with the reasons the data support.

Albert and Hahnel: production groups are reviewed by "the ratio between costs and benefits
... If a production group falls below the social average by some threshold, a case needs
to be made why it shouldn't be disbanded", and effort can be inferred where two workplaces
make the same product but one "produces less per unit of social investment". Here:

* a council's **benefit-cost ratio** is the value of its outputs over the social cost of
  its inputs (goods, primary inputs, permits, and pollution valued at its weight), at the
  final prices; the **social average** is total benefit over total cost (cost-weighted);
* a council is **flagged** when its ratio is below ``(1 - threshold)`` times the average;
* every council below the average gets the **reasons** the data support: a technique of
  another council makes one of its products at a lower social cost per unit; pollution is
  part of its social cost (its share); it makes less of a product per unit of input cost
  than other councils making that product (the peers are named). The reasons do not depend
  on the threshold, so a review can be flagged again at another one from its ratios alone
  (:meth:`WorkplaceReview.at_threshold`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from solver.planning.board.evaluation import worker_benefit_and_cost
from solver.planning.market import Market, Proposals

__all__ = ["DEFAULT_THRESHOLD", "CouncilReview", "WorkplaceReview", "review_workplaces"]

DEFAULT_THRESHOLD = 0.1
"""Share below the social average at which a council is flagged."""

_PEERS_NAMED = 3  # peers named in a reason, the best first


@dataclass(frozen=True)
class CouncilReview:
    """One worker council's review."""

    id: str
    benefit: float
    cost: float
    benefit_cost_ratio: float | None  # None: no social cost (it produces nothing)
    flagged: bool
    reasons: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class WorkplaceReview:
    """Every worker council's review, and the social average it is measured against."""

    social_average: float | None
    threshold: float
    councils: list[CouncilReview]

    @property
    def flagged(self) -> list[str]:
        """Workplaces whose ratio lies outside the threshold."""
        return [c.id for c in self.councils if c.flagged]

    def at_threshold(self, threshold: float) -> WorkplaceReview:
        """The same review flagged at another ``threshold``."""
        _check(threshold)
        return WorkplaceReview(
            social_average=self.social_average,
            threshold=threshold,
            councils=[
                replace(c, flagged=_below(c.benefit_cost_ratio, self.social_average, threshold))
                for c in self.councils
            ],
        )

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> WorkplaceReview:
        """A review as :meth:`to_dict` wrote it."""
        return cls(
            social_average=data["social_average"],
            threshold=float(data["threshold"]),
            councils=[
                CouncilReview(
                    id=c["id"],
                    benefit=float(c["benefit"]),
                    cost=float(c["cost"]),
                    benefit_cost_ratio=c["benefit_cost_ratio"],
                    flagged=bool(c["flagged"]),
                    reasons=list(c["reasons"]),
                )
                for c in data["councils"]
            ],
        )

    def to_dict(self) -> dict[str, Any]:
        """``social_average``, ``threshold`` and ``councils`` (``id``,
        ``benefit_cost_ratio``, ``benefit``, ``cost``, ``flagged``, ``reasons``)."""
        return {
            "social_average": self.social_average,
            "threshold": self.threshold,
            "councils": [
                {
                    "id": c.id,
                    "benefit_cost_ratio": c.benefit_cost_ratio,
                    "benefit": c.benefit,
                    "cost": c.cost,
                    "flagged": c.flagged,
                    "reasons": c.reasons,
                }
                for c in self.councils
            ],
        }

    def table(self) -> pd.DataFrame:
        """One row per worker council, indexed by its id."""
        return pd.DataFrame(
            {
                "benefit_cost_ratio": [c.benefit_cost_ratio for c in self.councils],
                "benefit": [c.benefit for c in self.councils],
                "cost": [c.cost for c in self.councils],
                "flagged": [c.flagged for c in self.councils],
                "reasons": ["; ".join(c.reasons) for c in self.councils],
            },
            index=pd.Index([c.id for c in self.councils], name="council"),
        )


@dataclass(frozen=True)
class _Units:
    """What the review compares, per unit of production: a linear council's techniques, or
    each Cobb-Douglas council as one unit."""

    council: np.ndarray  # (U,) owning council
    name: list[str]  # (U,) technique id, or council id
    product: np.ndarray  # (U,) main output item
    made: np.ndarray  # (U,) main output per unit (activity or the proposal)
    input_cost: np.ndarray  # (U,) social cost per unit (inputs, permits, pollution weight)
    credit: np.ndarray  # (U,) value of the other outputs per unit
    pollution: np.ndarray  # (U,) permits and pollution weight per unit
    level: np.ndarray  # (U,) activity (1 for a Cobb-Douglas proposal that produces)


def _units(market: Market, proposals: Proposals, prices: np.ndarray) -> _Units:
    permit = np.array([k == "permit" for k in market.kinds])
    if market.linear is not None:
        lin = market.linear
        outputs = sp.csr_array(lin.outputs)
        value = outputs.multiply(prices[None, :]).tocsr()
        product = np.asarray(value.argmax(axis=1)).ravel()
        made = np.asarray(outputs[np.arange(lin.n), product]).ravel()
        total = np.asarray(value.sum(axis=1)).ravel()
        credit = total - made * prices[product]
        inputs = sp.csr_array(lin.inputs)
        x = proposals.linear_activity
        return _Units(
            council=np.asarray(lin.council),
            name=market.technique_names(),
            product=product,
            made=made,
            input_cost=inputs @ prices + lin.unit_cost,
            credit=credit,
            pollution=inputs @ np.where(permit, prices, 0.0) + lin.unit_cost,
            level=np.zeros(lin.n) if x is None else np.asarray(x, dtype=float),
        )
    cd, prop = market.cobb_douglas, proposals.cobb_douglas
    assert cd is not None and prop is not None
    inputs = sp.csr_array(prop.inputs)
    return _Units(
        council=np.arange(cd.n),
        name=market.worker_names(),
        product=np.asarray(cd.product),
        made=np.asarray(prop.output, dtype=float),
        input_cost=inputs @ prices,
        credit=np.zeros(cd.n),
        pollution=inputs @ np.where(permit, prices, 0.0),
        level=(np.asarray(prop.output) > 0).astype(float),
    )


def _check(threshold: float) -> None:
    if not 0.0 <= threshold < 1.0:
        raise ValueError(f"threshold: must be in [0, 1), got {threshold}")


def _below(ratio: float | None, average: float | None, threshold: float) -> bool:
    return ratio is not None and average is not None and ratio < (1.0 - threshold) * average


def review_workplaces(
    market: Market, proposals: Proposals, prices: np.ndarray, threshold: float = DEFAULT_THRESHOLD
) -> WorkplaceReview:
    """Review every worker council's part of a plan at ``prices`` (see the module).

    Raises
    ------
    ValueError
        ``threshold: ...`` outside ``[0, 1)``.
    """
    _check(threshold)
    prices = np.asarray(prices, dtype=float)
    benefit, cost = worker_benefit_and_cost(market, proposals, prices)
    total_cost = float(cost.sum())
    average = float(benefit.sum()) / total_cost if total_cost > 0 else None
    ratio = np.divide(benefit, cost, out=np.full(cost.shape, np.nan), where=cost > 0)
    below = (
        np.isfinite(ratio) & (ratio < average)
        if average is not None
        else np.zeros(cost.shape, dtype=bool)
    )
    units = _units(market, proposals, prices)
    names = market.worker_names()
    labels = market.labels
    # social cost of a unit of each unit's main product, the other outputs credited
    per_unit = np.divide(
        units.input_cost - units.credit,
        units.made,
        out=np.full(units.made.shape, np.inf),
        where=units.made > 0,
    )
    # main product made per unit of input cost: what effort shows in
    yield_ = np.divide(
        units.made, units.input_cost, out=np.zeros(units.made.shape), where=units.input_cost > 0
    )
    active = units.level > 0
    reviews = []
    for c, name in enumerate(names):
        reasons: list[str] = []
        if below[c]:
            mine = np.flatnonzero((units.council == c) & active)
            for u in mine:
                good = int(units.product[u])
                others = np.flatnonzero((units.product == good) & (units.council != c))
                if others.size:
                    best = others[np.argmin(per_unit[others])]
                    if per_unit[best] < per_unit[u] * (1.0 - 1e-9):
                        other = names[units.council[best]]
                        if units.name[best] != other:  # a technique, not the council itself
                            other = f"{other}'s {units.name[best]}"
                        reasons.append(
                            f"{units.name[u]} makes {labels[good]} at a social cost of "
                            f"{per_unit[u]:.4g} a unit; {other} at {per_unit[best]:.4g} "
                            f"({1.0 - per_unit[best] / per_unit[u]:.0%} less)"
                        )
                peers = others[active[others]]
                if peers.size and yield_[u] < (1.0 - 1e-9) * float(yield_[peers].max()):
                    order = peers[np.argsort(-yield_[peers], kind="stable")][:_PEERS_NAMED]
                    named = ", ".join(f"{names[units.council[p]]} {yield_[p]:.4g}" for p in order)
                    reasons.append(
                        f"makes {yield_[u]:.4g} {labels[good]} per unit of input cost with "
                        f"{units.name[u]}; others making it: {named}"
                    )
            polluting = float((units.pollution[mine] * units.level[mine]).sum())
            if polluting > 0 and cost[c] > 0:
                reasons.append(f"pollution is {polluting / cost[c]:.0%} of its social cost")
        reviews.append(
            CouncilReview(
                id=name,
                benefit=float(benefit[c]),
                cost=float(cost[c]),
                benefit_cost_ratio=float(ratio[c]) if np.isfinite(ratio[c]) else None,
                flagged=_below(
                    float(ratio[c]) if np.isfinite(ratio[c]) else None, average, threshold
                ),
                reasons=reasons,
            )
        )
    return WorkplaceReview(social_average=average, threshold=threshold, councils=reviews)
