"""The planning procedure: the market of councils an economy makes (:mod:`~.from_economy`,
:mod:`~.market`), the councils' behaviour (:mod:`~.councils`) and live councils' proposals
(:mod:`~.live_proposals`), the board (:mod:`~.board`: master LP, model of the councils,
evaluation, excess measures), its price rules (:mod:`~.rules`), and the session that plays
the rounds (:mod:`~.session`) to a result (:mod:`~.result`).
"""

from solver.planning.comparison import compare_prices
from solver.planning.from_economy import market_from_economy
from solver.planning.live_proposals import CouncilDirectory, CouncilProposal
from solver.planning.market import Market, ProposalError, Proposals
from solver.planning.result import PlanResult, PlanStatus, RoundRecord
from solver.planning.rules import PRICE_RULES, PriceRule, make_rule
from solver.planning.session import PlanningSession, run_planning

__all__ = [
    "PRICE_RULES",
    "CouncilDirectory",
    "CouncilProposal",
    "Market",
    "PlanResult",
    "PlanStatus",
    "PlanningSession",
    "PriceRule",
    "ProposalError",
    "Proposals",
    "RoundRecord",
    "compare_prices",
    "make_rule",
    "market_from_economy",
    "run_planning",
]
