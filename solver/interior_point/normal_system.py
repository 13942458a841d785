"""The normal equations of an interior point iteration, ``(A diag(theta) A^T + diag(extra))
dy = r``, with the rows that one column couples to the others eliminated before the
factorisation (:class:`NormalSystem`)."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from solver.interior_point.normal_equations import NormalEquations, NormalFactor

__all__ = ["NormalSystem", "pivot_rows"]


def pivot_rows(matrix: sp.csc_array) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows met by exactly one column of two or more entries (and any single-entry columns),
    at most one per such column: ``(rows, pivot columns, positions)``, ``positions`` the
    index of each row's entry in the pivot column (``matrix.data``).

    Such a row touches the other rows only through its pivot column, whose rows already
    form a clique of the normal matrix: eliminating it first fills in nothing, and no two
    of the rows chosen touch each other, so their block of the normal matrix is diagonal.
    The board's masters hold one per technique, its link row (the activity column and its
    effort steps). ``matrix`` must have sorted indices and no duplicates.
    """
    m, n = matrix.shape
    counts = np.diff(matrix.indptr)
    column = np.repeat(np.arange(n), counts)
    shared = counts[column] > 1  # entries of columns with two or more entries
    per_row = np.bincount(matrix.indices[shared], minlength=m)
    lone = shared & (per_row[matrix.indices] == 1)  # the one shared entry of its row
    entries = np.flatnonzero(lone)
    # at most one row a pivot column: the first of its entries
    _, first = np.unique(column[entries], return_index=True)
    entries = entries[first]
    return matrix.indices[entries], column[entries], entries


class NormalSystem:
    """``A diag(theta) A^T + diag(extra)`` factored, and solved with its last factor.

    The rows of :func:`pivot_rows` (``L``) are eliminated by their diagonal ``D``: the
    Schur complement on the others (``I``) is ``A_I diag(theta') A_I^T + diag(extra_I)``,
    with ``theta'_t = theta_t D'_l / D_l`` for the pivot column ``t`` of row ``l`` (``D'_l``:
    ``D_l`` but for ``t``'s own term, summed apart so that nothing cancels) and ``theta``
    elsewhere, on the pattern of ``A_I A_I^T``. On the 10,000-good technique-choice master
    (40,006 rows, 30,000 of them link rows) CHOLMOD factored the 10,006-row complement in
    0.040 s where it took 0.107 s for the whole normal matrix.
    """

    def __init__(self, matrix: sp.csc_array) -> None:
        a = sp.csc_array(matrix, copy=True)
        a.sum_duplicates()
        a.sort_indices()
        self.shape = a.shape
        m, n = a.shape
        rows, pivots, at = pivot_rows(a)
        self._factor = NormalFactor()
        self._rows, self._pivots, self._coefficient = rows, pivots, a.data[at]
        eliminated = np.zeros(m, dtype=bool)
        eliminated[rows] = True
        self._kept = np.flatnonzero(~eliminated)
        kept_rows = a[self._kept, :] if rows.size else a
        self._normal = NormalEquations(sp.csc_array(kept_rows))
        # the rest of each eliminated row's diagonal: a_lj^2 theta_j over its other columns
        column = np.repeat(np.arange(n), np.diff(a.indptr))
        rest = eliminated[a.indices]
        rest[at] = False
        position = np.full(m, -1, dtype=np.int64)
        position[rows] = np.arange(rows.size)
        self._rest = sp.csr_array(
            (a.data[rest] ** 2, (position[a.indices[rest]], column[rest])), shape=(rows.size, n)
        )
        self._coupling = sp.csc_array(kept_rows[:, pivots]) if rows.size else None
        self._diagonal = np.zeros(0)
        self._couple = np.zeros(0)

    @property
    def last(self) -> str:
        """The factorisation that factored the last matrix: ``"qdldl"`` or ``"cholmod"``."""
        return self._factor.last

    def factor(self, theta: np.ndarray, extra: np.ndarray) -> None:
        """Factor ``A diag(theta) A^T + diag(extra)`` (``extra`` > 0 on every row)."""
        reduced, kept_extra = theta, extra
        if self._coupling is not None:
            rows, pivots = self._rows, self._pivots
            rest = self._rest @ theta + extra[rows]
            self._diagonal = rest + theta[pivots] * self._coefficient**2
            self._couple = theta[pivots] * self._coefficient  # N[i, l] = couple_l a_it
            reduced = theta.copy()
            reduced[pivots] = theta[pivots] * rest / self._diagonal
            kept_extra = extra[self._kept]
        self._factor.factor(self._normal.assemble(reduced, kept_extra))

    def solve(self, rhs: np.ndarray) -> np.ndarray:
        """``dy`` with ``N dy = rhs`` for the matrix factored last."""
        if self._coupling is None:
            return self._factor.solve(rhs)
        rows, kept, coupling = self._rows, self._kept, self._coupling
        on_rows = rhs[rows] / self._diagonal
        top = self._factor.solve(rhs[kept] - coupling @ (self._couple * on_rows))
        out = np.empty(self.shape[0])
        out[kept] = top
        out[rows] = on_rows - self._couple * (coupling.T @ top) / self._diagonal
        return out
