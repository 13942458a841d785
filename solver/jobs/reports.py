"""Results of job balancing: every member's complex, the spread of ratings before and after,
per workplace and for the whole society."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "BalanceStatus",
    "JobResult",
    "MemberComplex",
    "SocietyResult",
    "WorkplaceReport",
    "gini",
    "spread",
]


class BalanceStatus(StrEnum):
    """How balancing ended."""

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
    # the sorted-rank formula is exact up to rounding, which may leave equal values a -1e-17
    return max(float(2.0 * (ranks * x).sum() / (n * x.sum()) - (n + 1.0) / n), 0.0)


@dataclass(frozen=True)
class MemberComplex:
    """One member's job complex."""

    member: str
    workplace: str
    hours: float
    empowerment: float
    desirability: float
    tasks: dict[tuple[str, str], float]  # (workplace, task) -> hours

    @property
    def away_hours(self) -> float:
        """Hours the member works in workplaces other than their own."""
        return float(sum(h for (w, _), h in self.tasks.items() if w != self.workplace))

    def deviation(self, target: tuple[float, float]) -> float:
        """How far the rating lies outside ``target`` (0 within it)."""
        return max(abs(self.empowerment - target[0]), abs(self.desirability - target[1]))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        return {
            "member": self.member,
            "workplace": self.workplace,
            "hours": self.hours,
            "empowerment": self.empowerment,
            "desirability": self.desirability,
            "tasks": [{"workplace": w, "task": t, "hours": h} for (w, t), h in self.tasks.items()],
        }


class _Balanced(Protocol):
    @property
    def complexes(self) -> list[MemberComplex]: ...

    @property
    def target(self) -> tuple[float, float]: ...


class _ComplexTables:
    """Tables of a balancing's complexes, for results with ``complexes`` and ``target``."""

    @property
    def members(self: _Balanced) -> pd.DataFrame:
        """Every member's complex, indexed by member id (:func:`members_table`)."""
        return members_table(self.complexes, self.target)

    @property
    def hours(self: _Balanced) -> pd.Series:
        """Hours of every member on every task (:func:`hours_table`)."""
        return hours_table(self.complexes)


@dataclass(frozen=True)
class JobResult(_ComplexTables):
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
        return float(sum(c.away_hours for c in self.complexes))

    def spread(self) -> dict[str, float]:
        """Largest deviation and Gini coefficient of members' empowerment and desirability."""
        return spread(self.complexes, self.target)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
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


def members_table(complexes: Sequence[MemberComplex], target: tuple[float, float]) -> pd.DataFrame:
    """Members' complexes as a table indexed by member id: ``workplace`` (their own),
    ``hours``, ``empowerment``, ``desirability`` (hour-weighted, on ``[0, 1]``),
    ``deviation`` from ``target`` (the larger of the two) and ``away_hours`` (worked in
    other workplaces)."""
    import pandas as pd  # here, not above: balancing jobs does not need it, its reports do

    return pd.DataFrame(
        {
            "workplace": [c.workplace for c in complexes],
            "hours": [c.hours for c in complexes],
            "empowerment": [c.empowerment for c in complexes],
            "desirability": [c.desirability for c in complexes],
            "deviation": [c.deviation(target) for c in complexes],
            "away_hours": [c.away_hours for c in complexes],
        },
        index=pd.Index([c.member for c in complexes], name="member"),
    )


def hours_table(complexes: Sequence[MemberComplex]) -> pd.Series:
    """Task hours indexed by (member, workplace, task): who works what, where, how long."""
    import pandas as pd  # here, not above: balancing jobs does not need it, its reports do

    keys = [(c.member, w, t) for c in complexes for (w, t) in c.tasks]
    values = [h for c in complexes for h in c.tasks.values()]
    index = pd.MultiIndex.from_tuples(keys, names=["member", "workplace", "task"])
    return pd.Series(values, index=index, name="hours", dtype=float)


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


@dataclass(frozen=True)
class WorkplaceReport:
    """A workplace's balancing with its 'before' and the spread of both."""

    workplace: str
    result: JobResult
    before: list[MemberComplex] | None
    before_kind: str  # "current" (as stated) or "specialised"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
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


@dataclass(frozen=True)
class SocietyResult(_ComplexTables):
    """Balancing across workplaces: the society's target and every workplace's complexes."""

    target: tuple[float, float]
    tolerance: float
    workplaces: list[WorkplaceReport]
    alone: list[WorkplaceReport] = field(repr=False)
    seconds: float

    @property
    def complexes(self) -> list[MemberComplex]:
        """Every member's job complex."""
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
        """A JSON-ready form."""
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
