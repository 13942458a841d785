"""The economy: goods, primary inputs, pollutants, councils and federations as a validated data
model; its production graph and technology matrices, compiled once with its caps, bounds
and costs (:mod:`solver.economy.compiled`); the Leontief mathematics as pure
functions; the budgets councils earn; and, in :mod:`solver.economy.io`, input-output tables.
"""

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
