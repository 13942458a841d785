"""What every price rule is: the protocol a planning session drives, the step it returns,
and the trust-region helpers that the model-based rules share."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from solver.planning.board.master import MasterLPResult
from solver.planning.market import Market, Proposals

__all__ = ["PriceRule", "RuleStep", "next_box", "trust_region"]


# --------------------------------------------------------------------------------------
# Pluggable rules: one object per planning session, holding the rule's memory.


@dataclass(frozen=True)
class RuleStep:
    """The next indicative prices, and the board's master LP's outcome when the rule solved one."""

    prices: np.ndarray
    lp: MasterLPResult | None = None


class PriceRule(Protocol):
    """How the board moves from one round's prices and proposals to the next prices.

    Attributes
    ----------
    name
        The rule's name in :data:`~solver.planning.rules.PRICE_RULES`.
    time_limit
        Seconds that the LP solves of one round may take together (``None``: no limit); a
        service sets it from its caller's deadline before each round. Rules that solve no
        LP keep it and ignore it.
    """

    name: str
    time_limit: float | None

    def next_prices(
        self,
        market: Market,
        prices: np.ndarray,
        proposals: Proposals,
        supply: np.ndarray,
        demand: np.ndarray,
    ) -> RuleStep:
        """The board's answer to one round: the next indicative prices.

        Parameters
        ----------
        market
            The items and councils.
        prices
            The round's indicative prices, at which ``proposals`` were made.
        proposals
            Every council's proposal of the round.
        supply, demand
            Per item, as the board aggregated the proposals
            (:func:`~solver.planning.market.supply_and_demand`): supply is fixed supply
            (stocks, availabilities, caps) plus offered permits plus the worker councils'
            outputs; demand is the consumer councils' and federations' requests plus the
            worker councils' inputs (intermediate use included) plus any fixed demand
            (capacity investments). Not net of each other, and not final demand alone.

        Returns
        -------
        RuleStep
            The next prices, and the master LP's outcome where the rule solved one.
        """
        ...


def _secant(
    new_q: np.ndarray,
    old_q: np.ndarray,
    new_p: np.ndarray,
    old_p: np.ndarray,
    default: float,
    bounds: tuple[float, float],
) -> np.ndarray:
    """Arc elasticity ``d ln q / d ln p`` between two rounds, ``default`` where undefined."""
    ok = (new_q > 0) & (old_q > 0) & (new_p > 0) & (old_p > 0)
    dlp = np.zeros_like(new_p)
    dlq = np.zeros_like(new_q)
    dlp[ok] = np.log(new_p[ok] / old_p[ok])
    dlq[ok] = np.log(new_q[ok] / old_q[ok])
    ok &= np.abs(dlp) > 1e-3
    out = np.full(new_q.shape, default)
    out[ok] = np.clip(dlq[ok] / dlp[ok], *bounds)
    return out


WIDEST_BOX = float(np.log(8.0))  # largest log price move per round of the model-based rules


def next_box(box: float, excess: float, last_excess: float | None, widest: float) -> float:
    """The model-based rules' trust region (a log price half-width) after a round: half as
    wide after a round whose
    largest excess grew (the model misled the board), half as wide again (up to
    ``widest``) after one where it fell."""
    if last_excess is None:
        return box
    return 0.5 * box if excess > last_excess else min(1.5 * box, widest)


def trust_region(target: np.ndarray, prices: np.ndarray, ratio: float | np.ndarray) -> np.ndarray:
    """Clip ``target`` to ``[p / ratio, p * ratio + (ratio - 1) mean(p)]`` (``ratio`` per item
    or not). A rule's ``box`` is the log of the ratio: ``trust_region(t, p, exp(box))``.

    The additive term lets a price that starts near zero (a pollution permit whose cap did
    not bind at the first prices) reach its level in a few rounds instead of creeping up by
    a factor per round.
    """
    scale = float(np.mean(prices)) if prices.size else 0.0
    return np.clip(target, prices / ratio, prices * ratio + (ratio - 1.0) * scale)
