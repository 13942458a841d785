# What this package exports. Type checkers read this stub; at run time
# solver.lazy_exports reads it too and imports each name's module on first use.

from solver.lp.build import RoundBounds, RoundLP, build_round_lp, round_bounds
from solver.lp.results import RoundResult, Shortfall
from solver.lp.solve import ModelPath, RoundSolver, solve_round

__all__ = [
    "ModelPath",
    "RoundBounds",
    "RoundLP",
    "RoundResult",
    "RoundSolver",
    "Shortfall",
    "build_round_lp",
    "round_bounds",
    "solve_round",
]
