"""The Iteration Facilitation Board's reckoning: the master LP whose duals are the ``lp`` rule's
prices (:mod:`~.master`), the board's model of the councils fitted to their proposals
(:mod:`~.profit_model`), its verdict on every proposal (:mod:`~.evaluation`), and how far a
round is from a plan (:mod:`~.excess`).
"""

from solver.lazy_exports import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, __file__)
