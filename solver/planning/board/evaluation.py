"""The board's verdict on a round's proposals: consumer councils' and federations' requests
against their budgets, worker councils' social benefit against social cost, at the round's
indicative prices."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from solver.planning.market import Market, Proposals, permit_income

__all__ = ["Evaluation", "evaluate"]


@dataclass(frozen=True)
class Evaluation:
    """The board's verdict on every proposal of a round, at the round's indicative prices.

    Attributes
    ----------
    consumer_cost, consumer_budget, federation_cost, federation_budget
        Cost of each request at indicative prices, and the council's budget (including
        income from pollution permissions).
    consumer_budget_use, federation_budget_use
        Cost of each request at indicative prices divided by the council's budget.
    consumer_approved, federation_approved
        Budget use within ``1 + tolerance``.
    worker_benefit, worker_cost
        Social benefit (outputs) and social cost (inputs, emissions) at indicative prices.
    worker_ratio
        Social benefit over social cost of each worker council's proposal (``nan`` when
        it proposes nothing).
    worker_approved
        Ratio at least ``1 - tolerance``, or an empty proposal.
    """

    consumer_cost: np.ndarray
    consumer_budget: np.ndarray
    consumer_budget_use: np.ndarray
    consumer_approved: np.ndarray
    federation_cost: np.ndarray
    federation_budget: np.ndarray
    federation_budget_use: np.ndarray
    federation_approved: np.ndarray
    worker_benefit: np.ndarray
    worker_cost: np.ndarray
    worker_ratio: np.ndarray
    worker_approved: np.ndarray

    @property
    def rejected(self) -> int:
        """Number of proposals not approved."""
        return int(
            (~self.consumer_approved).sum()
            + (~self.federation_approved).sum()
            + (~self.worker_approved).sum()
        )


def _budget_use(
    requests: sp.csr_array | None, budget: np.ndarray, prices: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Cost of each council's request at ``prices`` and its share of the budget."""
    if requests is None:
        return np.zeros(budget.shape[0]), np.zeros(budget.shape[0])
    if requests.shape[0] != budget.shape[0]:
        raise ValueError(f"proposals: {requests.shape[0]} requests for {budget.shape[0]} councils")
    cost = requests @ prices
    use = np.divide(cost, budget, out=np.where(cost > 0, np.inf, 0.0), where=budget > 0)
    return cost, use


def worker_benefit_and_cost(
    market: Market, proposals: Proposals, prices: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Social benefit (outputs) and social cost (inputs, emissions) of each worker council."""
    if market.cobb_douglas is not None:
        cd = proposals.cobb_douglas
        if cd is None:
            raise ValueError("proposals: Cobb-Douglas worker councils made no proposal")
        return cd.output * prices[market.cobb_douglas.product], cd.inputs @ prices
    lin = market.linear
    assert lin is not None
    x = proposals.linear_activity
    if x is None:
        raise ValueError("proposals: linear_activity is missing")
    benefit = x * (lin.outputs @ prices)
    cost = x * (lin.inputs @ prices + lin.unit_cost)
    n = market.n_workers
    return (
        np.bincount(lin.council, benefit, minlength=n),
        np.bincount(lin.council, cost, minlength=n),
    )


def evaluate(
    market: Market, proposals: Proposals, prices: np.ndarray, tolerance: float
) -> Evaluation:
    """Approve or reject every proposal by the rules of participatory economics.

    A consumer council's or federation's request is approved when its cost at indicative
    prices is within its budget (plus ``tolerance``); a worker council's proposal when the
    social benefit of its outputs is at least the social cost of its inputs (ratio at least
    ``1 - tolerance``). Budgets include income from selling pollution permissions.
    """
    extra = permit_income(market, proposals.permits, prices)
    cc_budget = market.consumers.budget + extra
    cc_cost, cc_use = _budget_use(proposals.consumer_requests, cc_budget, prices)
    fed_budget = market.federations.budget if market.federations is not None else np.zeros(0)
    if market.federations is not None and proposals.federation_requests is None:
        raise ValueError("proposals: federation_requests is missing")
    fed_cost, fed_use = _budget_use(proposals.federation_requests, fed_budget, prices)
    benefit, cost = worker_benefit_and_cost(market, proposals, prices)
    idle = (benefit <= 0) & (cost <= 0)
    ratio = np.divide(benefit, cost, out=np.where(idle, np.nan, np.inf), where=cost > 0)
    return Evaluation(
        consumer_cost=cc_cost,
        consumer_budget=cc_budget,
        consumer_budget_use=cc_use,
        consumer_approved=cc_use <= 1.0 + tolerance,
        federation_cost=fed_cost,
        federation_budget=fed_budget,
        federation_budget_use=fed_use,
        federation_approved=fed_use <= 1.0 + tolerance,
        worker_benefit=benefit,
        worker_cost=cost,
        worker_ratio=ratio,
        worker_approved=idle | (ratio >= 1.0 - tolerance),
    )
