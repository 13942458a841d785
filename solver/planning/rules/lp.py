"""The ``lp`` rule: the next indicative prices are the shadow prices of the board's master
LP, with column generation over the board's model of the councils."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from typing_extensions import override

from solver.planning.board.effort_belief import EffortBelief
from solver.planning.board.master_blocks import WorkerColumns
from solver.planning.market import Market, Proposals
from solver.planning.rules.base import WIDEST_BOX, PriceRule, RuleStep
from solver.planning.rules.lp_memory import BoardMemory, RoundStrategy
from solver.planning.rules.lp_model_columns import ModelColumns, ModelTarget
from solver.planning.rules.lp_rounds import REFINE_WINDOWS, RefinedWindows, StabilisedCentre
from solver.status import Method

__all__ = ["REFINE_WINDOWS", "LPRule", "ModelTarget", "dual_value_is_exact"]


class LPRule(PriceRule):
    """The ``lp`` rule: the next prices are the shadow prices of the board's master LP.

    The LP (:class:`~solver.planning.board.master.BoardMaster`) is the Dantzig-Wolfe master of the
    planning problem: worker councils' proposals as columns (linear councils' techniques as
    steps of rising effort cost, priced by the board's belief about each council, which
    their proposals and stated effort costs correct every round), consumers' requests as
    demand steps, fixed supplies as limits. Its duals are the next prices (undamped by
    default; ``p <- (1 - damping) p + damping dual`` otherwise), kept within a trust
    region. Demand elasticities start at the Cobb-Douglas value -1 and are then estimated
    from the last two rounds (arc elasticities, clipped).

    **Model columns** (``model_columns``, on where worker councils are Cobb-Douglas
    producers). A master that holds only the proposals received so far needs rounds before
    its columns span the equilibrium. So the board also fills the master with the proposals
    its model of each council predicts (:class:`~solver.planning.board.ProfitModel`, fitted
    to the council's latest proposal and stated effort by Hotelling's lemma), by column
    generation:

    1. the model's clearing prices (:func:`~solver.planning.board.model_clearing_prices`)
       centre the master: the councils' predicted proposals there, beside their real
       ones, and demand and permit steps following the board's model from there. The
       councils of each product are one convexity row, their columns summed at common
       prices (``group_councils``, :mod:`~solver.planning.board.council_groups`), and a
       small reserve of every item around the centre keeps the duals the master is
       indifferent about there (stabilised column generation,
       :mod:`~solver.planning.board.stabilisation`);
    2. the master is solved; every group's predicted proposal at the duals enters as a
       new column, and the master is solved again, until no group's prediction beats
       the master's value of that group by more than ``column_gap`` of the total (at
       most ``column_rounds`` times);
    3. the duals are the next prices, kept within half the model's move of the model's
       clearing prices (``0.5 |ln(seed / p)| + 0.005`` in log prices, per item) and within a
       box around the round's prices (``box``, halved after a round whose excess grew).

    The duals are then the master's own, at the optimum of column generation over the
    model: each council's best predicted answer to them is already among its columns. The
    real proposals correct the model every round, since it is refitted to them.

    Parameters
    ----------
    damping
        Weight of the new duals; default 1. With model columns the master's duals are those
        of column generation run to its end; with linear councils the master holds their
        techniques exactly, steps of effort cost from idle to capacity, so a damped move
        would only halve each round's step.
    grid_ratio, grid_steps
        Price grid of the demand steps: precision ``grid_ratio - 1``, trust region
        ``grid_ratio ** grid_steps``.
    demand_elasticity, permit_elasticity
        Elasticities assumed before two rounds allow an estimate.
    estimate_elasticities
        Estimate elasticities from the rounds (else keep the assumed ones).
    model_columns
        Column generation with the board's model of the councils (above). ``None``
        (default): on for Cobb-Douglas worker councils; linear councils state their
        techniques, so the master knows them exactly without a model.
    column_rounds, column_gap
        Most column-generation passes per round, and the relative gain below which they
        stop.
    group_councils
        One convexity row per product's councils (default), else one per council: the
        same master optimum, with 3,050 rows instead of 80 on the Pequod setting.
    box
        Widest log price move per round with model columns (a log half-width: ``ln 8``
        lets a price move by a factor 8).
    refine
        Without model columns or the centre (below): the master is solved once per window,
        each solve centred on the last one's duals, its demand steps following the board's
        demand model there, on a grid of ``grid_steps`` steps a side spanning the window
        (a log price half-width). Default ``ln 8, ln 1.08, ln 1.01``: a price may move by a
        factor 8 in a round and the last solve places it to 0.025 %.
    stabilise
        Without model columns: proximal-bundle-style centre: the LP and its trust region
        are centred on the best prices so far by the dual function
        (:func:`~solver.planning.board.dual_function.dual_value`); prices that do not lower it are
        a null step (their proposals still enter as columns, and the trust region halves;
        a step that lowers it widens the region by half). ``None`` (default): on for Cobb-Douglas
        worker councils where that dual function is exact (every consumer council and
        federation Cobb-Douglas, no permit sellers). Elsewhere each item's trust region
        adapts on its own (doubling while its price keeps moving one way, halving when it
        turns back).
    learn_effort
        Linear councils: price each technique by the board's belief about its council's
        effort (:class:`~solver.planning.board.effort_belief.EffortBelief`), which every
        round's proposals and stated effort costs correct, rather than by the economy's
        prior alone. On by default: the prior is the board's model, not the council.
    method, time_limit
        Method per LP (:class:`~solver.planning.board.master.BoardMaster`), and the time
        limit of a round's master LP solves together.

    Notes
    -----
    Measurements behind the defaults (``benchmarks/bench_planning.py``; results in
    ``benchmarks/results/planning.md``):

    * without model columns the master needed 9 rounds on the published Pequod setting
      (3,000 + 3,000 councils, 50 goods, tolerance 3 %), 15-18 with the pollutant;
    * damping 0.5 with linear councils gave a linear tail: 14-16 rounds on the bundled
      examples against 5-6 undamped;
    * a single wide solve per round (a ``1.005^40`` grid, per-item trust regions) took 5-6
      rounds on the bundled IO examples to tolerance 0.01, where the refined windows take 2;
    * the stabilised centre took 9 rounds instead of 11-12 on the Pequod setting; with
      linear councils it stalled on the USA example (excess 1.0 after 300 rounds) although
      the dual function is exact there too, hence its default off for them.
    """

    name = "lp"

    def __init__(
        self,
        *,
        damping: float | None = None,
        grid_ratio: float = 1.005,
        grid_steps: int = 40,
        demand_elasticity: float = -1.0,
        permit_elasticity: float = 0.5,
        estimate_elasticities: bool = True,
        model_columns: bool | None = None,
        column_rounds: int = 10,
        column_gap: float = 1e-6,
        group_councils: bool = True,
        box: float = WIDEST_BOX,
        refine: Sequence[float] = REFINE_WINDOWS,
        stabilise: bool | None = None,
        learn_effort: bool = True,
        method: Method = Method.AUTO,
        time_limit: float | None = None,
    ) -> None:
        if damping is not None and not 0.0 < damping <= 1.0:
            raise ValueError(f"damping: must be in (0, 1], got {damping}")
        if grid_ratio <= 1.0 or grid_steps < 1:
            raise ValueError("grid_ratio must exceed 1 and grid_steps be at least 1")
        if column_rounds < 0 or column_gap < 0.0:
            raise ValueError("column_rounds and column_gap must not be negative")
        if not refine or any(not float(w) > 0.0 for w in refine):
            raise ValueError(f"refine: give one or more positive windows, got {refine!r}")
        if box <= 0.0:
            raise ValueError(f"box: must be positive, got {box}")
        self.damping = damping
        self.grid_ratio = grid_ratio
        self.grid_steps = grid_steps
        self.model_columns = model_columns
        self.refine = tuple(float(w) for w in refine)
        self.stabilise = stabilise
        self.memory = BoardMemory(
            demand_elasticity=demand_elasticity,
            permit_elasticity=permit_elasticity,
            estimate_elasticities=estimate_elasticities,
            learn_effort=learn_effort,
            method=method,
            time_limit=time_limit,
        )
        self._model = ModelColumns(
            self.memory,
            grid_steps=grid_steps,
            box=box,
            column_rounds=column_rounds,
            column_gap=column_gap,
            group_councils=group_councils,
            damping=damping,
        )
        self._round: RoundStrategy | None = None

    # -- the rule's memory, shared by the three ways of solving a round -----------------

    @property
    def time_limit(self) -> float | None:
        """HiGHS time limit of a round's master LP solves together, in seconds (``None``: none)."""
        return self.memory.time_limit

    @time_limit.setter
    def time_limit(self, seconds: float | None) -> None:
        self.memory.time_limit = seconds

    @property
    def effort_belief(self) -> EffortBelief | None:
        """The board's belief about linear councils' effort (``None`` before any round)."""
        return self.memory.effort_belief

    @effort_belief.setter
    def effort_belief(self, belief: EffortBelief | None) -> None:
        self.memory.effort_belief = belief

    @property
    def history(self) -> list[WorkerColumns]:
        """Cobb-Douglas worker councils' proposals kept as master columns."""
        return self.memory.history

    def observe(
        self, market: Market, prices: np.ndarray, proposals: Proposals
    ) -> tuple[np.ndarray, np.ndarray, tuple[np.ndarray, np.ndarray, np.ndarray] | None]:
        """Remember a round (:meth:`BoardMemory.observe`)."""
        return self.memory.observe(market, prices, proposals)

    def learn_from(self, market: Market, prices: np.ndarray, activity: np.ndarray) -> None:
        """Start from an earlier plan's final activities (:meth:`BoardMemory.learn_from`)."""
        self.memory.learn_from(market, prices, activity)

    def expected_activity(self, market: Market, prices: np.ndarray) -> np.ndarray | None:
        """What the board expects of linear councils next round
        (:meth:`BoardMemory.expected_activity`)."""
        return self.memory.expected_activity(market, prices)

    def model_target(
        self,
        market: Market,
        prices: np.ndarray,
        proposals: Proposals,
        supply: np.ndarray,
        demand: np.ndarray,
    ) -> ModelTarget:
        """Fit the board's model to a round and clear it (:meth:`ModelColumns.model_target`)."""
        return self._model.model_target(market, prices, proposals, supply, demand)

    # -- a round -----------------------------------------------------------------------

    @override
    def next_prices(
        self,
        market: Market,
        prices: np.ndarray,
        proposals: Proposals,
        supply: np.ndarray,
        demand: np.ndarray,
    ) -> RuleStep:
        if self._round is None:  # the way to solve rounds, chosen once for this market
            self._round = self._choose(market)
        return self._round.step(market, prices, proposals, supply, demand)

    def _choose(self, market: Market) -> RoundStrategy:
        if self.model_columns is None:
            self.model_columns = market.cobb_douglas is not None
        if self.model_columns:
            return self._model
        damping = 1.0 if self.damping is None else self.damping
        if self.stabilise is None:
            self.stabilise = market.cobb_douglas is not None and dual_value_is_exact(market)
        if self.stabilise:
            return StabilisedCentre(
                self.memory, grid_ratio=self.grid_ratio, grid_steps=self.grid_steps,
                damping=damping,
            )  # fmt: skip
        return RefinedWindows(
            self.memory, refine=self.refine, grid_steps=self.grid_steps, damping=damping
        )


def dual_value_is_exact(market: Market) -> bool:
    """Whether :func:`~solver.planning.board.dual_function.dual_value` is the exact dual function
    of ``market``.

    With fixed budgets, Cobb-Douglas demand is that of a quasi-linear utility (``I w_j / W``
    times ``ln x_j``, minus spending), so the consumers' part of the dual is known; other CES
    forms and incomes from selling permits have no such form.
    """
    groups = [market.consumers] + ([market.federations] if market.federations is not None else [])
    return market.permits is None and all(bool(np.all(g.elasticity == 1.0)) for g in groups)


class _HoldsLPRule:
    """A rule that solves its LP rounds with a :class:`LPRule` in ``self._lp``."""

    _lp: LPRule

    @property
    def time_limit(self) -> float | None:
        """HiGHS time limit of each LP round, in seconds (``None``: none)."""
        return self._lp.time_limit

    @time_limit.setter
    def time_limit(self, seconds: float | None) -> None:
        self._lp.time_limit = seconds

    def expected_activity(self, market: Market, prices: np.ndarray) -> np.ndarray | None:
        """What the board expects of linear councils next round (:class:`LPRule`)."""
        return self._lp.expected_activity(market, prices)

    def learn_from(self, market: Market, prices: np.ndarray, activity: np.ndarray) -> None:
        """Start from an earlier plan's final activities (:meth:`LPRule.learn_from`)."""
        self._lp.learn_from(market, prices, activity)
