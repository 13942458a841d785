"""The social-cost LP of one round: built from the economy (:mod:`~solver.lp.build`), passed to
HiGHS as arrays (:mod:`~solver.lp.highs_model`) or modelled in Pyomo
(:mod:`~solver.lp.pyomo_model`), its solution and duals assigned to a labelled result
(:mod:`~solver.lp.results`), all driven by :func:`~solver.lp.solve.solve_round`.
"""

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
