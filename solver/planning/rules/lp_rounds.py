"""The three ways the ``lp`` rule solves a round, each a class chosen once, when the rule
first meets its market (:class:`~solver.planning.rules.lp.LPRule`):

* :class:`RefinedWindows`: the master solved once per window, each centred on the last
  solve's duals (linear councils, and any market without the two below);
* :class:`StabilisedCentre`: one master solve centred on the best prices so far by the
  dual function (Cobb-Douglas worker councils where that function is exact);
* :class:`~solver.planning.rules.lp_model_columns.ModelColumns`: column generation over
  the board's model of Cobb-Douglas worker councils (its own module).

Each keeps the state only it needs; what every way needs is the rule's
:class:`~solver.planning.rules.lp_memory.BoardMemory`.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator, Sequence

import numpy as np
from typing_extensions import override

from solver.interior_point import CENTRING_TOLERANCE
from solver.planning.board.dual_function import dual_value
from solver.planning.board.excess import clearing_excess
from solver.planning.board.master import MasterLPResult, solve_master_lp
from solver.planning.market import Market, Proposals
from solver.planning.rules.base import RuleStep, trust_region
from solver.planning.rules.lp_memory import BoardMemory, RoundStrategy

__all__ = ["REFINE_WINDOWS", "SETTLING_SOLVES", "RefinedWindows", "StabilisedCentre"]

REFINE_WINDOWS = (float(np.log(8.0)), float(np.log(1.08)), float(np.log(1.01)))
"""Log price half-widths of the master solves of a round without model columns."""

SETTLING_SOLVES = 6
"""Most extra solves of the finest window while effort scales that move with prices settle."""


class RefinedWindows(RoundStrategy):
    """The master solved once per window of ``refine`` (see :meth:`solve`).

    Notes
    -----
    No solve asks for a vertex. The master's primal is not used, and every optimal dual
    clears it equally; where our interior point method solves it (the masters of many
    single-entry steps), its point's duals lie inside the optimal face, near its centre, and
    stand within :data:`~solver.interior_point.CENTRE_TOLERANCE`. A vertex cost a tail from
    1e-8 to 1e-10 and HiGHS's crossover, which ended optimal on the first rounds of small
    economies and failed on the 10,000-good masters every round (2.7-3.9 s each, the point's
    duals standing all the same): the first round's finest window took 15.5 s for a vertex
    it did not get, 9.3 s without asking (25 iterations against 30), with the same
    excesses in every round. A session's prices were also of two kinds before, a vertex's
    until the first crossover failed and a point's after it. Masters that HiGHS solves
    (simplex on small ones) still end at a vertex.
    """

    def __init__(
        self, memory: BoardMemory, *, refine: Sequence[float], grid_steps: int, damping: float
    ) -> None:
        self.memory = memory
        self.refine = tuple(refine)
        self.grid_steps = grid_steps
        self.damping = damping

    @override
    def step(
        self,
        market: Market,
        prices: np.ndarray,
        proposals: Proposals,
        supply: np.ndarray,
        demand: np.ndarray,
    ) -> RuleStep:
        requests, permits, eps_d, eps_p = self.memory.take_round(market, prices, proposals)
        target, result = self.solve(market, prices, requests, permits, eps_d, eps_p)
        new = (1.0 - self.damping) * prices + self.damping * target
        return RuleStep(prices=new, lp=result)

    def solve(
        self,
        market: Market,
        prices: np.ndarray,
        requests: np.ndarray,
        permits: np.ndarray,
        eps_d: np.ndarray,
        eps_p: np.ndarray,
    ) -> tuple[np.ndarray, MasterLPResult]:
        """The master solved once per window of :attr:`refine`, each centred on the last
        solve's duals.

        The demand and permit steps of each solve follow the board's model of them from the
        round's requests, ``D (c / p)^eps`` at the centre ``c``; the techniques' steps are
        exact at any centre. So the last solve's duals clear the board's model of the round
        to the last window's precision, where one solve on a grid wide enough to reach them
        would only get within a grid step (1 %-22 % on a ``1.005^40`` grid).
        """
        centre = prices
        seconds, result = 0.0, None
        stepped = (requests > 0) | (permits > 0)
        widest, finest = float(np.exp(max(self.refine))), min(self.refine)
        started = time.perf_counter()
        belief = self.memory.effort_belief
        moved = [np.inf]  # the largest log price move of the last solve

        def windows() -> Iterator[float]:
            yield from self.refine
            if belief is None or not belief.price_dependent:
                return
            # The techniques' steps are exact only at the centre where their effort scales
            # are read, and those move with the prices: solve again at each solve's duals
            # until no price moves by a tenth of the finest window (a fixed 4th solve left
            # the USA example 1.1-1.4 % out for 40 rounds), then once a tenth as wide.
            for _ in range(SETTLING_SOLVES):
                if moved[0] <= finest / 10.0:
                    break
                yield finest
            yield finest / 10.0

        for window in windows():
            # the board's demand model at the centre (items without steps keep none)
            scale = np.divide(centre, prices, out=np.ones_like(centre), where=stepped)
            time_limit = self.memory.time_limit
            if time_limit is not None:  # the limit holds for the round's solves together
                time_limit = max(time_limit - (time.perf_counter() - started), 0.01)
            options = {
                "demand_elasticity": eps_d,
                "permit_elasticity": eps_p,
                "grid_ratio": float(np.exp(window / self.grid_steps)),
                "grid_steps": self.grid_steps,
                "method": self.memory.method,
                "time_limit": time_limit,
                # no crossover to a vertex: every optimal dual is as good a price, and the
                # point's own lie inside the optimal face (see the class's notes)
                "vertex": False,
                # every window's master has the same rows: each starts from the last duals
                "dual_start": self.memory.master_duals,
                # a coarser window's duals only centre the next: no need for them to 1e-8
                "tolerance": CENTRING_TOLERANCE if window > finest else None,
            }
            expected, offered = requests * scale**eps_d, permits * scale**eps_p
            result = solve_master_lp(
                self.memory.history,
                market,
                expected,
                offered,
                centre,
                effort_belief=belief,
                **options,
            )
            if result.is_infeasible and belief is not None and belief.lagging:
                # what slow councils keep of their proposals may not fit under a cap: no
                # prices make that plan feasible, so expect every council to move all the way
                seconds += result.seconds
                belief = belief.at_full_speed()
                result = solve_master_lp(
                    self.memory.history,
                    market,
                    expected,
                    offered,
                    centre,
                    effort_belief=belief,
                    **options,
                )
            seconds += result.seconds
            if result.row_dual is not None:
                self.memory.master_duals = result.row_dual
            if not result.is_ok:
                if centre is prices:  # no solve gave prices: keep the round's own
                    return prices.copy(), result
                break
            # Items with demand or permit steps are known only within the window. The
            # others (primary inputs, capped permits) are priced by the techniques' steps,
            # exact at any centre, which a window would only keep from settling: a coarse
            # first grid places a permit price within tens of per cent, finer ones correct
            # it, and an input in excess supply falls to zero at once (a factor 8 a round
            # took 4 rounds on a 30-good economy). They rise by at most the widest window.
            unstepped = np.minimum(result.prices, trust_region(result.prices, prices, widest))
            last = centre
            centre = np.where(
                stepped, trust_region(result.prices, centre, float(np.exp(window))), unstepped
            )
            both = (last > 0) & (centre > 0)
            moved[0] = float(np.abs(np.log(centre[both] / last[both])).max(initial=0.0))
        assert result is not None
        return centre, dataclasses.replace(result, seconds=seconds)


class StabilisedCentre(RoundStrategy):
    """One master solve a round, centred on the best prices so far by the dual function
    (see :meth:`solve`)."""

    def __init__(
        self, memory: BoardMemory, *, grid_ratio: float, grid_steps: int, damping: float
    ) -> None:
        self.memory = memory
        self.grid_ratio = grid_ratio
        self.grid_steps = grid_steps
        self.damping = damping
        self._centre: tuple[np.ndarray, float, np.ndarray, np.ndarray] | None = None
        self._radius: np.ndarray | None = None

    @override
    def step(
        self,
        market: Market,
        prices: np.ndarray,
        proposals: Proposals,
        supply: np.ndarray,
        demand: np.ndarray,
    ) -> RuleStep:
        requests, permits, eps_d, eps_p = self.memory.take_round(market, prices, proposals)
        target, result = self.solve(
            market, prices, proposals, supply, demand, requests, permits, eps_d, eps_p
        )
        centre = self._centre[0] if self._centre is not None else prices
        new = (1.0 - self.damping) * centre + self.damping * target
        return RuleStep(prices=new, lp=result)

    def _radii(self, n: int) -> np.ndarray:
        if self._radius is None or self._radius.shape != (n,):
            self._radius = np.full(n, self.grid_steps * np.log(self.grid_ratio))
        return self._radius

    def _min_radius(self) -> float:
        return self.grid_steps * float(np.log1p(1e-4))

    def solve(
        self,
        market: Market,
        prices: np.ndarray,
        proposals: Proposals,
        supply: np.ndarray,
        demand: np.ndarray,
        requests: np.ndarray,
        permits: np.ndarray,
        eps_d: np.ndarray,
        eps_p: np.ndarray,
    ) -> tuple[np.ndarray, MasterLPResult]:
        """One master solve centred on the best prices so far by the dual function."""
        radius = self._radii(prices.shape[0])
        excess = float(clearing_excess(supply, demand, prices, 0.01).max(initial=0.0))
        this_round = self.memory.history[-1] if market.cobb_douglas is not None else None
        value = dual_value(market, proposals, prices, eps_p, this_round)
        if self._centre is None or value < self._centre[1]:
            if self._centre is not None:  # a serious step: widen the search again
                radius = np.minimum(1.5 * radius, np.log(4.0))
            self._centre = (prices, value, requests, permits)
        else:  # a null step: keep the centre, narrow the search around it
            radius = np.maximum(0.5 * radius, self._min_radius())
        # no wider than the excesses call for, so prices settle as the excesses vanish
        radius = np.clip(radius, self._min_radius(), np.log1p(2.0 * excess))
        self._radius = radius
        centre, _, requests, permits = self._centre
        result = solve_master_lp(
            self.memory.history,
            market,
            requests,
            permits,
            centre,
            demand_elasticity=eps_d,
            permit_elasticity=eps_p,
            grid_ratio=float(np.exp(radius.max() / self.grid_steps)),
            grid_steps=self.grid_steps,
            item_ratio=np.exp(radius / self.grid_steps),
            effort_belief=self.memory.effort_belief,
            method=self.memory.method,
            time_limit=self.memory.time_limit,
        )
        return trust_region(result.prices, centre, np.exp(radius)), result
