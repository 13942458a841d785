"""Stabilised column generation: a small reserve of every item around a centre.

A restricted master with few columns per convexity row leaves many duals undetermined: an
item that no demand step prices (labour, a natural resource) may take any price over a
range where the same columns stay optimal, and column generation then chases duals that
jump from one end of that range to the other. Du Merle, Villeneuve, Desrosiers and Hansen
(1999, "Stabilized column generation", Discrete Mathematics 194) bound the dual move with
two bounded columns per row: here the board may sell a little of each item at its centre
price times ``exp(width)`` and buy a little at the centre price over it. A dual beyond
that box makes one of them worth its whole quantity, so where the master is indifferent
the duals stay within the box, and where it is not, the reserve's small quantity (a
``share`` of the item's volume) hardly moves the plan.

An outer box, the round's trust region, may be added as unlimited reserves at its edges
(du Merle's second level, with an infinite quantity: the boxstep method of Marsten, Hogan
and Blankenship, 1975). No dual can then leave the trust region, so column generation
prices the councils at the duals the master actually has. Clipping the duals after the
solve instead priced them elsewhere than the master stood, and generation chased the
difference: 9 passes and 16 s in the first round of a 1,000-good Pequod economy, against
6 passes and 6.8 s with the outer box.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from solver.planning.board.master_blocks import MasterBlock, MasterLayout

__all__ = ["STABILITY_SHARE", "STABILITY_WIDTH", "Stabilisation", "stabilisation_block"]

STABILITY_WIDTH = 1e-4
"""Log half-width of the box around the centre within which the reserve leaves the duals
free."""

STABILITY_SHARE = 1e-6
"""Reserve of each item, as a share of its volume: small enough not to move the plan."""


@dataclass(frozen=True)
class Stabilisation:
    """The box of stabilised column generation.

    Attributes
    ----------
    centre
        ``(n_items,)`` prices at the centre of the box.
    volume
        ``(n_items,)`` each item's volume (supply and demand); items with none get no reserve.
    width, share
        :data:`STABILITY_WIDTH` and :data:`STABILITY_SHARE` unless given.
    bounds
        ``(low, high)`` prices of the outer box (the trust region), or ``None`` for none.
    """

    centre: np.ndarray
    volume: np.ndarray
    width: float = STABILITY_WIDTH
    share: float = STABILITY_SHARE
    bounds: tuple[np.ndarray, np.ndarray] | None = None


def stabilisation_block(stabilisation: Stabilisation, layout: MasterLayout) -> MasterBlock:
    """The reserve's columns: for each item with volume, the board buys up to ``share``
    of it at ``centre exp(-width)`` (+1 in its balance row, valued there) and sells as
    much at ``centre exp(width)`` (-1, at that cost); with ``bounds``, it also buys any
    amount at ``low`` and sells any amount at ``high``."""
    items = np.flatnonzero((stabilisation.volume > 0) & (stabilisation.centre > 0))
    k = items.size
    quantity = stabilisation.share * stabilisation.volume[items]
    price = stabilisation.centre[items]
    buy_sell = sp.csc_array(  # +1 (the board buys) then -1 (it sells) in each item's row
        (np.r_[np.ones(k), -np.ones(k)], (np.r_[items, items], np.arange(2 * k))),
        shape=(layout.n_rows, 2 * k),
    )
    columns = buy_sell
    cost = np.r_[-price * np.exp(-stabilisation.width), price * np.exp(stabilisation.width)]
    upper = np.r_[quantity, quantity]
    if stabilisation.bounds is not None:
        low, high = stabilisation.bounds[0][items], stabilisation.bounds[1][items]
        columns = sp.hstack([buy_sell, buy_sell], format="csc")
        cost = np.r_[cost, -low, high]
        upper = np.r_[upper, np.full(2 * k, np.inf)]
    return MasterBlock("stabilisation", columns, cost, upper)
