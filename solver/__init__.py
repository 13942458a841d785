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

from solver.lazy_exports import lazy_exports

_export, __dir__, __all__ = lazy_exports(__name__, __file__)


def __getattr__(name: str) -> object:
    if name != "__version__":
        return _export(name)
    # looked up when asked: importing importlib.metadata takes 30-40 ms of every command
    from importlib.metadata import PackageNotFoundError, version

    try:
        found = version("parplan")
    except PackageNotFoundError:  # run from a source tree that was never installed
        found = "0+unknown"
    globals()["__version__"] = found
    return found
