"""The facilitation board's round LP: a master LP over the councils' proposals.

The board knows the councils' proposals, not their utilities or production functions. Its
LP is the Dantzig-Wolfe master of the planning problem (Malinvaud 1967; see
``../shared/reference/planning_theory.md``, section 3):

* **Worker councils.** Every proposal a Cobb-Douglas worker council has made is a column:
  its use of every item (inputs minus outputs) and the effort cost the council states for
  it. The LP may combine each council's columns convexly (``sum of weights <= 1``; less
  than one scales the council down). Columns need not be real proposals: the ``lp`` rule
  also adds the proposals its model of each council predicts (column generation, through
  :meth:`BoardMaster.add_workers`), and the dual of a council's convexity row is what a new
  column must beat (:attr:`BoardMaster.council_values`). Linear councils state their
  techniques and how fast their effort cost rises, so each technique enters directly, as
  steps of activity up to its capacity, each at its marginal effort cost (exact at the grid
  points).
* **Consumer councils and federations.** Their total request of each good, with the
  budgets fixed, responds to the good's own price with a constant elasticity (``-1``, the
  Cobb-Douglas value, until two rounds give an arc estimate). It enters as steps over a
  geometric price grid ``p g^k``, ``|k| <= K``, each valued at its price (the Takayama-Judge
  construction), so the LP weighs what consumers want against what production costs.
* **Fixed supplies.** Primary inputs and pollution caps bound their rows; permits that
  consumer councils sell respond to their price like demand, with the opposite sign.

The LP maximises the value of the demand steps taken minus the effort of the proposals used,
subject to every item's balance. The duals of the balances are the next indicative prices;
as proposals accumulate, the columns describe each council's possibilities better and the
duals converge to the prices of the optimal plan. The grid's range ``g^K`` is a trust region
(boxstep): no price moves by more than that factor in one round.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import highspy
import numpy as np
import scipy.sparse as sp

from solver.highs import apply_options, highs_lp, new_highs, outcome_from_highs, resolved_method
from solver.planning.board.effort_belief import EffortBelief
from solver.planning.councils import cobb_douglas_effort_cost, unit_margin
from solver.planning.market import Market, Proposals, elastic_supply, final_demand
from solver.status import Method, SolutionStatus, TerminationCondition

__all__ = [
    "EDGE_STEPS",
    "IDLE_MARGIN",
    "TECHNIQUE_REACH",
    "BoardLPResult",
    "BoardMaster",
    "TechniqueSteps",
    "WorkerColumns",
    "dual_value",
    "solve_board_lp",
    "technique_grid",
    "technique_steps",
    "worker_columns",
]


@dataclass(frozen=True)
class WorkerColumns:
    """One round's worker proposals as master-LP columns.

    Attributes
    ----------
    use
        ``(U, n_items)`` CSR: each unit's use of every item (inputs minus outputs).
    cost
        ``(U,)`` what each proposal costs beyond the items it uses: the effort its council
        states, plus a technique's fixed unit cost (pollutants valued at their weights).
    """

    use: sp.csr_array
    cost: np.ndarray


def worker_columns(market: Market, proposals: Proposals) -> WorkerColumns:
    """The worker councils' proposals of one round as columns, one per council.

    (Summing the councils of each product into one column per round keeps the LP smaller,
    but on the Pequod economy it did not converge in 40 rounds, against 9-12 rounds with a
    column per council: the councils of one product differ too much to share a column.)
    """
    n = market.n_items
    if market.cobb_douglas is not None:
        cd, prop = market.cobb_douglas, proposals.cobb_douglas
        if prop is None:
            raise ValueError("proposals: Cobb-Douglas worker councils made no proposal")
        outputs = sp.csr_array((prop.output, (np.arange(cd.n), cd.product)), shape=(cd.n, n))
        return WorkerColumns(
            use=sp.csr_array(prop.inputs - outputs),
            cost=cobb_douglas_effort_cost(cd, prop.effort),
        )
    lin = market.linear
    assert lin is not None
    x = proposals.linear_activity
    if x is None:
        raise ValueError("proposals: linear_activity is missing")
    x = np.asarray(x, dtype=float)
    return WorkerColumns(
        use=sp.csr_array(sp.diags_array(x) @ (lin.inputs - lin.outputs)),
        cost=lin.effort_cost(x) + lin.unit_cost * x,
    )


@dataclass(frozen=True)
class TechniqueSteps:
    """Linear councils' techniques in the master LP: one activity column per technique, its
    effort cost in steps.

    Activity ``x_t`` uses items in the technique's fixed proportions; a link row
    ``x_t - sum_k s_tk = 0`` ties it to steps ``s_tk`` of rising marginal effort cost. A
    technique's item coefficients thus appear once, not once per step: with 40 steps a side
    the LP has about 40 times fewer nonzeros than with a copy of the column per step.

    Attributes
    ----------
    use
        ``(n_items, T)`` CSC: each technique's use of every item per unit (inputs minus
        outputs).
    unit_cost
        ``(T,)`` fixed social cost per unit (pollutants at their weights).
    capacity
        ``(T,)`` upper bound of each activity.
    technique, cost, upper
        ``(S,)`` technique of each step, its marginal effort cost and its size.
    floor
        ``(T,)`` activity the council is expected to keep whatever the prices (a council that
        adjusts in steps keeps part of its last proposal); the steps start above it.
    """

    use: sp.csc_array
    unit_cost: np.ndarray
    capacity: np.ndarray
    technique: np.ndarray
    cost: np.ndarray
    upper: np.ndarray
    floor: np.ndarray

    @property
    def n(self) -> int:
        return int(self.capacity.size)


EDGE_STEPS = 8  # steps below a technique's grid of margins, and again above it to capacity
IDLE_MARGIN = 1e-3  # grid centre of an idle technique, as a share of its effort cost E


TECHNIQUE_REACH = float(np.log(8.0))  # margins of a technique's grid: within a factor 8


def technique_grid(steps: int, reach: float = TECHNIQUE_REACH) -> np.ndarray:
    """Margins of a technique's steps relative to its current margin:
    ``exp(reach sign(u) u^2)`` for ``u = k / steps``, ``|k| <= steps``.

    The spacing grows from ``reach / steps^2`` at the centre (0.13 % with 40 steps) to
    ``2 reach / steps`` (10 %) at a factor 8, so the master places a technique near its
    current margin as precisely as the demand steps place a price, while the grid still
    reaches far. A margin is a difference of prices, so a price that is right to 0.1 % can
    leave a margin 1 % off: a geometric grid as narrow as the demand steps' last window
    then left techniques on the coarse pieces beside it.
    """
    u = np.arange(-steps, steps + 1, dtype=float) / steps
    return np.exp(reach * np.sign(u) * u**2)


def technique_steps(
    market: Market, prices: np.ndarray, grid: np.ndarray, belief: EffortBelief | None = None
) -> TechniqueSteps | None:
    """Linear councils' techniques as activities with their effort cost in steps.

    A linear council runs technique ``t`` at ``x(m) = K min(1, m / E)`` when its unit
    margin is ``m``: its marginal effort cost ``E x / K`` rises linearly. The steps cover
    ``[0, K]`` in three parts, each step at the marginal effort cost of its midpoint (so a
    step's total cost is exact):

    * the activity between the margins ``m0 g^(k-1)`` and ``m0 g^k`` of the grid, around
      the current margin ``m0`` (at least :data:`IDLE_MARGIN` ``E``), as fine relative to
      the quantity as the demand steps are;
    * below the grid and above it up to capacity, :data:`EDGE_STEPS` equal pieces each.

    Without the lower pieces the whole activity below the grid was one step at half the
    grid's lowest margin: a technique whose margin lay below the grid (the grid was centred
    at a tenth of ``E`` for every technique with a smaller margin) then looked to the master
    like a council indifferent over most of its activity, and the master's duals held an
    item at supply 36 times its demand for 40 rounds (a 30-good synthetic economy). Without
    the upper pieces the master capped a technique at ``g^k`` times its current activity and
    priced it by that cap's rent. ``None`` without linear councils.

    With a ``belief`` (:class:`~solver.planning.board.effort_belief.EffortBelief`, what the
    board has learnt from the councils' proposals and statements) the curve is the
    belief's at ``prices``, ``x(m) = K (m / E_t(p)) + d_t``: the same steps over the
    effective margin ``m + E_t d_t / K``, each at the marginal effort cost
    ``E_t (x - d_t) / K``.
    """
    lin = market.linear
    if lin is None:
        return None
    margin = unit_margin(lin, prices)
    effort = lin.effort_at_capacity
    shift = np.zeros(lin.n)
    if belief is not None:
        belief = belief.at_prices(lin, prices)
        margin = belief.effective_margin(lin, margin)
        effort, shift = belief.effort, np.where(belief.effort > 0, belief.shift, 0.0)
    has_effort = effort > 0
    centre = np.maximum(margin, IDLE_MARGIN * effort)
    share = np.divide(  # x / K at each grid margin
        centre[:, None] * grid[None, :],
        effort[:, None],
        out=np.ones((lin.n, grid.size)),
        where=has_effort[:, None],
    )
    cumulative = lin.capacity[:, None] * np.minimum(1.0, share)
    bottom, top = cumulative[:, :1], cumulative[:, -1:]
    pieces = np.arange(EDGE_STEPS + 1)[None, :] / EDGE_STEPS
    bounds = np.hstack(  # step boundaries in activity: pieces, the grid, pieces to capacity
        [
            bottom * pieces[:, :-1],
            cumulative,
            top + (lin.capacity[:, None] - top) * pieces[:, 1:],
        ]
    )
    quantity = np.diff(bounds, axis=1)
    # each step at the marginal effort cost E x / K of its midpoint: its total cost is exact
    midpoint = 0.5 * (bounds[:, 1:] + bounds[:, :-1])
    step_cost = np.divide(
        effort[:, None] * (midpoint - shift[:, None]),
        lin.capacity[:, None],
        out=np.zeros_like(midpoint),
        where=lin.capacity[:, None] > 0,
    )
    step_cost[~has_effort, :] = 0.0
    floor = np.zeros(lin.n)
    capacity = np.asarray(lin.capacity, dtype=float)
    if belief is not None:  # the next proposal: (1 - speed) x_last + speed x(m)
        floor = belief.floor()
        quantity = quantity * belief.speed[:, None]
        capacity = floor + belief.speed * capacity
    keep = quantity > 0
    technique = np.repeat(np.arange(lin.n), quantity.shape[1]).reshape(lin.n, -1)[keep]
    return TechniqueSteps(
        use=sp.csc_array((lin.inputs - lin.outputs).T),
        unit_cost=np.asarray(lin.unit_cost, dtype=float),
        capacity=capacity,
        technique=technique,
        cost=step_cost[keep],
        upper=quantity[keep],
        floor=floor,
    )


def dual_value(
    market: Market,
    proposals: Proposals,
    prices: np.ndarray,
    permit_elasticity: np.ndarray,
    columns: WorkerColumns | None = None,
) -> float:
    """The Lagrangian dual of the planning problem at ``prices``, from the proposals made there.

    ``L(p) = sum_w profit_w(p) + p . fixed + sum_j S_j (ln S_j - ln p_j - 1) + permit rents``:
    worker councils' profits net of their stated effort cost, the value of the fixed supplies,
    and the consumers' surplus under the board's Cobb-Douglas model of demand (spending
    ``S_j`` on good ``j``). Each council's proposal is its best answer at ``p``, so ``L`` is
    the dual function of the welfare problem the master LP approximates; it is convex, its
    gradient is the excess supply, and the equilibrium prices minimise it. The ``lp`` rule
    moves its centre only to prices that lower ``L``. ``columns``, the proposals as
    :func:`worker_columns` gives them, saves making them again.
    """
    cols = worker_columns(market, proposals) if columns is None else columns
    value = float(prices @ market.net_fixed_supply)
    value += float(-(cols.use @ prices).sum() - cols.cost.sum())
    spending = prices * final_demand(proposals, market.n_items)
    bought = spending > 0
    value += float((spending[bought] * (np.log(spending[bought] / prices[bought]) - 1.0)).sum())
    permits = elastic_supply(market, proposals)
    value += float((prices * permits / (1.0 + permit_elasticity)).sum())
    return value


@dataclass(frozen=True)
class BoardLPResult:
    """Prices that clear the board's master LP, and how the LP ended."""

    prices: np.ndarray
    termination: TerminationCondition
    solution: SolutionStatus
    seconds: float
    n_rows: int
    n_cols: int


class BoardMaster:
    """The board's master LP of one round, held in HiGHS so that columns can be added.

    Built in stages: the constructor creates the LP (the worker proposals so far, linear
    councils' technique steps, demand and permit steps, the item balances and one convexity
    row per worker council) and hands it to HiGHS as CSC arrays; :meth:`solve` solves it
    and assigns the duals; :meth:`add_workers` adds a column per worker council to its
    convexity row, and :meth:`drop_unused_workers` removes added columns that stay idle.
    That is what column generation needs: the ``lp`` rule adds the columns its model of the
    councils predicts at the duals, and solves again, until no council's predicted proposal
    beats the master's value of that council (:attr:`council_values`).

    Parameters
    ----------
    history
        Cobb-Douglas worker proposals of the rounds so far, each round with the same units.
    market
        The market, for the techniques of linear councils (:func:`technique_steps`).
    demand, permits
        This round's total requests and offered permits per item.
    prices
        The round's indicative prices, the centre of the grid.
    demand_elasticity, permit_elasticity
        Own-price elasticity of each item's demand (negative) and permit supply.
    grid_ratio, grid_steps
        Price grid ``p g^k`` for ``|k| <= grid_steps``: steps of ``g - 1`` (the precision of
        the clearing prices) over a trust region of ``g^grid_steps``.
    item_ratio
        A grid ratio per item for the demand and permit steps (default ``grid_ratio``), so
        that each item has its own trust region.
    effort_belief
        The board's belief about linear councils' supply curves, learnt from their
        proposals (default: the market's prior, :func:`technique_steps`).
    method, time_limit
        HiGHS method (``AUTO`` chooses by the number of columns) and time limit of each
        solve.
    """

    def __init__(
        self,
        history: list[WorkerColumns],
        market: Market,
        demand: np.ndarray,
        permits: np.ndarray,
        prices: np.ndarray,
        *,
        demand_elasticity: np.ndarray,
        permit_elasticity: np.ndarray,
        grid_ratio: float = 1.01,
        grid_steps: int = 40,
        item_ratio: np.ndarray | None = None,
        effort_belief: EffortBelief | None = None,
        method: Method = Method.AUTO,
        time_limit: float | None = None,
    ) -> None:
        n = market.n_items
        n_units = (  # a convexity row per Cobb-Douglas council, to which columns can be added
            history[0].use.shape[0]
            if history
            else (market.cobb_douglas.n if market.cobb_douglas is not None else 0)
        )
        self.n_items, self.n_units = n, n_units
        self.prices = np.asarray(prices, dtype=float)
        self.method, self.time_limit = method, time_limit
        g = float(grid_ratio)
        techniques = technique_steps(market, prices, technique_grid(grid_steps), effort_belief)
        n_links = techniques.n if techniques is not None else 0
        floor = techniques.floor if techniques is not None else np.zeros(0)
        n_rows = n + n_units + n_links  # item balances | convexity rows | technique links

        columns: list[sp.csc_array] = []
        costs: list[np.ndarray] = []
        uppers: list[np.ndarray] = []
        if history:
            use = sp.vstack([h.use for h in history], format="csr")
            convexity = sp.hstack([sp.eye_array(n_units, format="csr")] * len(history))
            columns.append(
                sp.vstack([use.T, convexity, sp.csr_array((n_links, use.shape[0]))], format="csc")
            )
            costs.append(np.concatenate([h.cost for h in history]))
            uppers.append(np.full(use.shape[0], np.inf))
        if techniques is not None:
            t = techniques.n
            columns.append(  # activities: items used, and +1 in their link row
                sp.vstack(
                    [techniques.use, sp.csc_array((n_units, t)), sp.eye_array(t, format="csc")],
                    format="csc",
                )
            )
            costs.append(techniques.unit_cost)
            uppers.append(techniques.capacity)
            steps = techniques.technique.size
            columns.append(  # effort steps: -1 in their technique's link row
                sp.csc_array(
                    (-np.ones(steps), (n + n_units + techniques.technique, np.arange(steps))),
                    shape=(n_rows, steps),
                )
            )
            costs.append(techniques.cost)
            uppers.append(techniques.upper)

        ratios = np.full(n, g) if item_ratio is None else np.asarray(item_ratio, dtype=float)
        powers = np.arange(-grid_steps, grid_steps + 1, dtype=float)

        def item_steps(level: np.ndarray, elasticity: np.ndarray, sign: float) -> None:
            items = np.flatnonzero(level > 0)
            if not items.size:
                return
            grids = ratios[items, None] ** powers[None, :]
            halves = np.sqrt(ratios[items, None])
            cumulative = level[items, None] * grids ** elasticity[items, None]
            if sign > 0:  # demand: the step between p_k and p_k+1 is taken below their midpoint
                quantity = -np.diff(cumulative, axis=1, append=0.0)
                value = np.hstack([grids[:, :-1] * halves, grids[:, -1:]])
                cost = -prices[items, None] * value
            else:  # elastic supply: the step up to p_k comes forward above its midpoint
                quantity = np.diff(cumulative, axis=1, prepend=0.0)
                cost = prices[items, None] * np.hstack([grids[:, :1], grids[:, 1:] / halves])
            keep = quantity > 0
            rows = np.repeat(items, powers.size).reshape(len(items), -1)[keep]
            columns.append(
                sp.csc_array(
                    (np.full(rows.size, sign), (rows, np.arange(rows.size))),
                    shape=(n_rows, rows.size),
                )
            )
            costs.append(cost[keep])
            uppers.append(quantity[keep])

        item_steps(demand, demand_elasticity, 1.0)
        item_steps(permits, permit_elasticity, -1.0)

        matrix = sp.hstack(columns, format="csc") if columns else sp.csc_array((n_rows, 0))
        matrix.sum_duplicates()
        cost = np.concatenate(costs) if costs else np.zeros(0)
        upper = np.concatenate(uppers) if uppers else np.zeros(0)
        # items no column touches keep their price: the LP says nothing about them
        self.touched = np.diff(matrix.tocsr().indptr)[:n] > 0
        self.n_rows, self.n_cols = n_rows, int(cost.size)
        # columns added by column generation, which may be dropped again; the columns the
        # master was built with stay, so that every item keeps the columns that price it
        self._added = np.zeros(self.n_cols, dtype=bool)
        self._idle = np.zeros(self.n_cols, dtype=np.int64)  # solves each has been unused
        self._highs = new_highs()
        apply_options(self._highs, method, self.n_cols, time_limit)
        self._highs.passModel(
            highs_lp(
                matrix,
                cost,
                np.zeros(cost.size),
                upper,
                np.r_[np.full(n + n_units, -np.inf), floor],
                np.r_[market.net_fixed_supply, np.ones(n_units), floor],
            )
        )
        self._solved = False
        self.seconds = 0.0  # HiGHS time over every solve so far

    def add_workers(self, columns: WorkerColumns) -> None:
        """Add one column per worker council (``columns`` in council order) to the LP."""
        use = columns.use
        if use.shape != (self.n_units, self.n_items):
            expected = (self.n_units, self.n_items)
            raise ValueError(f"columns: expected shape {expected}, got {use.shape}")
        block = sp.vstack(
            [
                use.T,
                sp.eye_array(self.n_units, format="csr"),
                sp.csr_array((self.n_rows - self.n_items - self.n_units, self.n_units)),
            ],
            format="csc",
        )
        block.sum_duplicates()
        self._highs.addCols(
            self.n_units,
            np.asarray(columns.cost, dtype=float),
            np.zeros(self.n_units),
            np.full(self.n_units, highspy.kHighsInf),
            int(block.nnz),
            block.indptr[:-1].astype(np.int32),
            block.indices.astype(np.int32),
            block.data.astype(float),
        )
        self.n_cols += self.n_units
        self._added = np.r_[self._added, np.ones(self.n_units, dtype=bool)]
        self._idle = np.r_[self._idle, np.zeros(self.n_units, dtype=np.int64)]

    def drop_unused_workers(self, after: int = 3) -> int:
        """Remove the columns :meth:`add_workers` added that the last ``after`` optimal
        solves all left unused (weight 0), so that later solves stay small; returns how many.

        Column generation adds a column per council every pass, most of which never enter
        the plan, and an IPM solve costs in proportion to the columns it carries. Columns
        are kept for a few passes, since dropping every idle column at once makes column
        generation cycle (measured: it then never settled within 10 passes).
        """
        solution = self._highs.getSolution()
        if not (self._solved and solution.value_valid):
            return 0
        idle = np.asarray(solution.col_value) <= 1e-12
        self._idle = np.where(self._added & idle, self._idle + 1, 0)
        drop = self._idle >= after
        if not drop.any():
            return 0
        self._highs.deleteCols(int(drop.sum()), np.flatnonzero(drop).astype(np.int32))
        self._added, self._idle = self._added[~drop], self._idle[~drop]
        self.n_cols -= int(drop.sum())
        return int(drop.sum())

    def solve(self) -> BoardLPResult:
        """Solve and return the balance duals as prices (and :attr:`council_values`)."""
        h = self._highs
        if self._solved:  # columns were added: the method for the new size, from scratch
            # (measured on the Pequod master, 31,000 columns: IPM 3.6 s, warm primal simplex
            # from the last basis 7-10 s)
            apply_options(h, self.method, self.n_cols, self.time_limit)
            h.clearSolver()
        start = time.perf_counter()
        h.run()
        termination, solution = outcome_from_highs(h)
        if (
            termination
            not in (
                TerminationCondition.OPTIMAL,
                TerminationCondition.MAX_TIME_LIMIT,
                TerminationCondition.INTERRUPTED,
            )
            and resolved_method(self.method, self.n_cols) is Method.IPM
        ):
            # The interior point method occasionally stalls on these LPs (a few of hundreds in
            # the benchmarks); dual simplex is slower but does not, so it gets a second go.
            apply_options(h, Method.SIMPLEX, self.n_cols, self.time_limit)
            h.clearSolver()
            h.run()
            termination, solution = outcome_from_highs(h)
        self._solved = True
        seconds = time.perf_counter() - start
        self.seconds += seconds
        new = self.prices.copy()
        sol = h.getSolution()
        if termination is TerminationCondition.OPTIMAL and sol.dual_valid:
            dual = -np.asarray(sol.row_dual)
            new[self.touched] = dual[: self.n_items][self.touched]
            # each council's best profit among its columns: what a new column must beat
            self.council_values = dual[self.n_items : self.n_items + self.n_units]
        return BoardLPResult(
            prices=new,
            termination=termination,
            solution=solution,
            seconds=seconds,
            n_rows=self.n_rows,
            n_cols=self.n_cols,
        )

    council_values: np.ndarray
    """Dual of each worker council's convexity row after an optimal solve: the best profit
    the master gets from the council's columns at the duals."""


def solve_board_lp(
    history: list[WorkerColumns],
    market: Market,
    demand: np.ndarray,
    permits: np.ndarray,
    prices: np.ndarray,
    **options: Any,
) -> BoardLPResult:
    """Solve the master LP once (:class:`BoardMaster`); its balance duals are the next prices."""
    return BoardMaster(history, market, demand, permits, prices, **options).solve()
