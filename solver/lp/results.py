"""Post-processing: turn a solver path's raw arrays into a round result with named prices.

Sign conventions (minimisation, HiGHS): the dual of a ``>=`` goods row is the marginal
social cost of one more unit of net output, i.e. the good's price (>= 0); the dual of a
``<=`` limit row is <= 0, so a scarcity rent is its negative; a capacity rent is the negative
reduced cost of a technique held at its capacity.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from solver.highs import LPOutcome
from solver.lp.build import RoundLP
from solver.status import Method, SolutionStatus, SolveOutcome, TerminationCondition

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["RoundResult", "Shortfall", "assign_result"]

SHORTFALL_TOL = 1e-7


@dataclass(frozen=True)
class Shortfall:
    """A request that the plan cannot meet."""

    good: str
    required: float
    shortfall: float


@dataclass
class RoundResult(SolveOutcome):
    """The outcome of one round's LP, with every array labelled by the LP's ids.

    Arrays are ``None`` when the solver returned no solution (see ``termination``).
    ``price_unit`` says what social cost and prices are measured in (the numeraire) and
    ``units`` the unit of every good, primary input and pollutant, where the economy names
    them (:mod:`solver.economy.units`).
    """

    termination: TerminationCondition
    solution: SolutionStatus
    method: Method
    path: str
    objective: float | None
    solve_seconds: float
    goods: list[str]
    techniques: list[str]
    primary_inputs: list[str]
    councils: list[str]
    cap_rows: list[tuple[str, str]]
    required: np.ndarray
    activity: np.ndarray | None = None
    shortfall: np.ndarray | None = None
    price: np.ndarray | None = None
    rent: np.ndarray | None = None
    pollution_price: np.ndarray | None = None
    capacity_rent: np.ndarray | None = None
    technique_ratio: np.ndarray | None = None
    council_benefit: np.ndarray | None = None
    council_cost: np.ndarray | None = None
    shortfalls_from_elastic_resolve: bool = False
    notes: list[str] = field(default_factory=list)
    price_unit: str = ""
    units: dict[str, str] = field(default_factory=dict)

    @property
    def has_solution(self) -> bool:
        """A primal plan came back."""
        return self.activity is not None

    @property
    def has_duals(self) -> bool:
        """Duals came back (prices, rents)."""
        return self.price is not None

    def _has_duals(self) -> bool:
        return self.has_duals

    @property
    def council_ratio(self) -> np.ndarray | None:
        """Social benefit / social cost of each worker council's planned activity."""
        if self.council_benefit is None or self.council_cost is None:
            return None
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(self.council_cost > 0, self.council_benefit / self.council_cost, np.nan)

    @property
    def feasible(self) -> bool:
        """True when the plan meets every request (no shortfall)."""
        return (
            self.shortfall is not None
            and not self.shortfalls_from_elastic_resolve
            and not self.shortfalls()
        )

    def shortfalls(self) -> list[Shortfall]:
        """The feasibility report: every good whose requirement is not met, and by how much."""
        if self.shortfall is None:
            return []
        scale = np.maximum(1.0, np.abs(self.required))
        short = np.flatnonzero(self.shortfall > SHORTFALL_TOL * scale)
        return [
            Shortfall(self.goods[i], float(self.required[i]), float(self.shortfall[i]))
            for i in short
        ]

    @property
    def prices(self) -> pd.Series:
        """Shadow price of every good (the dual of its balance row), indexed by good id;
        empty when the solver returned no duals."""
        return _series(self.goods, self.price, "good", "price")

    @property
    def rents(self) -> pd.Series:
        """Rent of every primary input (the dual of its availability row), indexed by id."""
        return _series(self.primary_inputs, self.rent, "primary_input", "rent")

    @property
    def activities(self) -> pd.Series:
        """Activity level of every technique in the plan, indexed by technique id."""
        return _series(self.techniques, self.activity, "technique", "activity")

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary (NaN becomes ``None``)."""
        ratio = self.council_ratio
        out: dict[str, Any] = {
            "termination": self.termination.value,
            "solution_status": self.solution.value,
            "method": self.method.value,
            "path": self.path,
            "objective": self.objective,
            "price_unit": self.price_unit,
            "units": self.units,
            "solve_seconds": self.solve_seconds,
            "feasible": self.feasible,
            "shortfalls": [s.__dict__ for s in self.shortfalls()],
            "shortfalls_from_elastic_resolve": self.shortfalls_from_elastic_resolve,
            "prices": _named(self.goods, self.price),
            "rents": _named(self.primary_inputs, self.rent),
            "pollution_prices": [
                {"federation": f, "pollutant": e, "price": _num(p)}
                for (f, e), p in zip(
                    self.cap_rows, _list(self.pollution_price, len(self.cap_rows)), strict=True
                )
            ],
            "activities": _named(self.techniques, self.activity),
            "capacity_rents": {
                t: _num(r)
                for t, r in zip(
                    self.techniques, _list(self.capacity_rent, len(self.techniques)), strict=True
                )
                if r is not None and r > 0
            },
            "councils": [
                {
                    "id": c,
                    "social_benefit": _num(b),
                    "social_cost": _num(k),
                    "ratio": _num(r),
                }
                for c, b, k, r in zip(
                    self.councils,
                    _list(self.council_benefit, len(self.councils)),
                    _list(self.council_cost, len(self.councils)),
                    _list(ratio, len(self.councils)),
                    strict=True,
                )
            ],
            "notes": self.notes,
        }
        return out


def _num(v: float | None) -> float | None:
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)


def _list(a: np.ndarray | None, n: int) -> list[float | None]:
    return [None] * n if a is None else a.tolist()


def _series(labels: list[str], values: np.ndarray | None, index: str, name: str) -> pd.Series:
    import pandas as pd  # here, not above: `parplan solve` answers without it

    if values is None:
        return pd.Series([], index=pd.Index([], name=index), name=name, dtype=float)
    return pd.Series(values, index=pd.Index(labels, name=index), name=name)


def _named(labels: list[str], values: np.ndarray | None) -> dict[str, float]:
    return {} if values is None else dict(zip(labels, values.tolist(), strict=True))


def assign_result(lp: RoundLP, raw: LPOutcome, path: str) -> RoundResult:
    """Assign the solution and the duals of ``raw`` to named quantities, then post-process."""
    tech = lp.tech
    assert raw.method is not None, "both round LP paths record the method they ran"
    result = RoundResult(
        termination=raw.termination,
        solution=raw.solution,
        method=raw.method,
        path=path,
        objective=raw.objective,
        solve_seconds=raw.seconds,
        goods=tech.goods,
        techniques=tech.techniques,
        primary_inputs=tech.primary_inputs,
        councils=tech.councils,
        cap_rows=lp.cap_rows,
        required=lp.bounds.net_requests,
    )
    if raw.x is not None:
        x = raw.x
        result.activity = np.maximum(x[lp.technique_cols], 0.0)
        result.shortfall = np.maximum(x[lp.shortfall_cols], 0.0)
    if raw.row_dual is not None and raw.col_dual is not None:
        y = raw.row_dual
        result.price = y[lp.good_rows].copy()
        result.rent = np.maximum(-y[lp.primary_rows], 0.0)
        result.pollution_price = np.maximum(-y[lp.cap_row_slice], 0.0)
        result.capacity_rent = np.maximum(-raw.col_dual[lp.technique_cols], 0.0)
        _assign_ratios(lp, result)
    return result


def _assign_ratios(lp: RoundLP, result: RoundResult) -> None:
    """Social benefit and social cost at the round's prices, per technique and per council.

    Benefit is the outputs at the goods' prices; cost is the intermediate inputs at the
    goods' prices, primary inputs at their weight plus rent, and emissions at their damage
    weight plus the pollution prices of every capped federation the technique lies in.
    """
    tech = lp.tech
    assert (
        result.price is not None and result.rent is not None and result.pollution_price is not None
    )
    weights = lp.cost[lp.technique_cols]  # w.B + phi.E per unit of activity
    benefit_unit = tech.outputs.T @ result.price
    cost_unit = (
        tech.inputs.T @ result.price
        + tech.primary_use.T @ result.rent
        + weights
        + lp.matrix[lp.cap_row_slice, lp.technique_cols].T @ result.pollution_price
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        result.technique_ratio = np.where(cost_unit > 0, benefit_unit / cost_unit, np.nan)
    if result.activity is not None:
        n = len(tech.councils)
        result.council_benefit = np.bincount(
            tech.council, benefit_unit * result.activity, minlength=n
        )
        result.council_cost = np.bincount(tech.council, cost_unit * result.activity, minlength=n)
