"""What a user of the solver does, step by step: load -> ratings -> market -> session -> result.

The one front door for every flow: the command line (:mod:`solver.cli`) and the gRPC
service (``server/``) call operations only through this package (``tests/test_layering.py``
holds them to it), so that a plan made from the shell and one made over the API take the
same steps; the service adds only translation and persistence.

* :mod:`~solver.usecases.economies`: bundled examples, economy files, IO tables, generators;
* :mod:`~solver.usecases.jobs`: balanced job complexes, effort ratings, rated economies;
* :mod:`~solver.usecases.planning`: planning sessions with simulated councils, next year;
* :mod:`~solver.usecases.sessions`: a session round by round with live councils (closing,
  replay, feedback, the ledger);
* :mod:`~solver.usecases.rounds`: one round's social-cost LP alone.

>>> import solver
>>> result = solver.plan(solver.load_example("planning-town"), rule="lp")
>>> result.converged
True
"""

from solver.lazy_exports import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, __file__)
