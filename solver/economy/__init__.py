"""The economy: goods, primary inputs, pollutants, councils and federations as a validated data
model; its production graph and technology matrices, compiled once with its caps, bounds
and costs (:mod:`solver.economy.compiled`); the Leontief mathematics as pure
functions; the budgets councils earn; and, in :mod:`solver.economy.io`, input-output tables.
"""

from solver.lazy_exports import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, __file__)
