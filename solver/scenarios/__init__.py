"""Economies to plan: the published Pequod setting (:mod:`~.pequod`), synthetic economies of
any size (:mod:`~.synthetic`) and societies (:mod:`~.societies`), planning economies made
from real input-output tables with simulated councils (:mod:`~.io_examples`), and the
bundled examples (:mod:`~.bundled`).
"""

from solver.lazy_exports import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, __file__)
