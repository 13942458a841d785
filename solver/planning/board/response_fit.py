"""How a linear worker council gets to its proposals, fitted to its moves across rounds:
its speed, the elasticity of its effort cost to its input costs and its slope
(:func:`fit_response`), how far a stated council's own line misses them
(:func:`line_error`), and where one move contradicts what it states
(:func:`contradicted`). The board's belief (:mod:`~solver.planning.board.effort_belief`)
reads them; the functions are pure and vectorised over techniques.

A move is a row ``(margin, activity before, activity after, input cost)`` of a ``(T, H, 4)``
array, ``NaN`` where there is none; the latest move is last.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "EDGE",
    "ELASTICITY_RANGE",
    "FIT_RESIDUAL",
    "HISTORY",
    "LAGS",
    "LINE_GAIN",
    "NEAR_END",
    "PLAINER",
    "RECENCY",
    "SLOWEST",
    "contradicted",
    "fit_response",
    "line_error",
]

HISTORY = 6
"""Moves kept to fit a council's response (those to idle or capacity are kept, not fitted:
they show where a council's statement misses, :func:`line_error`)."""

RECENCY = 0.5
"""Weight of a move relative to the next one in the fit: councils may change their ways."""

LAGS = np.round(np.arange(0.0, 0.701, 0.02), 2)
"""Shares ``1 - l`` of its last proposal a council may keep: speeds from 1 down to 0.3."""

ELASTICITY_RANGE = (0.0, 1.0)
"""Elasticities ``g`` of a council's effort cost to its input costs that the fit allows:
from fixed (the prior) to valued at the round's prices."""

FIT_RESIDUAL = 0.02
"""The fit holds where its root mean square error is under this share of capacity."""

PLAINER = 1.2
"""A fit with less lag is kept while its error is within this factor of the best fit's (or
under 0.01 % of capacity): a council is taken to answer at once unless its moves say
otherwise."""

LINE_GAIN = 2.0
"""A shifted line of the fitted slope (``h = b m + d``: a council with a threshold of its
own, or a fixed part of its effort cost) replaces the scaled curve where its error is this
factor smaller; it needs three moves, as two fit any line."""


CLEAR_LAG_SPREAD = 0.1
"""Widest range of lags within :data:`PLAINER` of a technique's best fit for its moves to
leave no doubt about its lag. Two moves fit a lag and an elasticity exactly wherever the
input costs moved, so a council moving half way each round and one that values its effort
at the round's prices look alike there; the techniques whose costs did not move tell."""


LINE_SPREAD = 0.05
"""Least spread of the margins (standard deviation over mean) for a shifted line to be
fitted: over margins nearly alike, any slope fits."""


CONTRADICTION_MOVE = 0.005
"""Least distance, as a share of capacity, between a council's last proposal and the choice
its word implies for the word's pace to be read (and twice it, the least move that
contradicts a word saying the council is already at its choice)."""

CONTRADICTION_GAP = 0.1
"""How far past the choice its word implies a council may move before the move contradicts
the word (rounding in what it states)."""

SLOWEST = round(1.0 - float(LAGS.max()), 9)
"""Least share of the way to its choice a council moves in a round: the slowest the fit of
its moves allows (:data:`LAGS`)."""

NEAR_END = 0.005
"""Share of capacity within which a heading (or, for a stated line, a move) counts as at
idle or at capacity: the fit reads no slope from it, and a stated line is measured by how
far it stays from that end."""

EDGE = 1e-9
"""Relative tolerance of "at capacity" and "idle", for the fit and the belief alike: a move
the belief reads as at capacity or idle is one the fit leaves out."""


def fit_response(
    transitions: np.ndarray,
    cost_now: np.ndarray,
    capacity: np.ndarray,
    elasticity: np.ndarray,
    slope_now: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Fit ``x_r = a x_(r-1) + (1 - a) clip(b (c_now / c_r)^g m_r, 0, K)`` to each
    technique's moves.

    ``transitions`` is ``(T, H, 4)``: margin ``m_r``, activity before and after, input cost
    ``c_r`` (``NaN`` rows, and moves that end idle or at capacity, are left out); moves weigh
    :data:`RECENCY` times less per round back. A technique whose inputs cost nothing at
    either price is taken to have costs that did not move.

    For every lag ``a`` in :data:`LAGS`, the heading each move implies,
    ``h_r = (x_r - a x_(r-1)) / (1 - a)``, gives ``ln b`` and ``g`` by weighted least
    squares of ``ln(h_r / m_r)`` on ``ln(c_now / c_r)`` over the moves whose heading is
    neither idle nor at capacity (``g`` within :data:`ELASTICITY_RANGE`; where the input
    costs have moved by less than 1 %, ``g`` stays ``elasticity``; where every heading is
    idle or at capacity, ``b`` is ``slope_now``, the belief's slope, and ``g`` stays), and
    an error over all moves (a council easing towards idle half way each round heads for
    idle at every move: only a lag explains its moves); from three moves a shifted line
    ``h = b m + d`` (least squares) replaces that where its error is :data:`LINE_GAIN`
    times smaller. Of the lags within :data:`PLAINER` of the least error, the least is
    chosen, or where they span more than :data:`CLEAR_LAG_SPREAD`, the nearest the lag
    that the techniques whose fits leave no doubt share. Returns whether the fit holds (two moves
    or more, error under :data:`FIT_RESIDUAL` of capacity), the lag ``a``, the elasticity
    ``g``, the heading's slope ``b = K / E_t`` at ``c_now``, the shift ``d`` (0 on a
    scaled curve) and the fit's root mean square error as a share of capacity (``inf``
    where there is none).
    """
    n_t = capacity.size
    inside = (transitions[..., 2] > capacity[:, None] * EDGE) & (
        transitions[..., 2] < capacity[:, None] * (1.0 - EDGE)
    )
    ok = np.isfinite(transitions).all(axis=2) & inside  # moves to idle or capacity: not fitted
    candidates = np.flatnonzero(ok.sum(axis=1) >= 2)
    fitted = np.zeros(n_t, dtype=bool)
    lag, fitted_g, slope = np.zeros(n_t), elasticity.copy(), np.zeros(n_t)
    shift, error = np.zeros(n_t), np.full(n_t, np.inf)
    if candidates.size == 0:
        return fitted, lag, fitted_g, slope, shift, error
    ok = ok[candidates]
    move = np.where(ok[..., None], transitions[candidates], 0.0)
    margin, before, after, cost = (move[..., i] for i in range(4))
    k = capacity[candidates][:, None]
    age = np.arange(HISTORY - 1, -1, -1, dtype=float)
    w = np.where(ok, RECENCY**age, 0.0)
    w /= w.sum(axis=1, keepdims=True)
    now = cost_now[candidates][:, None]
    priced = ok & (cost > 0) & (now > 0)
    log_relative = np.log(np.divide(now, cost, out=np.ones_like(cost), where=priced))
    g_before = elasticity[candidates]

    errors = np.full((candidates.size, LAGS.size), np.inf)
    slopes = np.zeros_like(errors)
    gs = np.zeros_like(errors)
    shifts = np.zeros_like(errors)
    for j, a in enumerate(LAGS):
        heading = (after - a * before) / (1.0 - a)
        free = ok & (margin > 0) & (heading > k * NEAR_END) & (heading < k * (1.0 - NEAR_END))
        wf = np.where(free, w, 0.0)
        total = wf.sum(axis=1)
        some = total > 0
        log_ratio = np.log(np.divide(heading, margin, out=np.ones_like(heading), where=free))
        mean_r = np.divide((wf * log_ratio).sum(1), total, out=np.zeros(total.shape), where=some)
        mean_c = np.divide((wf * log_relative).sum(1), total, out=np.zeros(total.shape), where=some)
        dc = np.where(free, log_relative - mean_c[:, None], 0.0)
        var_c = (wf * dc * dc).sum(1)
        spread = some & (var_c > 1e-4 * total)
        g = np.divide(
            (wf * dc * (log_ratio - mean_r[:, None])).sum(1),
            var_c,
            out=g_before.copy(),
            where=spread,
        )
        g = np.clip(g, *ELASTICITY_RANGE)
        b = np.where(some, np.exp(mean_r - g * mean_c), slope_now[candidates])
        predicted = np.clip(b[:, None] * np.exp(g[:, None] * log_relative) * margin, 0.0, k)
        rms = np.sqrt((w * ((1.0 - a) * (heading - predicted)) ** 2).sum(axis=1)) / k[:, 0]
        errors[:, j] = rms
        slopes[:, j] = b
        gs[:, j] = g
        # the prior's slope family shifted, h = b m + d, where it fits far better
        mean_m = np.divide((wf * margin).sum(1), total, out=np.zeros(total.shape), where=some)
        mean_h = np.divide((wf * heading).sum(1), total, out=np.zeros(total.shape), where=some)
        dm = np.where(free, margin - mean_m[:, None], 0.0)
        var_m = (wf * dm * dm).sum(1)
        spread_m = (free.sum(1) >= 3) & (var_m > (LINE_SPREAD * mean_m) ** 2 * total)
        b_line = np.divide(
            (wf * dm * (heading - mean_h[:, None])).sum(1),
            var_m,
            out=np.zeros(total.shape),
            where=spread_m,
        )
        d_line = mean_h - b_line * mean_m
        on_line = np.clip(b_line[:, None] * margin + d_line[:, None], 0.0, k)
        rms_line = np.sqrt((w * ((1.0 - a) * (heading - on_line)) ** 2).sum(axis=1)) / k[:, 0]
        line = spread_m & (b_line > 0) & (rms_line * LINE_GAIN < errors[:, j])
        errors[:, j] = np.where(line, rms_line, errors[:, j])
        slopes[:, j] = np.where(line, b_line, b)
        gs[:, j] = np.where(line, 0.0, g)
        shifts[:, j] = np.where(line, d_line, 0.0)
    least = errors.min(axis=1)
    plain = errors <= np.maximum(PLAINER * least, 1e-4)[:, None]
    choice = plain.argmax(axis=1)  # the first, so the least lag, within reach
    choice = _nearest_common_lag(plain, choice, least < FIT_RESIDUAL)
    rows = np.arange(candidates.size)
    fitted[candidates] = least < FIT_RESIDUAL
    lag[candidates] = LAGS[choice]
    fitted_g[candidates] = gs[rows, choice]
    slope[candidates] = slopes[rows, choice]
    shift[candidates] = shifts[rows, choice]
    error[candidates] = errors[rows, choice]
    return fitted, lag, fitted_g, slope, shift, error


def _nearest_common_lag(plain: np.ndarray, choice: np.ndarray, holds: np.ndarray) -> np.ndarray:
    """Where several lags fit a technique's moves about as well (``plain``, a row per
    technique), the one nearest the lag that the techniques whose moves leave no doubt
    share (their median); the least lag where none leaves no doubt."""
    lags = np.where(plain, LAGS[None, :], np.nan)
    spread = np.nanmax(lags, axis=1) - np.nanmin(lags, axis=1)
    clear = holds & (spread <= CLEAR_LAG_SPREAD)
    if not clear.any():
        return choice
    common = float(np.median(LAGS[choice[clear]]))
    distance = np.where(plain, np.abs(LAGS[None, :] - common), np.inf)
    nearest = distance.argmin(axis=1)  # the first, so the lesser lag, of two as near
    return np.where(clear, choice, nearest)


def line_error(transitions: np.ndarray, capacity: np.ndarray, slope: np.ndarray) -> np.ndarray:
    """Root mean square error, as a share of capacity, of the line of slope ``slope``
    through each technique's moves (``x = slope m + d``, a stated council at its choice;
    ``d`` fitted to the moves between idle and capacity), weighed as in
    :func:`fit_response`. A move to capacity (idle) counts by how far the line stays below
    capacity (above idle) there: a council that jumps past where its statement puts it
    contradicts the statement as much as one that stops short. ``0`` where there are fewer
    than two moves or none between idle and capacity."""
    ok = np.isfinite(transitions).all(axis=2)
    move = np.where(ok[..., None], transitions, 0.0)
    margin, after = move[..., 0], move[..., 2]
    k = capacity[:, None]
    used = ok & (margin > 0)
    top, bottom = used & (after >= k * (1.0 - NEAR_END)), used & (after <= k * NEAR_END)
    free = used & ~top & ~bottom
    age = np.arange(HISTORY - 1, -1, -1, dtype=float)
    w = np.where(used, RECENCY**age, 0.0)
    wf = np.where(free, w, 0.0)
    residual = after - slope[:, None] * margin
    shift = np.divide(
        (wf * residual).sum(1), wf.sum(1), out=np.zeros(k.shape[0]), where=wf.sum(1) > 0
    )
    line = slope[:, None] * margin + shift[:, None]
    miss = np.where(
        free, after - line, np.where(top, np.maximum(k - line, 0.0), np.maximum(line, 0.0))
    )
    total = w.sum(1)
    rms = np.sqrt(
        np.divide((w * miss**2).sum(1), total, out=np.zeros(total.shape), where=total > 0)
    )
    readable = (used.sum(axis=1) >= 2) & (free.sum(axis=1) >= 1)
    return np.where(readable, rms / np.maximum(capacity, 1e-300), 0.0)


def contradicted(
    stated: np.ndarray,
    margin: np.ndarray,
    activity: np.ndarray,
    previous: np.ndarray,
    capacity: np.ndarray,
) -> np.ndarray:
    """Where the stated marginal effort cost ``stated`` cannot be true of a council that
    moved from ``previous`` to ``activity`` at unit margin ``margin``.

    A council on a curve of the prior's form (marginal effort cost ``E x / K``) that states
    ``s`` at ``x`` has its choice at ``h = x m / s`` (clipped to idle and capacity). Moving
    towards it at any pace it moves :data:`SLOWEST` to 1 of the way from its last proposal;
    a move away from it, past it, shorter than that, or a move where its word says it is
    already there, contradicts the word. A council at its choice that states twice its
    marginal effort cost and moves up, or one that stays put, is caught in one round;
    one moving half way and stating truly never is.
    """
    said = np.isfinite(stated) & (stated > 0) & (margin > 0) & np.isfinite(previous)
    heading = np.clip(
        np.divide(activity * margin, stated, out=np.zeros_like(activity), where=said),
        0.0,
        capacity,
    )
    gap = heading - previous
    moved = activity - previous
    far = np.abs(gap) > CONTRADICTION_MOVE * capacity
    speed = np.divide(moved, gap, out=np.zeros_like(gap), where=said & far)
    wrong_pace = far & ((speed < SLOWEST) | (speed > 1.0 + CONTRADICTION_GAP))
    moved_anyway = ~far & (np.abs(moved) > 2.0 * CONTRADICTION_MOVE * capacity)
    return said & (wrong_pace | moved_anyway)
