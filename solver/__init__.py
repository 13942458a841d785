"""Participatory planning solver: economies, the board's rounds of indicative prices, plans.

The front door for Python users; every name here is also importable from the subpackage
that holds it (``solver.economy``, ``solver.lp``, ``solver.planning``, ``solver.jobs``,
``solver.scenarios``)::

    import solver

    economy = solver.load_example("planning-town")      # or solver.load_economy("my.json")
    result = solver.plan(economy, rule="lp")            # simulated councils, to convergence
    result.items                                        # pandas: price, supply, demand, ...
    solver.plot_convergence(result, path="rounds.png")

This package knows nothing of gRPC; the service in ``server/`` translates and persists.
"""

from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as _version

from solver.lazy_exports import lazy_exports

try:
    __version__ = _version("parplan")
except PackageNotFoundError:  # run from a source tree that was never installed
    __version__ = "0+unknown"

__getattr__, __dir__, __all__ = lazy_exports(__name__, __file__)
