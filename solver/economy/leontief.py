"""Input-output mathematics as small pure functions (Leontief open model).

Conventions: ``A[i, j]`` is the input of good ``i`` per unit of output of good ``j``;
``L = (I - A)^-1``; ``x = L y`` is gross output for final demand ``y``; with a primary-input
coefficient row ``l``, ``v = l L`` are the (labour) values of the goods.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, TypeAlias

import numpy as np
import scipy.sparse as sp

if TYPE_CHECKING:
    import scipy.sparse.linalg as spla

__all__ = [
    "gross_output",
    "jacobi_solve",
    "least_per_good",
    "leontief_inverse",
    "paired_outputs",
    "single_outputs",
    "sparse_lu",
    "spectral_radius",
    "technical_coefficients",
    "total_factor_content",
]

Matrix: TypeAlias = np.ndarray | sp.sparray


def _dense(m: Matrix) -> np.ndarray:
    if isinstance(m, np.ndarray):
        return np.asarray(m, dtype=float)
    return np.asarray(m.toarray(), dtype=float)


def technical_coefficients(flows: Matrix, gross_output: np.ndarray) -> np.ndarray:
    """``A = Z diag(x)^-1``; columns of zero-output sectors are zero."""
    z = _dense(flows)
    x = np.asarray(gross_output, dtype=float)
    inv = np.divide(1.0, x, out=np.zeros_like(x), where=x != 0)
    return z * inv[np.newaxis, :]


def leontief_inverse(coefficients: Matrix) -> np.ndarray:
    """``L = (I - A)^-1`` as a dense array."""
    a = _dense(coefficients)
    return np.linalg.inv(np.eye(a.shape[0]) - a)


def _i_minus(a: Matrix) -> sp.csc_array:
    return (sp.eye_array(a.shape[0], format="csc") - sp.csc_array(a)).tocsc()


def gross_output(coefficients: Matrix, final_demand: np.ndarray) -> np.ndarray:
    """``x`` solving ``(I - A) x = y`` (a sparse solve; no inverse is formed)."""
    import scipy.sparse.linalg as spla  # here: it imports scipy.linalg, 0.06 s a command

    return np.asarray(spla.spsolve(_i_minus(coefficients), np.asarray(final_demand, dtype=float)))


def jacobi_solve(square: Matrix, rhs: np.ndarray, sweeps: int = 2000) -> np.ndarray | None:
    """``x`` with ``square x = rhs`` by Jacobi sweeps, for a square with a positive diagonal
    (``I - A`` of a productive table, byproducts and all); ``None`` where they do not settle
    within ``sweeps`` (no sparse LU, whose fill-in is hard to foresee)."""
    rows = sp.csr_array(square)
    diagonal = rows.diagonal()
    if not np.all(diagonal > 0):
        return None
    x = rhs / diagonal
    for _ in range(sweeps):
        step = (rhs - rows @ x) / diagonal
        x = x + step
        if not np.all(np.isfinite(x)):
            return None
        if float(np.abs(step).max(initial=0.0)) <= 1e-14 * max(
            1.0, float(np.abs(x).max(initial=0.0))
        ):
            return x
    return None


def sparse_lu(matrix: Matrix) -> spla.SuperLU | None:
    """A sparse LU factor of a square matrix; ``None`` where it is singular."""
    import scipy.sparse.linalg as spla

    with warnings.catch_warnings():
        warnings.simplefilter("error", spla.MatrixRankWarning)
        try:
            return spla.splu(sp.csc_matrix(matrix))
        except (RuntimeError, spla.MatrixRankWarning):
            return None


def total_factor_content(coefficients: Matrix, direct: np.ndarray) -> np.ndarray:
    """``v = l (I - A)^-1``: direct plus indirect use of a primary input per unit of each good.

    With labour coefficients ``l`` these are labour values; with compensation per unit of
    output they are the "employment cost effects" of published IO tables.
    """
    import scipy.sparse.linalg as spla

    lhs = _i_minus(coefficients).T.tocsc()
    return np.asarray(spla.spsolve(lhs, np.asarray(direct, dtype=float)))


def spectral_radius(coefficients: Matrix) -> float:
    """Perron root of a non-negative square matrix (< 1 means productive, Hawkins-Simon)."""
    n = coefficients.shape[0]
    if n == 0:
        return 0.0
    if n > 200:
        import scipy.sparse.linalg as spla

        a = sp.csc_array(coefficients, dtype=float)
        if a.nnz == 0:
            return 0.0
        try:
            vals = spla.eigs(a, k=1, which="LM", return_eigenvectors=False, tol=1e-10)
            return float(np.abs(vals[0]))
        except spla.ArpackNoConvergence:
            pass  # e.g. several eigenvalues of equal modulus: fall back to the dense solver
    dense = _dense(coefficients)
    return float(np.max(np.abs(np.linalg.eigvals(dense))))


# -- techniques as a Leontief system: which technique makes which good --------------------


def single_outputs(outputs: sp.sparray) -> tuple[np.ndarray, np.ndarray] | None:
    """The good each technique (a column of ``outputs``) makes and how much of it, or
    ``None`` where some technique makes several goods or none (joint production)."""
    outputs = sp.csc_array(outputs)
    if outputs.shape[1] == 0 or np.any(np.diff(outputs.indptr) != 1):
        return None
    return outputs.indices.astype(np.int64), outputs.data.astype(float)


def paired_outputs(outputs: sp.sparray, n_goods: int) -> np.ndarray | None:
    """The technique of each good whose largest output it is, where that pairs goods and
    techniques one to one (an input-output table's sectors, byproducts and all)."""
    outputs = sp.csc_array(outputs)
    if n_goods == 0 or outputs.shape[1] != n_goods or np.any(np.diff(outputs.indptr) == 0):
        return None
    main = np.asarray(outputs.argmax(axis=0)).ravel()
    if np.unique(main).size != n_goods:
        return None
    chosen = np.empty(n_goods, dtype=np.int64)
    chosen[main] = np.arange(n_goods)
    return chosen


def least_per_good(good: np.ndarray, unit: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For every good some technique makes: the technique of least ``unit`` (the first on
    a tie), and that good; ``good[t]`` is the good technique ``t`` makes."""
    order = np.lexsort((unit, good))  # by good, then by unit
    first = np.r_[True, good[order][1:] != good[order][:-1]]
    return order[first], good[order][first]
