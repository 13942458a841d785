"""The board's view of linear worker councils' effort: a prior that their proposals overrule.

The board does not know how a council weighs its effort. Its prior (the economy's
``effort_cost_share``, :class:`~solver.planning.councils.LinearWorkers`) is that technique
``t`` runs where a marginal effort cost rising linearly to ``E`` at capacity ``K`` meets the
unit margin ``m``: ``x(m) = K clip(m / E, 0, 1)``. The board's belief keeps that form, with
an effort scale, a shift, a speed and a price elasticity of its own per technique,

    heading  h(m, p) = clip(K m / E_t(p) + d_t, 0, K),   E_t(p) = E_t (c_t(p) / c_t)^g_t,
    proposal x(m, p) = (1 - l_t) x_last + l_t h(m, p),

where ``c_t(p)`` is the technique's input cost per unit at prices ``p`` (goods, primary
inputs and permits) and ``c_t`` its value where ``E_t`` was read. After every round the
belief moves to what the council actually proposed:

* **stated effort**: a marginal effort cost ``s`` at the proposed activity ``x > 0`` gives
  ``E_t = s K / x``; the shift then moves the curve towards the proposal (the whole way,
  then by half each time its error turns sign, down to :data:`SMALLEST_WEIGHT`, so that a
  wrong statement is not chased back and forth). A statement that the council's own
  move contradicts is not taken, this round and the next
  (:func:`~solver.planning.board.response_fit.contradicted`): a council stating ``s`` at
  ``x`` puts its choice at ``x m / s``, and one that moves away from it, past it, or
  towards it by less than :data:`~solver.planning.board.response_fit.SLOWEST` of the way
  is read as unstated. A council that states is taken to be at its choice (``l = 1``,
  ``g = 0``) until its moves contradict its word:
  where the line of the stated slope misses them (moves to capacity or idle included,
  :func:`~solver.planning.board.response_fit.line_error`) by :data:`OVERRULE` times what
  the fit below misses, the fit is the belief. The council's proposals, not its statement,
  are what the plan must clear.
* **unstated, between idle and capacity** (at least :data:`READABLE` of capacity from
  idle and :data:`READABLE_BELOW_CAPACITY` from capacity, at a positive margin): the
  proposal reveals the council's effort scale,
  ``E_t = K m / x`` (the prior's curve through the proposal, ``d_t = 0``: a council whose
  effort costs it twice the prior answers at half the activity at every margin). Once a
  technique has two such moves or more, the board fits how the council gets there over
  its last moves (:func:`~solver.planning.board.response_fit.fit_response`): the speed
  ``l`` (a council that moves only part of the way from its last proposal each round) and
  the elasticity ``g`` (a council that values its effort at the round's own prices, so that
  its effort cost moves with its input costs), or a shifted line ``h = b m + d`` (a council
  with a threshold of its own). The speed is fitted wherever the council heads, idle and
  capacity included (a council easing half way towards idle is slow, not a curve through
  each proposal), and where two lags fit about as well, the lag the techniques whose moves
  leave no doubt share settles it.
* **anything else** (at capacity, idle, near either, or at a margin of zero or less): the
  curve moves sideways, just far enough that it reaches capacity (stays idle) at the
  round's margin, or towards an interior proposal as for stated effort.

A council believed to move part of the way is read by where its proposal says it is
heading, ``(x - (1 - l) x_last) / l`` (:meth:`EffortBelief.heading`), not by the proposal.

With no statements and proposals that follow the prior, the belief stays the prior. The
master LP (:func:`~solver.planning.board.master_blocks.technique_steps`) prices a technique's
activity by the belief at the prices it is centred on (:meth:`EffortBelief.at_prices`):
the marginal effort cost ``E_t(p) (x - d_t) / K`` above the activity ``(1 - l_t) x_last``
it expects to be kept. So what the board clears is what the councils propose, not its own
model of them.

Notes
-----
Measured (``benchmarks/bench_planning.py --sections autonomy``, ``benchmarks/results``):
reading every unstated proposal as a shifted curve of the prior's slope (the belief before
this one) took 7-9 rounds for councils whose effort costs twice the prior and did not
converge in 40 on the USA example for one at 0.4 times it; a secant estimate of the slope
from successive proposals diverged on councils that adjust in steps, since a lag and a
flatter curve look alike in two points. A curve through the proposal (the scale) is right
for both at once, and the fit over several moves tells them apart. Before stated councils'
moves could overrule their word, a council whose effort cost 1.5 or 2 times the prior and
that stated 4 times its marginal effort cost never converged in 40 rounds on
planning-town or Germany 1995: its proposals swung between idle or capacity and a point
the stated slope could not place.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from solver.planning.board.response_fit import (
    EDGE,
    HISTORY,
    contradicted,
    fit_response,
    line_error,
)
from solver.planning.councils import LinearWorkers, unit_margin

__all__ = ["SMALLEST_WEIGHT", "EffortBelief", "input_cost"]

SMALLEST_WEIGHT = 0.125
"""Least share of its error by which a stated council's curve moves towards a proposal."""

NEGLIGIBLE_ELASTICITY = 1e-6
"""Fitted elasticities below it are rounding (up to 4e-14 on the prior's own councils)."""

MOST_SCALE_CHANGE = 4.0
"""Largest factor by which one proposal may change the belief's effort scale."""

OVERRULE = 4.0
"""A stated council's moves overrule its statement where the statement's line (its slope,
the best shift) misses them by this factor more than the fit of its moves does, and by
:data:`OVERRULE_FLOOR` of capacity at least."""

OVERRULE_FLOOR = 0.005
"""Least miss of a statement's line, as a share of capacity, that overrules it: a council
that moves half way each round and states its true marginal effort cost misses its line by
less than 2 % of capacity near the plan, and at that floor took 31 rounds on a 60-good
technique-choice economy (10 at this one)."""

READABLE_BELOW_CAPACITY = 0.005
"""An unstated proposal this close to capacity (as a share of it) moves the curve sideways,
as one at capacity does, instead of reading a scale from it. Only this close: one 1 %
below capacity is as readable as one 10 % below (reading proposals 5 % below as sideways
moves left Germany 1995's councils that value effort at the round's prices 6-16 % out a
round later)."""

READABLE = 0.05
"""An unstated proposal within this share of capacity of idle moves the curve sideways
instead of reading a scale from it: near idle a small change of activity reads as a large
change of scale (a council just past a threshold of its own)."""


@dataclass(frozen=True)
class EffortBelief:
    """The board's belief about every technique's supply curve (see the module).

    Attributes
    ----------
    effort
        ``(T,)`` effort scale: the marginal effort cost ``E_t`` at capacity, at the input
        costs ``input_cost`` (0: no effort cost, the technique runs at capacity whenever its
        margin is positive).
    shift
        ``(T,)`` activity ``d_t`` the curve gives at a zero margin.
    weight
        ``(T,)`` share of the next error by which a stated council's curve moves.
    error
        ``(T,)`` the belief's last error at an interior stated proposal (0 before any).
    speed
        ``(T,)`` share of the way from its last proposal to its choice a council is expected
        to move next round (1: all the way).
    elasticity
        ``(T,)`` elasticity ``g_t`` of the effort scale to the technique's input cost.
    input_cost
        ``(T,)`` the input cost per unit at which ``effort`` holds (``NaN`` before any
        proposal: the prior's scale holds at any prices).
    previous
        ``(T,)`` the last proposed activity (``NaN`` before any).
    transitions
        ``(T, HISTORY, 4)`` the last moves: margin, activity before and after, input cost
        (``NaN`` where there is none).
    caught
        ``(T,)`` whether the council's last move contradicted its statement
        (:func:`~solver.planning.board.response_fit.contradicted`).
    """

    effort: np.ndarray
    shift: np.ndarray
    weight: np.ndarray
    error: np.ndarray
    speed: np.ndarray
    elasticity: np.ndarray
    input_cost: np.ndarray
    previous: np.ndarray
    transitions: np.ndarray
    caught: np.ndarray

    @property
    def lagging(self) -> bool:
        """Whether some council is expected to move only part of the way."""
        return bool(np.any(self.speed < 1.0))

    @property
    def price_dependent(self) -> bool:
        """Whether some council's effort cost moves with its input costs beyond rounding."""
        return bool(np.any(self.elasticity > NEGLIGIBLE_ELASTICITY))

    def at_full_speed(self) -> EffortBelief:
        """The same curves, every council expected to move all the way next round."""
        return replace(self, speed=np.ones_like(self.speed))

    def floor(self) -> np.ndarray:
        """Activity kept from the last proposal whatever the prices: ``(1 - speed) x_last``."""
        last = np.nan_to_num(self.previous, nan=0.0)
        return (1.0 - self.speed) * last

    def heading(self, activity: np.ndarray, capacity: np.ndarray) -> np.ndarray:
        """Where councils that proposed ``activity`` are heading, by their believed speeds:
        ``(x - (1 - l) x_last) / l`` within idle and capacity (``x`` where ``l = 1`` or there
        is no last proposal)."""
        slow = (self.speed < 1.0) & np.isfinite(self.previous)
        last = np.nan_to_num(self.previous, nan=0.0)
        implied = np.divide(
            activity - (1.0 - self.speed) * last,
            self.speed,
            out=np.zeros_like(self.speed),
            where=slow,
        )
        return np.where(slow, np.clip(implied, 0.0, capacity), activity)

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
            elasticity=np.zeros(n),
            input_cost=np.full(n, np.nan),
            previous=np.full(n, np.nan),
            transitions=np.full((n, HISTORY, 4), np.nan),
            caught=np.zeros(n, dtype=bool),
        )

    def at_prices(self, workers: LinearWorkers, prices: np.ndarray) -> EffortBelief:
        """The belief with its effort scales ``E_t(p)`` at ``prices`` (and their input costs)."""
        cost = input_cost(workers, prices)
        ratio = np.divide(
            cost,
            self.input_cost,
            out=np.ones_like(cost),
            where=np.isfinite(self.input_cost) & (self.input_cost > 0) & (cost > 0),
        )
        return replace(self, effort=self.effort * ratio**self.elasticity, input_cost=cost)

    def supply(self, workers: LinearWorkers, margin: np.ndarray) -> np.ndarray:
        """The activity each technique's council would choose at unit margins ``margin``
        (where it is heading; a slow council's next proposal is
        :meth:`expected_activity`), with the effort scales as they stand (see
        :meth:`at_prices`)."""
        k, e = workers.capacity, self.effort
        share = np.divide(margin, e, out=np.where(margin > 0, 1.0, 0.0), where=e > 0)
        return np.clip(k * share + np.where(e > 0, self.shift, 0.0), 0.0, k)

    def expected_activity(self, workers: LinearWorkers, prices: np.ndarray) -> np.ndarray:
        """The activity the belief expects of every technique's council next round at
        ``prices``: what it keeps of its last proposal and its share of the way to where it
        is heading, ``floor() + speed * supply(...)`` at the effort scales of ``prices``."""
        now = self.at_prices(workers, prices)
        return now.floor() + now.speed * now.supply(workers, unit_margin(workers, prices))

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
        now = self.at_prices(workers, prices)
        k = workers.capacity
        x = np.asarray(activity, dtype=float)
        margin = unit_margin(workers, prices)
        says = np.zeros(k.shape, dtype=bool)
        caught = np.zeros(k.shape, dtype=bool)
        effort = now.effort
        if stated is not None:  # the council's word on its slope
            s = np.asarray(stated, dtype=float)
            says = np.isfinite(s)
            caught = contradicted(s, margin, x, now.previous, k)
            # a council caught once is heard again once a move of its own agrees with its
            # word: the move after a contradicted one still tells its pace, not the word's
            says &= ~caught & ~now.caught
            slope = says & (s > 0) & (x > k * EDGE)
            effort = np.where(slope, np.divide(s * k, x, out=effort.copy(), where=slope), effort)
        has_effort = effort > 0
        # where the council is believed to move part of the way, where it is heading: the
        # curve is of its choice, not of the proposal (a slow council near capacity read
        # as a curve through its proposal was expected to stay short of capacity for good)
        h = now.heading(x, k)
        top = has_effort & (h >= k * (1.0 - EDGE))
        bottom = has_effort & (h <= k * EDGE)
        interior = has_effort & ~top & ~bottom

        # unstated: the effort scale that puts the prior's curve through the proposal
        readable = (
            interior & (margin > 0) & (h > READABLE * k) & (h < (1.0 - READABLE_BELOW_CAPACITY) * k)
        )
        scaled = readable & ~says
        reading = np.divide(k * margin, h, out=effort.copy(), where=scaled)
        reading = np.clip(reading, effort / MOST_SCALE_CHANGE, effort * MOST_SCALE_CHANGE)
        effort = np.where(scaled, reading, effort)
        shift = np.where(has_effort & ~scaled, now.shift, 0.0)

        # stated (or unstated at a margin of zero or less, which no scale explains): the
        # curve moves towards the proposal
        moved = interior & ~scaled
        rate = np.divide(k, effort, out=np.zeros_like(k), where=has_effort)
        error = np.where(moved, h - rate * margin - shift, 0.0)
        turned = error * now.error < 0
        weight = np.where(
            moved,
            np.where(
                turned,
                np.maximum(0.5 * now.weight, SMALLEST_WEIGHT),
                np.minimum(2.0 * now.weight, 1.0),
            ),
            now.weight,
        )
        shift = shift + weight * error
        # at capacity or idle: just far enough
        shift = np.where(top, np.maximum(shift, k - rate * margin), shift)
        shift = np.where(bottom, np.minimum(shift, -rate * margin), shift)

        # the moves: how fast the council gets there, and whether its effort moves with its
        # input costs; where they contradict a council's statement, they overrule it
        step = np.stack([margin, now.previous, x, now.input_cost], axis=1)
        step[~has_effort | ~np.isfinite(now.previous)] = np.nan
        transitions = np.concatenate([now.transitions[:, 1:], step[:, None, :]], axis=1)
        fitted, lag, elasticity, heading_slope, fitted_shift, fit_error = fit_response(
            transitions, now.input_cost, k, now.elasticity, rate
        )
        # how fast a council moves shows in its moves wherever it heads, idle included
        paced = fitted & ~says & (heading_slope > 0)
        stated_error = line_error(transitions, k, rate)  # the stated slope, K / E_t
        overruled = (
            fitted
            & readable
            & says
            & (heading_slope > 0)
            & (stated_error > np.maximum(OVERRULE * fit_error, OVERRULE_FLOOR))
        )
        fitted &= (scaled | overruled) & (heading_slope > 0)
        # a council at its choice on a scaled curve is read exactly by the latest scale;
        # a slow one, or one on a shifted line, by the fit
        refit = fitted & ((lag > 0) | (fitted_shift != 0.0) | overruled)
        effort = np.where(
            refit, np.divide(k, heading_slope, out=effort.copy(), where=refit), effort
        )
        shift = np.where(fitted, fitted_shift, shift)
        speed = np.where(fitted | paced, 1.0 - lag, np.where(says, 1.0, now.speed))
        weight = np.where(overruled, 1.0, weight)
        return replace(
            now,
            effort=effort,
            shift=shift,
            weight=weight,
            error=np.where(overruled, 0.0, np.where(moved, error, now.error)),
            speed=speed,
            elasticity=np.where(fitted, elasticity, np.where(says, 0.0, now.elasticity)),
            previous=x.copy(),
            transitions=transitions,
            caught=caught,
        )


def input_cost(workers: LinearWorkers, prices: np.ndarray) -> np.ndarray:
    """Each technique's inputs (goods, primary inputs, permits) per unit at ``prices``."""
    return np.asarray(workers.inputs @ np.asarray(prices, dtype=float), dtype=float)
