"""The social-cost LP of one round: built from the economy (:mod:`~solver.lp.build`), passed to
HiGHS as arrays (:mod:`~solver.lp.highs_model`) or modelled in Pyomo
(:mod:`~solver.lp.pyomo_model`), its solution and duals assigned to a labelled result
(:mod:`~solver.lp.results`), all driven by :func:`~solver.lp.solve.solve_round`.
"""

from solver.lazy_exports import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, __file__)
