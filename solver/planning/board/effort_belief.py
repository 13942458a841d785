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

With no statements and proposals that follow the prior, the belief stays the prior. The
master LP (:func:`~solver.planning.board.master.technique_steps`) prices a technique's
activity by the belief's marginal effort cost ``E_t (x - d_t) / K``, so what the board
clears is what the councils propose, not its own model of them.

Measured (``benchmarks/bench_planning.py --sections autonomy``): on the bundled examples the
board without a belief stalls when the councils' effort differs from its prior (a council
valuing effort at the round's input costs, or one whose effort costs twice the prior); a
secant estimate of the slope from two proposals made councils that adjust in steps diverge,
so the slope is learnt only from what councils state.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from solver.planning.councils import LinearWorkers

__all__ = ["SMALLEST_WEIGHT", "EffortBelief", "unit_margin"]

SMALLEST_WEIGHT = 0.125
"""Least share of its error by which the belief's curve moves towards a proposal."""

_EDGE = 1e-9  # relative tolerance of "at capacity" and "idle"


def unit_margin(workers: LinearWorkers, prices: np.ndarray) -> np.ndarray:
    """Revenue minus the priced inputs and the unpriced social cost, per unit of activity."""
    return workers.outputs @ prices - workers.inputs @ prices - workers.unit_cost


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
    """

    effort: np.ndarray
    shift: np.ndarray
    weight: np.ndarray
    error: np.ndarray

    @classmethod
    def prior(cls, workers: LinearWorkers) -> EffortBelief:
        """The board's model as it stands before any proposal."""
        n = workers.n
        return cls(
            effort=np.asarray(workers.effort_at_capacity, dtype=float).copy(),
            shift=np.zeros(n),
            weight=np.ones(n),
            error=np.zeros(n),
        )

    def supply(self, workers: LinearWorkers, margin: np.ndarray) -> np.ndarray:
        """The activity the belief expects of each technique at unit margins ``margin``."""
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
        return replace(
            self,
            effort=effort,
            shift=shift,
            weight=weight,
            error=np.where(interior, error, self.error),
        )
