"""Remuneration by effort and sacrifice: members' ratings, and the budgets they earn.

Each member's *effort rating* is the one their co-workers set (``Member.effort_rating``)
or, where none is set, derived from what the member's job asks of them:

    rating_m = (hours_m / mean hours) x intensity_m x (1 + premium x max(0, d* - d_m))

hours worked relative to the society's mean, how hard they work, and the undesirability of
their complex beyond the balanced level ``d*`` (the target desirability; a balanced complex
earns no premium, one left less desirable than the rest earns in proportion).

A consumer council's income is its members' ratings times the value of one rating point,
``income_c = sum_{m in c} rating_m x consumption_budget / sum_all ratings``, which is the
planning market's rule ``rating_c x members_c`` (:mod:`solver.economy_market`) with
``members_c`` the council's rated members and ``rating_c`` their mean rating. So
:func:`economy_with_ratings` hands the ratings to planning by rewriting those two fields of
the councils that have rated members; every other council keeps its own.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from .economy import Economy, EconomyValidationError, Problem
from .economy_market import consumer_budgets
from .job_balance import JobResult, SocietyResult
from .jobs import Society

__all__ = [
    "DEFAULT_UNDESIRABILITY_PREMIUM",
    "economy_with_ratings",
    "effort_ratings",
    "member_budgets",
]

DEFAULT_UNDESIRABILITY_PREMIUM = 1.0  # per unit of desirability below the target, on [0, 1]


def effort_ratings(
    society: Society,
    balanced: SocietyResult | JobResult | None = None,
    *,
    premium: float = DEFAULT_UNDESIRABILITY_PREMIUM,
) -> dict[str, float]:
    """Every member's effort and sacrifice rating (see the module docstring).

    ``balanced`` gives the hours and the desirability of each member's complex; without
    it, members work their share of the hours they offer in a balanced complex.
    """
    members = [m for w in society.workplaces for m in w.members]
    if balanced is None:
        offered = np.array([m.hours for m in members])
        needed = sum(t.hours for w in society.workplaces for t in w.tasks)
        hours = offered * needed / offered.sum()
        gap = np.zeros(len(members))
    else:
        complexes = {c.member: c for c in balanced.complexes}
        target = balanced.target[1]
        hours = np.array([complexes[m.id].hours if m.id in complexes else 0.0 for m in members])
        gap = np.array(
            [
                max(0.0, target - complexes[m.id].desirability)
                if m.id in complexes and complexes[m.id].hours > 0
                else 0.0
                for m in members
            ]
        )
    mean = float(hours.mean()) if hours.size and hours.mean() > 0 else 1.0
    derived = hours / mean * np.array([m.intensity for m in members]) * (1.0 + premium * gap)
    return {
        m.id: float(m.effort_rating) if m.effort_rating is not None else float(derived[k])
        for k, m in enumerate(members)
    }


def economy_with_ratings(
    economy: Economy, society: Society, ratings: Mapping[str, float]
) -> Economy:
    """A copy of ``economy`` whose consumer councils with rated members take their budgets
    from those ratings (``members`` = rated members, ``effort_rating`` = their mean).

    Raises
    ------
    EconomyValidationError
        A member of an unknown consumer council, naming the member's field.
    """
    known = {cc.id for cc in economy.consumer_councils}
    totals: dict[str, list[float]] = {}
    problems = []
    for i, w in enumerate(society.workplaces):
        for j, m in enumerate(w.members):
            if m.consumer_council is None:
                continue
            if m.consumer_council not in known:
                problems.append(
                    Problem(
                        field=f"workplaces[{i}].members[{j}].consumer_council",
                        message=f"no consumer council {m.consumer_council!r} in economy "
                        f"{economy.name!r}",
                    )
                )
                continue
            totals.setdefault(m.consumer_council, []).append(ratings[m.id])
    if problems:
        raise EconomyValidationError(problems)
    copy = economy.model_copy(deep=True)
    for cc in copy.consumer_councils:
        if cc.id in totals:
            cc.members = len(totals[cc.id])
            cc.effort_rating = float(np.mean(totals[cc.id]))
    return copy


def member_budgets(
    economy: Economy, society: Society, ratings: Mapping[str, float]
) -> dict[str, float]:
    """Each rated member's part of their consumer council's income (before the federations'
    shares): ``rating_m`` times the value of a rating point."""
    rated = economy_with_ratings(economy, society, ratings)
    budgets = consumer_budgets(rated)
    index = {cc.id: c for c, cc in enumerate(rated.consumer_councils)}
    out = {}
    for w in society.workplaces:
        for m in w.members:
            if m.consumer_council is None:
                continue
            cc = rated.consumer_councils[index[m.consumer_council]]
            per_point = budgets.income[index[m.consumer_council]] / (cc.effort_rating * cc.members)
            out[m.id] = ratings[m.id] * per_point
    return out
