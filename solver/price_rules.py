"""Price rules of the facilitation board: how the next indicative prices follow from a round.

Each rule is a small pure function of arrays, so that rules can be compared on the same
economy and the same proposals.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["TatonnementState", "relative_excess", "tatonnement_step"]


def relative_excess(supply: np.ndarray, demand: np.ndarray) -> np.ndarray:
    """``rho = 2 |S - D| / (S + D)``: the surplus or shortage relative to the mean of S and D."""
    total = supply + demand
    return np.divide(
        2.0 * np.abs(supply - demand), total, out=np.zeros_like(total), where=total > 0
    )


@dataclass(frozen=True)
class TatonnementState:
    """Memory of the tatonnement rule: last round's step factor per good (initially 0.25)."""

    previous_step: np.ndarray

    @classmethod
    def initial(cls, n: int) -> TatonnementState:
        return cls(previous_step=np.full(n, 0.25))


def tatonnement_step(
    prices: np.ndarray, supply: np.ndarray, demand: np.ndarray, state: TatonnementState
) -> tuple[np.ndarray, TatonnementState]:
    """The price rule of Hahnel and Szczepanczyk's published simulations (pequod-cljs).

    For each good, with ``rho = 2|s| / (S + D)`` and surplus ``s = S - D``::

        Delta = 1.05 - 0.5 ** rho
        delta = max(0.001, Delta * pd)     pd = min(0.25, rho) of the previous round
        p    <- p (1 - delta) if s > 0,  p (1 + delta) if s < 0

    Returns the new prices and the state for the next round.
    """
    rho = relative_excess(supply, demand)
    big_step = 1.05 - 0.5**rho
    delta = np.maximum(0.001, np.minimum(big_step, np.abs(big_step * state.previous_step)))
    surplus = supply - demand
    factor = np.where(surplus > 0, 1.0 - delta, np.where(surplus < 0, 1.0 + delta, 1.0))
    return prices * factor, TatonnementState(previous_step=np.minimum(0.25, rho))
