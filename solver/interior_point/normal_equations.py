"""The normal equations of an interior point iteration: ``A diag(theta) A^T`` assembled on a
fixed pattern (:class:`NormalEquations`) and factored (:class:`NormalFactor`)."""

from __future__ import annotations

import time

import cvxopt
import cvxopt.cholmod
import numpy as np
import qdldl
import scipy.sparse as sp

__all__ = ["NormalEquations", "NormalFactor", "normal_entries"]


def normal_entries(starts: np.ndarray | list[int]) -> int:
    """Entries of the upper triangle of ``A A^T`` before merging: ``sum k (k + 1) / 2`` over
    columns with ``k`` entries (``starts``: CSC column pointers, ``A.indptr``)."""
    k = np.diff(np.asarray(starts)).astype(np.int64)
    return int((k * (k + 1) // 2).sum())


class NormalEquations:
    """``A diag(theta) A^T + diag(extra)`` on a fixed upper-triangular pattern: the pairs of
    entries ``(i, k)``, ``i <= k``, of each column (``a_i a_k theta_j`` lands in ``(i, k)``)
    are found once, as a sparse map from ``theta`` to the matrix's entries, so that each
    iteration assembles the matrix with one sparse product.

    A column with one entry (most of the board's) adds to its row's diagonal only: its
    pair needs no search, so the pattern is found from the other columns alone."""

    def __init__(self, matrix: sp.csc_array) -> None:
        a = sp.csc_array(matrix, copy=True)
        a.sum_duplicates()
        a.sort_indices()
        (m, n), counts, first = a.shape, np.diff(a.indptr), a.indptr[:-1]
        # the map is CSC, a column per column of A: its pairs from start[j] on
        start = np.r_[0, np.cumsum(counts * (counts + 1) // 2)]
        slot_of = np.empty(start[-1], dtype=np.int64)  # each pair's place in the matrix's entries
        value = np.empty(start[-1])
        rows, cols_, at_pairs = [], [], [np.zeros(0, dtype=np.int64)]
        for k in np.unique(counts[counts > 1]):  # columns with k entries, all pairs at once
            cols = np.flatnonzero(counts == k)
            at = first[cols][:, None] + np.arange(k)[None, :]
            i, j = np.triu_indices(int(k))
            pairs = (start[cols][:, None] + np.arange(i.size)[None, :]).ravel()
            rows.append(a.indices[at[:, i]].ravel())
            cols_.append(a.indices[at[:, j]].ravel())
            value[pairs] = (a.data[at[:, i]] * a.data[at[:, j]]).ravel()
            at_pairs.append(pairs)
        rows.append(np.arange(m))  # every diagonal entry, so that extra has a place
        cols_.append(np.arange(m))
        keys, where = np.unique(
            np.concatenate(cols_).astype(np.int64) * m + np.concatenate(rows), return_inverse=True
        )
        self._diagonal_slot = where[where.size - m :]
        slot_of[np.concatenate(at_pairs)] = where[: where.size - m]
        # a column with one entry adds to its row's diagonal only: no search for its pair
        single = np.flatnonzero(counts == 1)
        slot_of[start[single]] = self._diagonal_slot[a.indices[first[single]]]
        value[start[single]] = a.data[first[single]] ** 2
        self.nnz = int(keys.size)
        self._map = sp.csc_array((value, slot_of, start), shape=(self.nnz, n))
        self._indices = (keys % m).astype(np.int64)
        self._indptr = np.searchsorted(keys // m, np.arange(m + 1)).astype(np.int64)
        self.shape = (m, m)

    def assemble(self, theta: np.ndarray, extra: np.ndarray) -> sp.csc_matrix:
        """The upper triangle of ``A diag(theta) A^T + diag(extra)`` as CSC."""
        data = self._map @ theta
        data[self._diagonal_slot] += extra
        return sp.csc_matrix((data, self._indices, self._indptr), shape=self.shape)


TRIAL_AFTER = 0.02
"""Seconds of a QDLDL refactorisation past which :class:`NormalFactor` tries CHOLMOD."""

_SETTLED: dict[tuple[int, int], str] = {}
"""The factorisation settled on for normal matrices of a size (rows, entries), this
process's most recent :data:`_SETTLED_SIZES`."""
_SETTLED_SIZES = 64


class NormalFactor:
    """Each iteration's normal matrix (its upper triangle, CSC, on one pattern) factored by
    QDLDL or by CHOLMOD, whichever refactors it faster; :meth:`solve` uses the last factor.

    QDLDL (OSQP's simplicial LDL^T) refactors the normal matrix of a 2,000-good master in
    10 ms, CHOLMOD in 14 ms. Where elimination fills in more, CHOLMOD's supernodes (dense
    blocks through BLAS) win: 0.12 s against 0.43 s on the 10,000-good master's (40,006
    rows, 842,544 entries). So QDLDL factors first; where its refactorisation takes more
    than :data:`TRIAL_AFTER`, CHOLMOD factors the next matrix, and the faster of the two
    factors the rest. CHOLMOD's ``L L^T`` refuses a matrix that rounding has left
    indefinite (``ArithmeticError``, where ``L D L^T`` goes on with a tiny pivot): QDLDL
    then factors that one and every later one. The two solve to rounding (1e-14 relative
    on the 2,000- and 10,000-good matrices), so which one a machine's timings pick moves
    the iterates by no more than that.

    The choice, once settled, stands for later matrices of the same size (rows and
    entries) in this process: every window's master of a round, and the next rounds', has
    the same normal pattern (their steps add to its diagonal only), and at 10,000 goods
    QDLDL's first factorisation and timed refactorisation cost 1.3 s a solve before
    CHOLMOD's trial.
    """

    def __init__(self) -> None:
        self._qdldl: qdldl.Solver | None = None
        self._qdldl_seconds: float | None = None
        self._cholmod: tuple[cvxopt.spmatrix, object] | None = None
        self.choice: str | None = None  # "qdldl" or "cholmod" once settled
        self.last = "qdldl"
        self._calls = 0
        self._refused = False  # CHOLMOD refused a matrix (indefinite by rounding)

    def factor(self, upper: sp.csc_matrix) -> None:
        """Factor ``upper`` (the same pattern every call)."""
        size = (int(upper.shape[0]), int(upper.nnz))
        if self._calls == 0:
            self.choice = _SETTLED.get(size)  # a size settled before
        self._calls += 1
        self._factor(upper)
        # a matrix CHOLMOD refused settles nothing beyond this solve: rounding, not size
        if self.choice is not None and not self._refused and _SETTLED.get(size) != self.choice:
            if len(_SETTLED) >= _SETTLED_SIZES:
                _SETTLED.clear()
            _SETTLED[size] = self.choice

    def _factor(self, upper: sp.csc_matrix) -> None:
        timed = self._qdldl_seconds
        trial = self.choice is None and timed is not None and timed > TRIAL_AFTER
        if self.choice == "cholmod" or trial:
            try:
                seconds = self._factor_cholmod(upper)
            except ArithmeticError:
                self.choice, self._refused = "qdldl", True
            else:
                if trial:
                    self.choice = "cholmod" if seconds < (timed or 0.0) else "qdldl"
                self.last = "cholmod"
                return
        started = time.perf_counter()
        if self._qdldl is None:
            self._qdldl = qdldl.Solver(upper, upper=True)  # its ordering too: not timed
        else:
            self._qdldl.update(upper, upper=True)
            if self._qdldl_seconds is None:
                self._qdldl_seconds = time.perf_counter() - started
                if self._qdldl_seconds <= TRIAL_AFTER:
                    self.choice = self.choice or "qdldl"
        self.last = "qdldl"

    def solve(self, rhs: np.ndarray) -> np.ndarray:
        """``x`` with ``N x = rhs`` for the matrix factored last."""
        if self.last == "cholmod":
            assert self._cholmod is not None
            x = cvxopt.matrix(rhs)
            cvxopt.cholmod.solve(self._cholmod[1], x)
            return np.asarray(x).ravel()
        assert self._qdldl is not None
        return np.asarray(self._qdldl.solve(rhs))

    def _factor_cholmod(self, upper: sp.csc_matrix) -> float:
        """Factor ``upper`` by CHOLMOD (supernodal); the numeric factorisation's seconds."""
        values = cvxopt.matrix(np.ascontiguousarray(upper.data, dtype=float))
        if self._cholmod is None:
            m = upper.shape[0]
            columns = np.repeat(np.arange(m, dtype=np.int64), np.diff(upper.indptr))
            rows = cvxopt.matrix(upper.indices.astype(np.int64))
            matrix = cvxopt.spmatrix(values, rows, cvxopt.matrix(columns), (m, m))
            options = cvxopt.cholmod.options
            saved = dict(options)
            options.update(supernodal=2, print=0)
            try:
                self._cholmod = (matrix, cvxopt.cholmod.symbolic(matrix, uplo="U"))
            finally:
                options.clear()
                options.update(saved)
        matrix, symbolic = self._cholmod
        matrix.V = values
        started = time.perf_counter()
        cvxopt.cholmod.numeric(matrix, symbolic)
        return time.perf_counter() - started
