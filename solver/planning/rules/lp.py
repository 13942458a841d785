"""The ``lp`` rule: the next indicative prices are the shadow prices of the board's master
LP, with column generation over the board's model of the councils."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from solver.planning.board.dual_function import dual_value
from solver.planning.board.effort_belief import EffortBelief
from solver.planning.board.excess import clearing_excess
from solver.planning.board.master import BoardLPResult, BoardMaster, solve_board_lp
from solver.planning.board.master_blocks import WorkerColumns, worker_columns
from solver.planning.board.profit_model import (
    ProfitModel,
    income_adjusted_demand,
    model_clearing_prices,
    permit_sellers_spending,
)
from solver.planning.councils import unit_margin
from solver.planning.market import Market, Proposals, elastic_supply, final_demand
from solver.planning.rules.base import WIDEST_BOX, RuleStep, _secant, next_box, trust_region
from solver.status import Method, TerminationCondition

__all__ = ["REFINE_WINDOWS", "BoardLP", "ModelTarget", "dual_value_is_exact"]

REFINE_WINDOWS = (float(np.log(8.0)), float(np.log(1.08)), float(np.log(1.01)))

SETTLING_SOLVES = 6
"""Most extra solves of the finest window while effort scales that move with prices settle."""
"""Log price half-widths of the master solves of a round without model columns."""


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


class BoardLP:
    """The ``lp`` rule: the next prices are the shadow prices of the board's round LP.

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
    its columns span the equilibrium (9 rounds on the Pequod setting, 15-18 with the
    pollutant). So the board also fills the master with the proposals its model of each
    council predicts (:class:`~solver.planning.board.ProfitModel`, fitted to the council's
    latest proposal and stated effort by Hotelling's lemma), by column generation:

    1. the model's clearing prices (:func:`~solver.planning.board.model_clearing_prices`)
       seed the master with each council's predicted supply curve around them (its own
       outputs' prices ``x exp(+-curve_width)``, ``2 curve_steps + 1`` points), beside
       its real proposal;
    2. the master is solved; every council's predicted proposal at the duals enters as a
       new column, and the master is solved again, until no council's prediction beats
       the master's value of that council by more than ``column_gap`` of the total (at
       most ``column_rounds`` times);
    3. the duals are the next prices, kept within half the model's move of the model's
       clearing prices (``0.5 |ln(seed / p)| + 0.005`` in log prices, per item) and within a
       box around the round's prices (``box``, halved after a round whose excess grew).

    The duals are then the master's own, at the optimum of column generation over the
    model: each council's best predicted answer to them is already among its columns. The
    real proposals correct the model every round, since it is refitted to them. Measured
    on the published Pequod setting (3,000 + 3,000 councils, 50 goods, tolerance 3 %): see
    ``benchmarks/results/planning.md``.

    Parameters
    ----------
    damping
        Weight of the new duals; default 1. With model columns the master's duals are those
        of column generation run to its end; with linear councils the master holds their
        techniques exactly, steps of effort cost from idle to capacity, so a damped move
        would only halve each round's step (0.5 gave a linear tail: 14-16 rounds on the
        bundled examples against 5-6).
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
    curve_steps, curve_width
        Points of each council's predicted supply curve that seed the master.
    box
        Widest log price move per round with model columns.
    refine
        Without model columns or the centre (below): the master is solved once per window,
        each solve centred on the last one's duals, its demand steps following the board's
        demand model there, on a grid of ``grid_steps`` steps a side spanning the window
        (a log price half-width). Default ``ln 8, ln 1.08, ln 1.01``: a price may move by a
        factor 8 in a round and the last solve places it to 0.025 %. With a single wide
        solve (a ``1.005^40`` grid and per-item trust regions) the bundled IO examples took
        5-6 rounds to tolerance 0.01.
    stabilise
        Without model columns: proximal-bundle-style centre: the LP and its trust region
        are centred on the best prices so far by the dual function
        (:func:`~solver.planning.board.dual_function.dual_value`); prices that do not lower it are
        a null step (their proposals still enter as columns, and the trust region halves;
        a step that lowers it widens the region by half). ``None`` (default): on for Cobb-Douglas
        worker councils where that dual function is exact (every consumer council and
        federation Cobb-Douglas, no permit sellers): measured 9 rounds instead of 11-12 on
        the Pequod setting. Elsewhere each item's trust region adapts on its own (doubling
        while its price keeps moving one way, halving when it turns back): with linear
        councils the centre rule stalled on the USA example (after 300 rounds, excess 1.0)
        although its dual function is exact there too.
    learn_effort
        Linear councils: price each technique by the board's belief about its council's
        effort (:class:`~solver.planning.board.effort_belief.EffortBelief`), which every
        round's proposals and stated effort costs correct, rather than by the economy's
        prior alone. On by default: the prior is the board's model, not the council.
    method, time_limit
        HiGHS method per LP, and the time limit of a round's LP solves together.
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
        curve_steps: int = 2,
        curve_width: float = 0.05,
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
        if curve_steps < 0 or curve_width <= 0.0 or box <= 0.0:
            raise ValueError("curve_steps must not be negative; curve_width and box positive")
        self.damping = damping
        self.grid_ratio = grid_ratio
        self.grid_steps = grid_steps
        self.demand_elasticity = demand_elasticity
        self.permit_elasticity = permit_elasticity
        self.estimate_elasticities = estimate_elasticities
        self.model_columns = model_columns
        self.column_rounds = column_rounds
        self.column_gap = column_gap
        self.curve_steps = curve_steps
        self.curve_width = curve_width
        self.widest_box = box
        self._box = box
        self._last_excess: float | None = None
        self.refine = tuple(float(w) for w in refine)
        self.stabilise = stabilise
        self.learn_effort = learn_effort
        self.effort_belief: EffortBelief | None = None
        self._centre: tuple[np.ndarray, float, np.ndarray, np.ndarray] | None = None
        self.method = method
        self.time_limit = time_limit
        self.history: list[WorkerColumns] = []
        self._radius: np.ndarray | None = None
        self._previous: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    def elasticities(
        self,
        demand: np.ndarray,
        permits: np.ndarray,
        prices: np.ndarray,
        previous: tuple[np.ndarray, np.ndarray, np.ndarray] | None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Demand and permit-supply elasticities: assumed, or arc estimates from ``previous``."""
        n = prices.shape[0]
        eps_d = np.full(n, self.demand_elasticity)
        eps_p = np.full(n, self.permit_elasticity)
        if self.estimate_elasticities and previous is not None:
            old_d, old_s, old_p = previous
            eps_d = _secant(demand, old_d, prices, old_p, self.demand_elasticity, (-4.0, -0.25))
            eps_p = _secant(permits, old_s, prices, old_p, self.permit_elasticity, (0.05, 4.0))
        return eps_d, eps_p

    def _radii(self, n: int) -> np.ndarray:
        if self._radius is None or self._radius.shape != (n,):
            self._radius = np.full(n, self.grid_steps * np.log(self.grid_ratio))
        return self._radius

    def _min_radius(self) -> float:
        return self.grid_steps * float(np.log1p(1e-4))

    def observe(
        self, market: Market, prices: np.ndarray, proposals: Proposals
    ) -> tuple[np.ndarray, np.ndarray, tuple[np.ndarray, np.ndarray, np.ndarray] | None]:
        """Keep a round's worker proposals as columns (Cobb-Douglas councils) or what they
        say of their effort (linear councils), and its requests for elasticities."""
        if market.cobb_douglas is not None:  # linear councils enter as their techniques
            self.history.append(worker_columns(market, proposals))
        elif (
            self.learn_effort
            and market.linear is not None
            and proposals.linear_activity is not None
        ):
            belief = self.effort_belief or EffortBelief.prior(market.linear)
            self.effort_belief = belief.observe(
                market.linear, prices, proposals.linear_activity, proposals.stated_effort
            )
        requests = final_demand(proposals, market.n_items)
        permits = elastic_supply(market, proposals)
        previous = self._previous
        self._previous = (requests, permits, prices)
        return requests, permits, previous

    def next_prices(
        self,
        market: Market,
        prices: np.ndarray,
        proposals: Proposals,
        supply: np.ndarray,
        demand: np.ndarray,
    ) -> RuleStep:
        if self.model_columns is None:
            self.model_columns = market.cobb_douglas is not None
        if self.model_columns:
            return self._model_round(market, prices, proposals, supply, demand)
        damping = 1.0 if self.damping is None else self.damping
        requests, permits, previous = self.observe(market, prices, proposals)
        eps_d, eps_p = self.elasticities(requests, permits, prices, previous)
        if self.stabilise is None:
            self.stabilise = market.cobb_douglas is not None and dual_value_is_exact(market)
        if self.stabilise:
            target, result = self._stabilised(
                market, prices, proposals, supply, demand, requests, permits, eps_d, eps_p
            )
            centre = self._centre[0] if self._centre is not None else prices
        else:
            target, result = self._refined(market, prices, requests, permits, eps_d, eps_p)
            centre = prices
        new = (1.0 - damping) * centre + damping * target
        return RuleStep(prices=new, lp=result)

    def learn_from(self, market: Market, prices: np.ndarray, activity: np.ndarray) -> None:
        """Start from what an earlier plan showed of the linear councils: every technique's
        final activity at its final prices (next year's session from this year's plan),
        read as any round's proposals are (:class:`EffortBelief`)."""
        if self.learn_effort and market.linear is not None:
            belief = self.effort_belief or EffortBelief.prior(market.linear)
            self.effort_belief = belief.observe(market.linear, prices, activity)

    def expected_activity(self, market: Market, prices: np.ndarray) -> np.ndarray | None:
        """The activity the board expects of every linear council's technique next round
        at ``prices``: its belief (or prior) about the council, where it is heading and how
        far it will get."""
        if market.linear is None:
            return None
        belief = (self.effort_belief or EffortBelief.prior(market.linear)).at_prices(
            market.linear, prices
        )
        heading = belief.supply(market.linear, unit_margin(market.linear, prices))
        return belief.floor() + belief.speed * heading

    def _refined(
        self,
        market: Market,
        prices: np.ndarray,
        requests: np.ndarray,
        permits: np.ndarray,
        eps_d: np.ndarray,
        eps_p: np.ndarray,
    ) -> tuple[np.ndarray, BoardLPResult]:
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
        widest = float(np.exp(max(self.refine)))
        started = time.perf_counter()
        belief = self.effort_belief
        moved = [np.inf]  # the largest log price move of the last solve

        def windows() -> Iterator[float]:
            yield from self.refine
            if belief is None or not belief.price_dependent:
                return
            # The techniques' steps are exact only at the centre where their effort scales
            # are read, and those move with the prices: solve again at each solve's duals
            # until no price moves by a tenth of the finest window (a fixed 4th solve left
            # the USA example 1.1-1.4 % out for 40 rounds), then once a tenth as wide.
            finest = min(self.refine)
            for _ in range(SETTLING_SOLVES):
                if moved[0] <= finest / 10.0:
                    break
                yield finest
            yield finest / 10.0

        for window in windows():
            # the board's demand model at the centre (items without steps keep none)
            scale = np.divide(centre, prices, out=np.ones_like(centre), where=stepped)
            time_limit = self.time_limit
            if time_limit is not None:  # the limit holds for the round's solves together
                time_limit = max(time_limit - (time.perf_counter() - started), 0.01)
            options = {
                "demand_elasticity": eps_d,
                "permit_elasticity": eps_p,
                "grid_ratio": float(np.exp(window / self.grid_steps)),
                "grid_steps": self.grid_steps,
                "method": self.method,
                "time_limit": time_limit,
            }
            demand, offered = requests * scale**eps_d, permits * scale**eps_p
            result = solve_board_lp(
                self.history, market, demand, offered, centre, effort_belief=belief, **options
            )
            if (
                result.termination
                in (
                    TerminationCondition.PROVEN_INFEASIBLE,
                    TerminationCondition.INFEASIBLE_OR_UNBOUNDED,
                )
                and belief is not None
                and belief.lagging
            ):
                # what slow councils keep of their proposals may not fit under a cap: no
                # prices make that plan feasible, so expect every council to move all the way
                seconds += result.seconds
                belief = belief.at_full_speed()
                result = solve_board_lp(
                    self.history, market, demand, offered, centre, effort_belief=belief, **options
                )
            seconds += result.seconds
            if result.termination is not TerminationCondition.OPTIMAL:
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

    def _stabilised(
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
    ) -> tuple[np.ndarray, BoardLPResult]:
        """One master solve centred on the best prices so far by the dual function."""
        radius = self._radii(prices.shape[0])
        excess = float(clearing_excess(supply, demand, prices, 0.01).max(initial=0.0))
        this_round = self.history[-1] if market.cobb_douglas is not None else None
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
        result = solve_board_lp(
            self.history,
            market,
            requests,
            permits,
            centre,
            demand_elasticity=eps_d,
            permit_elasticity=eps_p,
            grid_ratio=float(np.exp(radius.max() / self.grid_steps)),
            grid_steps=self.grid_steps,
            item_ratio=np.exp(radius / self.grid_steps),
            effort_belief=self.effort_belief,
            method=self.method,
            time_limit=self.time_limit,
        )
        return trust_region(result.prices, centre, np.exp(radius)), result

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
        requests, permits, previous = self.observe(market, prices, proposals)
        del self.history[:-1]
        eps_d, eps_p = self.elasticities(requests, permits, prices, previous)
        excess = float(clearing_excess(supply, demand, prices, 0.01).max(initial=0.0))
        self._box = next_box(self._box, excess, self._last_excess, self.widest_box)
        self._last_excess = excess
        model = ProfitModel.fit(self.history[-1], prices)
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

    def _model_round(
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
        # the duals may correct the model's move by half of it (and 0.5 %), so that the
        # correction fades as the model's moves do; the demand steps cover that window
        move = np.abs(np.log(seed / prices))
        window = 0.5 * move + 0.005
        radius = np.minimum(move + window, self._box)
        box = float(np.exp(self._box))
        k = np.arange(-self.curve_steps, self.curve_steps + 1, dtype=float)
        curves = model.supply_curves(seed, np.exp(self.curve_width * k / max(self.curve_steps, 1)))
        started = time.perf_counter()
        master = BoardMaster(
            self.history + curves,
            market,
            requests,
            fit.permits,
            prices,
            demand_elasticity=fit.demand_elasticity,
            permit_elasticity=fit.permit_elasticity,
            grid_ratio=float(np.exp(radius.max() / self.grid_steps)),
            grid_steps=self.grid_steps,
            item_ratio=np.exp(radius / self.grid_steps),
            method=self.method,
            time_limit=self.time_limit,
        )
        for passes in range(self.column_rounds + 1):
            if self.time_limit is not None:  # the limit holds for the round's solves together
                master.time_limit = max(self.time_limit - (time.perf_counter() - started), 0.01)
            result = master.solve()
            if result.termination is not TerminationCondition.OPTIMAL:
                # stopped or failed: no prices from this round (a service abandons it)
                return RuleStep(prices=prices.copy(), lp=_total(result, master))
            duals = trust_region(trust_region(result.prices, seed, np.exp(window)), prices, box)
            values = master.council_values
            gain = float(np.maximum(model.profits(duals) - values, 0.0).sum())
            if passes == self.column_rounds or gain <= self.column_gap * np.abs(values).sum():
                break
            master.drop_unused_workers()
            master.add_workers(model.columns(duals))
        damping = 1.0 if self.damping is None else self.damping
        new = (1.0 - damping) * prices + damping * duals
        return RuleStep(prices=new, lp=_total(result, master))


def _total(result: BoardLPResult, master: BoardMaster) -> BoardLPResult:
    """``result`` with the HiGHS time of every solve of ``master``."""
    return dataclasses.replace(result, seconds=master.seconds, n_cols=master.n_cols)


def dual_value_is_exact(market: Market) -> bool:
    """Whether :func:`~solver.planning.board.dual_function.dual_value` is the exact dual function
    of ``market``.

    With fixed budgets, Cobb-Douglas demand is that of a quasi-linear utility (``I w_j / W``
    times ``ln x_j``, minus spending), so the consumers' part of the dual is known; other CES
    forms and incomes from selling permits have no such form.
    """
    groups = [market.consumers] + ([market.federations] if market.federations is not None else [])
    return market.permits is None and all(bool(np.all(g.elasticity == 1.0)) for g in groups)


class _HoldsBoardLP:
    """A rule that solves its LP rounds with a :class:`BoardLP` in ``self._lp``."""

    _lp: BoardLP

    @property
    def time_limit(self) -> float | None:
        """HiGHS time limit of each LP round, in seconds (``None``: none)."""
        return self._lp.time_limit

    @time_limit.setter
    def time_limit(self, seconds: float | None) -> None:
        self._lp.time_limit = seconds

    def expected_activity(self, market: Market, prices: np.ndarray) -> np.ndarray | None:
        """What the board expects of linear councils next round (:class:`BoardLP`)."""
        return self._lp.expected_activity(market, prices)

    def learn_from(self, market: Market, prices: np.ndarray, activity: np.ndarray) -> None:
        """Start from an earlier plan's final activities (:meth:`BoardLP.learn_from`)."""
        self._lp.learn_from(market, prices, activity)
