"""The round's linear program as one sparse description, shared by both solver paths.

::

    minimise    sum_t c_t x_t + sum_g M_g s_g,   c_t = sum_p w_p b_pt + sum_e phi_e e_et
    subject to  sum_t (o_gt - a_gt) x_t + s_g >= D_g - stock_g      (good g; dual = price)
                sum_t b_pt x_t                 <= R_p               (primary p; -dual = rent)
                sum_{t in f} e_et x_t          <= cap_fe            (federation f, pollutant e)
                0 <= x_t <= capacity_t,  s_g >= 0

Columns are the techniques followed by one shortfall per good; rows are the goods, then every
primary input (unlimited ones get an infinite bound, so a round may limit them without
changing the structure), then one row per federation pollution cap. The structure (matrix,
costs, names) is fixed by the economy; a round changes only the bounds, through
:class:`RoundBounds`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import scipy.sparse as sp

from solver.economy.compiled import CompiledEconomy
from solver.economy.production import TechnologyMatrices

__all__ = ["RoundBounds", "RoundLP", "build_round_lp", "round_bounds"]

INF = np.inf


@dataclass(frozen=True)
class RoundBounds:
    """Everything a round may change without rebuilding the model.

    Attributes
    ----------
    net_requests
        Net output required of each good: the councils' and federations' requests and
        the capacity investments, less the stock; may be negative.
    availability
        Limit on each primary input (``inf`` where unlimited).
    capacity
        Upper bound on each technique's activity (``inf`` where unlimited).
    caps
        Limit of each pollution-cap row.
    elastic
        Whether requests may go unmet at the shortfall penalty. Without it an unmeetable
        request makes the LP infeasible.
    """

    net_requests: np.ndarray
    availability: np.ndarray
    capacity: np.ndarray
    caps: np.ndarray
    elastic: bool = True

    @property
    def shortfall_limit(self) -> np.ndarray:
        """How far each good's net output may fall short: where elastic, what is requested
        of it (so a shortfall never conjures an input nobody asked for), else nothing."""
        if not self.elastic:
            return np.zeros_like(self.net_requests, dtype=float)
        return np.maximum(np.asarray(self.net_requests, dtype=float), 0.0)


@dataclass(frozen=True)
class RoundLP:
    """Sparse description of one round's LP (see the module docstring).

    Attributes
    ----------
    matrix
        Constraint matrix, CSC, ``n_rows x n_cols``.
    cost
        Objective coefficient of each column.
    bounds
        The bounds of this round.
    tech
        The technology matrices the LP was built from.
    cap_rows
        ``(federation id, pollutant id)`` of each pollution-cap row.
    cap_pollutant
        Pollutant index of each cap row.
    """

    matrix: sp.csc_array
    cost: np.ndarray
    bounds: RoundBounds
    tech: TechnologyMatrices
    cap_rows: list[tuple[str, str]]
    cap_pollutant: np.ndarray

    # Layout ----------------------------------------------------------------------------
    @property
    def n_goods(self) -> int:
        """Number of goods (balance rows, shortfall columns)."""
        return len(self.tech.goods)

    @property
    def n_techniques(self) -> int:
        """Number of techniques (activity columns)."""
        return len(self.tech.techniques)

    @property
    def n_primary(self) -> int:
        """Number of primary inputs (availability rows)."""
        return len(self.tech.primary_inputs)

    @property
    def n_rows(self) -> int:
        """Number of rows: goods, primary inputs, then pollution caps."""
        return int(self.matrix.shape[0])

    @property
    def n_cols(self) -> int:
        """Number of columns: techniques, then one shortfall per good."""
        return int(self.matrix.shape[1])

    @property
    def good_rows(self) -> slice:
        """The goods' balance rows."""
        return slice(0, self.n_goods)

    @property
    def primary_rows(self) -> slice:
        """The primary inputs' availability rows."""
        return slice(self.n_goods, self.n_goods + self.n_primary)

    @property
    def cap_row_slice(self) -> slice:
        """The pollution caps' rows."""
        return slice(self.n_goods + self.n_primary, self.n_rows)

    @property
    def technique_cols(self) -> slice:
        """The techniques' activity columns."""
        return slice(0, self.n_techniques)

    @property
    def shortfall_cols(self) -> slice:
        """The goods' shortfall columns."""
        return slice(self.n_techniques, self.n_cols)

    @property
    def shortfall_penalty(self) -> np.ndarray:
        """Social cost per unit of unmet request, per good."""
        return self.cost[self.shortfall_cols]

    @property
    def row_names(self) -> list[str]:
        """A name per row: ``balance[g]``, ``limit[p]``, ``cap[f,e]``."""
        return (
            [f"balance[{g}]" for g in self.tech.goods]
            + [f"limit[{p}]" for p in self.tech.primary_inputs]
            + [f"cap[{f},{e}]" for f, e in self.cap_rows]
        )

    @property
    def col_names(self) -> list[str]:
        """A name per column: ``x[t]``, ``s[g]``."""
        return [f"x[{t}]" for t in self.tech.techniques] + [f"s[{g}]" for g in self.tech.goods]

    # Bounds of the current round -------------------------------------------------------
    @property
    def row_lower(self) -> np.ndarray:
        """Row lower bounds: the net requests for goods, none for limits and caps."""
        return np.concatenate(
            [self.bounds.net_requests, np.full(self.n_primary + len(self.cap_rows), -INF)]
        )

    @property
    def row_upper(self) -> np.ndarray:
        """Row upper bounds: none for goods, availabilities and caps for the rest."""
        return np.concatenate(
            [np.full(self.n_goods, INF), self.bounds.availability, self.bounds.caps]
        )

    @property
    def col_lower(self) -> np.ndarray:
        """Column lower bounds: all zero."""
        return np.zeros(self.n_cols)

    @property
    def col_upper(self) -> np.ndarray:
        """Column upper bounds: capacities, and each good's shortfall limit."""
        return np.concatenate([self.bounds.capacity, self.bounds.shortfall_limit])

    def with_bounds(self, bounds: RoundBounds) -> RoundLP:
        """The same LP with another round's bounds (shapes are checked)."""
        _check_shapes(self, bounds)
        return replace(self, bounds=bounds)


def _check_shapes(lp: RoundLP, bounds: RoundBounds) -> None:
    for name, arr, n in (
        ("net_requests", bounds.net_requests, lp.n_goods),
        ("availability", bounds.availability, lp.n_primary),
        ("capacity", bounds.capacity, lp.n_techniques),
        ("caps", bounds.caps, len(lp.cap_rows)),
    ):
        if np.shape(arr) != (n,):
            raise ValueError(f"{name}: expected {n} values, got shape {np.shape(arr)}")
        if name != "net_requests" and np.any(np.asarray(arr) < 0):
            raise ValueError(f"{name}: must be non-negative")
        if np.any(np.isnan(arr)):
            raise ValueError(f"{name}: contains NaN")


def round_bounds(compiled: CompiledEconomy) -> RoundBounds:
    """The bounds stated in the economy: net requests, availabilities, capacities, caps."""
    return RoundBounds(
        net_requests=compiled.requests.copy(),
        availability=compiled.availability.copy(),
        capacity=compiled.tech.capacity.copy(),
        caps=compiled.caps.limits.copy(),
    )


def build_round_lp(compiled: CompiledEconomy) -> RoundLP:
    """Build the round's LP from an economy compiled by
    :func:`~solver.economy.compiled.compile_economy`: its matrices and stated bounds."""
    tech, caps = compiled.tech, compiled.caps
    cap_rows, cap_pollutant = caps.rows, caps.pollutant
    n_goods = len(tech.goods)
    cap_matrix = caps.emissions(tech)
    matrix = sp.vstack(
        [
            sp.hstack([tech.net_output, sp.eye_array(n_goods, format="csc")]),
            sp.hstack([tech.primary_use, sp.csc_array((len(tech.primary_inputs), n_goods))]),
            sp.hstack([sp.csc_array(cap_matrix), sp.csc_array((len(cap_rows), n_goods))]),
        ],
        format="csc",
    )
    matrix.sum_duplicates()
    matrix.eliminate_zeros()
    bounds = round_bounds(compiled)
    lp = RoundLP(
        matrix=matrix,
        cost=np.concatenate([compiled.technique_cost, compiled.shortfall_penalty]),
        bounds=bounds,
        tech=tech,
        cap_rows=cap_rows,
        cap_pollutant=cap_pollutant,
    )
    _check_shapes(lp, bounds)
    return lp
