"""A starting basis for the board's master LP, read from its centre prices (a crash basis).

The master's rows are items and convexity rows; its columns are singletons (demand and
permit steps, the stabilisation reserve), each a piece of its item's supply or demand
curve, and the councils' proposals, each in its council's convexity row. Given prices,
the best proposal of each council is known, and with the councils' plan fixed, each item's
row is a one-dimensional problem: the price at which its singletons' net use meets what
the proposals leave of the item. The basis this gives is primal feasible where every item
can be balanced by its singletons (the stabilisation box's unlimited reserves see to
that) and dual feasible but for the councils whose best proposal the new prices change.
From it, simplex needs a few thousand iterations where a cold start needs hundreds of
thousands: 12,800 iterations and 5.3 s on the first master of a 100,000-item,
60,000-council Pequod economy, against 99,500 iterations (22 s) from the centre's own basis
and no optimum in 300 s cold (HiGHS 1.16, 2 cores).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from solver.highs import Highs, LPOutcome, apply_options, highs_lp, new_highs, run_with_fallback
from solver.lp.highs_model import basis_statuses, crash_start
from solver.status import Method, TerminationCondition

__all__ = [
    "AT_LOWER",
    "AT_UPPER",
    "BASIC",
    "NEAR_STEPS",
    "crash_basis",
    "far_steps",
    "near_basis",
    "run_primal",
]

AT_LOWER, BASIC, AT_UPPER = 0, 1, 2
"""Statuses of a column or row in :func:`crash_basis`'s basis."""

NEAR_STEPS = 6
"""Steps each side of an item's crash price that the first simplex of a master from its
crash basis keeps (:func:`near_basis`).

On the second master of a 100,000-item Pequod economy (3.76 million columns, 3.24 million
of them demand steps) that leaves 0.96 million columns, and its 7,281 pivots took 9.7 s
against 7,320 in 32 s on the whole master; the whole master then took none. The vertex it
ends at may be another optimal one: the prices of items that no step prices (labour,
natural resources) lie anywhere in a range there, and moved by up to 6 %."""


def crash_basis(
    matrix: sp.csc_array,
    cost: np.ndarray,
    upper: np.ndarray,
    row_upper: np.ndarray,
    n_items: int,
    n_units: int,
    prices: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """A basis of the master LP ``min cost x``, ``matrix x <= row_upper``, ``0 <= x <=
    upper``, built from the item prices ``prices`` (see the module).

    Parameters
    ----------
    matrix, cost, upper, row_upper
        The LP: the first ``n_items`` rows are items, the next ``n_units`` convexity rows;
        every column's lower bound is 0 and every row a ``<=`` row.
    prices
        ``(n_items,)`` the master's centre prices (``>= 0``).

    Returns
    -------
    column_status, row_status
        :data:`AT_LOWER`, :data:`BASIC` or :data:`AT_UPPER` for every column and row
        (a row at its upper bound is binding); exactly one basic variable per row, and the
        basis matrix is block triangular, so never singular.
    """
    a = sp.csc_array(matrix)
    m, n = a.shape
    counts = np.diff(a.indptr)
    entry_col = np.repeat(np.arange(n), counts)
    dual = np.zeros(m)
    dual[:n_items] = -np.asarray(prices, dtype=float)  # HiGHS's signs: prices are -duals
    reduced = cost - a.T @ dual
    column_status = np.full(n, AT_LOWER, dtype=np.int8)
    row_status = np.full(m, BASIC, dtype=np.int8)

    # each council's best proposal at the prices, at weight one, where it beats nothing
    in_unit = (a.indices >= n_items) & (a.indices < n_items + n_units) & (counts[entry_col] > 1)
    unit, column, weight = a.indices[in_unit], entry_col[in_unit], a.data[in_unit]
    per_weight = reduced[column] / weight
    best = np.full(m, np.inf)
    np.minimum.at(best, unit, per_weight)
    chosen = np.flatnonzero((per_weight <= best[unit]) & (best[unit] < 0))
    chosen = chosen[np.unique(unit[chosen], return_index=True)[1]]  # one per council
    activity = np.zeros(n)
    activity[column[chosen]] = 1.0 / weight[chosen]
    column_status[column[chosen]] = BASIC
    row_status[unit[chosen]] = AT_UPPER
    left = np.asarray(row_upper, dtype=float) - a @ activity  # what the singletons may use

    # each item's singletons, ordered by the price at which each changes sides
    single, row, value, breaks = _sorted_singletons(a, cost, counts == 1)
    bound = np.asarray(upper, dtype=float)[single]
    unlimited = ~np.isfinite(bound)
    unlimited_use, unlimited_supply = unlimited & (value > 0), unlimited & (value < 0)
    drop = np.abs(value) * np.where(unlimited, 0.0, bound)
    starts = np.searchsorted(row, np.arange(m + 1))
    sizes = np.diff(starts)

    def running(x: np.ndarray) -> np.ndarray:  # cumulative sum within each row
        total = np.cumsum(x)
        return total - np.repeat(np.r_[0.0, total][starts[:-1]], sizes)

    # a row's net use at a price: every use (value > 0) whose break lies above, less every
    # supply (value < 0) whose break lies below; passing a break lowers it by that column
    most = np.bincount(row, weights=np.where(value > 0, drop, 0.0), minlength=m)
    unlimited_uses = np.bincount(row, weights=unlimited_use, minlength=m)
    use_after = np.repeat(most, sizes) - running(drop)
    uses_left = np.repeat(unlimited_uses, sizes) - running(unlimited_use)
    supplied = running(unlimited_supply) > 0
    fits = (uses_left == 0) & (supplied | (use_after <= np.repeat(left, sizes)))
    # at price 0 every break at or below 0 is passed already: the row needs no price
    passed = breaks <= 0
    use_at_zero = most - np.bincount(row, weights=np.where(passed, drop, 0.0), minlength=m)
    uses_above = np.bincount(row, weights=unlimited_use & ~passed, minlength=m)
    supply_at_zero = np.bincount(row, weights=unlimited_supply & passed, minlength=m)
    at_zero = (uses_above == 0) & ((supply_at_zero > 0) | (use_at_zero <= left))
    owner = np.full(m, -1)
    crossing = np.flatnonzero(fits & ~passed)
    first = crossing[np.unique(row[crossing], return_index=True)[1]]
    owner[row[first]] = first
    owned = (owner >= 0) & ~at_zero & (row_status == BASIC)
    owned[n_items:] = False
    price = np.zeros(m)
    price[owned] = breaks[owner[owned]]
    column_status[single[owner[owned]]] = BASIC
    row_status[owned] = AT_UPPER

    # every other singleton at the bound its item's price calls for
    taken = np.where(value > 0, breaks > price[row], breaks < price[row]) & ~unlimited
    taken[owner[owned]] = False
    column_status[single[taken]] = AT_UPPER
    return column_status, row_status


def _sorted_singletons(
    a: sp.csc_array, cost: np.ndarray, chosen: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The ``chosen`` singleton columns of ``a`` with their row, entry and break (the price
    at which each changes sides, ``-cost / entry``), by row and then by break."""
    single = np.flatnonzero(chosen)
    row, value = a.indices[a.indptr[single]], a.data[a.indptr[single]]
    breaks = -cost[single] / value
    order = np.lexsort((breaks, row))
    return single[order], row[order], value[order], breaks[order]


def run_primal(h: Highs, n_cols: int, pivots: int, time_limit: float | None) -> LPOutcome:
    """Primal simplex on the LP loaded in ``h`` from the basis it holds, for at most
    ``pivots`` pivots.

    Primal, because a crash basis is primal feasible by construction. Left to choose,
    HiGHS ran dual simplex from it, which lost feasibility: on the last master of a
    10,000-good Pequod economy, 48,000 pivots and no optimum, against 11,344 pivots (6.3 s)
    primal.
    """
    apply_options(h, Method.SIMPLEX, n_cols, time_limit)
    h.setOptionValue("simplex_strategy", 4)
    h.setOptionValue("simplex_iteration_limit", pivots)
    return run_with_fallback(h, Method.SIMPLEX, n_cols, time_limit)


def far_steps(
    matrix: sp.csc_array,
    cost: np.ndarray,
    upper: np.ndarray,
    n_items: int,
    column_status: np.ndarray,
    band: int,
) -> np.ndarray:
    """Bounded singletons of item rows more than ``band`` places, in the order of their
    breaks, from their row's basic singleton in ``column_status`` (rows without one: none).
    """
    a = sp.csc_array(matrix)
    bounded = (np.diff(a.indptr) == 1) & np.isfinite(upper)
    single, row, _, _ = _sorted_singletons(a, cost, bounded)
    keep = row < n_items
    single, row = single[keep], row[keep]
    starts = np.searchsorted(row, np.arange(n_items + 1))
    rank = np.arange(single.size) - np.repeat(starts[:-1], np.diff(starts))
    basic = column_status[single] == BASIC
    centre = np.full(n_items, -1)
    centre[row[basic]] = rank[basic]
    far = np.zeros(a.shape[1], dtype=bool)
    owned = centre[row] >= 0
    far[single[owned & (np.abs(rank - centre[row]) > band)]] = True
    return far


def near_basis(
    arrays: tuple[sp.csc_array, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    n_items: int,
    crash: tuple[np.ndarray, np.ndarray],
    band: int,
    pivots: int,
    time_limit: float | None = None,
) -> tuple[np.ndarray, np.ndarray] | None:
    """A basis of the master LP ``arrays`` (matrix, cost, column and row bounds, as
    :class:`~solver.interior_point.PendingLP` holds them): the optimum of the master with
    every step farther than ``band`` places from its item's crash price (:func:`far_steps`
    of the ``crash`` basis) held at its crash bound, taken out and its use moved into the row
    bounds, and those steps at their crash bounds. ``None`` where no step is far, or where
    primal simplex from the crash does not reach that optimum within ``pivots`` (or
    ``time_limit`` seconds).

    Each item's steps are one price curve, on which the crash places the item's price; a
    step far from there stays at its bound unless the price moves past it. The master
    without them has a fraction of the columns, and each simplex pivot scans every column.
    Where the prices moved past a step held out, the whole master's simplex goes on from
    the basis returned.
    """
    matrix, cost, lower, upper, row_lower, row_upper = arrays
    column_status, row_status = crash
    far = far_steps(matrix, cost, upper, n_items, column_status, band)
    if not far.any():
        return None
    held = far & (column_status == AT_UPPER)
    shift = matrix[:, np.flatnonzero(held)] @ upper[held]
    near = ~far
    n_near = int(near.sum())
    h = new_highs()
    h.passModel(
        highs_lp(
            sp.csc_array(matrix[:, np.flatnonzero(near)]),
            cost[near],
            lower[near],
            upper[near],
            row_lower - shift,
            row_upper - shift,
        )
    )
    if not crash_start(h, column_status[near], row_status):
        return None
    if run_primal(h, n_near, pivots, time_limit).termination is not TerminationCondition.OPTIMAL:
        return None
    columns, rows = basis_statuses(h)
    status = column_status.copy()
    status[near] = columns
    return status, rows
