"""Two planning sessions of one economy side by side: how far apart their final prices are."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from solver.planning.board.excess import free_items

if TYPE_CHECKING:
    from solver.planning.result import PlanResult

__all__ = ["compare_prices"]


def compare_prices(first: PlanResult, second: PlanResult) -> dict[str, Any]:
    """How far apart two sessions' final prices are, item by item.

    Differences are relative to the larger of the two prices; items that are free in both
    plans (in excess supply at a negligible price) agree whatever their tiny prices are.
    """
    if first.market.labels != second.market.labels:
        raise ValueError("the two plans are for different economies")
    a, b = first.final.prices, second.final.prices
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
