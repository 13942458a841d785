# What this package exports. Type checkers read this stub; at run time
# solver.lazy_exports reads it too and imports each name's module on first use.

from solver.planning.rules.base import PriceRule, RuleStep
from solver.planning.rules.hybrid import Hybrid
from solver.planning.rules.lp import LPRule
from solver.planning.rules.newton import Newton
from solver.planning.rules.registry import PRICE_RULES, make_rule, rule_options
from solver.planning.rules.tatonnement import Tatonnement, TatonnementState, tatonnement_step

__all__ = [
    "PRICE_RULES",
    "Hybrid",
    "LPRule",
    "Newton",
    "PriceRule",
    "RuleStep",
    "Tatonnement",
    "TatonnementState",
    "make_rule",
    "rule_options",
    "tatonnement_step",
]
