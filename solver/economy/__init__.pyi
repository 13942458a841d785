# What this package exports. Type checkers read this stub; at run time
# solver.lazy_exports reads it too and imports each name's module on first use.

from solver.economy.budgets import Budgets, consumer_budgets
from solver.economy.cap_votes import CapVote, cap_votes
from solver.economy.compiled import CompiledEconomy, compile_economy
from solver.economy.edits import with_activity_limits, with_requests
from solver.economy.model import (
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
    Technique,
    WorkerCouncil,
    economy_json_schema,
    load_economy,
    parse_economy,
    save_economy,
)
from solver.economy.production import (
    ProductionError,
    ProductionReport,
    TechnologyMatrices,
    check_production,
    production_graph,
    technology_matrices,
)

__all__ = [
    "Budgets",
    "CapVote",
    "CompiledEconomy",
    "ConsumerCouncil",
    "Economy",
    "EconomyValidationError",
    "Federation",
    "Good",
    "GoodKind",
    "Pollutant",
    "PrimaryInput",
    "PrimaryInputKind",
    "Problem",
    "ProductionError",
    "ProductionReport",
    "Technique",
    "TechnologyMatrices",
    "WorkerCouncil",
    "cap_votes",
    "check_production",
    "compile_economy",
    "consumer_budgets",
    "economy_json_schema",
    "load_economy",
    "parse_economy",
    "production_graph",
    "save_economy",
    "technology_matrices",
    "with_activity_limits",
    "with_requests",
]
