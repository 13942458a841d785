"""Balanced job complexes and remuneration by effort: workplaces and members
(:mod:`~.workplaces`), the balancing problem (:mod:`~.problem`) and its LP (:mod:`~.model`),
balancing in a workplace and across a society (:mod:`~.balance`), the reports
(:mod:`~.reports`), and the effort ratings that set consumer councils' budgets
(:mod:`~.remuneration`).
"""

from solver.lazy_exports import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, __file__)
