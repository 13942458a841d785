"""Pyomo path: the round's LP as an algebraic Pyomo model, solved through Pyomo's
persistent HiGHS interface.

Every per-round bound (net requests, availabilities, capacities, caps) is a mutable Param, so a new
round changes Param values and the persistent solver pushes only those to HiGHS: the model
is built once. The model is read from the same :class:`~solver.lp.build.RoundLP` as the
vectorised path, so the two cannot drift apart; it is the readable reference, and the path
to extend with constraints that are easier to state algebraically.
"""

from __future__ import annotations

import time

import numpy as np
import pyomo.environ as pyo
import scipy.sparse as sp
from pyomo.contrib.solver.common.results import SolutionStatus as PyomoSolutionStatus
from pyomo.contrib.solver.common.results import TerminationCondition as PyomoTermination
from pyomo.contrib.solver.solvers.highs import Highs as PyomoHighs

from solver.highs import (
    LPOutcome,
    highs_threads,
    method_options,
    new_highs,
    resolved_method,
    solver_output,
)
from solver.lp.build import RoundBounds, RoundLP
from solver.status import Method, SolutionStatus, TerminationCondition

__all__ = ["PyomoRoundModel", "create_pyomo_model"]

_TERMINATION = {
    PyomoTermination.convergenceCriteriaSatisfied: TerminationCondition.OPTIMAL,
    PyomoTermination.maxTimeLimit: TerminationCondition.MAX_TIME_LIMIT,
    PyomoTermination.iterationLimit: TerminationCondition.ITERATION_LIMIT,
    PyomoTermination.interrupted: TerminationCondition.INTERRUPTED,
    PyomoTermination.provenInfeasible: TerminationCondition.PROVEN_INFEASIBLE,
    PyomoTermination.unbounded: TerminationCondition.UNBOUNDED,
    PyomoTermination.infeasibleOrUnbounded: TerminationCondition.INFEASIBLE_OR_UNBOUNDED,
    PyomoTermination.error: TerminationCondition.ERROR,
}
_SOLUTION = {
    PyomoSolutionStatus.optimal: SolutionStatus.OPTIMAL,
    PyomoSolutionStatus.feasible: SolutionStatus.FEASIBLE,
    PyomoSolutionStatus.infeasible: SolutionStatus.INFEASIBLE,
    PyomoSolutionStatus.noSolution: SolutionStatus.NO_SOLUTION,
}


def _rows_of(matrix: sp.csr_array, start: int, stop: int) -> list[tuple[list[int], list[float]]]:
    indptr, indices, data = matrix.indptr, matrix.indices, matrix.data
    return [
        (indices[indptr[i] : indptr[i + 1]].tolist(), data[indptr[i] : indptr[i + 1]].tolist())
        for i in range(start, stop)
    ]


def create_pyomo_model(lp: RoundLP) -> pyo.ConcreteModel:
    """The round's LP as a Pyomo model with mutable Params for every per-round input.

    Components: ``x[t]`` activities, ``s[g]`` shortfalls; ``balance[g]``, ``limit[p]`` and
    ``cap[k]`` constraints; Params ``net_requests``, ``availability``, ``capacity``, ``cap_limit``
    and ``shortfall_limit``.
    """
    m = pyo.ConcreteModel(name="planning_round")
    m.T = pyo.RangeSet(0, lp.n_techniques - 1)
    m.G = pyo.RangeSet(0, lp.n_goods - 1)
    m.P = pyo.RangeSet(0, lp.n_primary - 1)
    m.K = pyo.RangeSet(0, len(lp.cap_rows) - 1)

    bounds = lp.bounds
    m.net_requests = pyo.Param(
        m.G, mutable=True, initialize=dict(enumerate(bounds.net_requests.tolist()))
    )
    m.availability = pyo.Param(
        m.P, mutable=True, initialize=dict(enumerate(bounds.availability.tolist()))
    )
    m.capacity = pyo.Param(m.T, mutable=True, initialize=dict(enumerate(bounds.capacity.tolist())))
    m.cap_limit = pyo.Param(m.K, mutable=True, initialize=dict(enumerate(bounds.caps.tolist())))
    m.shortfall_limit = pyo.Param(
        m.G, mutable=True, initialize=dict(enumerate(bounds.shortfall_limit.tolist()))
    )

    m.x = pyo.Var(m.T, bounds=lambda m, t: (0.0, m.capacity[t]))
    m.s = pyo.Var(m.G, bounds=lambda m, g: (0.0, m.shortfall_limit[g]))

    cost = lp.cost
    n_t = lp.n_techniques
    m.social_cost = pyo.Objective(
        expr=pyo.quicksum(
            [float(cost[t]) * m.x[t] for t in range(n_t) if cost[t] != 0.0]
            + [float(cost[n_t + g]) * m.s[g] for g in range(lp.n_goods)],
        ),
        sense=pyo.minimize,
    )

    # The technique part of every row, read from the shared matrix.
    rows = _rows_of(sp.csr_array(lp.matrix[:, lp.technique_cols]), 0, lp.n_rows)

    def activity(i: int) -> pyo.Expression:
        cols, coefs = rows[i]
        return pyo.quicksum([c * m.x[t] for t, c in zip(cols, coefs, strict=True)])

    off_p = lp.primary_rows.start
    off_k = lp.cap_row_slice.start
    m.balance = pyo.Constraint(m.G, rule=lambda m, g: activity(g) + m.s[g] >= m.net_requests[g])
    m.limit = pyo.Constraint(m.P, rule=lambda m, p: activity(off_p + p) <= m.availability[p])
    m.cap = pyo.Constraint(m.K, rule=lambda m, k: activity(off_k + k) <= m.cap_limit[k])
    return m


class PyomoRoundModel:
    """A Pyomo round model bound to a persistent HiGHS solver.

    Parameters
    ----------
    lp
        The round's sparse description.
    """

    def __init__(self, lp: RoundLP) -> None:
        self.lp = lp
        self.model = create_pyomo_model(lp)
        new_highs()  # fixes this process's thread count and silences the HiGHS banner
        self.solver = PyomoHighs()
        self._constraints = (
            [self.model.balance[g] for g in self.model.G]
            + [self.model.limit[p] for p in self.model.P]
            + [self.model.cap[k] for k in self.model.K]
        )
        self._variables = [self.model.x[t] for t in self.model.T] + [
            self.model.s[g] for g in self.model.G
        ]

    def update(self, bounds: RoundBounds) -> None:
        """Set the mutable Params to another round's bounds; nothing is rebuilt."""
        self.lp = self.lp.with_bounds(bounds)
        m = self.model
        m.net_requests.store_values(dict(enumerate(bounds.net_requests.tolist())))
        m.availability.store_values(dict(enumerate(bounds.availability.tolist())))
        m.capacity.store_values(dict(enumerate(bounds.capacity.tolist())))
        m.cap_limit.store_values(dict(enumerate(bounds.caps.tolist())))
        m.shortfall_limit.store_values(dict(enumerate(bounds.shortfall_limit.tolist())))

    def solve(self, method: Method = Method.AUTO, time_limit: float | None = None) -> LPOutcome:
        """Solve through Pyomo's persistent HiGHS interface."""
        start = time.perf_counter()
        with solver_output():
            results = self.solver.solve(
                self.model,
                load_solutions=False,
                raise_exception_on_nonoptimal_result=False,
                time_limit=time_limit,
                threads=highs_threads(),
                solver_options=method_options(method, self.lp.n_cols),
            )
        seconds = time.perf_counter() - start
        termination = _TERMINATION.get(results.termination_condition, TerminationCondition.UNKNOWN)
        solution = _SOLUTION.get(results.solution_status, SolutionStatus.NO_SOLUTION)
        col_value = row_dual = col_dual = None
        if solution in (SolutionStatus.OPTIMAL, SolutionStatus.FEASIBLE):
            primals = results.solution_loader.get_vars(self._variables)
            col_value = np.array([primals[v] for v in self._variables])
        try:
            duals = results.solution_loader.get_duals(self._constraints)
            rc = results.solution_loader.get_reduced_costs(self._variables)
        except Exception:  # pyomo raises NoDualsError (and others) when HiGHS has none
            duals = rc = None
        if duals is not None and rc is not None:
            row_dual = np.array([duals[c] for c in self._constraints])
            col_dual = np.array([rc[v] for v in self._variables])
        return LPOutcome(
            termination=termination,
            solution=solution,
            method=resolved_method(method, self.lp.n_cols),
            objective=results.incumbent_objective,
            x=col_value,
            row_dual=row_dual,
            col_dual=col_dual,
            seconds=seconds,
        )
