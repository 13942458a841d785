"""Balanced job complexes and the effort ratings, and budgets, that follow from them.

Every flow that rates a society (``parplan balance``, ``JobsService.GetRatings``, a session
created with workplaces, :func:`rate_economy`) rates it here, with the same defaults, so
that one society gets one set of ratings whichever door it came in by.
"""

from __future__ import annotations

from pathlib import Path

from solver.economy.model import Economy
from solver.jobs.balance import balance_society, balance_workplace
from solver.jobs.problem import DEFAULT_PARTNERS, DEFAULT_TOLERANCE
from solver.jobs.remuneration import economy_with_ratings, effort_ratings, member_budgets
from solver.jobs.reports import SocietyResult, WorkplaceReport, spread
from solver.jobs.workplaces import Society, load_society, parse_society

__all__ = [
    "DEFAULT_PARTNERS",
    "DEFAULT_TOLERANCE",
    "balance_society",
    "balance_workplace",
    "load_society",
    "member_budgets",
    "parse_society",
    "rate_economy",
    "society_ratings",
    "spread",
    "workplace_ratings",
]


def society_ratings(
    society: Society, *, tolerance: float = DEFAULT_TOLERANCE, partners: int = DEFAULT_PARTNERS
) -> tuple[SocietyResult, dict[str, float]]:
    """Job complexes balanced across the society's workplaces, and each member's effort
    rating from them (:func:`~solver.jobs.remuneration.effort_ratings`)."""
    together = balance_society(society, tolerance=tolerance, partners=partners)
    return together, effort_ratings(society, together)


def workplace_ratings(
    society: Society, *, tolerance: float = DEFAULT_TOLERANCE
) -> tuple[list[WorkplaceReport], dict[str, float]]:
    """Each workplace balanced on its own, and the members' effort ratings from that."""
    reports = [balance_workplace(w, tolerance=tolerance) for w in society.workplaces]
    return reports, effort_ratings(society, [r.result for r in reports])


def rate_economy(
    economy: Economy,
    society: Society | str | Path,
    *,
    tolerance: float = DEFAULT_TOLERANCE,
    partners: int = DEFAULT_PARTNERS,
) -> Economy:
    """``economy`` with consumer councils' budgets earned by their members' effort ratings.

    The society's job complexes are balanced across workplaces first
    (:func:`~solver.jobs.balance.balance_society`); each member's rating follows from the
    balanced complex (:func:`~solver.jobs.remuneration.effort_ratings`) and sets the budget
    of the member's consumer council (:func:`~solver.jobs.remuneration.economy_with_ratings`).

    Parameters
    ----------
    economy
        The economy to plan.
    society
        Its workplaces and members, or the path of a workplaces JSON file.
    tolerance, partners
        As for :func:`society_ratings`.
    """
    if not isinstance(society, Society):
        society = load_society(society)
    _, ratings = society_ratings(society, tolerance=tolerance, partners=partners)
    rated = economy_with_ratings(economy, society, ratings)
    members = sum(len(w.members) for w in society.workplaces)
    rated.description = (
        f"{economy.description} Budgets from the effort ratings of {society.name!r} "
        f"({members} members)."
    ).strip()
    return rated
