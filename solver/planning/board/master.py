"""The facilitation board's master LP over the councils' proposals.

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

Its blocks are pure functions in :mod:`~solver.planning.board.master_blocks`; this module
holds the LP in HiGHS, adds and drops columns, and reads the duals.

The LP maximises the value of the demand steps taken minus the effort of the proposals used,
subject to every item's balance. The duals of the balances are the next indicative prices;
as proposals accumulate, the columns describe each council's possibilities better and the
duals converge to the prices of the optimal plan. The grid's range ``g^K`` is a trust region
(boxstep): no price moves by more than that factor in one round.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

from solver.highs import (
    Highs,
    LPOutcome,
    apply_options,
    highs_bounds,
    resolved_method,
    run_with_fallback,
)
from solver.interior_point import PendingLP, run_interior_point
from solver.lp.highs_model import crash_start
from solver.planning.board.effort_belief import EffortBelief
from solver.planning.board.master_basis import NEAR_STEPS, crash_basis, near_basis, run_primal
from solver.planning.board.master_blocks import WorkerColumns, master_blocks
from solver.planning.board.stabilisation import Stabilisation, stabilisation_block
from solver.planning.market import Market
from solver.status import Method, SolutionStatus, SolveOutcome, TerminationCondition

__all__ = ["CRASH_PIVOTS_PER_ROW", "BoardMaster", "MasterLPResult", "solve_master_lp"]


@dataclass(frozen=True)
class MasterLPResult(SolveOutcome):
    """Prices that clear the board's master LP, and how the LP ended."""

    prices: np.ndarray
    termination: TerminationCondition
    solution: SolutionStatus
    seconds: float
    n_rows: int
    n_cols: int
    row_dual: np.ndarray | None = None
    """Every row's dual (HiGHS's signs), where the solve gave prices: a later master on
    the same rows may start from them (``BoardMaster``'s ``dual_start``)."""
    basic: bool | None = None
    """Whether the duals are a basis's (a vertex); ``False``: an interior point's that
    stood where the crossover did not end optimal; ``None``: not recorded."""


CRASH_PIVOTS_PER_ROW = 0.125
"""Most simplex pivots a row from the crash basis before the master is solved from scratch.

From a good crash basis simplex needs few: 0 on the first master of a 10,000-good Pequod
economy (16,000 rows), 12,800 on that of a 100,000-item one (160,000 rows; 5 s). Where the
steps are narrow (a round near convergence), the same start took 4,900 pivots in 100 s
and no optimum, numerically troubled; the cap stops it after a few seconds."""


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
    requests, permits
        This round's total requests (consumer councils' and federations') and offered
        permits per item: the demand steps follow the requests along their elasticity.
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
    stabilisation
        A reserve of every item around a centre
        (:class:`~solver.planning.board.stabilisation.Stabilisation`), which keeps duals the
        master is indifferent about near that centre (default: none).
    method, time_limit
        Method (``AUTO`` chooses by the number of columns) and time limit of each solve.
    dual_start
        Row duals of an earlier master on the same rows (:attr:`MasterLPResult.row_dual`),
        where our interior point method starts; ignored where the rows differ.
    tolerance
        Our interior point method's, where no vertex is asked for (default: its own,
        :data:`~solver.interior_point.CENTRE_TOLERANCE`).
        A master of proposals alone (items and convexity rows) is first solved by simplex
        from the basis its centre prices give (:func:`~solver.planning.board.master_basis.
        crash_basis`), at most :data:`CRASH_PIVOTS_PER_ROW` pivots a row; later solves, and
        that one where the pivots run out, from scratch by the method. Where that is an
        interior point method and no convexity rows couple the columns, the method is ours
        (:func:`~solver.interior_point.run_interior_point`: its steps make the normal
        equations small) with HiGHS's crossover, else HiGHS's own.
    vertex
        Whether the duals must be a vertex's (default); ``False`` lets our interior point
        method's duals, inside the optimal face, stand without a crossover.
    """

    def __init__(
        self,
        history: list[WorkerColumns],
        market: Market,
        requests: np.ndarray,
        permits: np.ndarray,
        prices: np.ndarray,
        *,
        demand_elasticity: np.ndarray,
        permit_elasticity: np.ndarray,
        grid_ratio: float = 1.01,
        grid_steps: int = 40,
        item_ratio: np.ndarray | None = None,
        effort_belief: EffortBelief | None = None,
        stabilisation: Stabilisation | None = None,
        method: Method = Method.AUTO,
        time_limit: float | None = None,
        vertex: bool = True,
        dual_start: np.ndarray | None = None,
        tolerance: float | None = None,
    ) -> None:
        layout, blocks, floor = master_blocks(
            history,
            market,
            requests,
            permits,
            prices,
            demand_elasticity=demand_elasticity,
            permit_elasticity=permit_elasticity,
            grid_ratio=grid_ratio,
            grid_steps=grid_steps,
            item_ratio=item_ratio,
            effort_belief=effort_belief,
        )
        if stabilisation is not None:
            blocks.append(stabilisation_block(stabilisation, layout))
        n, n_units, n_rows = layout.n_items, layout.n_units, layout.n_rows
        self.n_items, self.n_units = n, n_units
        self.prices = np.asarray(prices, dtype=float)
        self.method, self.time_limit, self.vertex = method, time_limit, vertex
        self.dual_start, self.tolerance = dual_start, tolerance
        columns = [b.columns for b in blocks]
        costs = [b.cost for b in blocks]
        uppers = [b.upper for b in blocks]
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
        row_upper = np.r_[market.net_fixed_supply, np.ones(n_units), floor]
        row_lower = np.r_[np.full(n + n_units, -np.inf), floor]
        # handed to HiGHS on first use: our interior point method alone may need no HiGHS
        self._lp = PendingLP(matrix, cost, np.zeros(cost.size), upper, row_lower, row_upper)
        # A master of proposals alone (items and convexity rows) is first solved by
        # simplex from the basis its centre gives (:func:`crash_basis`)
        started = time.perf_counter()
        self._crash: tuple[np.ndarray, np.ndarray] | None = None  # the basis HiGHS took
        if n_units > 0 and n_rows == n + n_units:
            statuses = crash_basis(matrix, cost, upper, row_upper, n, n_units, self.prices)
            if crash_start(self._highs, *statuses):
                self._crash = statuses
        self._crash_seconds = time.perf_counter() - started  # counted with the first solve
        self._solved = False
        self._objective: float | None = None
        self.seconds = 0.0  # HiGHS time over every solve so far

    def add_workers(self, columns: WorkerColumns) -> None:
        """Add worker columns to the LP, each in its council's (or group's) convexity row."""
        use, k = columns.use, columns.use.shape[0]
        if use.shape[1] != self.n_items or columns.units != self.n_units:
            raise ValueError(
                f"columns: expected {self.n_items} items and {self.n_units} convexity rows, "
                f"got {use.shape[1]} and {columns.units}"
            )
        block = sp.vstack(
            [
                use.T,
                columns.convexity(),
                sp.csr_array((self.n_rows - self.n_items - self.n_units, k)),
            ],
            format="csc",
        )
        block.sum_duplicates()
        self._highs.addCols(
            k,
            np.asarray(columns.cost, dtype=float),
            np.zeros(k),
            highs_bounds(np.full(k, np.inf)),
            int(block.nnz),
            block.indptr[:-1].astype(np.int32),
            block.indices.astype(np.int32),
            block.data.astype(float),
        )
        self.n_cols += k
        self._added = np.r_[self._added, np.ones(k, dtype=bool)]
        self._idle = np.r_[self._idle, np.zeros(k, dtype=np.int64)]

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

    def solve(self) -> MasterLPResult:
        """Solve and return the balance duals as prices (and :attr:`council_values`)."""
        if self._crash is not None and not self._solved:
            outcome = self._solve_from_crash()
        else:
            outcome = self._solve_from_scratch(self.time_limit)
        termination, solution, seconds = outcome.termination, outcome.solution, outcome.seconds
        self._solved = True
        self._objective = outcome.objective  # where HiGHS holds no solution (an interior one)
        self.seconds += seconds
        new = self.prices.copy()
        if outcome.has_prices:
            assert outcome.row_dual is not None
            dual = -outcome.row_dual
            new[self.touched] = dual[: self.n_items][self.touched]
            # each council's best profit among its columns: what a new column must beat
            self.council_values = dual[self.n_items : self.n_items + self.n_units]
        return MasterLPResult(
            prices=new,
            termination=termination,
            solution=solution,
            seconds=seconds,
            n_rows=self.n_rows,
            n_cols=self.n_cols,
            row_dual=outcome.row_dual if outcome.has_prices else None,
            basic=outcome.basic,
        )

    def _solve_from_crash(self) -> LPOutcome:
        """Simplex from the crash basis, for at most :data:`CRASH_PIVOTS_PER_ROW` pivots a
        row, first on the master without its far steps (:meth:`_solve_near`); where it ends
        neither optimal nor cut short, the method of the master's size from scratch."""
        started = time.perf_counter()
        near = self._solve_near()
        outcome = run_primal(self._highs, self.n_cols, self._crash_pivots, self.time_limit)
        if outcome.termination is TerminationCondition.OPTIMAL or outcome.termination.cut_short:
            seconds = outcome.seconds + self._crash_seconds + near
            return dataclasses.replace(outcome, seconds=seconds)
        left = None if self.time_limit is None else max(self.time_limit - outcome.seconds, 0.01)
        retry = self._solve_from_scratch(left)
        seconds = time.perf_counter() - started + self._crash_seconds
        return dataclasses.replace(retry, seconds=seconds)

    def _solve_near(self) -> float:
        """Start the master from the optimum of the master without its far steps
        (:func:`~solver.planning.board.master_basis.near_basis`); the seconds it took."""
        if self._crash is None:
            return 0.0
        started = time.perf_counter()
        basis = near_basis(
            self._lp.arrays,
            self.n_items,
            self._crash,
            NEAR_STEPS,
            self._crash_pivots,
            self.time_limit,
        )
        if basis is not None:
            crash_start(self._highs, *basis)
        return time.perf_counter() - started

    @property
    def _crash_pivots(self) -> int:
        """Most simplex pivots from the crash basis (:data:`CRASH_PIVOTS_PER_ROW`)."""
        return int(CRASH_PIVOTS_PER_ROW * self.n_rows) + 100

    def _solve_from_scratch(self, time_limit: float | None) -> LPOutcome:
        """The method of the master's size, from scratch (columns may have been added).

        Measured on the Pequod master, 31,000 columns: IPM 3.6 s, warm primal simplex from
        the last basis 7-10 s.
        """
        if resolved_method(self.method, self.n_cols) is Method.IPM and self.n_units == 0:
            # nearly every column is a step with one entry: our interior point method solves
            # such an LP several times faster than HiGHS's (3 s against 25-30 s on the
            # 2,000-good technique-choice master), and HiGHS's crossover takes its point to
            # a vertex. Not where proposals share convexity rows: their normal matrix fills
            # in (on a 100,000-item Pequod master it did not factor in 10 minutes)
            start = self.dual_start
            if start is not None and start.shape != (self.n_rows,):
                start = None
            return run_interior_point(
                self._lp,
                self.method,
                time_limit,
                vertex=self.vertex,
                dual_start=start,
                tolerance=self.tolerance,
            )
        h = self._highs
        apply_options(h, self.method, self.n_cols, time_limit)
        h.clearSolver()
        return run_with_fallback(h, self.method, self.n_cols, time_limit)

    @property
    def _highs(self) -> Highs:
        """HiGHS holding the master (handed over on first use)."""
        return self._lp.highs()

    @property
    def objective(self) -> float:
        """The master's objective after the last solve: effort and social cost of the plan
        less the value of the demand steps taken (HiGHS minimises it)."""
        if self._objective is not None:
            return self._objective
        return float(self._highs.getInfo().objective_function_value)

    council_values: np.ndarray
    """Dual of each worker council's convexity row after an optimal solve: the best profit
    the master gets from the council's columns at the duals."""


def solve_master_lp(
    history: list[WorkerColumns],
    market: Market,
    requests: np.ndarray,
    permits: np.ndarray,
    prices: np.ndarray,
    **options: Any,
) -> MasterLPResult:
    """Solve the master LP once (:class:`BoardMaster`); its balance duals are the next prices."""
    return BoardMaster(history, market, requests, permits, prices, **options).solve()
