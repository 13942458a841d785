"""The blocks of the board's master LP, as pure functions of the round: the councils'
proposals and techniques as columns, demand and permit steps over each item's price grid.

:class:`~solver.planning.board.master.BoardMaster` assembles them (:func:`master_blocks`,
a list read top to bottom like PyPSA's ``create_model``) and holds the LP in HiGHS.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from solver.planning.board.effort_belief import EffortBelief
from solver.planning.councils import cobb_douglas_effort_cost, unit_margin
from solver.planning.market import Market, Proposals

__all__ = [
    "EDGE_STEPS",
    "TECHNIQUE_REACH",
    "TECHNIQUE_WINDOWS",
    "MasterBlock",
    "MasterLayout",
    "TechniqueSteps",
    "WorkerColumns",
    "effort_step_block",
    "item_step_block",
    "master_blocks",
    "technique_activity_block",
    "technique_grid",
    "technique_steps",
    "worker_columns",
    "worker_proposal_block",
]


@dataclass(frozen=True)
class WorkerColumns:
    """One round's worker proposals as master-LP columns.

    Attributes
    ----------
    use
        ``(U, n_items)`` CSR: each column's use of every item (inputs minus outputs).
    cost
        ``(U,)`` what each proposal costs beyond the items it uses: the effort its council
        states, plus a technique's fixed unit cost (pollutants valued at their damage per unit).
    unit
        ``(U,)`` the convexity row (council, or group of councils) of each column; ``None``:
        column ``i`` is council ``i``'s, one column per council.
    n_units
        Number of convexity rows where ``unit`` is given.
    """

    use: sp.csr_array
    cost: np.ndarray
    unit: np.ndarray | None = None
    n_units: int | None = None

    def __post_init__(self) -> None:
        if (self.unit is None) != (self.n_units is None):
            raise ValueError("unit and n_units: give both or neither")
        if self.unit is not None and self.unit.shape != (self.use.shape[0],):
            raise ValueError(f"unit: expected {self.use.shape[0]} entries, got {self.unit.shape}")

    @property
    def units(self) -> int:
        """Number of convexity rows the columns belong to."""
        return self.use.shape[0] if self.n_units is None else self.n_units

    def convexity(self) -> sp.csr_array:
        """``(units, U)``: 1 where a column belongs to a convexity row."""
        k = self.use.shape[0]
        if self.unit is None:
            return sp.eye_array(k, format="csr")
        return sp.csr_array((np.ones(k), (self.unit, np.arange(k))), shape=(self.units, k))


def worker_columns(market: Market, proposals: Proposals) -> WorkerColumns:
    """The worker councils' proposals of one round as columns, one per council.

    Notes
    -----
    Summing the councils of each product into one column per round keeps the LP smaller,
    but on the Pequod economy it did not converge in 40 rounds, against 9-12 rounds with a
    column per council: the councils of one product differ too much to share a column.
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
        ``(T,)`` fixed social cost per unit (pollutants at their damage per unit).
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
        """Number of technique steps."""
        return int(self.capacity.size)


EDGE_STEPS = 8  # steps below a technique's grid of margins, and again above it to capacity
TECHNIQUE_REACH = float(np.log(8.0))  # the widest price move a technique's grid spans
TECHNIQUE_WINDOWS = 2.0  # a technique's grid spans this many times the demand steps' window


def technique_grid(steps: int, reach: float = TECHNIQUE_REACH) -> np.ndarray:
    """Relative price moves at which a technique's steps break: ``exp(reach sign(u) u^2) - 1``
    for ``u = k / steps``, ``|k| <= steps``.

    Fine at the centre (``reach / steps^2``) and coarser towards the ends (``2 reach /
    steps``): the master places a technique near its current margin as precisely as the
    demand steps place a price, while the grid still reaches every margin of the window.
    """
    u = np.arange(-steps, steps + 1, dtype=float) / steps
    return np.expm1(reach * np.sign(u) * u**2)


def technique_steps(
    market: Market, prices: np.ndarray, grid: np.ndarray, belief: EffortBelief | None = None
) -> TechniqueSteps | None:
    """Linear councils' techniques as activities with their effort cost in steps.

    A linear council runs technique ``t`` at ``x(m) = K clip(m / E, 0, 1)`` when its unit
    margin is ``m``: its marginal effort cost ``E x / K`` rises linearly. Every price
    moving by at most ``d`` moves the margin by at most ``d V``, with ``V`` the technique's
    turnover (inputs and outputs at ``prices``): the margin is a difference of prices. So
    the steps break at ``x(m + V d_k)`` for the moves ``d_k`` of ``grid``
    (:func:`technique_grid`), which reach every margin of the window and collapse where the
    technique stays idle or at capacity throughout; below and above them
    :data:`EDGE_STEPS` equal pieces each reach 0 and ``K``. Each step is at the marginal
    effort cost of its midpoint, so a step's total cost is exact. ``None`` without linear
    councils.

    With a ``belief`` (:class:`~solver.planning.board.effort_belief.EffortBelief`, what the
    board has learnt from the councils' proposals and statements) the curve is the
    belief's at ``prices``, ``x(m) = K (m / E_t(p)) + d_t``: the same steps over the
    effective margin ``m + E_t d_t / K``, each at the marginal effort cost
    ``E_t (x - d_t) / K``.

    Notes
    -----
    A grid relative to the margin (``m g^k``) fails twice: a price right to 0.1 % can leave
    a small margin 10 % off, beyond a narrow grid, and a wide one spends its steps far
    outside any margin the window allows (95 steps for each of 6,000 techniques at 2,000
    goods, in every window). Without the lower pieces a technique whose margin lay below
    the grid looked like a council indifferent over most of its activity (an item at 36
    times its demand for 40 rounds on a 30-good economy); without the upper ones the master
    capped it at the grid's end and priced it by that cap's rent.
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
    turnover = (lin.inputs + lin.outputs) @ prices
    share = np.divide(  # x / K at each margin of the grid
        margin[:, None] + turnover[:, None] * grid[None, :],
        effort[:, None],
        out=np.ones((lin.n, grid.size)),
        where=has_effort[:, None],
    )
    cumulative = lin.capacity[:, None] * np.clip(share, 0.0, 1.0)
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


@dataclass(frozen=True)
class MasterLayout:
    """The rows of one round's master LP: item balances, a convexity row per Cobb-Douglas
    worker council, a link row per technique of a linear council (in that order)."""

    n_items: int
    n_units: int
    n_links: int

    @property
    def n_rows(self) -> int:
        """Number of rows: item balances, convexity rows, then link rows."""
        return self.n_items + self.n_units + self.n_links


@dataclass(frozen=True)
class MasterBlock:
    """Columns of the master LP: ``(n_rows, k)`` coefficients, their costs and upper bounds
    (lower bounds are 0)."""

    name: str
    columns: sp.csc_array
    cost: np.ndarray
    upper: np.ndarray


def worker_proposal_block(history: list[WorkerColumns], layout: MasterLayout) -> MasterBlock:
    """Every Cobb-Douglas worker proposal so far: its use of the items, and 1 in its
    council's convexity row."""
    use = sp.vstack([h.use for h in history], format="csr")
    convexity = sp.hstack([h.convexity() for h in history])
    columns = sp.vstack(
        [use.T, convexity, sp.csr_array((layout.n_links, use.shape[0]))], format="csc"
    )
    cost = np.concatenate([h.cost for h in history])
    return MasterBlock("worker proposals", columns, cost, np.full(use.shape[0], np.inf))


def technique_activity_block(techniques: TechniqueSteps, layout: MasterLayout) -> MasterBlock:
    """Linear councils' activities: the items each unit uses, and +1 in its link row."""
    t = techniques.n
    columns = sp.vstack(
        [techniques.use, sp.csc_array((layout.n_units, t)), sp.eye_array(t, format="csc")],
        format="csc",
    )
    return MasterBlock("technique activities", columns, techniques.unit_cost, techniques.capacity)


def effort_step_block(techniques: TechniqueSteps, layout: MasterLayout) -> MasterBlock:
    """Steps of each technique's rising marginal effort cost: -1 in its link row."""
    steps = techniques.technique.size
    rows = layout.n_items + layout.n_units + techniques.technique
    columns = sp.csc_array(
        (-np.ones(steps), (rows, np.arange(steps))), shape=(layout.n_rows, steps)
    )
    return MasterBlock("effort steps", columns, techniques.cost, techniques.upper)


def item_step_block(
    name: str,
    level: np.ndarray,
    elasticity: np.ndarray,
    sign: float,
    prices: np.ndarray,
    ratios: np.ndarray,
    grid_steps: int,
    layout: MasterLayout,
) -> MasterBlock:
    """Steps of each item's demand (``sign`` +1) or elastic supply (-1) over its price grid
    ``p g^k``, ``|k| <= grid_steps``, each valued at its price (Takayama-Judge): demand
    between ``p_k`` and ``p_(k+1)`` is taken below their geometric midpoint, supply up to
    ``p_k`` comes forward above its midpoint."""
    powers = np.arange(-grid_steps, grid_steps + 1, dtype=float)
    items = np.flatnonzero(level > 0)
    if not items.size:
        empty = np.zeros(0)
        return MasterBlock(name, sp.csc_array((layout.n_rows, 0)), empty, empty)
    grids = ratios[items, None] ** powers[None, :]
    halves = np.sqrt(ratios[items, None])
    cumulative = level[items, None] * grids ** elasticity[items, None]
    if sign > 0:
        quantity = -np.diff(cumulative, axis=1, append=0.0)
        value = np.hstack([grids[:, :-1] * halves, grids[:, -1:]])
        cost = -prices[items, None] * value
    else:
        quantity = np.diff(cumulative, axis=1, prepend=0.0)
        cost = prices[items, None] * np.hstack([grids[:, :1], grids[:, 1:] / halves])
    keep = quantity > 0
    rows = np.repeat(items, powers.size).reshape(len(items), -1)[keep]
    columns = sp.csc_array(
        (np.full(rows.size, sign), (rows, np.arange(rows.size))), shape=(layout.n_rows, rows.size)
    )
    return MasterBlock(name, columns, cost[keep], quantity[keep])


def master_blocks(
    history: list[WorkerColumns],
    market: Market,
    requests: np.ndarray,
    permits: np.ndarray,
    prices: np.ndarray,
    *,
    demand_elasticity: np.ndarray,
    permit_elasticity: np.ndarray,
    grid_ratio: float,
    grid_steps: int,
    item_ratio: np.ndarray | None,
    effort_belief: EffortBelief | None,
) -> tuple[MasterLayout, list[MasterBlock], np.ndarray]:
    """One round's master LP as its rows and a list of column blocks (see
    :class:`~solver.planning.board.master.BoardMaster`), and the floor of every link row
    (activity a slow council keeps whatever the prices)."""
    n_units = (  # a convexity row per Cobb-Douglas council (or group), for added columns
        history[0].units
        if history
        else (market.cobb_douglas.n if market.cobb_douglas is not None else 0)
    )
    n = market.n_items
    ratios = np.full(n, float(grid_ratio)) if item_ratio is None else np.asarray(item_ratio)
    window = grid_steps * float(np.log(ratios.max()))
    grid = technique_grid(  # half the steps: every technique's steps make most columns
        max(1, grid_steps // 2), min(TECHNIQUE_REACH, TECHNIQUE_WINDOWS * window)
    )
    techniques = technique_steps(market, prices, grid, effort_belief)
    layout = MasterLayout(n, n_units, techniques.n if techniques is not None else 0)
    blocks = [
        *([worker_proposal_block(history, layout)] if history else []),
        *(
            [technique_activity_block(techniques, layout), effort_step_block(techniques, layout)]
            if techniques is not None
            else []
        ),
        item_step_block(
            "demand steps", requests, demand_elasticity, 1.0, prices, ratios, grid_steps, layout
        ),
        item_step_block(
            "permit steps", permits, permit_elasticity, -1.0, prices, ratios, grid_steps, layout
        ),
    ]
    floor = techniques.floor if techniques is not None else np.zeros(0)
    return layout, blocks, floor
