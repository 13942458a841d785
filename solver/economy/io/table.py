"""The input-output table as a data class: coefficients, final demand, gross output and
primary inputs per sector, checked on construction, and the assembly that every reader ends
with (balance checks, negative entries, primary inputs)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeAlias

import numpy as np
import scipy.sparse as sp

from solver.economy.leontief import gross_output

__all__ = ["IOTable", "IOTableError"]

BALANCE_RTOL = 1e-6
SHOW_AT_MOST = 8


class IOTableError(ValueError):
    """An input-output table cannot be read or converted; the message says where."""


# --------------------------------------------------------------------------------------
# The table
# --------------------------------------------------------------------------------------
def _frozen(a: np.ndarray | Sequence[float], shape: tuple[int, ...], what: str) -> np.ndarray:
    arr = np.array(a, dtype=float)
    if arr.shape != shape:
        raise IOTableError(f"{what}: expected shape {shape}, got {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise IOTableError(f"{what}: contains NaN or infinite values")
    arr.flags.writeable = False
    return arr


Matrix: TypeAlias = np.ndarray | sp.csc_array
"""A table's square matrix: dense, or sparse for large tables read in long form."""


def _frozen_matrix(a: Matrix, n: int, what: str) -> Matrix:
    if not sp.issparse(a):
        return _frozen(a, (n, n), what)
    matrix = sp.csc_array(a, dtype=float, copy=True)
    if matrix.shape != (n, n):
        raise IOTableError(f"{what}: expected shape {(n, n)}, got {matrix.shape}")
    if not np.all(np.isfinite(matrix.data)):
        raise IOTableError(f"{what}: contains NaN or infinite values")
    matrix.data.flags.writeable = False
    return matrix


def column_sums(a: Matrix) -> np.ndarray:
    """Each column's sum, dense or sparse."""
    return np.asarray(a.sum(axis=0), dtype=float).ravel()


def negative_entries(a: Matrix) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows, columns and values of the negative entries, dense or sparse."""
    if sp.issparse(a):
        coo = sp.coo_array(a)
        neg = coo.data < 0
        return coo.row[neg].astype(np.int64), coo.col[neg].astype(np.int64), coo.data[neg]
    rows, cols = np.nonzero(a < 0)
    return rows, cols, a[rows, cols]


@dataclass(frozen=True, eq=False)
class IOTable:
    """A symmetric input-output table in coefficient form.

    Attributes
    ----------
    sectors
        Sector (product or industry) codes, unique.
    labels
        Human-readable name of each sector.
    coefficients
        ``A`` (n x n): ``A[i, j]`` is the input of good ``i`` per unit of output of ``j``;
        a dense array, or a ``scipy.sparse.csc_array`` for a table read in long form.
    final_demand
        ``y`` (n,): final demand for each good (may hold negative entries).
    gross_output
        ``x`` (n,): gross output of each sector, all positive.
    primary
        Primary-input name -> ABSOLUTE amount used by each sector (n,), e.g.
        ``"compensation"``, ``"employment"``, ``"hours"``.
    units
        ``"output"`` -> the unit of ``x``, ``y`` and flows; primary-input name -> its unit.
    notes
        Every quirk met while reading and how it was handled.
    source
        Where the table came from.

    Arrays are copied and made read-only.
    """

    sectors: list[str]
    labels: list[str]
    coefficients: Matrix
    final_demand: np.ndarray
    gross_output: np.ndarray
    primary: dict[str, np.ndarray]
    units: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    source: str = ""

    def __post_init__(self) -> None:
        n = len(self.sectors)
        if len(set(self.sectors)) != n:
            dup = sorted({s for s in self.sectors if self.sectors.count(s) > 1})
            raise IOTableError(f"duplicate sector codes: {dup}")
        if len(self.labels) != n:
            raise IOTableError(f"labels: expected {n}, got {len(self.labels)}")
        set_ = object.__setattr__
        set_(self, "sectors", list(self.sectors))
        set_(self, "labels", list(self.labels))
        set_(self, "coefficients", _frozen_matrix(self.coefficients, n, "coefficients"))
        set_(self, "final_demand", _frozen(self.final_demand, (n,), "final_demand"))
        set_(self, "gross_output", _frozen(self.gross_output, (n,), "gross_output"))
        if np.any(self.gross_output <= 0):
            bad = [self.sectors[i] for i in np.flatnonzero(self.gross_output <= 0)]
            raise IOTableError(f"gross_output: must be positive; not so for {bad[:SHOW_AT_MOST]}")
        set_(
            self,
            "primary",
            {k: _frozen(v, (n,), f"primary[{k!r}]") for k, v in self.primary.items()},
        )
        set_(self, "units", dict(self.units))
        set_(self, "notes", list(self.notes))

    # Short names -----------------------------------------------------------------------
    @property
    def n(self) -> int:
        """Number of sectors."""
        return len(self.sectors)

    @property
    def A(self) -> Matrix:
        """The coefficient matrix ``A`` (dense, or sparse for a table read in long form)."""
        return self.coefficients

    @property
    def x(self) -> np.ndarray:
        """Gross output ``x``."""
        return self.gross_output

    @property
    def y(self) -> np.ndarray:
        """Final demand ``y``."""
        return self.final_demand

    @property
    def flows(self) -> Matrix:
        """Intermediate flows ``Z = A diag(x)``."""
        if sp.issparse(self.coefficients):
            return sp.csc_array(self.coefficients @ sp.diags_array(self.gross_output))
        return self.coefficients * self.gross_output[np.newaxis, :]

    def primary_coefficients(self, name: str) -> np.ndarray:
        """Use of primary input ``name`` per unit of gross output of each sector."""
        if name not in self.primary:
            raise IOTableError(
                f"unknown primary input {name!r}; this table has {sorted(self.primary)}"
            )
        return self.primary[name] / self.gross_output


# --------------------------------------------------------------------------------------
# Assembly: one place where every quirk is handled and noted
# --------------------------------------------------------------------------------------
def listing(codes: Sequence[str], values: np.ndarray, idx: np.ndarray, fmt: str = ".6g") -> str:
    shown = ", ".join(f"{codes[i]} {values[i]:{fmt}}" for i in idx[:SHOW_AT_MOST])
    more = f" and {len(idx) - SHOW_AT_MOST} more" if len(idx) > SHOW_AT_MOST else ""
    return shown + more


def _row_sums(m: Matrix, rows: np.ndarray) -> np.ndarray:
    if sp.issparse(m):
        return np.asarray(sp.csr_array(m)[rows, :].sum(axis=1), dtype=float).ravel()
    return np.asarray(m)[rows, :].sum(axis=1)


def _submatrix(m: Matrix, keep: np.ndarray) -> Matrix:
    if sp.issparse(m):
        return sp.csc_array(sp.csr_array(m)[keep, :][:, keep])
    return np.asarray(m)[np.ix_(keep, keep)]


def assemble_table(
    *,
    sectors: Sequence[str],
    labels: Sequence[str],
    final_demand: np.ndarray,
    primary: Mapping[str, np.ndarray],
    units: Mapping[str, str],
    source: str,
    notes: Sequence[str] = (),
    flows: Matrix | None = None,
    coefficients: Matrix | None = None,
    gross: np.ndarray | None = None,
) -> IOTable:
    """Build an :class:`IOTable` from flows (with ``gross``) or coefficients.

    Zero-output sectors are dropped (an error when they sell to final or intermediate
    demand); negative final demand, negative coefficients, negative primary inputs and
    rows that do not balance are recorded in the notes.
    """
    notes = list(notes)
    sectors = list(sectors)
    labels = list(labels)
    y = np.asarray(final_demand, dtype=float)
    if flows is not None:
        if gross is None:
            raise IOTableError("gross output is required with flows")
        x = np.asarray(gross, dtype=float)
    else:
        assert coefficients is not None
        if gross is None:
            x = gross_output(coefficients, y)
            notes.append("gross output computed as x = L y (no gross output given)")
        else:
            x = np.asarray(gross, dtype=float)

    if np.any(x < 0):
        idx = np.flatnonzero(x < 0)
        raise IOTableError(f"negative gross output: {listing(sectors, x, idx)}")
    zero = np.flatnonzero(x == 0)
    if len(zero):
        if flows is not None:
            z = flows
        elif sp.issparse(coefficients):
            z = sp.csc_array(coefficients @ sp.diags_array(x))
        else:
            z = np.asarray(coefficients) * x[np.newaxis, :]
        sales = _row_sums(abs(z), zero)
        for k, i in enumerate(zero):
            if y[i] != 0:
                raise IOTableError(
                    f"sector {sectors[i]!r} has zero gross output but final demand {y[i]:.6g}"
                )
            if sales[k] != 0:
                raise IOTableError(
                    f"sector {sectors[i]!r} has zero gross output but sells {sales[k]:.6g} "
                    "to intermediate use"
                )
        used = [p for p, v in primary.items() if np.any(np.asarray(v)[zero] != 0)]
        notes.append(
            f"dropped {len(zero)} sector(s) with zero gross output: "
            + ", ".join(f"{sectors[i]} ({labels[i]})" for i in zero)
            + (f"; their primary inputs ({', '.join(used)}) are ignored" if used else "")
        )
        keep = np.flatnonzero(x != 0)
        sectors = [sectors[i] for i in keep]
        labels = [labels[i] for i in keep]
        x, y = x[keep], y[keep]
        primary = {p: np.asarray(v, dtype=float)[keep] for p, v in primary.items()}
        if flows is not None:
            flows = _submatrix(flows, keep)
        else:
            assert coefficients is not None
            coefficients = _submatrix(coefficients, keep)

    a: Matrix
    if flows is None:
        assert coefficients is not None
        if sp.issparse(coefficients):
            a = sp.csc_array(coefficients, dtype=float)
        else:
            a = np.array(coefficients, dtype=float)
    elif sp.issparse(flows):
        a = sp.csc_array(flows @ sp.diags_array(1.0 / x))
    else:
        a = flows / x[np.newaxis, :]

    neg_y = np.flatnonzero(y < 0)
    if len(neg_y):
        notes.append(
            f"{len(neg_y)} negative final demand entr{'y' if len(neg_y) == 1 else 'ies'} "
            f"(e.g. net imports, inventory draw-down; total {y[neg_y].sum():.6g}): "
            + listing(sectors, y, neg_y)
        )
    neg_rows, neg_cols, neg_values = negative_entries(a)
    if len(neg_values):
        order = np.argsort(neg_values, kind="stable")[:SHOW_AT_MOST]
        worst = ", ".join(
            f"A[{sectors[neg_rows[k]]},{sectors[neg_cols[k]]}] = {neg_values[k]:.3g}" for k in order
        )
        notes.append(
            f"{len(neg_values)} negative coefficient(s), min {neg_values.min():.3g}: "
            f"{worst}{' ...' if len(neg_values) > SHOW_AT_MOST else ''}"
        )
    col_sum = column_sums(a)
    if np.any(col_sum >= 1):
        over = np.flatnonzero(col_sum >= 1)
        notes.append(
            "intermediate inputs per unit of output reach or exceed 1 (negative value added) "
            "for " + listing(sectors, col_sum, over, ".6g")
        )
    for p, v in primary.items():
        neg = np.flatnonzero(np.asarray(v) < 0)
        if len(neg):
            notes.append(
                f"primary input {p!r} is negative for {len(neg)} sector(s): "
                + listing(sectors, np.asarray(v), neg)
            )
    residual = np.abs(x - a @ x - y) / x
    if residual.max() > BALANCE_RTOL:
        worst_i = np.argsort(-residual)[: min(3, len(residual))]
        notes.append(
            "rows do not balance (x != A x + y): relative gap up to "
            f"{residual.max():.3g} ("
            + ", ".join(f"{sectors[i]} {residual[i]:.3g}" for i in worst_i)
            + "); the plan reproduces L y, not the table's x"
        )
    return IOTable(
        sectors=sectors,
        labels=labels,
        coefficients=a,
        final_demand=y,
        gross_output=x,
        primary=dict(primary),
        units=dict(units),
        notes=notes,
        source=source,
    )
