"""Balanced job complexes and remuneration by effort: workplaces and members
(:mod:`~.workplaces`), the balancing problem (:mod:`~.problem`) and its LP (:mod:`~.model`),
balancing in a workplace and across a society (:mod:`~.balance`), the reports
(:mod:`~.reports`), and the effort ratings that set consumer councils' budgets
(:mod:`~.remuneration`).
"""

from solver.jobs.balance import balance_society, balance_workplace
from solver.jobs.remuneration import economy_with_ratings, effort_ratings
from solver.jobs.reports import BalanceStatus, SocietyResult, WorkplaceReport
from solver.jobs.workplaces import (
    Member,
    Society,
    Task,
    Workplace,
    WorkplaceValidationError,
    load_society,
    parse_society,
)

__all__ = [
    "BalanceStatus",
    "Member",
    "Society",
    "SocietyResult",
    "Task",
    "Workplace",
    "WorkplaceReport",
    "WorkplaceValidationError",
    "balance_society",
    "balance_workplace",
    "economy_with_ratings",
    "effort_ratings",
    "load_society",
    "parse_society",
]
