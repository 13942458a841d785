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
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import networkx as nx
import numpy as np
import pyomo.environ as pyo
import scipy.sparse as sp
from pyomo.contrib.solver.common.results import TerminationCondition as PyomoTermination
from pyomo.contrib.solver.solvers.highs import Highs as PyomoHighs

from .highs_backend import highs_threads, method_options, new_highs, stdout_to_stderr
from .jobs import Society, Workplace
from .status import Method

__all__ = [
    "DEFAULT_TOLERANCE",
    "BalanceStatus",
    "JobProblem",
    "JobResult",
    "MemberComplex",
    "SocietyResult",
    "WorkplaceReport",
    "balance_jobs",
    "balance_society",
    "balance_workplace",
    "finite",
    "gini",
    "job_problem",
    "society_target",
    "specialised_assignment",
    "spread",
]

DEFAULT_TOLERANCE = 0.05  # of the rating scale


class BalanceStatus(StrEnum):
    BALANCED = "balanced"  # every deviation within the tolerance
    UNBALANCED = "unbalanced"  # covered, but the best largest deviation exceeds it
    INFEASIBLE = "infeasible"  # the tasks cannot be covered by qualified hours


def gini(values: Sequence[float] | np.ndarray) -> float:
    """Gini coefficient of non-negative values: 0 when all are equal.

    ``G = sum_i sum_j |x_i - x_j| / (2 n^2 mean)``, computed from the sorted values.
    """
    x = np.asarray(values, dtype=float)
    x = np.sort(x[np.isfinite(x)])  # members who work no hours have no rating
    n = x.size
    if n == 0 or x.sum() <= 0:
        return 0.0
    ranks = np.arange(1, n + 1)
    return float(2.0 * (ranks * x).sum() / (n * x.sum()) - (n + 1.0) / n)


@dataclass(frozen=True)
class JobProblem:
    """One balancing LP: members and tasks (possibly of several workplaces) and the targets.

    Ratings are on ``[0, 1]``. ``work`` is the hours each member works (their share of the
    hours they offer).
    """

    member_ids: list[str]
    member_place: list[str]
    work: np.ndarray
    member_qualifications: list[frozenset[str]]
    task_ids: list[str]
    task_place: list[str]
    task_hours: np.ndarray
    task_qualifications: list[frozenset[str]]
    empowerment: np.ndarray
    desirability: np.ndarray
    target: tuple[float, float]
    away_cost: float = 0.0  # weight of hours worked outside one's workplace (third level)
    places: dict[str, list[str]] | None = None  # workplace -> workplaces its members may work in
    offered: np.ndarray | None = None  # hours each member offers (default: ``work``)

    @property
    def offered_hours(self) -> np.ndarray:
        return self.work if self.offered is None else self.offered

    def qualified(self) -> sp.csr_array:
        """``(members, tasks)`` sparse boolean: the member has every qualification of the task
        (and, with ``places``, the task is in a workplace the member may work in)."""
        names = sorted(set().union(*self.member_qualifications, *self.task_qualifications))
        index = {q: k for k, q in enumerate(names)}

        def incidence(sets: list[frozenset[str]]) -> sp.csr_array:
            rows = np.repeat(np.arange(len(sets)), [len(q) for q in sets])
            cols = np.array([index[q] for quals in sets for q in quals], dtype=np.int64)
            return sp.csr_array(
                (np.ones(rows.size), (rows, cols)), shape=(len(sets), max(len(names), 1))
            )

        lacks = (
            incidence(self.task_qualifications)
            @ (1.0 - incidence(self.member_qualifications).toarray()).T
        )  # tasks x members: qualifications the member lacks
        blocks = []
        place_of_task = np.asarray(self.task_place)
        for place in dict.fromkeys(self.member_place):
            rows = np.flatnonzero(np.asarray(self.member_place) == place)
            where = (self.places or {}).get(place, [place]) if self.places else None
            cols = (
                np.arange(len(self.task_ids))
                if where is None
                else np.flatnonzero(np.isin(place_of_task, where))
            )
            ok = lacks[np.ix_(cols, rows)] == 0  # tasks x members of this workplace
            t, m = np.nonzero(ok)
            blocks.append((rows[m], cols[t]))
        r = np.concatenate([b[0] for b in blocks])
        c = np.concatenate([b[1] for b in blocks])
        return sp.csr_array(
            (np.ones(r.size, dtype=bool), (r, c)), shape=(len(self.member_ids), len(self.task_ids))
        )


@dataclass(frozen=True)
class MemberComplex:
    """One member's job complex."""

    member: str
    workplace: str
    hours: float
    empowerment: float
    desirability: float
    tasks: dict[tuple[str, str], float]  # (workplace, task) -> hours

    def deviation(self, target: tuple[float, float]) -> float:
        return max(abs(self.empowerment - target[0]), abs(self.desirability - target[1]))

    def to_dict(self) -> dict[str, Any]:
        return {
            "member": self.member,
            "workplace": self.workplace,
            "hours": self.hours,
            "empowerment": self.empowerment,
            "desirability": self.desirability,
            "tasks": [{"workplace": w, "task": t, "hours": h} for (w, t), h in self.tasks.items()],
        }


@dataclass(frozen=True)
class JobResult:
    """A balancing: status, every member's complex, the spread, and reasons if it failed."""

    status: BalanceStatus
    target: tuple[float, float]
    tolerance: float
    complexes: list[MemberComplex]
    largest_deviation: float | None
    total_deviation: float | None
    reasons: list[str]
    seconds: float

    @classmethod
    def infeasible(
        cls, target: tuple[float, float], tolerance: float, reasons: list[str], start: float
    ) -> JobResult:
        """No balancing: the tasks cannot be covered, for ``reasons`` (timed from ``start``)."""
        return cls(
            BalanceStatus.INFEASIBLE,
            target,
            tolerance,
            [],
            None,
            None,
            reasons,
            time.perf_counter() - start,
        )

    @property
    def away_hours(self) -> float:
        """Hours members work in workplaces other than their own."""
        return float(
            sum(h for c in self.complexes for (w, _), h in c.tasks.items() if w != c.workplace)
        )

    def spread(self) -> dict[str, float]:
        """Largest deviation and Gini coefficient of members' empowerment and desirability."""
        return spread(self.complexes, self.target)

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status.value,
            "target": {"empowerment": self.target[0], "desirability": self.target[1]},
            "tolerance": self.tolerance,
            "largest_deviation": self.largest_deviation,
            "total_deviation": self.total_deviation,
            "reasons": self.reasons,
            "away_hours": self.away_hours,
            "spread": self.spread() if self.complexes else None,
            "seconds": self.seconds,
            "complexes": [c.to_dict() for c in self.complexes],
        }


def finite(value: Any) -> Any:
    """``value`` (nested dicts and lists) with NaN and infinities as ``None``, for JSON."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [finite(v) for v in value]
    return value


def spread(complexes: Sequence[MemberComplex], target: tuple[float, float]) -> dict[str, float]:
    """Largest deviation from ``target`` and Gini coefficient, for each rating."""
    e = np.array([c.empowerment for c in complexes if c.hours > 0])
    d = np.array([c.desirability for c in complexes if c.hours > 0])
    return {
        "empowerment_largest_deviation": float(np.abs(e - target[0]).max(initial=0.0)),
        "desirability_largest_deviation": float(np.abs(d - target[1]).max(initial=0.0)),
        "empowerment_gini": gini(e),
        "desirability_gini": gini(d),
    }


def _workplace_arrays(
    w: Workplace,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    hours = np.array([t.hours for t in w.tasks], dtype=float)
    e = w.normalised(np.array([t.empowerment for t in w.tasks]))
    d = w.normalised(np.array([t.desirability for t in w.tasks]))
    offered = np.array([m.hours for m in w.members], dtype=float)
    return hours, e, d, offered


def job_problem(workplace: Workplace, target: tuple[float, float] | None = None) -> JobProblem:
    """A workplace's balancing LP; the target defaults to its hour-weighted averages."""
    hours, e, d, offered = _workplace_arrays(workplace)
    if target is None:
        target = (float(hours @ e / hours.sum()), float(hours @ d / hours.sum()))
    share = min(1.0, hours.sum() / offered.sum())  # more is infeasible: see _coverage_reasons
    return JobProblem(
        member_ids=[m.id for m in workplace.members],
        member_place=[workplace.id] * len(workplace.members),
        work=offered * share,
        offered=offered,
        member_qualifications=[frozenset(m.qualifications) for m in workplace.members],
        task_ids=[t.id for t in workplace.tasks],
        task_place=[workplace.id] * len(workplace.tasks),
        task_hours=hours,
        task_qualifications=[frozenset(t.qualifications) for t in workplace.tasks],
        empowerment=e,
        desirability=d,
        target=target,
    )


def _coverage_reasons(problem: JobProblem, allowed: sp.csr_array) -> list[str]:
    """Why the tasks cannot be covered: tasks nobody is qualified for, else a minimum cut.

    The qualification network: source -> task (its hours) -> qualified member -> sink (the
    member's hours). Covering every task is a flow of all task hours; when the largest flow
    is smaller, the tasks on the source side of a minimum cut need more hours than the
    members qualified for any of them can give.
    """
    reasons = []
    total_offered = float(problem.offered_hours.sum())
    if problem.task_hours.sum() > total_offered * (1 + 1e-9):
        reasons.append(
            f"the tasks need {problem.task_hours.sum():g} hours; the members offer "
            f"{total_offered:g}"
        )
        return reasons
    # members who cannot fill their share of the work with tasks they are qualified for
    reachable = allowed @ problem.task_hours
    for i in np.flatnonzero(reachable < problem.work * (1 - 1e-9)):
        reasons.append(
            f"member {problem.member_ids[i]!r} ({problem.member_place[i]}) is qualified for "
            f"tasks of {reachable[i]:g} hours in all, less than their share of the work, "
            f"{problem.work[i]:g} hours (everyone works the same share of the hours they "
            "offer)"
        )
    for j in np.flatnonzero(_qualified_members(allowed) == 0):
        have = set().union(*problem.member_qualifications)
        missing = sorted(problem.task_qualifications[j] - have)
        detail = (
            f"no member has {', '.join(missing)}"
            if missing
            else "no member has all of them together"
        )
        reasons.append(
            f"task {problem.task_ids[j]!r} ({problem.task_place[j]}) needs "
            f"{', '.join(sorted(problem.task_qualifications[j]))}: {detail}"
        )
    if reasons:
        return reasons
    graph = nx.DiGraph()
    for t, hours in enumerate(problem.task_hours.tolist()):
        graph.add_edge("source", ("task", t), capacity=hours)
    for m, hours in enumerate(problem.work.tolist()):
        graph.add_edge(("member", m), "sink", capacity=hours)
    for m, t in zip(*allowed.nonzero(), strict=True):
        graph.add_edge(("task", int(t)), ("member", int(m)))  # no capacity: unbounded
    flow, (reach, _) = nx.minimum_cut(graph, "source", "sink")
    if flow >= problem.task_hours.sum() * (1 - 1e-9):
        return reasons
    tasks = sorted(j for kind, j in (n for n in reach if isinstance(n, tuple)) if kind == "task")
    members = sorted(
        i for kind, i in (n for n in reach if isinstance(n, tuple)) if kind == "member"
    )
    needed = float(problem.task_hours[tasks].sum())
    available = float(problem.work[members].sum())
    quals = sorted(set().union(*(problem.task_qualifications[j] for j in tasks)))
    reasons.append(
        f"tasks {', '.join(repr(problem.task_ids[j]) for j in tasks)} need {needed:g} hours "
        f"with {', '.join(quals) or 'no qualification'}; the members qualified for them "
        f"({', '.join(problem.member_ids[i] for i in members) or 'none'}) work "
        f"{available:g} hours at their share of the hours they offer"
    )
    return reasons


def _balance_reasons(
    problem: JobProblem, allowed: sp.csr_array, complexes: list[MemberComplex], tolerance: float
) -> list[str]:
    """Why the best balance misses the tolerance: members whose qualifications keep them from
    the target, or whose tasks cannot be mixed to it alongside everyone else's."""
    reasons = []
    worst = max(c.deviation(problem.target) for c in complexes)
    for i, c in enumerate(complexes):
        if c.deviation(problem.target) < worst - 1e-6:
            continue
        for name, ratings, target in (
            ("empowerment", problem.empowerment, problem.target[0]),
            ("desirability", problem.desirability, problem.target[1]),
        ):
            mine = ratings[allowed.indices[allowed.indptr[i] : allowed.indptr[i + 1]]]
            if mine.size and not mine.min() - tolerance <= target <= mine.max() + tolerance:
                reasons.append(
                    f"member {c.member!r} is qualified only for tasks of {name} "
                    f"{mine.min():.3g} to {mine.max():.3g}; the target is {target:.3g}"
                )
    if not reasons:
        reasons.append(
            f"the qualified task hours cannot be shared so that every complex is within "
            f"{tolerance:g} of the target; the best largest deviation is {worst:.3g}"
        )
    return reasons


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
    reasons = _coverage_reasons(problem, allowed) if _obviously_short(problem, allowed) else []
    if reasons:
        return JobResult.infeasible(problem.target, tolerance, reasons, start)
    pairs = list(zip(*(a.tolist() for a in allowed.nonzero()), strict=True))
    model = _model(problem, pairs)
    solver = _solver()
    first = _solve(solver, model, time_limit)
    if first is not PyomoTermination.convergenceCriteriaSatisfied:
        reasons = _coverage_reasons(problem, allowed) or [
            f"the balancing LP ended with {first.name}"
        ]
        return JobResult.infeasible(problem.target, tolerance, reasons, start)
    largest = max(float(pyo.value(model.z)), 0.0) + 0.0  # never -0.0
    # second level: the total deviation (then hours away), the largest held at its optimum;
    # nothing to do when every complex is on target and nobody may work away
    if largest > 1e-12 or problem.away_cost > 0:
        _second_level(solver, model, largest, time_limit)
    hours = {pair: float(pyo.value(model.h[pair])) for pair in pairs}
    complexes = _complexes(problem, hours)
    total = float(
        sum(c.deviation(problem.target) for c in complexes if not np.isnan(c.empowerment))
    )
    status = BalanceStatus.BALANCED if largest <= tolerance + 1e-9 else BalanceStatus.UNBALANCED
    if status is BalanceStatus.UNBALANCED:
        reasons = _balance_reasons(problem, allowed, complexes, tolerance)
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


def _qualified_members(allowed: sp.csr_array) -> np.ndarray:
    """How many members may do each task."""
    return np.bincount(allowed.indices, minlength=allowed.shape[1])


def _second_level(
    solver: PyomoHighs, model: pyo.ConcreteModel, largest: float, time_limit: float | None
) -> None:
    """Minimise the total deviation (and hours away) with the largest held at ``largest``.
    If that solve fails, the first level's values stay loaded (solutions load only on
    success)."""
    model.z.setub(largest * (1 + 1e-7) + 1e-9)
    model.largest.deactivate()
    model.total.activate()
    _solve(solver, model, time_limit)


def _obviously_short(problem: JobProblem, allowed: sp.csr_array) -> bool:
    """Cheap checks before the LP: too few hours, a task nobody is qualified for, a member
    who cannot fill their share with tasks they are qualified for."""
    return bool(
        problem.task_hours.sum() > problem.offered_hours.sum() * (1 + 1e-9)
        or not _qualified_members(allowed).all()
        or ((allowed @ problem.task_hours) < problem.work * (1 - 1e-9)).any()
    )


def _model(problem: JobProblem, pairs: list[tuple[int, int]]) -> pyo.ConcreteModel:
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


def _solver() -> PyomoHighs:
    new_highs()  # fixes this process's thread count and silences the HiGHS banner
    return PyomoHighs()


def _solve(
    solver: PyomoHighs, model: pyo.ConcreteModel, time_limit: float | None
) -> PyomoTermination:
    """Solve with the method the round LP's rule picks for this many columns: dual simplex
    for small models, the interior point method (with crossover, so the answer is a vertex:
    few split tasks) above. On a 20-workplace society (16,000 columns) IPM took 9 s where
    dual simplex took 83 s; these LPs are very degenerate."""
    n_cols = model.nvariables()
    with stdout_to_stderr():
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


@dataclass(frozen=True)
class WorkplaceReport:
    """A workplace's balancing with its 'before' and the spread of both."""

    workplace: str
    result: JobResult
    before: list[MemberComplex] | None
    before_kind: str  # "current" (as stated) or "specialised"

    def to_dict(self) -> dict[str, Any]:
        out = {"workplace": self.workplace} | self.result.to_dict()
        out["before"] = (
            None
            if self.before is None
            else {
                "kind": self.before_kind,
                "spread": spread(self.before, self.result.target),
            }
        )
        return out


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


@dataclass(frozen=True)
class SocietyResult:
    """Balancing across workplaces: the society's target and every workplace's complexes."""

    target: tuple[float, float]
    tolerance: float
    workplaces: list[WorkplaceReport]
    alone: list[WorkplaceReport] = field(repr=False)
    seconds: float

    @property
    def complexes(self) -> list[MemberComplex]:
        return [c for w in self.workplaces for c in w.result.complexes]

    @property
    def away_hours(self) -> float:
        """Hours members work in workplaces other than their own, society-wide."""
        return float(sum(w.result.away_hours for w in self.workplaces))

    def largest_deviation(self, reports: Sequence[WorkplaceReport] | None = None) -> float:
        """Largest deviation of any member from the society's target."""
        chosen = self.workplaces if reports is None else reports
        values = [c.deviation(self.target) for w in chosen for c in w.result.complexes]
        return float(max(values, default=float("nan")))

    def to_dict(self) -> dict[str, Any]:
        balanced = [c for w in self.workplaces for c in w.result.complexes]
        alone = [c for w in self.alone for c in w.result.complexes]
        return {
            "target": {"empowerment": self.target[0], "desirability": self.target[1]},
            "tolerance": self.tolerance,
            "largest_deviation": self.largest_deviation(),
            "largest_deviation_balancing_alone": self.largest_deviation(self.alone),
            "spread": spread(balanced, self.target),
            "spread_balancing_alone": spread(alone, self.target),
            "spread_before": spread([c for w in self.alone for c in (w.before or [])], self.target),
            "away_hours": self.away_hours,
            "seconds": self.seconds,
            "workplaces": [w.to_dict() for w in self.workplaces],
        }


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
        hours, emp, des, _ = _workplace_arrays(w)
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
