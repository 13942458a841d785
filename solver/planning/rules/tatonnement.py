"""The published tatonnement rule of Hahnel and Szczepanczyk (pequod-cljs): each price moves
by its own relative excess."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from typing_extensions import override

from solver.planning.board.excess import relative_excess
from solver.planning.market import Market, Proposals
from solver.planning.rules.base import PriceRule, RuleStep

__all__ = ["Tatonnement", "TatonnementState", "tatonnement_step"]


@dataclass(frozen=True)
class TatonnementState:
    """Memory of the tatonnement rule: last round's step factor per good (initially 0.25)."""

    previous_step: np.ndarray

    @classmethod
    def initial(cls, n: int) -> TatonnementState:
        """The state before the first round: no price moved yet."""
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


class Tatonnement(PriceRule):
    """The published rule of Hahnel and Szczepanczyk (:func:`tatonnement_step`)."""

    name = "tatonnement"

    def __init__(self) -> None:
        self._state: TatonnementState | None = None
        self.time_limit: float | None = None  # no LP to limit; part of the protocol

    @override
    def next_prices(
        self,
        market: Market,
        prices: np.ndarray,
        proposals: Proposals,
        supply: np.ndarray,
        demand: np.ndarray,
    ) -> RuleStep:
        state = self._state or TatonnementState.initial(prices.shape[0])
        new, self._state = tatonnement_step(prices, supply, demand, state)
        return RuleStep(prices=new)
