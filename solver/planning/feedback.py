"""The board's answer to each council: approved or not, why, and by how much.

Every council reads its own answer and everyone else's (the procedure is open): a consumer
council or federation its budget, its request's cost and the share used, a worker council
the ratio of its proposal's social benefit to its social cost, and, where the round did not
clear, the items it keeps from clearing.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from solver.planning.board.evaluation import Evaluation
from solver.planning.market import Market

__all__ = ["council_feedback"]


def council_feedback(
    market: Market,
    evaluation: Evaluation,
    *,
    only_rejected: bool = False,
    held: dict[str, list[dict[str, Any]]] | None = None,
) -> list[dict[str, Any]]:
    """The board's answer to every council: approved or not, why, and its ratio or budget use.

    Parameters
    ----------
    market
        The market the proposals were made in (for council ids).
    evaluation
        The board's evaluation of the round (:func:`~solver.planning.board.evaluation.evaluate`).
    only_rejected
        Leave out the approved proposals (for economies with millions of councils).
    held
        The items each council keeps from clearing
        (:func:`~solver.planning.board.holding_back.holding_back`); each answer then has a
        ``holding_back`` list (empty for a council that keeps none).
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
                    "budget": float(budget[i]),
                    "cost": float(cost[i]),
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
                "benefit": float(evaluation.worker_benefit[i]),
                "cost": float(evaluation.worker_cost[i]),
            }
        )
    if held is not None:
        for answer in out:
            answer["holding_back"] = held.get(answer["council"], [])
    return out
