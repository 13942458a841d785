"""Price rules of the facilitation board: how the next indicative prices follow from a round.

One module per rule, each an object that a planning session owns and that holds what the
rule remembers between rounds (step sizes, proposals kept as LP columns, trust regions), so
that rules can be compared on the same economy and the same proposals:

- :mod:`~solver.planning.rules.tatonnement`: the published rule of Hahnel and Szczepanczyk;
- :mod:`~solver.planning.rules.lp`: the shadow prices of the board's master LP;
- :mod:`~solver.planning.rules.hybrid`: tatonnement first, then ``lp``;
- :mod:`~solver.planning.rules.newton`: Newton's method on the board's model of the councils.
"""

from solver.lazy_exports import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, __file__)
