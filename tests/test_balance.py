"""Balanced job complexes: hand-checkable cases, impossible ones with their reasons, and
balancing across workplaces."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from solver.jobs.balance import balance_society, balance_workplace, specialised_assignment
from solver.jobs.problem import job_problem
from solver.jobs.reports import BalanceStatus, gini
from solver.jobs.workplaces import parse_society


def shop(**member_overrides: Any) -> dict[str, Any]:
    """Two members, four tasks: A empowering, B desirable, C both, D neither (needs a
    forklift licence, which only bob has). 20 hours each, 40 hours of tasks."""
    return {
        "id": "shop",
        "rating_scale": [0, 10],
        "tasks": [
            {"id": "A", "hours": 10, "empowerment": 10, "desirability": 0},
            {"id": "B", "hours": 10, "empowerment": 0, "desirability": 10},
            {"id": "C", "hours": 10, "empowerment": 10, "desirability": 10},
            {
                "id": "D",
                "hours": 10,
                "empowerment": 0,
                "desirability": 0,
                "qualifications": ["forklift"],
            },
        ],
        "members": [
            {"id": "ann", "hours": 20} | member_overrides,
            {"id": "bob", "hours": 20, "qualifications": ["forklift"]},
        ],
    }


def test_two_members_and_four_tasks_have_their_unique_balanced_answer() -> None:
    # ann works a hours of A, b of B, c of C (not D): 20 hours, empowerment 10(a + c) = 5 x 20
    # and desirability 10(b + c) = 5 x 20 give a = b = 10 - c and d = c = 0 for bob's
    # share to add up: ann does A and B, bob C and D, both at (5, 5) on the 0-10 scale
    report = balance_workplace(parse_society(shop()).workplaces[0], tolerance=0.01)
    result = report.result
    assert result.status is BalanceStatus.BALANCED
    assert result.target == pytest.approx((0.5, 0.5))
    assert result.largest_deviation == pytest.approx(0.0, abs=1e-9)
    complexes = {c.member: c for c in result.complexes}
    assert complexes["ann"].tasks == pytest.approx({("shop", "A"): 10.0, ("shop", "B"): 10.0})
    assert complexes["bob"].tasks == pytest.approx({("shop", "C"): 10.0, ("shop", "D"): 10.0})
    # before: the specialised division gives ann both empowering tasks
    assert report.before_kind == "specialised"
    assert report.to_dict()["before"]["spread"]["empowerment_largest_deviation"] == 0.5


def test_a_task_nobody_is_qualified_for_is_named_with_its_qualification() -> None:
    data = shop()
    data["tasks"][0]["qualifications"] = ["electrician"]
    result = balance_workplace(parse_society(data).workplaces[0]).result
    assert result.status is BalanceStatus.INFEASIBLE
    assert result.reasons == ["task 'A' (shop) needs electrician: no member has electrician"]


def test_too_few_qualified_hours_are_found_by_a_minimum_cut() -> None:
    # D needs 10 forklift hours and E another 15: bob, the only driver, works 20 at most
    data = shop()
    data["tasks"].append(
        {
            "id": "E",
            "hours": 15,
            "empowerment": 5,
            "desirability": 5,
            "qualifications": ["forklift"],
        }
    )
    data["members"].append({"id": "cy", "hours": 20})
    result = balance_workplace(parse_society(data).workplaces[0]).result
    assert result.status is BalanceStatus.INFEASIBLE
    (reason,) = result.reasons
    assert "'D', 'E' need 25 hours with forklift" in reason
    assert "(bob) work 18.3333 hours" in reason  # 20 x 55 / 60, his share of the task hours


def test_balancing_beyond_what_qualifications_allow_is_reported_with_the_reason() -> None:
    # ann may only do B: her complex is stuck at empowerment 0 against a target of 0.5
    data = shop(qualifications=["only-b"])
    for task in data["tasks"]:
        if task["id"] != "B":
            task["qualifications"] = [*task.get("qualifications", []), "general"]
    data["members"][1]["qualifications"].append("general")
    data["tasks"][1]["hours"] = 20  # enough B for ann's 20 hours
    data["members"][1]["hours"] = 30
    result = balance_workplace(parse_society(data).workplaces[0], tolerance=0.05).result
    assert result.status is BalanceStatus.UNBALANCED
    assert result.largest_deviation > 0.05
    assert any("member 'ann' is qualified only for tasks of empowerment 0 to 0" in r
               for r in result.reasons)  # fmt: skip


def test_balancing_across_workplaces_beats_balancing_each_alone() -> None:
    # an office of empowering tasks and a yard of dull ones: alone, each is balanced within
    # itself but far from the society's averages; across, members trade hours
    office = {
        "id": "office",
        "tasks": [
            {"id": "plan", "hours": 30, "empowerment": 9, "desirability": 7},
            {"id": "file", "hours": 10, "empowerment": 5, "desirability": 4},
        ],
        "members": [{"id": "o1", "hours": 20}, {"id": "o2", "hours": 20}],
    }
    yard = {
        "id": "yard",
        "tasks": [
            {"id": "haul", "hours": 30, "empowerment": 1, "desirability": 2},
            {"id": "sort", "hours": 10, "empowerment": 3, "desirability": 5},
        ],
        "members": [{"id": "y1", "hours": 20}, {"id": "y2", "hours": 20}],
    }
    society = parse_society({"workplaces": [office, yard]})
    result = balance_society(society, tolerance=0.05)
    alone = result.largest_deviation(result.alone)
    across = result.largest_deviation()
    assert alone > 0.3  # the yard alone cannot reach the society's empowerment of 0.45
    assert across < alone
    assert across == pytest.approx(0.0, abs=1e-6)  # here trading hours balances everyone
    assert result.to_dict()["away_hours"] > 0
    # who works where: yard members take office hours
    y1 = next(c for c in result.complexes if c.member == "y1")
    assert any(w == "office" for w, _ in y1.tasks)


def test_gini_of_equal_values_is_zero_and_of_one_holder_is_near_one() -> None:
    assert gini([0.5, 0.5, 0.5]) == 0.0
    # equal values whose sorted-rank sums round below zero: 0, never -0.000 in a report
    assert all(gini([v] * n) >= 0.0 for v in (0.1 + 0.2, 1 / 3, 0.358) for n in range(2, 40))
    assert gini([1.0, 0.0]) == pytest.approx(0.5)  # n / (n - 1) away from 1 for small n
    assert gini([1.0] + [0.0] * 99) == pytest.approx(0.99)


def test_the_specialised_before_gives_the_first_members_the_empowering_work() -> None:
    problem = job_problem(parse_society(shop()).workplaces[0])
    before = specialised_assignment(problem)
    assert before is not None
    assert [c.empowerment for c in before] == pytest.approx([1.0, 0.0])
    assert np.isclose(sum(c.hours for c in before), 40.0)


def test_a_workplace_that_cannot_cover_its_tasks_keeps_its_reason_across() -> None:
    broken = shop()
    broken["id"] = "broken"
    broken["tasks"][0]["qualifications"] = ["electrician"]
    for member in broken["members"]:
        member["id"] = f"broken-{member['id']}"
    society = parse_society({"workplaces": [shop(), broken]})
    result = balance_society(society)
    statuses = {w.workplace: w.result.status for w in result.workplaces}
    assert statuses["broken"] is BalanceStatus.INFEASIBLE
    assert statuses["shop"] is not BalanceStatus.INFEASIBLE  # balanced on its own instead
    (reason,) = next(w for w in result.workplaces if w.workplace == "broken").result.reasons
    assert "electrician" in reason


def test_tasks_needing_more_hours_than_offered_are_infeasible() -> None:
    data = shop()
    data["tasks"][0]["hours"] = 30  # 60 hours of tasks, 40 offered
    result = balance_workplace(parse_society(data).workplaces[0]).result
    assert result.status is BalanceStatus.INFEASIBLE
    assert result.reasons == ["the tasks need 60 hours; the members offer 40"]


def test_a_member_who_can_do_none_of_the_tasks_is_named() -> None:
    data = shop()
    for task in data["tasks"]:
        task["qualifications"] = ["forklift"]
    result = balance_workplace(parse_society(data).workplaces[0]).result
    assert result.status is BalanceStatus.INFEASIBLE
    assert any(
        r.startswith("member 'ann' (shop) is qualified for tasks of 0 hours")
        for r in result.reasons
    )


@pytest.mark.parametrize("tolerance", [float("nan"), -0.1, 1.0])
def test_a_tolerance_outside_the_scale_is_refused(tolerance: float) -> None:
    with pytest.raises(ValueError, match="tolerance"):
        balance_workplace(parse_society(shop()).workplaces[0], tolerance=tolerance)


def test_a_partner_covers_the_task_a_workplace_has_nobody_qualified_for() -> None:
    # the shop's task A needs an electrician; the depot has one, with hours to spare
    data = shop()
    data["tasks"][0]["qualifications"] = ["electrician"]
    depot = {
        "id": "depot",
        "tasks": [{"id": "load", "hours": 10, "empowerment": 5, "desirability": 5}],
        "members": [{"id": "eve", "hours": 30, "qualifications": ["electrician"]}],
    }
    society = parse_society({"workplaces": [data, depot]})
    assert balance_workplace(society.workplaces[0]).result.status is BalanceStatus.INFEASIBLE
    result = balance_society(society)
    statuses = {w.workplace: w.result.status for w in result.workplaces}
    assert BalanceStatus.INFEASIBLE not in statuses.values()
    eve = next(c for c in result.complexes if c.member == "eve")
    assert eve.tasks.get(("shop", "A"), 0.0) > 0  # eve does the shop's electrical work


def test_the_members_and_hours_tables_are_the_complexes() -> None:
    report = balance_workplace(parse_society(shop()).workplaces[0], tolerance=0.01)
    members, hours = report.result.members, report.result.hours
    # the unique balanced answer (above): ann on A and B, bob on C and D, 10 hours each
    assert hours.loc[("ann", "shop", "A")] == pytest.approx(10.0)
    assert hours.loc[("bob", "shop", "D")] == pytest.approx(10.0)
    assert hours.groupby(level="member").sum().to_dict() == pytest.approx({"ann": 20, "bob": 20})
    assert members.loc["ann", "hours"] == pytest.approx(20.0)
    assert members["deviation"].max() == pytest.approx(report.result.largest_deviation, abs=1e-9)
    assert (members["away_hours"] == 0).all()  # balanced alone: nobody works elsewhere
    assert list(members.columns) == [
        "workplace",
        "hours",
        "empowerment",
        "desirability",
        "deviation",
        "away_hours",
    ]
