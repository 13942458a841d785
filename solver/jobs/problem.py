"""A workplace's job-balancing problem as arrays: members, tasks, hours, qualifications and
the target ratings; and the reasons a problem cannot be balanced."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from solver.jobs.reports import MemberComplex
from solver.jobs.workplaces import Workplace

__all__ = ["DEFAULT_PARTNERS", "DEFAULT_TOLERANCE", "JobProblem", "job_problem"]

DEFAULT_TOLERANCE = 0.05  # of the rating scale

DEFAULT_PARTNERS = 3
"""Other workplaces a member may join when complexes are balanced across workplaces."""


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
        """Hours each worker offers a week."""
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


def workplace_arrays(
    w: Workplace,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    hours = np.array([t.hours for t in w.tasks], dtype=float)
    e = w.normalised(np.array([t.empowerment for t in w.tasks]))
    d = w.normalised(np.array([t.desirability for t in w.tasks]))
    offered = np.array([m.hours for m in w.members], dtype=float)
    return hours, e, d, offered


def job_problem(workplace: Workplace, target: tuple[float, float] | None = None) -> JobProblem:
    """A workplace's balancing LP; the target defaults to its hour-weighted averages."""
    hours, e, d, offered = workplace_arrays(workplace)
    if target is None:
        target = (float(hours @ e / hours.sum()), float(hours @ d / hours.sum()))
    share = min(1.0, hours.sum() / offered.sum())  # more is infeasible: see coverage_reasons
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


def coverage_reasons(problem: JobProblem, allowed: sp.csr_array) -> list[str]:
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
    import networkx as nx  # here, not above: commands that never balance jobs skip its import

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


def balance_reasons(
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


def _qualified_members(allowed: sp.csr_array) -> np.ndarray:
    """How many members may do each task."""
    return np.bincount(allowed.indices, minlength=allowed.shape[1])


def obviously_short(problem: JobProblem, allowed: sp.csr_array) -> bool:
    """Cheap checks before the LP: too few hours, a task nobody is qualified for, a member
    who cannot fill their share with tasks they are qualified for."""
    return bool(
        problem.task_hours.sum() > problem.offered_hours.sum() * (1 + 1e-9)
        or not _qualified_members(allowed).all()
        or ((allowed @ problem.task_hours) < problem.work * (1 - 1e-9)).any()
    )
