"""Participatory planning solver: the economy, its production graph and the round's LP.

This package knows nothing of gRPC; the service in ``server/`` translates and persists.
"""

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
    load_economy,
    parse_economy,
    save_economy,
)
from solver.economy.production import (
    ProductionError,
    ProductionReport,
    check_production,
    technology_matrices,
)
from solver.lp.build import RoundInputs, RoundLP, build_round_lp, round_inputs
from solver.lp.results import RoundResult, Shortfall
from solver.lp.solve import Path, RoundSolver, solve_round
from solver.status import Method, SolutionStatus, TerminationCondition

__all__ = [
    "ConsumerCouncil",
    "Economy",
    "EconomyValidationError",
    "Federation",
    "Good",
    "GoodKind",
    "Method",
    "Path",
    "Pollutant",
    "PrimaryInput",
    "PrimaryInputKind",
    "Problem",
    "ProductionError",
    "ProductionReport",
    "RoundInputs",
    "RoundLP",
    "RoundResult",
    "RoundSolver",
    "Shortfall",
    "SolutionStatus",
    "Technique",
    "TerminationCondition",
    "WorkerCouncil",
    "build_round_lp",
    "check_production",
    "load_economy",
    "parse_economy",
    "round_inputs",
    "save_economy",
    "solve_round",
    "technology_matrices",
]
