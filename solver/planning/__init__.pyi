# What this package exports. Type checkers read this stub; at run time
# solver.lazy_exports reads it too and imports each name's module on first use.

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
