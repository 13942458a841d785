"""Workplaces, their tasks and members: the data of balanced job complexes.

A worker council lists its tasks, with the hours each needs per period, the qualifications
it requires and the council's ratings of its empowerment (how much it builds the skills and
knowledge to take part in decisions) and desirability, on a scale the council chooses. Its
members list the hours they offer and their qualifications. Ratings are compared across
workplaces after mapping each council's scale onto ``[0, 1]``.

Validation reports every problem with the path of its field, as economies do
(:class:`~solver.economy.Problem`), e.g. ``workplaces[0].tasks[2].qualifications[0]:
...``.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Annotated, Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from solver.economy.model import Identifier, Problem
from solver.economy.problems import pydantic_problems

__all__ = [
    "Member",
    "Society",
    "Task",
    "Workplace",
    "WorkplaceValidationError",
    "load_society",
    "parse_society",
]

Positive = Annotated[float, Field(gt=0.0, allow_inf_nan=False)]
Finite = Annotated[float, Field(allow_inf_nan=False)]


class WorkplaceValidationError(ValueError):
    """The workplaces are invalid; ``problems`` names every offending field."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"invalid workplaces ({len(self.problems)} problem(s)):\n{lines}")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Task(_Model):
    """A task of a workplace, rated by its worker council."""

    id: Identifier
    hours: Positive = Field(description="Hours the task needs per period.")
    qualifications: list[Identifier] = Field(
        default_factory=list, description="Every qualification a member needs to do it."
    )
    empowerment: Finite = Field(description="On the workplace's rating scale.")
    desirability: Finite = Field(description="On the workplace's rating scale.")


class Member(_Model):
    """A member of a workplace."""

    id: Identifier
    hours: Positive = Field(description="Hours the member offers per period.")
    qualifications: list[Identifier] = Field(default_factory=list)
    consumer_council: Identifier | None = Field(
        None, description="The consumer council the member belongs to (for budgets)."
    )
    effort_rating: Positive | None = Field(
        None,
        description="Effort and sacrifice rating set by co-workers (1 = the norm); "
        "omitted: derived from hours, intensity and the complex's undesirability.",
    )
    intensity: Positive = Field(1.0, description="How hard the member works (1 = the norm).")
    current_tasks: dict[Identifier, Annotated[float, Field(ge=0.0, allow_inf_nan=False)]] = Field(
        default_factory=dict,
        description="Hours per task today, the 'before' of the reports; omitted for "
        "every member: the specialised division of labour (see solver.jobs.balance).",
    )


class Workplace(_Model):
    """A worker council's tasks and members."""

    id: Identifier
    name: str = ""
    rating_scale: tuple[Finite, Finite] = Field(
        (0.0, 10.0), description="Lowest and highest rating the council uses."
    )
    tasks: list[Task] = Field(min_length=1)
    members: list[Member] = Field(min_length=1)

    @model_validator(mode="after")
    def _scale_is_an_interval(self) -> Workplace:
        low, high = self.rating_scale
        if not low < high:
            raise ValueError(f"rating_scale: lowest {low} must be below highest {high}")
        return self

    def normalised(self, ratings: np.ndarray) -> np.ndarray:
        """Ratings on this council's scale mapped onto ``[0, 1]``."""
        low, high = self.rating_scale
        return (np.asarray(ratings, dtype=float) - low) / (high - low)


class Society(_Model):
    """Every workplace; the society-wide averages are the targets of balancing across them."""

    name: str = "society"
    description: str = ""
    workplaces: list[Workplace] = Field(min_length=1)


def _duplicates(ids: Iterable[str]) -> list[str]:
    return sorted(k for k, n in Counter(ids).items() if n > 1)


def _problems(society: Society) -> list[Problem]:
    problems: list[Problem] = []
    for dup in _duplicates(w.id for w in society.workplaces):
        problems.append(Problem(field="workplaces", message=f"duplicate workplace id {dup!r}"))
    member_ids: Counter[str] = Counter(m.id for w in society.workplaces for m in w.members)
    for i, w in enumerate(society.workplaces):
        where = f"workplaces[{i}]"
        low, high = w.rating_scale
        for dup in _duplicates(t.id for t in w.tasks):
            problems.append(Problem(field=f"{where}.tasks", message=f"duplicate task id {dup!r}"))
        for j, t in enumerate(w.tasks):
            for name in ("empowerment", "desirability"):
                value = getattr(t, name)
                if not low <= value <= high:
                    problems.append(
                        Problem(
                            field=f"{where}.tasks[{j}].{name}",
                            message=f"{value} is outside the rating scale [{low}, {high}]",
                        )
                    )
        tasks = {t.id for t in w.tasks}
        for j, m in enumerate(w.members):
            if member_ids[m.id] > 1:
                problems.append(
                    Problem(
                        field=f"{where}.members[{j}].id",
                        message=f"member id {m.id!r} appears more than once in the society",
                    )
                )
            for t_id in m.current_tasks:
                if t_id not in tasks:
                    problems.append(
                        Problem(
                            field=f"{where}.members[{j}].current_tasks['{t_id}']",
                            message=f"unknown task {t_id!r} of workplace {w.id!r}",
                        )
                    )
    return problems


def parse_society(data: Mapping[str, Any] | str | bytes) -> Society:
    """Build a society from a mapping or JSON text; a single workplace is accepted too.

    Raises
    ------
    WorkplaceValidationError
        With one :class:`~solver.economy.Problem` per offending field.
    """
    if isinstance(data, (str, bytes)):
        try:
            data = json.loads(data)
        except json.JSONDecodeError as err:
            raise WorkplaceValidationError(
                [Problem(field="", message=f"not valid JSON: {err}")]
            ) from None
    if isinstance(data, Mapping) and "workplaces" not in data and "tasks" in data:
        data = {"name": data.get("name") or data.get("id", "society"), "workplaces": [data]}
    try:
        society = Society.model_validate(data)
    except ValidationError as err:
        raise WorkplaceValidationError(pydantic_problems(err, Society)) from None
    problems = _problems(society)
    if problems:
        raise WorkplaceValidationError(problems)
    return society


def load_society(path: str | Path) -> Society:
    """Read workplaces from a JSON file (see :func:`parse_society`)."""
    return parse_society(Path(path).read_bytes())
