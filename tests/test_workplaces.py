"""Workplaces as data: validation that names the field."""

from __future__ import annotations

import pytest

from solver.jobs.workplaces import WorkplaceValidationError, parse_society


def workplace() -> dict:
    return {
        "id": "shop",
        "rating_scale": [1, 5],
        "tasks": [{"id": "A", "hours": 10, "empowerment": 5, "desirability": 1}],
        "members": [{"id": "ann", "hours": 20, "current_tasks": {"A": 10}}],
    }


def test_a_single_workplace_is_a_society_of_one() -> None:
    society = parse_society(workplace())
    assert [w.id for w in society.workplaces] == ["shop"]
    assert society.workplaces[0].normalised([1, 3, 5]).tolist() == [0.0, 0.5, 1.0]


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        (lambda w: w["tasks"][0].update(empowerment=7), "workplaces[0].tasks[0].empowerment",
         "outside the rating scale [1.0, 5.0]"),
        (lambda w: w["tasks"][0].update(hours=-1), "workplaces[0].tasks[0].hours",
         "greater than 0"),
        (lambda w: w["members"][0].update(current_tasks={"Z": 1}),
         "workplaces[0].members[0].current_tasks['Z']", "unknown task"),
        (lambda w: w["tasks"].append(dict(w["tasks"][0])), "workplaces[0].tasks", "duplicate"),
        (lambda w: w.update(rating_scale=[5, 1]), "workplaces[0]", "rating_scale"),
        (lambda w: w["members"][0].update(wage=3), "workplaces[0].members[0].wage",
         "not permitted"),
    ],
)  # fmt: skip
def test_bad_workplaces_name_the_field(change, field: str, words: str) -> None:  # type: ignore[no-untyped-def]
    data = workplace()
    change(data)
    with pytest.raises(WorkplaceValidationError) as err:
        parse_society(data)
    problem = err.value.problems[0]
    assert problem.field.startswith(field), problem
    assert words in problem.message, problem


def test_bad_json_is_reported_as_such() -> None:
    with pytest.raises(WorkplaceValidationError, match="not valid JSON"):
        parse_society("{")
