"""Economies to plan: the published Pequod setting (:mod:`~.pequod`), synthetic economies of
any size (:mod:`~.synthetic`) and societies (:mod:`~.societies`), planning economies made
from real input-output tables with simulated councils (:mod:`~.io_examples`), and the
bundled examples (:mod:`~.bundled`).
"""

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
