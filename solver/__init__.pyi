# What this package exports. Type checkers read this stub; at run time
# solver.lazy_exports reads it too and imports each name's module on first use.

from solver.economy import (
    ConsumerCouncil,
    Economy,
    EconomyValidationError,
    Federation,
    Good,
    GoodKind,
    Pollutant,
    PrimaryInput,
    PrimaryInputKind,
    Problem,
    ProductionError,
    Technique,
    WorkerCouncil,
    cap_votes,
    check_production,
    load_economy,
    parse_economy,
    save_economy,
)
from solver.economy.growth import next_year
from solver.economy.io import (
    IOTable,
    economy_from_dataframes,
    economy_from_io_table,
    economy_from_pymrio,
    read_io_table,
)
from solver.jobs import Society, balance_society, balance_workplace, load_society
from solver.lp import ModelPath, RoundResult, solve_round
from solver.planning import (
    PRICE_RULES,
    Market,
    PlanningSession,
    PlanResult,
    PlanStatus,
    RoundRecord,
    compare_prices,
    make_rule,
    market_from_economy,
)
from solver.plots import plot_balance, plot_convergence
from solver.scenarios import (
    bundled_examples,
    pequod_economy,
    pequod_market,
    synthetic_economy,
    with_simulated_councils,
)
from solver.status import Method, SolutionStatus, TerminationCondition
from solver.usecases import LastYear, load_example, new_session, plan, rate_economy

__version__: str

__all__ = [
    "PRICE_RULES",
    "ConsumerCouncil",
    "Economy",
    "EconomyValidationError",
    "Federation",
    "Good",
    "GoodKind",
    "IOTable",
    "LastYear",
    "Market",
    "Method",
    "ModelPath",
    "PlanResult",
    "PlanStatus",
    "PlanningSession",
    "Pollutant",
    "PrimaryInput",
    "PrimaryInputKind",
    "Problem",
    "ProductionError",
    "RoundRecord",
    "RoundResult",
    "Society",
    "SolutionStatus",
    "Technique",
    "TerminationCondition",
    "WorkerCouncil",
    "balance_society",
    "balance_workplace",
    "bundled_examples",
    "cap_votes",
    "check_production",
    "compare_prices",
    "economy_from_dataframes",
    "economy_from_io_table",
    "economy_from_pymrio",
    "load_economy",
    "load_example",
    "load_society",
    "make_rule",
    "market_from_economy",
    "new_session",
    "next_year",
    "parse_economy",
    "pequod_economy",
    "pequod_market",
    "plan",
    "plot_balance",
    "plot_convergence",
    "rate_economy",
    "read_io_table",
    "save_economy",
    "solve_round",
    "synthetic_economy",
    "with_simulated_councils",
]
