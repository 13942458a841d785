"""A primal-dual interior point method for LPs whose columns are mostly singletons, and
the board's master LP solved by it with HiGHS's crossover (:func:`run_interior_point`).

Nearly every column of the board's master LP is a step with one entry (a demand step in
its item's row, an effort step in its technique's link row). In the normal equations
``A Theta A^T dy = r`` such a column adds to the diagonal only, so the matrix is what the
few columns with several entries make of it, and a sparse Cholesky factors it in
milliseconds (:mod:`~solver.interior_point.normal_equations`), after eliminating the rows
that one such column couples to the others, the link rows
(:mod:`~solver.interior_point.normal_system`). HiGHS's IPX does not exploit
this: 25-30 s on the 2,000-good technique-choice master (8,006 rows, 374,550 columns), this
method 2-3 s. It is Mehrotra's predictor-corrector (Wright, *Primal-Dual Interior-Point
Methods*, 1997, ch. 10) with a slack per row that is not an equality
(:mod:`~solver.interior_point.mehrotra`); HiGHS's crossover takes its point to a vertex
(:mod:`~solver.interior_point.with_highs`).
"""

from solver.interior_point.mehrotra import InteriorPoint, interior_point
from solver.interior_point.normal_equations import NormalEquations, NormalFactor, normal_entries
from solver.interior_point.normal_system import NormalSystem, pivot_rows
from solver.interior_point.with_highs import (
    CENTRE_TOLERANCE,
    CENTRING_TOLERANCE,
    CROSSOVER_FROM_ERROR,
    PAIRS_PER_COLUMN,
    PendingLP,
    run_interior_point,
)

__all__ = [
    "CENTRE_TOLERANCE",
    "CENTRING_TOLERANCE",
    "CROSSOVER_FROM_ERROR",
    "PAIRS_PER_COLUMN",
    "InteriorPoint",
    "NormalEquations",
    "NormalFactor",
    "NormalSystem",
    "PendingLP",
    "interior_point",
    "normal_entries",
    "pivot_rows",
    "run_interior_point",
]
