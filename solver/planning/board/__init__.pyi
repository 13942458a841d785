# What this package exports. Type checkers read this stub; at run time
# solver.lazy_exports reads it too and imports each name's module on first use.

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
