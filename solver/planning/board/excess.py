"""How far a round is from a plan: relative excess of every item, free goods, and the
clearing excess that convergence is measured by."""

from __future__ import annotations

import numpy as np

__all__ = ["clearing_excess", "free_items", "relative_excess"]


def relative_excess(supply: np.ndarray, demand: np.ndarray) -> np.ndarray:
    """``rho = 2 |S - D| / (S + D)``: the surplus or shortage relative to the mean of S and D."""
    total = supply + demand
    return np.divide(
        2.0 * np.abs(supply - demand), total, out=np.zeros_like(total), where=total > 0
    )


def free_items(
    supply: np.ndarray, demand: np.ndarray, prices: np.ndarray, share: float
) -> np.ndarray:
    """Items in excess supply priced below ``share`` of the mean price: free goods, cleared
    by disposal."""
    scale = float(np.mean(prices)) if prices.size else 0.0
    return (supply > demand) & (prices <= share * scale)


def clearing_excess(
    supply: np.ndarray, demand: np.ndarray, prices: np.ndarray, share: float
) -> np.ndarray:
    """How far each market is from clearing: :func:`relative_excess`, zero for free items."""
    rho = relative_excess(supply, demand)
    rho[free_items(supply, demand, prices, share)] = 0.0
    return rho
