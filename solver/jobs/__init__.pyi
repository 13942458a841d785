# What this package exports. Type checkers read this stub; at run time
# solver.lazy_exports reads it too and imports each name's module on first use.

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
