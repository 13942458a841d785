# What this package exports. Type checkers read this stub; at run time
# solver.lazy_exports reads it too and imports each name's module on first use.

from solver.scenarios.bundled import bundled_examples, bundled_workplaces
from solver.scenarios.io_examples import with_simulated_councils
from solver.scenarios.pequod import pequod_economy, pequod_market
from solver.scenarios.societies import synthetic_society
from solver.scenarios.synthetic import synthetic_economy

__all__ = [
    "bundled_examples",
    "bundled_workplaces",
    "pequod_economy",
    "pequod_market",
    "synthetic_economy",
    "synthetic_society",
    "with_simulated_councils",
]
