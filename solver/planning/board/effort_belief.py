"""The board's view of linear worker councils' effort: a prior that their proposals overrule.

The board does not know how a council weighs its effort. Its prior (the economy's
``effort_cost_share``, :class:`~solver.planning.councils.LinearWorkers`) is that technique
``t`` runs where a marginal effort cost rising linearly to ``E`` at capacity ``K`` meets the
unit margin ``m``: ``x(m) = K clip(m / E, 0, 1)``. The board's belief keeps that form with a
slope and a shift of its own per technique,

    x(m) = clip(K m / E_t + d_t, 0, K),

and after every round moves them towards what the council actually proposed at that
round's prices:

* **slope** ``E_t``: what the council states, a marginal effort cost ``s`` at its proposed
  activity ``x > 0``, gives ``E_t = s K / x``; without a statement the slope stays.
* **shift** ``d_t``: the curve moves sideways towards the proposal. For an activity between
  idle and capacity it moves by ``w_t`` times the belief's error there; ``w_t`` starts at 1
  (the curve passes through the proposal), halves each time the error turns sign (a
  council that adjusts in steps, or a curve that moves with prices, would otherwise make
  the board chase it back and forth) down to :data:`SMALLEST_WEIGHT`, and doubles back to 1
  while it keeps its sign. A council at capacity (idle) moves the curve just far enough
  that it reaches capacity (stays idle) at the round's margin.
* **speed** ``l_t``: a council may move only part of the way from its last proposal to its
  new choice each round. The board fits ``x_r - x_{r-1} = l (K m_r / E_t + d_t - x_{r-1})``
  to each technique's last :data:`HISTORY` moves (least squares in ``l`` and ``l d``); where
  the fit holds and ``l`` is below :data:`LAGGING`, it expects the next proposal to be
  ``(1 - l) x_last + l x(m)`` (``l`` at least :data:`SLOWEST`), and the fitted ``d`` replaces
  the shift, which would otherwise read the lag as a shifted curve. A technique whose
  council states its effort cost is taken to be at the council's choice (a statement
  twice the truth would read as a lag).

With no statements and proposals that follow the prior, the belief stays the prior. The
master LP (:func:`~solver.planning.board.master.technique_steps`) prices a technique's
activity by the belief's marginal effort cost ``E_t (x - d_t) / K`` above the activity
``(1 - l_t) x_last`` it expects to be kept, so what the board clears is what the councils
propose, not its own model of them.

Measured (``benchmarks/bench_planning.py --sections autonomy``): on the bundled examples the
board without a belief stalls when the councils' effort differs from its prior (a council
valuing effort at the round's input costs, or one whose effort costs twice the prior). A
secant estimate of the slope from two proposals made councils that adjust in steps
diverge, and a three-parameter fit (slope, speed and shift together) did not help councils
whose effort is well below the prior, so the slope is learnt only from what councils state.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from solver.planning.councils import LinearWorkers, unit_margin

__all__ = ["SMALLEST_WEIGHT", "EffortBelief"]

SMALLEST_WEIGHT = 0.125
"""Least share of its error by which the belief's curve moves towards a proposal."""

HISTORY = 6
"""Transitions (interior proposals after a proposal) kept to estimate a council's speed."""

SLOWEST = 0.5
"""The board expects a council to move at least this share of the way: a board that took
a slow council at its word (0.3) moved prices so far to hurry it that they diverged on a
UK input-output table."""

LAGGING = 0.9
"""A fitted speed below this counts: the council moves only that share of the way."""

_EDGE = 1e-9  # relative tolerance of "at capacity" and "idle"


@dataclass(frozen=True)
class EffortBelief:
    """The board's belief about every technique's supply curve (see the module).

    Attributes
    ----------
    effort
        ``(T,)`` slope as the marginal effort cost ``E_t`` at capacity (0: no effort cost,
        the technique runs at capacity whenever its margin is positive).
    shift
        ``(T,)`` activity ``d_t`` the curve gives at a zero margin.
    weight
        ``(T,)`` share of the next error by which the curve moves.
    error
        ``(T,)`` the belief's last error at an interior proposal (0 before any).
    speed
        ``(T,)`` share of the way from its last proposal to its choice a council is expected
        to move next round (1: all the way).
    previous
        ``(T,)`` the last proposed activity (``NaN`` before any).
    transitions
        ``(T, HISTORY, 3)`` the last moves: margin, activity before and after (``NaN``
        where there is none).
    """

    effort: np.ndarray
    shift: np.ndarray
    weight: np.ndarray
    error: np.ndarray
    speed: np.ndarray
    previous: np.ndarray
    transitions: np.ndarray

    @property
    def lagging(self) -> bool:
        """Whether some council is expected to move only part of the way."""
        return bool(np.any(self.speed < 1.0))

    def at_full_speed(self) -> EffortBelief:
        """The same curves, every council expected to move all the way next round."""
        return replace(self, speed=np.ones_like(self.speed))

    def floor(self) -> np.ndarray:
        """Activity kept from the last proposal whatever the prices: ``(1 - speed) x_last``."""
        last = np.nan_to_num(self.previous, nan=0.0)
        return (1.0 - self.speed) * last

    @classmethod
    def prior(cls, workers: LinearWorkers) -> EffortBelief:
        """The board's model as it stands before any proposal."""
        n = workers.n
        return cls(
            effort=np.asarray(workers.effort_at_capacity, dtype=float).copy(),
            shift=np.zeros(n),
            weight=np.ones(n),
            error=np.zeros(n),
            speed=np.ones(n),
            previous=np.full(n, np.nan),
            transitions=np.full((n, HISTORY, 3), np.nan),
        )

    def supply(self, workers: LinearWorkers, margin: np.ndarray) -> np.ndarray:
        """The activity each technique's council would choose at unit margins ``margin``
        (where it is heading; a slow council's next proposal is
        ``floor() + speed * supply(...)``)."""
        k, e = workers.capacity, self.effort
        share = np.divide(margin, e, out=np.where(margin > 0, 1.0, 0.0), where=e > 0)
        return np.clip(k * share + np.where(e > 0, self.shift, 0.0), 0.0, k)

    def effective_margin(self, workers: LinearWorkers, margin: np.ndarray) -> np.ndarray:
        """The margin at which the prior's form ``K m / E_t`` gives the belief's activity:
        ``m + E_t d_t / K``."""
        return margin + np.divide(
            self.effort * self.shift,
            workers.capacity,
            out=np.zeros_like(margin),
            where=workers.capacity > 0,
        )

    def observe(
        self,
        workers: LinearWorkers,
        prices: np.ndarray,
        activity: np.ndarray,
        stated: np.ndarray | None = None,
    ) -> EffortBelief:
        """The belief after the councils proposed ``activity`` at ``prices``, stating the
        marginal effort costs ``stated`` (``NaN`` where they state none)."""
        k = workers.capacity
        x = np.asarray(activity, dtype=float)
        margin = unit_margin(workers, prices)
        effort = self.effort
        if stated is not None:  # the council's word on its slope
            s = np.asarray(stated, dtype=float)
            says = np.isfinite(s) & (s > 0) & (x > k * _EDGE)
            effort = np.where(says, np.divide(s * k, x, out=effort.copy(), where=says), effort)
        has_effort = effort > 0
        top = has_effort & (x >= k * (1.0 - _EDGE))
        bottom = has_effort & (x <= k * _EDGE)
        interior = has_effort & ~top & ~bottom

        rate = np.divide(k, effort, out=np.zeros_like(k), where=has_effort)
        shift = np.where(has_effort, self.shift, 0.0)
        error = np.where(interior, x - rate * margin - shift, 0.0)
        turned = error * self.error < 0
        weight = np.where(
            interior,
            np.where(
                turned,
                np.maximum(0.5 * self.weight, SMALLEST_WEIGHT),
                np.minimum(2.0 * self.weight, 1.0),
            ),
            self.weight,
        )
        shift = shift + weight * error
        shift = np.where(top, np.maximum(shift, k - rate * margin), shift)
        shift = np.where(bottom, np.minimum(shift, -rate * margin), shift)

        # a council that adjusts in steps: its speed, and the curve it is heading for
        step = np.stack([margin, self.previous, x], axis=1)
        step[~interior | ~np.isfinite(self.previous)] = np.nan
        transitions = np.concatenate([self.transitions[:, 1:], step[:, None, :]], axis=1)
        fitted, speed_fit, shift_fit = _fit_speed(transitions, rate, k)
        # a council that states its effort cost is at its choice: a wrong statement would
        # otherwise read as a lag (a flatter curve and a slower council move alike)
        if stated is not None:
            fitted &= ~np.isfinite(np.asarray(stated, dtype=float))
        speed = np.where(fitted, np.where(speed_fit < LAGGING, speed_fit, 1.0), self.speed)
        shift = np.where(fitted & (speed_fit < LAGGING), shift_fit, shift)
        return replace(
            self,
            effort=effort,
            shift=shift,
            weight=weight,
            error=np.where(interior, error, self.error),
            speed=speed,
            previous=x.copy(),
            transitions=transitions,
        )


def _fit_speed(
    transitions: np.ndarray, rate: np.ndarray, capacity: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fit ``x_r - x_{r-1} = l (rate m_r + d - x_{r-1})`` to each technique's transitions.

    ``transitions`` is ``(T, H, 3)``: margin, previous and new activity (``NaN`` rows are
    left out); ``rate = K / E_t``. Least squares in ``(l, l d)`` per technique, vectorised.
    Returns whether the fit holds (three transitions or more, spread in the predicted move
    of at least 5 % of capacity, residual under 5 % of capacity, ``0.05 < l <= 1.2``), the
    speed ``l`` (clipped to ``[0.1, 1]``) and the shift ``d``.
    """
    ok = np.isfinite(transitions).all(axis=2)
    n = ok.sum(axis=1).astype(float)
    u = np.where(ok, rate[:, None] * transitions[..., 0] - transitions[..., 1], 0.0)
    y = np.where(ok, transitions[..., 2] - transitions[..., 1], 0.0)
    su, sy, suu, suy = u.sum(1), y.sum(1), (u * u).sum(1), (u * y).sum(1)
    det = n * suu - su * su  # n^2 times the variance of the predicted moves
    spread = det > (0.05 * capacity) ** 2 * np.maximum(n, 1.0) ** 2
    speed = np.divide(n * suy - su * sy, det, out=np.ones_like(capacity), where=spread)
    lifted = np.divide(sy - speed * su, n, out=np.zeros_like(capacity), where=n > 0)
    residual = np.sqrt(np.where(ok, (y - speed[:, None] * u - lifted[:, None]) ** 2, 0.0).sum(1))
    fitted = (n >= 3) & spread & (residual < 0.05 * capacity) & (speed > 0.05) & (speed <= 1.2)
    speed = np.clip(speed, SLOWEST, 1.0)
    return fitted, speed, np.divide(lifted, speed, out=np.zeros_like(capacity), where=fitted)
