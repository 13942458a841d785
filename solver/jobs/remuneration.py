"""Remuneration by effort and sacrifice: members' ratings, and the budgets they earn.

Each member's *effort rating* is the one their co-workers set (``Member.effort_rating``)
or, where none is set, derived from what the member's job asks of them:

    rating_m = (hours_m / mean hours) x intensity_m x (1 + premium x max(0, d* - d_m))

hours worked relative to the society's mean, how hard they work, and the undesirability of
their complex beyond the balanced level ``d*`` (the target desirability; a balanced complex
earns no premium, one left less desirable than the rest earns in proportion).

A consumer council's income is its members' ratings times the value of one rating point,
``income_c = sum_{m in c} rating_m x consumption_budget / sum_all ratings``, which is the
planning market's rule ``rating_c x members_c`` (:mod:`solver.economy.budgets`) with
``members_c`` the council's rated members and ``rating_c`` their mean rating. So
:func:`economy_with_ratings` hands the ratings to planning by rewriting those two fields of
the councils that have rated members (their other members, if any, are no longer counted);
every other council keeps its own. The value of a rating point is the same for everyone:
doubling a member's rating doubles their budget against every member whose rating is
unchanged; their share of their own council's budget rises from ``r / R`` to
``2r / (R + r)``, since the social product to share does not grow.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from solver.economy.budgets import consumer_budgets
from solver.economy.model import Economy, EconomyValidationError, Problem
from solver.jobs.reports import JobResult, SocietyResult
from solver.jobs.workplaces import Society

__all__ = [
    "DEFAULT_UNDESIRABILITY_PREMIUM",
    "economy_with_ratings",
    "effort_ratings",
    "member_budgets",
]

DEFAULT_UNDESIRABILITY_PREMIUM = 1.0  # per unit of desirability below the target, on [0, 1]


def effort_ratings(
    society: Society,
    balanced: SocietyResult | JobResult | Sequence[JobResult] | None = None,
    *,
    premium: float = DEFAULT_UNDESIRABILITY_PREMIUM,
) -> dict[str, float]:
    """Every member's effort and sacrifice rating (see the module docstring).

    ``balanced`` (one balancing across workplaces, or one per workplace) gives the hours and
    the desirability of each member's complex, against its own target; a member it has no
    complex for (their workplace could not be balanced) is rated as if they worked their
    share of the hours they offer in a balanced complex.
    """
    members = [m for w in society.workplaces for m in w.members]
    offered = np.array([m.hours for m in members])
    needed = sum(t.hours for w in society.workplaces for t in w.tasks)
    hours = offered * min(1.0, needed / offered.sum())
    gap = np.zeros(len(members))
    if balanced is not None:
        results = [balanced] if isinstance(balanced, SocietyResult | JobResult) else balanced
        complexes = {
            c.member: (c, result.target[1]) for result in results for c in result.complexes
        }
        for k, m in enumerate(members):
            found = complexes.get(m.id)
            if found is None or found[0].hours <= 0:
                continue
            complex_, target = found
            hours[k] = complex_.hours
            gap[k] = max(0.0, target - complex_.desirability)
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
            points = cc.effort_rating * cc.members
            out[m.id] = ratings[m.id] * budgets.income[index[m.consumer_council]] / points
    return out
