"""The job-balancing LP as a Pyomo model, solved by HiGHS."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyomo.environ as pyo
from pyomo.contrib.solver.common.results import TerminationCondition as PyomoTermination
from pyomo.contrib.solver.solvers.highs import Highs as PyomoHighs

from solver.highs import highs_threads, method_options, new_highs, solver_output
from solver.jobs.problem import JobProblem
from solver.status import Method

__all__ = ["balancing_model", "balancing_solver", "solve_model", "solve_second_level"]


def balancing_model(problem: JobProblem, pairs: list[tuple[int, int]]) -> pyo.ConcreteModel:
    """The balancing LP in Pyomo (see the module docstring)."""
    m = pyo.ConcreteModel(name="job balancing")
    members = range(len(problem.member_ids))
    tasks = range(len(problem.task_ids))
    m.M = pyo.Set(initialize=members)
    m.T = pyo.Set(initialize=tasks)
    m.A = pyo.Set(dimen=2, initialize=pairs)
    m.h = pyo.Var(m.A, within=pyo.NonNegativeReals)
    m.u_e = pyo.Var(m.M, within=pyo.NonNegativeReals)  # |deviation| in rating-hours
    m.u_d = pyo.Var(m.M, within=pyo.NonNegativeReals)
    m.z = pyo.Var(within=pyo.NonNegativeReals)  # largest deviation in rating units
    by_task: dict[int, list[tuple[int, int]]] = {j: [] for j in tasks}
    by_member: dict[int, list[tuple[int, int]]] = {i: [] for i in members}
    for pair in pairs:
        by_member[pair[0]].append(pair)
        by_task[pair[1]].append(pair)
    hours, work = problem.task_hours, problem.work
    e_gap = problem.empowerment - problem.target[0]
    d_gap = problem.desirability - problem.target[1]

    m.cover = pyo.Constraint(m.T, rule=lambda m, j: sum(m.h[p] for p in by_task[j]) == hours[j])
    m.work = pyo.Constraint(
        m.M, rule=lambda m, i: sum(m.h[p] for p in by_member[i]) == float(work[i])
    )

    def gap(ratings: np.ndarray, i: int) -> Any:
        return sum(float(ratings[p[1]]) * m.h[p] for p in by_member[i])

    # deviation = above - below, both non-negative; |deviation| <= above + below = u
    m.e_above = pyo.Var(m.M, within=pyo.NonNegativeReals)
    m.e_below = pyo.Var(m.M, within=pyo.NonNegativeReals)
    m.d_above = pyo.Var(m.M, within=pyo.NonNegativeReals)
    m.d_below = pyo.Var(m.M, within=pyo.NonNegativeReals)
    m.e_gap = pyo.Constraint(m.M, rule=lambda m, i: gap(e_gap, i) == m.e_above[i] - m.e_below[i])
    m.d_gap = pyo.Constraint(m.M, rule=lambda m, i: gap(d_gap, i) == m.d_above[i] - m.d_below[i])
    m.e_size = pyo.Constraint(m.M, rule=lambda m, i: m.e_above[i] + m.e_below[i] == m.u_e[i])
    m.d_size = pyo.Constraint(m.M, rule=lambda m, i: m.d_above[i] + m.d_below[i] == m.u_d[i])
    m.e_largest = pyo.Constraint(m.M, rule=lambda m, i: m.u_e[i] <= m.z * float(work[i]))
    m.d_largest = pyo.Constraint(m.M, rule=lambda m, i: m.u_d[i] <= m.z * float(work[i]))
    m.largest = pyo.Objective(expr=m.z)
    away = [p for p in pairs if problem.member_place[p[0]] != problem.task_place[p[1]]]
    total_work = float(work.sum())
    m.total = pyo.Objective(
        expr=sum((m.u_e[i] + m.u_d[i]) / float(max(work[i], 1e-12)) for i in members)
        + problem.away_cost * sum(m.h[p] for p in away) / max(total_work, 1e-12)
    )
    m.total.deactivate()
    return m


def balancing_solver() -> PyomoHighs:
    """A Pyomo HiGHS solver for the balancing LP, one per process."""
    new_highs()  # fixes this process's thread count and silences the HiGHS banner
    return PyomoHighs()


def solve_model(
    solver: PyomoHighs, model: pyo.ConcreteModel, time_limit: float | None
) -> PyomoTermination:
    """Solve with the method the round LP's rule picks for this many columns: dual simplex
    for small models, the interior point method (with crossover, so the answer is a vertex:
    few split tasks) above. On a 20-workplace society (16,000 columns) IPM took 9 s where
    dual simplex took 83 s; these LPs are very degenerate."""
    n_cols = model.nvariables()
    with solver_output():
        results = solver.solve(
            model,
            load_solutions=False,
            raise_exception_on_nonoptimal_result=False,
            time_limit=time_limit,
            threads=highs_threads(),
            solver_options=method_options(Method.AUTO, n_cols),
        )
    if results.termination_condition is PyomoTermination.convergenceCriteriaSatisfied:
        results.solution_loader.load_vars()
    return results.termination_condition  # type: ignore[no-any-return]


def solve_second_level(
    solver: PyomoHighs, model: pyo.ConcreteModel, largest: float, time_limit: float | None
) -> None:
    """Minimise the total deviation (and hours away) with the largest held at ``largest``.
    If that solve fails, the first level's values stay loaded (solutions load only on
    success)."""
    model.z.setub(largest * (1 + 1e-7) + 1e-9)
    model.largest.deactivate()
    model.total.activate()
    solve_model(solver, model, time_limit)
