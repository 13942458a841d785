"""Input-output tables: read them, check them, and turn them into an economy.

A table is read into an :class:`IOTable` (coefficients ``A``, final demand ``y``, gross
output ``x`` and primary-input rows in absolute amounts). Every quirk met on the way (a
sector without output, negative final demand, negative coefficients, totals that do not
add up) is handled explicitly and recorded in :attr:`IOTable.notes`; nothing is changed
silently. :func:`economy_from_io_table` then builds the Leontief economy: one good and one
single-technique worker council per sector, and one consumer council asking for ``y``, so
that the round's LP reproduces ``x = L y`` and its goods prices are ``v = l (I - A)^-1``.

Generic CSV layout
------------------
A directory holding (every file has a header row; blank cells are 0)::

    flows.csv            Z, square: first column the sector code, header "code" (any
                         text) followed by the same sector codes in the same order.
                         Z[i, j] = sales of sector i to sector j.
      or
    coefficients.csv     A in the same shape: input of i per unit of output of j.
    final_demand.csv     first column the sector code, then one or more numeric columns
                         (households, government, exports, ...), which are summed.
    gross_output.csv     two columns: code, value. Required with flows.csv; optional with
                         coefficients.csv, where it is otherwise computed as x = L y.
    primary_inputs.csv   first column the primary-input name (e.g. compensation,
                         employment, hours), header "name" followed by sector codes;
                         ABSOLUTE amounts per sector (not per unit of output).
    labels.csv           optional: code, label.
    units.csv            optional: quantity, unit -- "output" for the unit of Z, x and y,
                         and one row per primary input.

Sector codes must match across files (the row order of the other files is free). Errors
are :class:`IOTableError` and name the file, the row (line in the file) and the column.

Published tables
----------------
:data:`TABLE_FORMATS` maps a format name to its reader; :func:`read_io_table` dispatches.
Besides ``"generic"`` there are readers for the Eurostat manual's Germany 1995 table,
the UK ONS analytical tables 2010, the WIOD 2016 USA national table for 2014 with its
socio-economic accounts, and the US BEA 2007 detailed Make and Use tables.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np

from .economy import (
    ConsumerCouncil,
    Economy,
    Good,
    GoodKind,
    PrimaryInput,
    PrimaryInputKind,
    Technique,
    WorkerCouncil,
)
from .leontief import gross_output, spectral_radius

__all__ = [
    "TABLE_FORMATS",
    "IOTable",
    "IOTableError",
    "economy_from_io_table",
    "io_table_summary",
    "read_bea_2007",
    "read_eurostat_beutel",
    "read_generic",
    "read_io_table",
    "read_ons_2010",
    "read_wiod_2014",
]

PathLike = str | os.PathLike[str]
TableReader = Callable[[PathLike], "IOTable"]

BALANCE_RTOL = 1e-6
"""Relative row imbalance ``|x - A x - y| / x`` above which a note is recorded."""
_SHOW = 8
"""How many offending entries a note lists by name."""


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
        ``A`` (n x n): ``A[i, j]`` is the input of good ``i`` per unit of output of ``j``.
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
    coefficients: np.ndarray
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
        set_(self, "coefficients", _frozen(self.coefficients, (n, n), "coefficients"))
        set_(self, "final_demand", _frozen(self.final_demand, (n,), "final_demand"))
        set_(self, "gross_output", _frozen(self.gross_output, (n,), "gross_output"))
        if np.any(self.gross_output <= 0):
            bad = [self.sectors[i] for i in np.flatnonzero(self.gross_output <= 0)]
            raise IOTableError(f"gross_output: must be positive; not so for {bad[:_SHOW]}")
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
    def A(self) -> np.ndarray:
        """The coefficient matrix ``A``."""
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
    def flows(self) -> np.ndarray:
        """Intermediate flows ``Z = A diag(x)``."""
        return self.coefficients * self.gross_output[np.newaxis, :]

    def primary_coefficients(self, name: str) -> np.ndarray:
        """Use of primary input ``name`` per unit of gross output of each sector."""
        if name not in self.primary:
            raise IOTableError(
                f"unknown primary input {name!r}; this table has {sorted(self.primary)}"
            )
        return self.primary[name] / self.gross_output


# --------------------------------------------------------------------------------------
# CSV helpers: every error names file, row and column
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Row:
    line: int
    cells: list[str]

    @property
    def key(self) -> str:
        return self.cells[0].strip() if self.cells else ""


@dataclass(frozen=True)
class _Csv:
    name: str
    header: list[str]
    rows: list[_Row]

    def codes(self) -> list[str]:
        return [r.key for r in self.rows]

    def row(self, key: str) -> _Row:
        for r in self.rows:
            if r.key == key:
                return r
        raise IOTableError(f"{self.name}: no row {key!r} (first column)")

    def column(self, name: str) -> int:
        heads = [h.strip() for h in self.header]
        if name not in heads:
            raise IOTableError(f"{self.name}: no column {name!r} in the header")
        return heads.index(name)

    def where(self, row: _Row, col: int) -> str:
        head = self.header[col].strip() if col < len(self.header) else ""
        return f"{self.name}, row {row.line} ({row.key!r}), column {col + 1} ({head!r})"


def _read_csv(path: Path) -> _Csv:
    """Read a CSV file with a header row; blank lines are skipped, rows must be full."""
    if not path.is_file():
        raise IOTableError(f"{path.name}: file not found in {path.parent}")
    rows: list[_Row] = []
    header: list[str] | None = None
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.reader(fh)
        start = 1
        for cells in reader:
            line, start = start, reader.line_num + 1
            if not any(c.strip() for c in cells):
                continue
            if header is None:
                header = cells
                continue
            if len(cells) != len(header):
                raise IOTableError(
                    f"{path.name}, row {line}: {len(cells)} cells, but the header has {len(header)}"
                )
            rows.append(_Row(line, cells))
    if header is None:
        raise IOTableError(f"{path.name}: the file is empty")
    return _Csv(path.name, header, rows)


def _numbers(
    table: _Csv, rows: Sequence[_Row], cols: Sequence[int], blanks: Iterable[str] = ("",)
) -> np.ndarray:
    """The cells ``rows x cols`` as floats (blank cells are 0); errors name the cell."""
    blank = set(blanks)
    flat = ["0" if (s := r.cells[c].strip()) in blank else s for r in rows for c in cols]
    try:
        arr = np.array(flat, dtype=float).reshape(len(rows), len(cols))
    except ValueError:
        arr = None
    if arr is None or not np.all(np.isfinite(arr)):
        for r in rows:
            for c in cols:
                s = r.cells[c].strip()
                if s in blank:
                    continue
                try:
                    ok = np.isfinite(float(s))
                except ValueError:
                    ok = False
                if not ok:
                    raise IOTableError(f"{table.where(r, c)}: {s!r} is not a number")
        raise IOTableError(f"{table.name}: unreadable numbers")  # pragma: no cover
    return arr


def _check_unique(
    codes: Sequence[str], where: Callable[[int], str], what: str = "sector code"
) -> None:
    seen: dict[str, int] = {}
    for i, c in enumerate(codes):
        if not c:
            raise IOTableError(f"{where(i)}: empty {what}")
        if c in seen:
            raise IOTableError(f"{where(i)}: duplicate {what} {c!r}")
        seen[c] = i


def _align(
    expected: Sequence[str], got: Sequence[str], where: Callable[[int], str], reference: str
) -> np.ndarray:
    """Index array ``p`` with ``got[p[k]] == expected[k]``; errors say what does not match."""
    _check_unique(got, where)
    position = {c: i for i, c in enumerate(got)}
    known = set(expected)
    unknown = [i for i, c in enumerate(got) if c not in known]
    missing = [c for c in expected if c not in position]
    if unknown or missing:
        parts = []
        if unknown:
            parts.append(
                "; ".join(
                    f"{where(i)}: sector code {got[i]!r} not in {reference}"
                    for i in unknown[:_SHOW]
                )
            )
        if missing:
            parts.append(f"sector codes of {reference} missing: {missing[:_SHOW]}")
        raise IOTableError("sector codes do not match: " + "; ".join(parts))
    return np.array([position[c] for c in expected], dtype=np.int64)


# --------------------------------------------------------------------------------------
# Assembly: one place where every quirk is handled and noted
# --------------------------------------------------------------------------------------
def _listing(codes: Sequence[str], values: np.ndarray, idx: np.ndarray, fmt: str = ".6g") -> str:
    shown = ", ".join(f"{codes[i]} {values[i]:{fmt}}" for i in idx[:_SHOW])
    more = f" and {len(idx) - _SHOW} more" if len(idx) > _SHOW else ""
    return shown + more


def _assemble(
    *,
    sectors: Sequence[str],
    labels: Sequence[str],
    final_demand: np.ndarray,
    primary: Mapping[str, np.ndarray],
    units: Mapping[str, str],
    source: str,
    notes: Sequence[str] = (),
    flows: np.ndarray | None = None,
    coefficients: np.ndarray | None = None,
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
        raise IOTableError(f"negative gross output: {_listing(sectors, x, idx)}")
    zero = np.flatnonzero(x == 0)
    if len(zero):
        a_or_z = flows if flows is not None else np.asarray(coefficients) * x[np.newaxis, :]
        sales = np.abs(a_or_z[zero, :]).sum(axis=1)
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
            flows = np.asarray(flows)[np.ix_(keep, keep)]
        else:
            coefficients = np.asarray(coefficients)[np.ix_(keep, keep)]

    a = flows / x[np.newaxis, :] if flows is not None else np.array(coefficients, dtype=float)

    neg_y = np.flatnonzero(y < 0)
    if len(neg_y):
        notes.append(
            f"{len(neg_y)} negative final demand entr{'y' if len(neg_y) == 1 else 'ies'} "
            f"(e.g. net imports, inventory draw-down; total {y[neg_y].sum():.6g}): "
            + _listing(sectors, y, neg_y)
        )
    neg_a = np.argwhere(a < 0)
    if len(neg_a):
        order = np.argsort(a[neg_a[:, 0], neg_a[:, 1]])
        worst = ", ".join(
            f"A[{sectors[i]},{sectors[j]}] = {a[i, j]:.3g}" for i, j in neg_a[order[:_SHOW]]
        )
        notes.append(
            f"{len(neg_a)} negative coefficient(s), min {a[neg_a[:, 0], neg_a[:, 1]].min():.3g}: "
            f"{worst}{' ...' if len(neg_a) > _SHOW else ''}"
        )
    col_sum = a.sum(axis=0)
    if np.any(col_sum >= 1):
        over = np.flatnonzero(col_sum >= 1)
        notes.append(
            "intermediate inputs per unit of output reach or exceed 1 (negative value added) "
            "for " + _listing(sectors, col_sum, over, ".6g")
        )
    for p, v in primary.items():
        neg = np.flatnonzero(np.asarray(v) < 0)
        if len(neg):
            notes.append(
                f"primary input {p!r} is negative for {len(neg)} sector(s): "
                + _listing(sectors, np.asarray(v), neg)
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


# --------------------------------------------------------------------------------------
# Generic layout
# --------------------------------------------------------------------------------------
def _code_vector(
    path: Path, expected: Sequence[str], reference: str, min_cols: int = 2
) -> tuple[_Csv, np.ndarray]:
    """Rows ``code, v1, v2, ...`` aligned to ``expected``: an array (n, columns)."""
    table = _read_csv(path)
    if len(table.header) < min_cols:
        raise IOTableError(
            f"{table.name}: expected a code column and at least {min_cols - 1} numeric "
            f"column(s), the header has {len(table.header)}"
        )
    perm = _align(
        expected, table.codes(), lambda i: f"{table.name}, row {table.rows[i].line}", reference
    )
    values = _numbers(table, table.rows, range(1, len(table.header)))
    return table, values[perm]


def read_generic(directory: PathLike) -> IOTable:
    """Read the generic CSV layout described in the module docstring.

    Parameters
    ----------
    directory
        Directory holding ``flows.csv`` or ``coefficients.csv``, ``final_demand.csv``,
        ``primary_inputs.csv`` and, as needed, ``gross_output.csv``, ``labels.csv``,
        ``units.csv``.

    Returns
    -------
    IOTable

    Raises
    ------
    IOTableError
        Naming file, row and column, for missing files, non-numeric cells, a matrix that
        is not square or whose header does not repeat its row codes, and sector codes that
        do not match between files.
    """
    d = Path(directory)
    if not d.is_dir():
        raise IOTableError(f"{d}: not a directory")
    has_flows, has_coef = (d / "flows.csv").is_file(), (d / "coefficients.csv").is_file()
    if has_flows and has_coef:
        raise IOTableError(f"{d}: both flows.csv and coefficients.csv present; keep one")
    if not (has_flows or has_coef):
        raise IOTableError(f"flows.csv or coefficients.csv: file not found in {d}")
    matrix = _read_csv(d / ("flows.csv" if has_flows else "coefficients.csv"))
    codes = matrix.codes()
    columns = [h.strip() for h in matrix.header[1:]]
    if len(codes) != len(columns):
        raise IOTableError(
            f"{matrix.name}: not square: {len(codes)} rows and {len(columns)} sector columns"
        )
    _check_unique(codes, lambda i: f"{matrix.name}, row {matrix.rows[i].line}, column 1")
    for k, (r, c) in enumerate(zip(codes, columns, strict=True)):
        if r != c:
            raise IOTableError(
                f"{matrix.name}, row {matrix.rows[k].line} ({r!r}), column {k + 2} ({c!r}): "
                "sector codes do not match: the header must list the row codes in the same order"
            )
    values = _numbers(matrix, matrix.rows, range(1, len(matrix.header)))
    ref = matrix.name

    _, fd = _code_vector(d / "final_demand.csv", codes, ref)
    y = fd.sum(axis=1)
    gross: np.ndarray | None = None
    if (d / "gross_output.csv").is_file() or has_flows:
        _, go = _code_vector(d / "gross_output.csv", codes, ref)
        if go.shape[1] != 1:
            raise IOTableError(
                f"gross_output.csv: expected two columns (code, value), got {go.shape[1] + 1}"
            )
        gross = go[:, 0]

    prim = _read_csv(d / "primary_inputs.csv")
    names = prim.codes()
    _check_unique(names, lambda i: f"primary_inputs.csv, row {prim.rows[i].line}, column 1", "name")
    perm = _align(
        codes,
        [h.strip() for h in prim.header[1:]],
        lambda i: f"primary_inputs.csv, column {i + 2}",
        ref,
    )
    amounts = _numbers(prim, prim.rows, range(1, len(prim.header)))[:, perm]
    primary = {name: amounts[k] for k, name in enumerate(names)}

    labels = list(codes)
    if (d / "labels.csv").is_file():
        lab = _read_csv(d / "labels.csv")
        if len(lab.header) != 2:
            raise IOTableError(
                f"labels.csv: expected two columns (code, label), got {len(lab.header)}"
            )
        perm = _align(codes, lab.codes(), lambda i: f"labels.csv, row {lab.rows[i].line}", ref)
        labels = [lab.rows[i].cells[1].strip() for i in perm]
    units = {"output": ""}
    if (d / "units.csv").is_file():
        un = _read_csv(d / "units.csv")
        if len(un.header) != 2:
            raise IOTableError(
                f"units.csv: expected two columns (quantity, unit), got {len(un.header)}"
            )
        units.update({r.key: r.cells[1].strip() for r in un.rows})

    return _assemble(
        sectors=codes,
        labels=labels,
        final_demand=y,
        primary=primary,
        units=units,
        source=f"generic: {d}",
        gross=gross,
        flows=values if has_flows else None,
        coefficients=None if has_flows else values,
    )


# --------------------------------------------------------------------------------------
# Published tables
# --------------------------------------------------------------------------------------
def _dir(path: PathLike) -> Path:
    p = Path(path)
    return p.parent if p.is_file() else p


def read_eurostat_beutel(directory: PathLike) -> IOTable:
    """Eurostat Manual (2008) Table 15.4: Germany 1995, 6 product groups.

    Reads ``germany_1995_beutel_15_4.csv``. ``x`` is the ``P1`` row (the ``output_bp``
    column differs for manufacturing; the difference is noted), ``y`` the sum of the five
    final-demand columns; primary inputs ``employment`` (row ``EMP``, thousand persons)
    and ``compensation`` (row ``D1``, million EUR).
    """
    t = _read_csv(_dir(directory) / "germany_1995_beutel_15_4.csv")
    quadrant = t.column("quadrant")
    products = [r for r in t.rows if r.cells[quadrant].strip() == "10" and r.key != "cpa_total"]
    code_col = t.column("iotables_row")
    sector_cols = [t.column(r.cells[code_col].strip()) for r in products]
    fd_names = (
        "consumption_expenditure_household",
        "consumption_expenditure_government",
        "gross_capital_formation",
        "inventory_change",
        "export_goods_services",
    )
    fd_cols = [t.column(c) for c in fd_names]
    sectors = [r.key for r in products]
    labels = [r.cells[t.column("t_rows2_lab")].strip() for r in products]
    z = _numbers(t, products, sector_cols)
    y = _numbers(t, products, fd_cols).sum(axis=1)
    x = _numbers(t, [t.row("P1")], sector_cols)[0]
    notes = []
    col_total = _numbers(t, products, [t.column("output_bp")])[:, 0]
    differ = np.flatnonzero(col_total != x)
    if len(differ):
        notes.append(
            "output_bp column differs from the P1 row for "
            + ", ".join(f"{sectors[i]} ({col_total[i]:.6g} vs {x[i]:.6g})" for i in differ)
            + "; the P1 row is used as x"
        )
    primary = {
        "employment": _numbers(t, [t.row("EMP")], sector_cols)[0],
        "compensation": _numbers(t, [t.row("D1")], sector_cols)[0],
    }
    units = {
        "output": "million EUR",
        "employment": "thousand persons",
        "compensation": "million EUR",
    }
    return _assemble(
        sectors=sectors,
        labels=labels,
        flows=z,
        gross=x,
        final_demand=y,
        primary=primary,
        units=units,
        notes=notes,
        source=f"eurostat-beutel: Eurostat Manual (2008) Table 15.4, Germany 1995 ({t.name})",
    )


ONS_FINAL_DEMAND = (
    "Households",
    "Non-profit instns serving households",
    "Central government",
    "Local government",
    "Gross fixed capital formation",
    "Valuables",
    "Changes in inventories",
    "Exports of goods",
    "Exports of services",
)


def read_ons_2010(directory: PathLike) -> IOTable:
    """UK ONS input-output analytical tables 2010: 127 products, domestic use, basic prices.

    Reads ``siot_domestic_basic_pxp.csv``. ``x`` is the ``Total output`` row, ``y`` the sum
    of the nine final-demand columns; primary input ``compensation`` (``Compensation of
    employees``, GBP million).
    """
    t = _read_csv(_dir(directory) / "siot_domestic_basic_pxp.csv")
    row_codes = set(t.codes())
    sector_cols = [c for c, h in enumerate(t.header) if c >= 2 and h.strip() in row_codes]
    sectors = [t.header[c].strip() for c in sector_cols]
    by_code = {r.key: r for r in t.rows}
    products = [by_code[c] for c in sectors]
    z = _numbers(t, products, sector_cols)
    y = _numbers(t, products, [t.column(c) for c in ONS_FINAL_DEMAND]).sum(axis=1)
    x = _numbers(t, [t.row("Total output")], sector_cols)[0]
    comp = _numbers(t, [t.row("Compensation of employees")], sector_cols)[0]
    return _assemble(
        sectors=sectors,
        labels=[r.cells[1].strip() for r in products],
        flows=z,
        gross=x,
        final_demand=y,
        primary={"compensation": comp},
        units={"output": "GBP million", "compensation": "GBP million"},
        source=f"ons-2010: UK ONS input-output analytical tables 2010, pxp ({t.name})",
    )


def read_wiod_2014(directory: PathLike) -> IOTable:
    """WIOD 2016 release, USA national IO table for 2014 (56 industries) with the SEA.

    Reads ``usa2014_Z_domestic.csv`` (domestic flows; imported intermediates are not part of
    ``A``), ``usa2014_Y_domestic.csv`` (the six final-demand columns are summed),
    ``usa2014_primary_rows.csv`` (``GO`` row as ``x``) and ``usa2014_SEA.csv``: primary
    inputs ``hours`` (``H_EMPE``, million hours worked by employees), ``employment``
    (``EMP``, thousand persons) and ``compensation`` (``COMP``, million USD). Industry U
    has no output in the USA and is dropped.
    """
    d = _dir(directory)
    zt = _read_csv(d / "usa2014_Z_domestic.csv")
    sectors = [h.strip() for h in zt.header[1:]]
    perm = _align(sectors, zt.codes(), lambda i: f"{zt.name}, row {zt.rows[i].line}", "its header")
    z = _numbers(zt, zt.rows, range(1, len(zt.header)))[perm]
    _, fd = _code_vector(d / "usa2014_Y_domestic.csv", sectors, zt.name)
    pt = _read_csv(d / "usa2014_primary_rows.csv")
    cols = _align(
        sectors, [h.strip() for h in pt.header[1:]], lambda i: f"{pt.name}, column {i + 2}", zt.name
    )
    x = _numbers(pt, [pt.row("GO")], range(1, len(pt.header)))[0][cols]

    sea = _read_csv(d / "usa2014_SEA.csv")
    rows = _align(sectors, sea.codes(), lambda i: f"{sea.name}, row {sea.rows[i].line}", zt.name)
    sea_rows = [sea.rows[i] for i in rows]
    labels = [r.cells[sea.column("description")].strip() for r in sea_rows]

    def sea_col(name: str) -> np.ndarray:
        return _numbers(sea, sea_rows, [sea.column(name)])[:, 0]

    notes = ["domestic flows only: imported intermediate inputs are not part of A"]
    go_sea = sea_col("GO")
    gap = np.abs(go_sea - x) / np.maximum(np.abs(x), 1e-300)
    if np.any(gap[x > 0] > BALANCE_RTOL):
        notes.append(
            "SEA gross output differs from the NIOT GO row by up to "
            f"{gap[x > 0].max():.3g} (relative)"
        )
    primary = {
        "hours": sea_col("H_EMPE"),
        "employment": sea_col("EMP"),
        "compensation": sea_col("COMP"),
    }
    units = {
        "output": "million USD",
        "hours": "million hours worked by employees",
        "employment": "thousand persons",
        "compensation": "million USD",
    }
    return _assemble(
        sectors=sectors,
        labels=labels,
        flows=z,
        gross=x,
        final_demand=fd.sum(axis=1),
        primary=primary,
        units=units,
        notes=notes,
        source=f"wiod-2014: WIOD 2016 release, USA 2014 national IO table and SEA ({d})",
    )


def read_bea_2007(directory: PathLike) -> IOTable:
    """US BEA 2007 benchmark, 389 commodities, Make and Use before redefinitions.

    Commodity-by-commodity coefficients under the industry-technology assumption:
    ``B = U[commodity, industry] / g``, ``D = V[industry, commodity] / q`` (market shares),
    ``A = B D``; compensation per unit of each commodity ``(V00100 / g) D``, stored as
    absolute amounts ``* q``; ``y`` the row sum of the 20 ``F*`` final-demand columns (net
    of imports, so some entries are negative); ``x = q``. The two commodities with ``q = 0``
    (used goods, noncomparable imports) are dropped, with their intermediate use and final
    demand noted. ``NA`` cells are read as 0.
    """
    d = _dir(directory)
    use = _read_csv(d / "389_Use_2007_PRO_BeforeRedef.csv")
    make = _read_csv(d / "389_Make_2007_PRO_BeforeRedef.csv")
    na = ("", "NA")
    heads = [h.strip() for h in use.header]
    n_ind = heads.index("T001") - 1
    industries = heads[1 : n_ind + 1]
    use_codes = use.codes()
    n_com = use_codes.index("T005")
    commodities = use_codes[:n_com]
    com_rows = use.rows[:n_com]

    ind_in_make = _align(
        industries, make.codes()[:-1], lambda i: f"{make.name}, row {make.rows[i].line}", use.name
    )
    if make.rows[-1].key != "T007":
        raise IOTableError(f"{make.name}, row {make.rows[-1].line}: expected the T007 row last")
    make_heads = [h.strip() for h in make.header]
    com_in_make = _align(
        commodities, make_heads[1:-1], lambda i: f"{make.name}, column {i + 2}", use.name
    )
    if make_heads[-1] != "T008":
        raise IOTableError(f"{make.name}: expected the T008 column last")
    make_ind_rows = [make.rows[i] for i in ind_in_make]
    v = _numbers(make, make_ind_rows, [int(c) + 1 for c in com_in_make], na)
    g = _numbers(make, make_ind_rows, [len(make_heads) - 1], na)[:, 0]
    q = _numbers(make, [make.rows[-1]], [int(c) + 1 for c in com_in_make], na)[0]
    u = _numbers(use, com_rows, range(1, n_ind + 1), na)
    f_cols = [c for c, h in enumerate(heads) if h.startswith("F")]
    y_full = _numbers(use, com_rows, f_cols, na).sum(axis=1)
    comp_ind = _numbers(use, [use.row("V00100")], range(1, n_ind + 1), na)[0]

    notes = [
        "industry-technology assumption: A = B D with B = U/g, D = V/q",
        f"final demand = sum of {len(f_cols)} F* columns, net of imports (F05000)",
    ]
    gap_q = np.abs(v.sum(axis=0) - q).max()
    gap_g = np.abs(v.sum(axis=1) - g).max()
    if gap_q or gap_g:
        notes.append(
            f"published totals T007 (q) and T008 (g) differ from the sums of the Make cells by "
            f"up to {max(gap_q, gap_g):.6g} (rounding); the published totals are used"
        )
    for what, m in (("Use", u), ("Make", v)):
        if np.any(m < 0):
            notes.append(f"{int((m < 0).sum())} negative cell(s) in the {what} table")
    if np.any(g <= 0):
        bad = [industries[i] for i in np.flatnonzero(g <= 0)]
        raise IOTableError(f"{make.name}: industries with non-positive output {bad}")

    inv_q = np.divide(1.0, q, out=np.zeros_like(q), where=q != 0)
    b = u / g[np.newaxis, :]
    dmat = v * inv_q[np.newaxis, :]
    a = b @ dmat
    comp = (comp_ind / g) @ dmat * q

    zero = np.flatnonzero(q == 0)
    if len(zero):
        use_total = u[zero].sum(axis=1)
        notes.append(
            f"dropped {len(zero)} commodit{'y' if len(zero) == 1 else 'ies'} with zero output q: "
            + "; ".join(
                f"{commodities[i]} (intermediate use {use_total[k]:.6g} left out of A, "
                f"final demand {y_full[i]:.6g} left out of y)"
                for k, i in enumerate(zero)
            )
        )
    keep = np.flatnonzero(q != 0)
    return _assemble(
        sectors=[commodities[i] for i in keep],
        labels=[commodities[i] for i in keep],
        coefficients=a[np.ix_(keep, keep)],
        gross=q[keep],
        final_demand=y_full[keep],
        primary={"compensation": comp[keep]},
        units={"output": "million USD (2007, producer prices)", "compensation": "million USD"},
        notes=notes,
        source=f"bea-2007: US BEA 2007 benchmark, 389 detail, Make/Use before redefinitions ({d})",
    )


TABLE_FORMATS: dict[str, TableReader] = {
    "generic": read_generic,
    "eurostat-beutel": read_eurostat_beutel,
    "ons-2010": read_ons_2010,
    "wiod-2014": read_wiod_2014,
    "bea-2007": read_bea_2007,
}
"""Format name -> reader taking the table's directory."""


def read_io_table(path: PathLike, format: str = "generic") -> IOTable:
    """Read an input-output table in one of :data:`TABLE_FORMATS`.

    Parameters
    ----------
    path
        The table's directory (for the published formats a file inside it also works).
    format
        A key of :data:`TABLE_FORMATS`.
    """
    try:
        reader = TABLE_FORMATS[format]
    except KeyError:
        raise IOTableError(
            f"unknown table format {format!r}; known: {', '.join(TABLE_FORMATS)}"
        ) from None
    return reader(path)


# --------------------------------------------------------------------------------------
# Table -> economy
# --------------------------------------------------------------------------------------
def economy_from_io_table(
    table: IOTable,
    primary: str | list[str],
    weights: dict[str, float] | None = None,
    negative_demand: Literal["stock", "clip"] = "stock",
    negative_coefficients: Literal["byproduct", "clip"] = "byproduct",
    name: str | None = None,
) -> Economy:
    """The Leontief economy of an IO table: one good and one worker council per sector.

    Sector ``j``'s council has one technique producing 1 unit of good ``j`` from the
    inputs ``A[:, j]`` and ``primary[p][j] / x[j]`` of each chosen primary input ``p``
    (kind labour, no availability limit). One consumer council ``"final_demand"`` requests
    ``max(y, 0)``. The round's LP then has the net requirement ``y`` and, when the optimal
    plan is positive, activities ``x = L y`` and goods prices ``v = l (I - A)^-1``.

    Parameters
    ----------
    table
        The table.
    primary
        The primary input(s) to use, keys of ``table.primary``.
    weights
        Social cost per unit of each chosen primary input; 1 when not given.
    negative_demand
        ``"stock"``: a negative ``y_g`` becomes a stock ``-y_g`` of good ``g``, so the net
        requirement is exactly ``y``. ``"clip"``: it is set to 0.
    negative_coefficients
        ``"byproduct"``: a negative ``A[i, j]`` becomes an output ``-A[i, j]`` of good
        ``i`` in technique ``j`` (joint production; ``O - A`` equals the table's
        ``I - A`` exactly). ``"clip"``: it is set to 0.
    name
        The economy's name; the table's source by default.

    Returns
    -------
    Economy
        With the table's notes and the conversion's choices in ``description``.

    Raises
    ------
    IOTableError
        For an unknown primary input or weight, a negative primary-input amount, or an
        unknown option.
    """
    chosen = [primary] if isinstance(primary, str) else list(primary)
    if not chosen:
        raise IOTableError("choose at least one primary input")
    for p in chosen:
        if p not in table.primary:
            raise IOTableError(
                f"unknown primary input {p!r}; this table has {sorted(table.primary)}"
            )
    weights = dict(weights or {})
    extra = sorted(set(weights) - set(chosen))
    if extra:
        raise IOTableError(f"weights given for primary inputs not chosen: {extra}")
    if negative_demand not in ("stock", "clip"):
        raise IOTableError(f"negative_demand: 'stock' or 'clip', got {negative_demand!r}")
    if negative_coefficients not in ("byproduct", "clip"):
        raise IOTableError(
            f"negative_coefficients: 'byproduct' or 'clip', got {negative_coefficients!r}"
        )
    codes = table.sectors
    n = table.n
    coef = {p: table.primary_coefficients(p) for p in chosen}
    for p, c in coef.items():
        if np.any(c < 0):
            bad = np.flatnonzero(c < 0)
            raise IOTableError(
                f"primary input {p!r} is negative for {_listing(codes, table.primary[p], bad)}"
            )

    notes = list(table.notes)
    y = table.final_demand
    neg_y = np.flatnonzero(y < 0)
    stock = np.zeros(n)
    if len(neg_y):
        if negative_demand == "stock":
            stock[neg_y] = -y[neg_y]
            notes.append(
                f"{len(neg_y)} negative final demand entr{'y' if len(neg_y) == 1 else 'ies'} "
                "turned into stocks, so the net requirement is exactly y"
            )
        else:
            notes.append(
                f"{len(neg_y)} negative final demand entr{'y' if len(neg_y) == 1 else 'ies'} "
                "clipped to 0"
            )
    a = table.coefficients
    n_neg = int((a < 0).sum())
    if n_neg:
        notes.append(
            f"{n_neg} negative coefficient(s) "
            + (
                "turned into byproduct outputs (joint production)"
                if negative_coefficients == "byproduct"
                else "clipped to 0"
            )
        )

    unit = table.units.get("output", "")
    goods = [
        Good(id=c, name=lab, kind=GoodKind.PRIVATE, unit=unit, stock=float(s))
        for c, lab, s in zip(codes, table.labels, stock, strict=True)
    ]
    primaries = [
        PrimaryInput(
            id=p,
            name=p,
            kind=PrimaryInputKind.LABOUR,
            unit=table.units.get(p, ""),
            weight=float(weights.get(p, 1.0)),
        )
        for p in chosen
    ]
    councils = []
    for j, (code, label) in enumerate(zip(codes, table.labels, strict=True)):
        col = a[:, j]
        pos = np.flatnonzero(col > 0)
        outputs = {code: 1.0}
        if negative_coefficients == "byproduct":
            for i in np.flatnonzero(col < 0):
                outputs[codes[i]] = outputs.get(codes[i], 0.0) - float(col[i])
        tech = Technique(
            id=code,
            outputs=outputs,
            inputs=dict(zip([codes[i] for i in pos], col[pos].tolist(), strict=True)),
            primary_inputs={p: float(c[j]) for p, c in coef.items() if c[j] != 0},
        )
        councils.append(WorkerCouncil(id=code, name=label, techniques=[tech]))
    requests = {c: float(v) for c, v in zip(codes, y, strict=True) if v > 0}
    consumer = ConsumerCouncil(id="final_demand", name="final demand", requests=requests)
    description = "\n".join(
        [
            f"Leontief economy from an input-output table ({table.source}): {n} sectors, "
            f"primary input(s) {', '.join(chosen)}.",
            *(f"- {note}" for note in notes),
        ]
    )
    return Economy(
        name=name or table.source or "io-table",
        description=description,
        goods=goods,
        primary_inputs=primaries,
        worker_councils=councils,
        consumer_councils=[consumer],
    )


def io_table_summary(table: IOTable) -> str:
    """A short human-readable description of ``table``: size, totals, units, notes."""
    unit = table.units.get("output", "")
    a = table.coefficients
    lines = [
        f"input-output table: {table.source}",
        f"  sectors: {table.n}",
        f"  gross output: {table.gross_output.sum():.6g} {unit}",
        f"  final demand: {table.final_demand.sum():.6g} {unit} "
        f"({int((table.final_demand < 0).sum())} negative entries)",
        f"  coefficients: {int(np.count_nonzero(a))} non-zero, {int((a < 0).sum())} negative, "
        f"largest column sum {a.sum(axis=0).max():.4g}, spectral radius {spectral_radius(a):.4g}",
        "  primary inputs:",
        *(
            f"    {p}: total {v.sum():.6g} {table.units.get(p, '')}".rstrip()
            for p, v in table.primary.items()
        ),
    ]
    if table.notes:
        lines.append("  notes:")
        lines.extend(f"    - {note}" for note in table.notes)
    return "\n".join(lines)
