"""The ``lp`` rule's third way to solve a round: column generation over the board's model
of Cobb-Douglas worker councils (see :class:`~solver.planning.rules.lp.LPRule`, "Model
columns")."""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass

import numpy as np
from typing_extensions import override

from solver.planning.board.council_groups import CouncilGroups, columns_apart
from solver.planning.board.excess import clearing_excess
from solver.planning.board.master import BoardMaster, MasterLPResult
from solver.planning.board.profit_model import (
    ProfitModel,
    income_adjusted_demand,
    model_clearing_prices,
    permit_sellers_spending,
)
from solver.planning.board.stabilisation import Stabilisation
from solver.planning.market import Market, Proposals
from solver.planning.rules.base import RuleStep, next_box, trust_region
from solver.planning.rules.lp_memory import BoardMemory, RoundStrategy
from solver.status import TerminationCondition

__all__ = [
    "MOST_CORRECTION",
    "PRICE_PRECISION_PER_EXCESS",
    "SAME_COLUMN",
    "ModelColumns",
    "ModelTarget",
    "column_tolerance",
]


@dataclass(frozen=True)
class ModelTarget:
    """The board's model of one round (:class:`~solver.planning.board.ProfitModel` fitted to
    the worker councils' proposals) and the prices that clear it, with what it was fitted
    to: final demand and offered permits, their elasticities, and the permit sellers' part
    of demand and budget (:func:`~solver.planning.board.profit_model.permit_sellers_spending`)."""

    model: ProfitModel
    prices: np.ndarray
    requests: np.ndarray
    permits: np.ndarray
    demand_elasticity: np.ndarray
    permit_elasticity: np.ndarray
    earned: np.ndarray | None
    budget: float


class ModelColumns(RoundStrategy):
    """Column generation over the board's model of Cobb-Douglas worker councils (see
    :class:`~solver.planning.rules.lp.LPRule`, "Model columns")."""

    def __init__(
        self,
        memory: BoardMemory,
        *,
        grid_steps: int,
        box: float,
        column_rounds: int,
        column_gap: float,
        group_councils: bool,
        damping: float | None,
    ) -> None:
        self.memory = memory
        self.grid_steps = grid_steps
        self.widest_box = box
        self._box = box
        self._last_excess: float | None = None
        self.column_rounds = column_rounds
        self.column_gap = column_gap
        self.group_councils = group_councils
        self.damping = damping

    def model_target(
        self,
        market: Market,
        prices: np.ndarray,
        proposals: Proposals,
        supply: np.ndarray,
        demand: np.ndarray,
    ) -> ModelTarget:
        """Fit the board's model to a round of Cobb-Douglas councils' proposals and clear it.

        Keeps the round's proposals (only those: the model refitted to them stands for the
        earlier ones) and moves the box (:func:`next_box`) by the round's largest excess.
        """
        requests, permits, eps_d, eps_p = self.memory.take_round(market, prices, proposals)
        del self.memory.history[:-1]
        excess = float(clearing_excess(supply, demand, prices, 0.01).max(initial=0.0))
        self._box = next_box(self._box, excess, self._last_excess, self.widest_box)
        self._last_excess = excess
        model = ProfitModel.fit(self.memory.history[-1], prices)
        # the councils that sell permits spend what they earn
        earned, budget = permit_sellers_spending(market, proposals.consumer_requests)
        cleared = model_clearing_prices(
            model,
            market,
            requests,
            eps_d,
            permits,
            eps_p,
            np.full(prices.shape, self._box),
            earned_demand=earned,
            budget=budget,
        )
        return ModelTarget(
            model=model,
            prices=cleared,
            requests=requests,
            permits=permits,
            demand_elasticity=eps_d,
            permit_elasticity=eps_p,
            earned=earned,
            budget=budget,
        )

    @override
    def step(
        self,
        market: Market,
        prices: np.ndarray,
        proposals: Proposals,
        supply: np.ndarray,
        demand: np.ndarray,
    ) -> RuleStep:
        """A round with model columns: seed, column generation, duals (see the class)."""
        fit = self.model_target(market, prices, proposals, supply, demand)
        model, seed = fit.model, fit.prices
        # permit sellers' demand follows their income from permits at the seed prices
        requests = income_adjusted_demand(
            fit.requests, fit.earned, fit.budget, fit.permits, fit.permit_elasticity, prices, seed
        )
        # The master is centred on the model's clearing prices, its demand and permit steps
        # following the board's model of them from there, so that the seed is a point of
        # every grid. The duals may correct the model's move by half of it, at most
        # MOST_CORRECTION (and 0.5 %), so that the correction fades as the model's moves do;
        # the steps cover that window. (Centred on the round's prices instead, a grid
        # spanning the move as well placed the seed within a step of 1-4 % on Pequod-plus,
        # and column generation chased the duals across that step for 10 passes.)
        window = np.minimum(0.5 * np.abs(np.log(seed / prices)), MOST_CORRECTION) + 0.005
        levels = requests * (seed / prices) ** fit.demand_elasticity
        offered = fit.permits * (seed / prices) ** fit.permit_elasticity
        ratios = np.exp(window / self.grid_steps)
        groups = CouncilGroups.of(
            market, self.memory.history[-1], model, by_product=self.group_councils
        )
        at_seed = groups.model_columns(model, seed)
        volume = np.asarray(abs(at_seed.use).sum(axis=0)).ravel() + levels + offered
        started = time.perf_counter()
        # a group's proposals next to the model's column at the seed add nothing where the
        # two are the same point (see SAME_COLUMN)
        proposed = columns_apart(groups.summed(self.memory.history[-1]), at_seed, SAME_COLUMN)
        master = BoardMaster(
            [proposed, at_seed],
            market,
            levels,
            offered,
            seed,
            demand_elasticity=fit.demand_elasticity,
            permit_elasticity=fit.permit_elasticity,
            grid_ratio=float(ratios.max()),
            grid_steps=self.grid_steps,
            item_ratio=ratios,
            stabilisation=Stabilisation(
                centre=seed, volume=volume, bounds=(seed * np.exp(-window), seed * np.exp(window))
            ),
            method=self.memory.method,
            time_limit=self.memory.time_limit,
        )
        ratio = float(np.exp(self._box))
        gap = column_tolerance(self.column_gap, self._last_excess or 0.0)
        optimal: MasterLPResult | None = None  # the last pass solved to optimality
        for passes in range(self.column_rounds + 1):
            if (
                self.memory.time_limit is not None
            ):  # the limit holds for the round's solves together
                master.time_limit = max(
                    self.memory.time_limit - (time.perf_counter() - started), 0.01
                )
            result = master.solve()
            if optimal is not None and result.termination is TerminationCondition.MAX_TIME_LIMIT:
                # the time ran out in a later pass: the last optimal pass's duals stand (its
                # LP was solved; only its columns were still being improved)
                result = optimal
                break
            if not result.is_ok:
                # stopped or failed: no prices from this round (a service abandons it)
                return RuleStep(prices=prices.copy(), lp=_total(result, master))
            optimal = result
            duals = trust_region(trust_region(result.prices, seed, np.exp(window)), prices, ratio)
            values = master.council_values
            best = groups.model_columns(model, duals)
            gain = groups.gain(best, duals, values)
            if passes == self.column_rounds or gain <= gap * np.abs(values).sum():
                break
            master.drop_unused_workers()
            master.add_workers(best)
        damping = 1.0 if self.damping is None else self.damping
        new = (1.0 - damping) * prices + damping * duals
        return RuleStep(prices=new, lp=_total(result, master))


MOST_CORRECTION = 0.1
"""Largest log price correction of the model's clearing prices a round's master may make.

Half the model's move alone let the first round's duals go a factor 2.8 from the seed on a
10,000-good Pequod economy: the councils' answers there (Cobb-Douglas supply grows as a
power of the price ratio) gave columns with coefficients up to 1.6e5, and the round's
column generation ran 782 s into its time limit. Capped at 0.1 it took 77 s, optimal, and
the plan 3 rounds; the round counts of the Pequod, robustness and scaling runs did not move:
the next round's model, refitted to the proposals, makes larger corrections."""

PRICE_PRECISION_PER_EXCESS = 0.2
"""Relative precision of a round's prices per unit of its largest excess (see
:func:`column_tolerance`)."""

SAME_COLUMN = 1e-3
"""Relative distance within which a group's summed proposals are the model's column at the
seed (:func:`~solver.planning.board.council_groups.columns_apart`), and are left out of the
round's master.

The model is fitted to the proposals, so the two are points of one supply curve, at the
round's prices and at the seed; where the seed is within a fraction of a per cent of the
round's prices, they are the same point to well within the precision a round's prices
need. Kept, the pairs made the master degenerate: near convergence, on a 10,000-good
Pequod economy, simplex needed 11,344 pivots from the crash basis (6.3 s; 23 s where the
pivots ran out and the interior point method took over) and none without them (0.1 s); on
a 100,000-item one it ran for minutes. Round counts and prices did not change."""


def column_tolerance(column_gap: float, excess: float) -> float:
    """Relative gain at which a round's column generation stops: ``column_gap``, or
    ``(0.2 excess)^2`` where that is larger.

    Prices need be no more precise than the round's excess warrants: a round at 200 %
    excess is followed by proposals that refit the model anyway. The master's gap grows
    with the square of the duals' error (the dual function is smooth at its minimum), so a
    relative precision of a fifth of the excess is a gap of its square. On Pequod economies
    the first round (excess 2.0) then stops after its first pass, whose gain is 7 %: the
    second pass, with a column more per group, is an LP that simplex does not finish from
    the first pass's basis and that HiGHS's interior point method solves in 14 s at 10,000
    goods and 7 minutes at 100,000 items (a tenth of the excess asked for it). The rounds to
    convergence did not change (the Pequod setting, its robustness cases, 10,000 goods);
    near convergence ``column_gap`` rules.
    """
    return max(column_gap, (PRICE_PRECISION_PER_EXCESS * excess) ** 2)


def _total(result: MasterLPResult, master: BoardMaster) -> MasterLPResult:
    """``result`` with the HiGHS time of every solve of ``master``."""
    return dataclasses.replace(result, seconds=master.seconds, n_cols=master.n_cols)
