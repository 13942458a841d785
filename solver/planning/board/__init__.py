"""The Iteration Facilitation Board's reckoning: the master LP whose duals are the ``lp`` rule's
prices (:mod:`~.master`), the board's model of the councils fitted to their proposals
(:mod:`~.profit_model`), its verdict on every proposal (:mod:`~.evaluation`), and how far a
round is from a plan (:mod:`~.excess`).
"""

from solver.planning.board.evaluation import Evaluation, evaluate
from solver.planning.board.excess import clearing_excess, free_items, relative_excess
from solver.planning.board.master import BoardMaster, MasterLPResult
from solver.planning.board.profit_model import ProfitModel, model_clearing_prices

__all__ = [
    "BoardMaster",
    "Evaluation",
    "MasterLPResult",
    "ProfitModel",
    "clearing_excess",
    "evaluate",
    "free_items",
    "model_clearing_prices",
    "relative_excess",
]
