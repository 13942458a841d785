"""The production graph and the technology matrices built from it.

The economy's techniques are turned, once, into sparse coefficient matrices (goods x
techniques for outputs and inputs, primary inputs x techniques, pollutants x techniques),
and the networkx graph of goods, primary inputs, pollutants and techniques from the same
arrays. Can every requested good be made from primary inputs, and all goods sustainably?
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import chain
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

from solver.economy.leontief import (
    jacobi_solve,
    least_per_good,
    paired_outputs,
    single_outputs,
    sparse_lu,
    spectral_radius,
)
from solver.economy.model import Economy, Problem
from solver.highs import highs_lp, solve_lp

if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "ProductionError",
    "ProductionReport",
    "TechnologyMatrices",
    "check_production",
    "production_graph",
    "reachable_goods",
    "stack_quantities",
    "technology_matrices",
]

FloatArray = np.ndarray


@dataclass(frozen=True)
class TechnologyMatrices:
    """Sparse coefficient matrices of an economy, columns in technique order.

    Attributes
    ----------
    goods, primary_inputs, pollutants, techniques
        Row / column labels (ids).
    outputs, inputs
        ``O[g, t]`` and ``A[g, t]``: good ``g`` produced / used per unit of activity of ``t``.
    primary_use
        ``B[p, t]``: primary input ``p`` used per unit of activity.
    emissions
        ``E[e, t]``: pollutant ``e`` emitted per unit of activity.
    capacity
        Upper bound on each technique's activity (``inf`` where unlimited).
    council
        Index of the worker council that operates each technique.
    """

    goods: list[str]
    primary_inputs: list[str]
    pollutants: list[str]
    techniques: list[str]
    councils: list[str]
    outputs: sp.csc_array
    inputs: sp.csc_array
    primary_use: sp.csc_array
    emissions: sp.csc_array
    capacity: FloatArray
    council: np.ndarray

    @property
    def net_output(self) -> sp.csc_array:
        """``O - A``: net output of each good per unit of activity."""
        return (self.outputs - self.inputs).tocsc()


def stack_quantities(rows: dict[str, int], per_technique: list[dict[str, float]]) -> sp.csc_array:
    """Stack one mapping (id -> quantity) per column into a ``(len(rows), columns)`` CSC array."""
    counts = np.fromiter((len(m) for m in per_technique), dtype=np.int64, count=len(per_technique))
    indptr = np.zeros(len(per_technique) + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    nnz = int(indptr[-1])
    # chain and map iterate in C: a dense table's millions of coefficients in a second less
    row_idx = np.fromiter(
        map(rows.__getitem__, chain.from_iterable(per_technique)), dtype=np.int64, count=nnz
    )
    values = np.fromiter(
        chain.from_iterable(m.values() for m in per_technique), dtype=float, count=nnz
    )
    mat = sp.csc_array((values, row_idx, indptr), shape=(len(rows), len(per_technique)))
    mat.sum_duplicates()
    mat.eliminate_zeros()
    return mat


def technology_matrices(economy: Economy) -> TechnologyMatrices:
    """Build the sparse coefficient matrices of ``economy``."""
    goods = [g.id for g in economy.goods]
    primaries = [p.id for p in economy.primary_inputs]
    pollutants = [p.id for p in economy.pollutants]
    pairs = economy.techniques()
    council_index = {wc.id: i for i, wc in enumerate(economy.worker_councils)}
    good_row = {g: i for i, g in enumerate(goods)}
    techs = [t for _, t in pairs]
    return TechnologyMatrices(
        goods=goods,
        primary_inputs=primaries,
        pollutants=pollutants,
        techniques=[t.id for t in techs],
        councils=list(council_index),
        outputs=stack_quantities(good_row, [t.outputs for t in techs]),
        inputs=stack_quantities(good_row, [t.inputs for t in techs]),
        primary_use=stack_quantities(
            {p: i for i, p in enumerate(primaries)}, [t.primary_inputs for t in techs]
        ),
        emissions=stack_quantities(
            {p: i for i, p in enumerate(pollutants)}, [t.emissions for t in techs]
        ),
        capacity=np.array(
            [np.inf if t.capacity is None else t.capacity for t in techs], dtype=float
        ),
        council=np.array([council_index[wc.id] for wc, _ in pairs], dtype=np.int64),
    )


def production_graph(tech: TechnologyMatrices) -> nx.DiGraph:
    """The production graph: resources flow along edges into techniques and out as goods.

    Nodes are tuples ``(kind, id)`` with kind ``"good"``, ``"primary"``, ``"pollutant"`` or
    ``"technique"``; every edge carries its coefficient as ``weight``.
    """
    import networkx as nx  # here, not above: only the graph's users pay its import (0.13 s)

    graph = nx.DiGraph()
    t_nodes = [("technique", t) for t in tech.techniques]
    graph.add_nodes_from(t_nodes, kind="technique")
    graph.add_nodes_from((("good", g) for g in tech.goods), kind="good")
    graph.add_nodes_from((("primary", p) for p in tech.primary_inputs), kind="primary")
    graph.add_nodes_from((("pollutant", e) for e in tech.pollutants), kind="pollutant")

    def edges(mat: sp.csc_array, labels: list[str], kind: str, into_technique: bool) -> None:
        coo = mat.tocoo()
        pairs = zip(coo.row.tolist(), coo.col.tolist(), coo.data.tolist(), strict=True)
        if into_technique:
            graph.add_weighted_edges_from(((kind, labels[r]), t_nodes[c], w) for r, c, w in pairs)
        else:
            graph.add_weighted_edges_from((t_nodes[c], (kind, labels[r]), w) for r, c, w in pairs)

    edges(tech.inputs, tech.goods, "good", into_technique=True)
    edges(tech.primary_use, tech.primary_inputs, "primary", into_technique=True)
    edges(tech.outputs, tech.goods, "good", into_technique=False)
    edges(tech.emissions, tech.pollutants, "pollutant", into_technique=False)
    return graph


SHALLOW_LEVELS = 16  # a table's goods are reached in 2 levels; a chain past this, searched


def reachable_goods(tech: TechnologyMatrices) -> np.ndarray:
    """Which goods a chain of techniques leads to from the primary inputs (their
    descendants in :func:`production_graph`), level by level: a technique is reached where
    it uses a primary input or a reached good, a good where a reached technique makes it.
    Deeper than :data:`SHALLOW_LEVELS`, a breadth-first search, linear in the edges (3,000
    dense sectors: the levels 0.02 s, the search's graph 0.1-0.5 s)."""
    n_g, n_t = tech.outputs.shape  # stored entries are edges, as the search's (a 0 too)
    a, o = sp.csc_array(tech.inputs), sp.csr_array(tech.outputs)
    uses = sp.csr_array((np.ones(a.nnz, np.int8), a.indices, a.indptr), shape=(n_t, n_g))
    makes = sp.csr_array((np.ones(o.nnz, np.int8), o.indices, o.indptr), shape=(n_g, n_t))
    by_primary = np.diff(sp.csc_array(tech.primary_use).indptr) > 0
    reached = np.zeros(n_g, dtype=bool)
    for _ in range(SHALLOW_LEVELS):
        running = by_primary | (uses @ reached.astype(np.int8) > 0)
        now = makes @ running.astype(np.int8) > 0
        if np.array_equal(now, reached):
            return reached
        reached = now
    return _searched(tech)


def _searched(tech: TechnologyMatrices) -> np.ndarray:
    """:func:`reachable_goods` by a breadth-first search of the production graph."""
    from scipy.sparse.csgraph import breadth_first_order  # imports scipy.linalg: 0.06 s

    n_p, n_g, n_t = len(tech.primary_inputs), len(tech.goods), len(tech.techniques)
    first_good, first_tech = 1 + n_p, 1 + n_p + n_g
    primary_use, inputs = sp.coo_array(tech.primary_use), sp.coo_array(tech.inputs)
    outputs = sp.coo_array(tech.outputs)
    rows = np.concatenate(  # node 0 is a source feeding every primary input
        [np.zeros(n_p, dtype=np.int64), 1 + primary_use.row, first_good + inputs.row,
         first_tech + outputs.col]
    )  # fmt: skip
    cols = np.concatenate(
        [1 + np.arange(n_p), first_tech + primary_use.col, first_tech + inputs.col,
         first_good + outputs.row]
    )  # fmt: skip
    graph = sp.csr_array((np.ones(rows.size), (rows, cols)), shape=(first_tech + n_t,) * 2)
    mask = np.zeros(first_tech + n_t, dtype=bool)
    mask[breadth_first_order(graph, 0, directed=True, return_predecessors=False)] = True
    return mask[first_good:first_tech]


@dataclass
class ProductionReport:
    """Structural diagnosis of an economy's production side.

    Attributes
    ----------
    unreachable
        Requested goods with no chain of techniques leading back to a primary input.
    unsustainable
        Goods that no combination of techniques can produce with a non-negative net output
        of every other good: the input-coefficient structure is not productive for them.
    spectral_radius
        Perron root of the square input-coefficient matrix, when every good has exactly
        one single-output technique (the Leontief case); ``None`` otherwise.
    """

    unreachable: list[str] = field(default_factory=list)
    unsustainable: list[str] = field(default_factory=list)
    spectral_radius: float | None = None

    @property
    def ok(self) -> bool:
        """No requested good unreachable and no good unsustainable."""
        return not self.unreachable and not self.unsustainable

    def problems(self) -> list[Problem]:
        """The report as :class:`Problem` s naming the fields."""
        out = [
            Problem(
                field=f"goods[{g!r}]",
                message="requested but cannot be produced from primary inputs",
            )
            for g in self.unreachable
        ]
        if self.unsustainable:
            radius = (
                f" (spectral radius of the input coefficients {self.spectral_radius:.6g} >= 1)"
                if self.spectral_radius is not None
                else ""
            )
            names = ", ".join(repr(g) for g in self.unsustainable[:20])
            more = (
                f" and {len(self.unsustainable) - 20} more" if len(self.unsustainable) > 20 else ""
            )
            out.append(
                Problem(
                    field="worker_councils[*].techniques[*].inputs",
                    message="input coefficients are not productive"
                    + radius
                    + f": these goods cannot be produced sustainably: {names}{more}",
                )
            )
        return out


class ProductionError(ValueError):
    """The production side cannot deliver the plan; ``report`` says why."""

    def __init__(self, report: ProductionReport) -> None:
        self.report = report
        self.problems = report.problems()
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"production check failed:\n{lines}")


def _leontief_square(tech: TechnologyMatrices) -> sp.csc_array | None:
    """The goods x goods input-coefficient matrix, if the economy is of Leontief form."""
    n_goods, n_tech = tech.outputs.shape
    if n_goods != n_tech or tech.outputs.nnz != n_tech:
        return None
    coo = tech.outputs.tocoo()
    if len(np.unique(coo.row)) != n_goods:
        return None
    # Column t produces good coo.row[t] at rate coo.data[t]; per unit of that good:
    order = np.empty(n_tech, dtype=np.int64)
    order[coo.row] = coo.col
    scale = np.zeros(n_tech)
    scale[coo.col] = 1.0 / coo.data
    per_unit = tech.inputs @ sp.diags_array(scale)
    return sp.csc_array(per_unit[:, order])


def _sustainable_by_one_choice(tech: TechnologyMatrices) -> np.ndarray | None:
    """Every produced good, where one single-output technique per good makes a productive
    Leontief system (its inputs per unit have spectral radius below 1: then ``(I - A)^-1
    1 > 0`` is a positive net output of every good); ``None`` where this does not decide.

    The technique chosen for each good is the one using the fewest inputs per unit. This
    settles most economies in a sparse pass, where the LP below costs as much as the round.
    """
    made_by = single_outputs(tech.outputs)
    if made_by is None:
        return None  # joint production: the LP decides
    good, amount = made_by
    inputs = sp.csc_array(tech.inputs)
    per_unit = np.asarray(inputs.sum(axis=0)).ravel() / amount
    chosen, made = least_per_good(good, per_unit)
    produced = np.zeros(tech.outputs.shape[0], dtype=bool)
    produced[made] = True
    used = sp.csr_array(inputs[:, chosen])
    if np.any(np.diff(used.indptr)[~produced] > 0):
        return None  # a chosen technique needs a good nobody makes
    if per_unit[chosen].max(initial=0.0) < 1.0 or (
        spectral_radius(used[made, :] @ sp.diags_array(1.0 / amount[chosen])) < 1.0 - 1e-12
    ):
        return produced
    return None


SQUARE_LU_GOODS = 5_000  # above, no LU: its fill-in is hard to foresee (dense: 200 MB here)


def _sustainable_by_square(tech: TechnologyMatrices) -> np.ndarray | None:
    """Every good, where there are as many techniques as goods and the square ``(O - A) x =
    1`` has a solution ``x >= 0`` (joint production allowed: an input-output table with
    byproducts); ``None`` where this does not decide."""
    net = sp.csc_array(tech.net_output)
    n_goods, n_tech = net.shape
    chosen = paired_outputs(tech.outputs, n_goods) if n_goods == n_tech else None
    # Jacobi sweeps first: a sparse LU took 15 s at 6,000 random sectors
    x = None if chosen is None else jacobi_solve(net[:, chosen], np.ones(n_goods))
    if x is not None:
        return np.ones(n_goods, dtype=bool) if np.all(x >= 0.0) else None
    if n_goods != n_tech or n_goods == 0 or n_goods > SQUARE_LU_GOODS:
        return None
    factor = sparse_lu(net)
    if factor is None:
        return None
    x = factor.solve(np.ones(n_goods))
    if not np.all(np.isfinite(x)) or np.any(x < 0.0):
        return None
    return np.ones(n_goods, dtype=bool)


def _sustainable_goods(tech: TechnologyMatrices) -> np.ndarray:
    """Boolean mask of goods that some activity vector produces with positive net output.

    Where one choice of techniques decides it (:func:`_sustainable_by_one_choice`), that;
    else the LP  max sum z  s.t. (O - A) x >= z, 0 <= z <= 1, x >= 0. The union of two
    activity vectors' positive-net sets is again such a set, so the optimum marks exactly
    the largest sustainably producible set with z = 1.
    """
    quick = _sustainable_by_one_choice(tech)
    if quick is None:
        quick = _sustainable_by_square(tech)
    if quick is not None:
        return quick
    net = tech.net_output
    n_goods, n_tech = net.shape
    lp = highs_lp(
        sp.hstack([net, -sp.eye_array(n_goods, format="csc")], format="csc"),
        cost=np.concatenate([np.zeros(n_tech), -np.ones(n_goods)]),
        col_lower=np.zeros(n_tech + n_goods),
        col_upper=np.concatenate([np.full(n_tech, np.inf), np.ones(n_goods)]),
        row_lower=np.zeros(n_goods),
        row_upper=np.full(n_goods, np.inf),
    )
    # feasible (x = 0, z = 0) and bounded (z <= 1): always solvable; a check, run to its end
    # even where the solve it precedes may be interrupted (that solve reports it)
    outcome = solve_lp(lp, interruptible=False)
    if not outcome.is_ok or outcome.x is None:
        raise RuntimeError(
            f"production check: the sustainability LP ended {outcome.termination.value}"
        )
    return outcome.x[n_tech:] > 0.5


def check_production(
    economy: Economy, tech: TechnologyMatrices, *, radius: bool = True
) -> ProductionReport:
    """Whether the economy's techniques (``tech``, its :func:`technology_matrices`) can
    deliver what is requested; ``radius``: with the input matrix's spectral radius where the
    economy is of Leontief form (an eigenvalue solve, 0.3 s at 3,000 dense sectors, that
    only a report shows; always where a good is unsustainable, for the problem's message)."""
    reachable = {g for g, ok in zip(tech.goods, reachable_goods(tech), strict=True) if ok}
    requested = {g for cc in economy.consumer_councils for g, q in cc.requests.items() if q > 0}
    requested |= {g for f in economy.federations for g, q in f.public_requests.items() if q > 0}
    report = ProductionReport(
        unreachable=[g for g in tech.goods if g in requested and g not in reachable],
    )
    sustainable = _sustainable_goods(tech)
    # A good nobody produces is not a productivity problem; reachability reports it if requested.
    produced = np.diff(tech.outputs.tocsr().indptr) > 0
    report.unsustainable = [
        g for g, ok, made in zip(tech.goods, sustainable, produced, strict=True) if made and not ok
    ]
    square = _leontief_square(tech) if radius or report.unsustainable else None
    if square is not None:
        report.spectral_radius = spectral_radius(square)
    return report
