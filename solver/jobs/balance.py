"""Balanced job complexes: task hours assigned so that every member's job is equally
empowering and equally desirable.

A member's *complex* is the set of task hours they work; its empowerment (desirability) is
the hour-weighted average of its tasks' ratings, on ``[0, 1]`` (each council's scale mapped
onto it). Balancing is a linear program, modelled in Pyomo and solved by HiGHS:

* every task's hours are covered; nobody works a task they lack a qualification for;
* every member works the same share of the hours they offer (the task hours over the hours
  offered), so that nobody is balanced by being given less work;
* member ``m``'s deviation from the target ``e*`` in rating-hours,
  ``|sum_t (e_t - e*) h_mt|``, divided by their hours is their deviation in rating units;
* objective, lexicographic: the largest deviation (empowerment or desirability, over all
  members), then the total deviation (each member's empowerment plus desirability
  deviation); across workplaces the second level also carries a small weight on the hours
  worked away from home.

The target is the workplace's own hour-weighted average; across workplaces
(:func:`balance_society`) it is the society's, and members of workplaces whose tasks are on
average less empowering (or less desirable) take balancing hours in other workplaces, and the
reverse. When the tasks cannot be covered at all, the report names the tasks and
qualifications that cause it (a minimum cut of the qualification network, from networkx);
when they can but not within the tolerance, it names the members whose qualifications keep
them away from the target.
"""

from __future__ import annotations

import math
import time

import numpy as np
import scipy.sparse as sp

from solver.jobs.problem import (
    DEFAULT_TOLERANCE,
    JobProblem,
    balance_reasons,
    coverage_reasons,
    job_problem,
    obviously_short,
    workplace_arrays,
)
from solver.jobs.reports import (
    BalanceStatus,
    JobResult,
    MemberComplex,
    SocietyResult,
    WorkplaceReport,
)
from solver.jobs.workplaces import Society, Workplace

__all__ = [
    "balance_jobs",
    "balance_society",
    "balance_workplace",
    "society_target",
    "specialised_assignment",
]


def _complexes(problem: JobProblem, hours: dict[tuple[int, int], float]) -> list[MemberComplex]:
    tasks: list[dict[tuple[str, str], float]] = [{} for _ in problem.member_ids]
    e_sum = np.zeros(len(problem.member_ids))
    d_sum = np.zeros(len(problem.member_ids))
    worked = np.zeros(len(problem.member_ids))
    for (i, j), h in hours.items():
        if h <= 1e-9:
            continue
        key = (problem.task_place[j], problem.task_ids[j])
        tasks[i][key] = tasks[i].get(key, 0.0) + h
        e_sum[i] += problem.empowerment[j] * h
        d_sum[i] += problem.desirability[j] * h
        worked[i] += h
    safe = np.maximum(worked, 1e-300)
    return [
        MemberComplex(
            member=problem.member_ids[i],
            workplace=problem.member_place[i],
            hours=float(worked[i]),
            empowerment=float(e_sum[i] / safe[i]) if worked[i] > 0 else float("nan"),
            desirability=float(d_sum[i] / safe[i]) if worked[i] > 0 else float("nan"),
            tasks=tasks[i],
        )
        for i in range(len(problem.member_ids))
    ]


def balance_jobs(
    problem: JobProblem, *, tolerance: float = DEFAULT_TOLERANCE, time_limit: float | None = None
) -> JobResult:
    """Solve one balancing LP (see the module docstring)."""
    if not (math.isfinite(tolerance) and 0.0 <= tolerance < 1.0):
        raise ValueError(f"tolerance: a share of the rating scale in [0, 1), got {tolerance}")
    start = time.perf_counter()
    allowed = problem.qualified()
    reasons = coverage_reasons(problem, allowed) if obviously_short(problem, allowed) else []
    if reasons:
        return JobResult.infeasible(problem.target, tolerance, reasons, start)
    # Pyomo (and the scipy.stats it loads) only here: importing it costs every command
    # of the package most of a second, and only balancing builds a Pyomo model
    import pyomo.environ as pyo
    from pyomo.contrib.solver.common.results import TerminationCondition as PyomoTermination

    from solver.jobs.model import (
        balancing_model,
        balancing_solver,
        solve_model,
        solve_second_level,
    )

    pairs = list(zip(*(a.tolist() for a in allowed.nonzero()), strict=True))
    model = balancing_model(problem, pairs)
    solver = balancing_solver()
    first = solve_model(solver, model, time_limit)
    if first is not PyomoTermination.convergenceCriteriaSatisfied:
        reasons = coverage_reasons(problem, allowed) or [
            f"the balancing LP ended with {first.name}"
        ]
        return JobResult.infeasible(problem.target, tolerance, reasons, start)
    largest = max(float(pyo.value(model.z)), 0.0) + 0.0  # never -0.0
    # second level: the total deviation (then hours away), the largest held at its optimum;
    # nothing to do when every complex is on target and nobody may work away
    if largest > 1e-12 or problem.away_cost > 0:
        solve_second_level(solver, model, largest, time_limit)
    hours = {pair: float(pyo.value(model.h[pair])) for pair in pairs}
    complexes = _complexes(problem, hours)
    total = float(
        sum(c.deviation(problem.target) for c in complexes if not np.isnan(c.empowerment))
    )
    status = BalanceStatus.BALANCED if largest <= tolerance + 1e-9 else BalanceStatus.UNBALANCED
    if status is BalanceStatus.UNBALANCED:
        reasons = balance_reasons(problem, allowed, complexes, tolerance)
    return JobResult(
        status,
        problem.target,
        tolerance,
        complexes,
        largest,
        total,
        reasons,
        time.perf_counter() - start,
    )


def specialised_assignment(problem: JobProblem) -> list[MemberComplex] | None:
    """The 'before' of the reports: a specialised division of labour.

    Tasks in order of empowerment, most empowering first, each given to the qualified
    members in the order they are listed until its hours are covered, so that the first
    members get the empowering work and the last the rest. ``None`` when this greedy order
    leaves a task uncovered.
    """
    allowed = sp.csc_array(problem.qualified())
    left = problem.work.astype(float).copy()
    hours: dict[tuple[int, int], float] = {}
    for j in np.argsort(-problem.empowerment, kind="stable"):
        need = float(problem.task_hours[j])
        for i in np.sort(allowed.indices[allowed.indptr[j] : allowed.indptr[j + 1]]):
            if need <= 1e-9:
                break
            take = min(need, float(left[i]))
            if take > 0:
                hours[(int(i), int(j))] = take
                left[i] -= take
                need -= take
        if need > 1e-6:
            return None
    return _complexes(problem, hours)


def current_assignment(workplace: Workplace, problem: JobProblem) -> list[MemberComplex] | None:
    """Members' stated current tasks as complexes, if any member states them."""
    if not any(m.current_tasks for m in workplace.members):
        return None
    index = {t: j for j, t in enumerate(problem.task_ids)}
    hours = {
        (i, index[t]): h
        for i, m in enumerate(workplace.members)
        for t, h in m.current_tasks.items()
    }
    return _complexes(problem, hours)


def balance_workplace(
    workplace: Workplace,
    *,
    tolerance: float = DEFAULT_TOLERANCE,
    target: tuple[float, float] | None = None,
    time_limit: float | None = None,
) -> WorkplaceReport:
    """Balance one workplace towards its own averages (or ``target``, on ``[0, 1]``)."""
    problem = job_problem(workplace, target)
    result = balance_jobs(problem, tolerance=tolerance, time_limit=time_limit)
    before = current_assignment(workplace, problem)
    kind = "current"
    if before is None:
        before, kind = specialised_assignment(problem), "specialised"
    return WorkplaceReport(workplace.id, result, before, kind)


def _group_problem(
    problems: list[JobProblem],
    gaps: np.ndarray,
    target: tuple[float, float],
    partners: int,
    away_cost: float,
) -> JobProblem:
    """One LP over a group of workplaces: each member may work at home and at the
    ``partners`` workplaces of the group whose averages are most opposite to theirs."""
    scores = gaps @ gaps.T  # negative: on opposite sides of the society's averages
    reach: dict[str, list[str]] = {}
    for k, p in enumerate(problems):
        order = [int(v) for v in np.argsort(scores[k], kind="stable") if v != k]
        home = p.member_place[0] if p.member_place else p.task_place[0]
        reach[home] = [home, *(problems[v].task_place[0] for v in order[:partners])]
    return JobProblem(
        member_ids=[m for p in problems for m in p.member_ids],
        member_place=[m for p in problems for m in p.member_place],
        work=np.concatenate([p.work for p in problems]),
        member_qualifications=[q for p in problems for q in p.member_qualifications],
        task_ids=[t for p in problems for t in p.task_ids],
        task_place=[t for p in problems for t in p.task_place],
        task_hours=np.concatenate([p.task_hours for p in problems]),
        task_qualifications=[q for p in problems for q in p.task_qualifications],
        empowerment=np.concatenate([p.empowerment for p in problems]),
        desirability=np.concatenate([p.desirability for p in problems]),
        target=target,
        away_cost=away_cost,
        places=reach,
    )


def society_target(society: Society) -> tuple[float, float]:
    """Hour-weighted average empowerment and desirability of every task, on ``[0, 1]``."""
    total = e = d = 0.0
    for w in society.workplaces:
        hours, emp, des, _ = workplace_arrays(w)
        total += float(hours.sum())
        e += float(hours @ emp)
        d += float(hours @ des)
    return e / total, d / total


def balance_society(
    society: Society,
    *,
    tolerance: float = DEFAULT_TOLERANCE,
    partners: int = 3,
    group_size: int = 8,
    away_cost: float = 1e-3,
    time_limit: float | None = None,
) -> SocietyResult:
    """Balance across workplaces towards the society-wide averages.

    Workplaces are dealt into groups of ``group_size``, each group spanning the range from
    the least to the most empowering (so that every group holds workplaces on both sides of
    the society's averages). Each group is one LP over its members and tasks, in which a
    member may work their own workplace's tasks and those of ``partners`` others of the
    group, those whose averages lie furthest on the other side first. Balancing each
    workplace alone is a feasible answer of every group's LP, so the largest deviation
    across is never above the one alone. Hours away from home are the third level of the
    objective, weighted by ``away_cost``. (One LP over a whole society of 50 workplaces of 20
    members took 80 s, superlinear in its size; groups keep the time linear.)
    """
    if group_size < 1 or partners < 0:
        raise ValueError("group_size: at least 1; partners: at least 0")
    start = time.perf_counter()
    target = society_target(society)
    places = society.workplaces
    problems = [job_problem(w, target) for w in places]
    centre = np.array(
        [
            (float(p.task_hours @ p.empowerment), float(p.task_hours @ p.desirability))
            / p.task_hours.sum()
            for p in problems
        ]
    )
    gaps = centre - np.array(target)
    # deal the workplaces, in order of their gap, into groups: group g gets g, g + G, ...
    n_groups = max(1, -(-len(places) // group_size))
    order = np.argsort(gaps.sum(axis=1), kind="stable")
    groups = [order[g::n_groups] for g in range(n_groups)]
    alone = [
        balance_workplace(w, tolerance=tolerance, target=target, time_limit=time_limit)
        for w in places
    ]
    group_of: dict[str, JobResult] = {}  # workplace -> its group's balancing
    for group in groups:

        def together(members: np.ndarray) -> JobResult:
            return balance_jobs(
                _group_problem(
                    [problems[k] for k in members], gaps[members], target, partners, away_cost
                ),
                tolerance=tolerance,
                time_limit=time_limit,
            )

        # the whole group first: partners may cover tasks a workplace cannot cover itself
        result = together(group)
        if result.status is not BalanceStatus.INFEASIBLE:
            group_of |= {places[k].id: result for k in group}
            continue
        # a workplace that cannot cover its own tasks even so keeps its report (and reason)
        # alone; the rest of its group balance together
        fine = np.array(
            [k for k in group if alone[k].result.status is not BalanceStatus.INFEASIBLE],
            dtype=int,
        )
        group_of |= {places[k].id: alone[k].result for k in group if k not in set(fine.tolist())}
        if fine.size:
            result = together(fine)
            group_of |= {
                places[k].id: result
                if result.status is not BalanceStatus.INFEASIBLE
                else alone[k].result  # e.g. a time limit: keep each workplace's own answer
                for k in fine
            }
    reports = []
    for w, single in zip(places, alone, strict=True):
        group_result = group_of[w.id]
        mine = [c for c in group_result.complexes if c.workplace == w.id]
        worst = max((c.deviation(target) for c in mine), default=None)
        status = group_result.status
        if status is not BalanceStatus.INFEASIBLE and worst is not None:
            status = (
                BalanceStatus.BALANCED if worst <= tolerance + 1e-9 else BalanceStatus.UNBALANCED
            )
        result = JobResult(
            status,
            target,
            tolerance,
            mine,
            worst,
            float(sum(c.deviation(target) for c in mine)) if mine else None,
            group_result.reasons if status is not BalanceStatus.BALANCED else [],
            group_result.seconds,
        )
        reports.append(WorkplaceReport(w.id, result, single.before, single.before_kind))
    return SocietyResult(target, tolerance, reports, alone, time.perf_counter() - start)
