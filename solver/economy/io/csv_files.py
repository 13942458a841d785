"""Reading the CSV files of input-output tables: labelled rows and columns, numbers that may
be blank, sector codes aligned between files, errors that name the file, row and column."""

from __future__ import annotations

import csv
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from solver.economy.io.table import SHOW_AT_MOST, IOTableError

__all__ = [
    "CsvRow",
    "CsvTable",
    "PathLike",
    "align",
    "check_unique",
    "code_vector",
    "numbers",
    "read_csv",
    "read_long_matrix",
    "read_wide_matrix_fast",
    "table_folder",
]

PathLike = str | os.PathLike[str]


# --------------------------------------------------------------------------------------
# CSV helpers: every error names file, row and column
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CsvRow:
    """One row of a CSV file: its line number and cells."""

    line: int
    cells: list[str]

    @property
    def key(self) -> str:
        """The row's first cell, its code."""
        return self.cells[0].strip() if self.cells else ""


@dataclass(frozen=True)
class CsvTable:
    """A CSV file read whole, rows by their code, for errors that name file, line and column."""

    name: str
    header: list[str]
    rows: list[CsvRow]

    def codes(self) -> list[str]:
        """The rows' codes, in file order."""
        return [r.key for r in self.rows]

    def row(self, key: str) -> CsvRow:
        """The row whose code is ``key`` (:class:`IOTableError` naming the file if none)."""
        for r in self.rows:
            if r.key == key:
                return r
        raise IOTableError(f"{self.name}: no row {key!r} (first column)")

    def column(self, name: str) -> int:
        """The index of the column headed ``name`` (:class:`IOTableError` if none)."""
        heads = [h.strip() for h in self.header]
        if name not in heads:
            raise IOTableError(f"{self.name}: no column {name!r} in the header")
        return heads.index(name)

    def where(self, row: CsvRow, col: int) -> str:
        """``file, line L, column C``: where a cell is, for error messages."""
        head = self.header[col].strip() if col < len(self.header) else ""
        return f"{self.name}, row {row.line} ({row.key!r}), column {col + 1} ({head!r})"


def read_csv(path: Path) -> CsvTable:
    """Read a CSV file with a header row; blank lines are skipped, rows must be full."""
    if not path.is_file():
        raise IOTableError(f"{path.name}: file not found in {path.parent}")
    rows: list[CsvRow] = []
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
            rows.append(CsvRow(line, cells))
    if header is None:
        raise IOTableError(f"{path.name}: the file is empty")
    return CsvTable(path.name, header, rows)


def numbers(
    table: CsvTable, rows: Sequence[CsvRow], cols: Sequence[int], blanks: Iterable[str] = ("",)
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


def check_unique(
    codes: Sequence[str], where: Callable[[int], str], what: str = "sector code"
) -> None:
    """Raise :class:`IOTableError` naming the file and lines of a repeated code."""
    seen: dict[str, int] = {}
    for i, c in enumerate(codes):
        if not c:
            raise IOTableError(f"{where(i)}: empty {what}")
        if c in seen:
            raise IOTableError(f"{where(i)}: duplicate {what} {c!r}")
        seen[c] = i


def align(
    expected: Sequence[str], got: Sequence[str], where: Callable[[int], str], reference: str
) -> np.ndarray:
    """Index array ``p`` with ``got[p[k]] == expected[k]``; errors say what does not match."""
    check_unique(got, where)
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
                    for i in unknown[:SHOW_AT_MOST]
                )
            )
        if missing:
            parts.append(f"sector codes of {reference} missing: {missing[:SHOW_AT_MOST]}")
        raise IOTableError("sector codes do not match: " + "; ".join(parts))
    return np.array([position[c] for c in expected], dtype=np.int64)


# --------------------------------------------------------------------------------------
# Generic layout
# --------------------------------------------------------------------------------------
def code_vector(
    path: Path, expected: Sequence[str], reference: str, min_cols: int = 2
) -> tuple[CsvTable, np.ndarray]:
    """Rows ``code, v1, v2, ...`` aligned to ``expected``: an array (n, columns)."""
    table = read_csv(path)
    if len(table.header) < min_cols:
        raise IOTableError(
            f"{table.name}: expected a code column and at least {min_cols - 1} numeric "
            f"column(s), the header has {len(table.header)}"
        )
    perm = align(
        expected, table.codes(), lambda i: f"{table.name}, row {table.rows[i].line}", reference
    )
    values = numbers(table, table.rows, range(1, len(table.header)))
    return table, values[perm]


PANDAS_FROM_BYTES = 8 * 2**20
"""Wide files from this size on are parsed by pandas' C reader; smaller ones by NumPy's
(``numpy.loadtxt``). pandas parses faster (about 37 ms a MB against 90 ms) but takes 0.3-0.4
s to import: the two meet near 8 MB. The 1,000-sector table (2.4 MB) reads in 0.23 s by
NumPy's reader and 0.48 s by the csv module; the 387-sector BEA table in 0.05 s and 0.09
s."""


def read_wide_matrix_fast(
    path: Path, from_bytes: int = PANDAS_FROM_BYTES
) -> tuple[list[str], np.ndarray] | None:
    """A wide square matrix file (``code`` then one column per sector, in the rows' order)
    parsed by a C reader, pandas' from ``from_bytes`` on, NumPy's below: its row codes and
    values, blank cells 0; ``None`` wherever the file is not plainly well formed (a missing
    file, a cell that is not a number, codes that do not match, a row whose last cell is
    blank and so may be short; for NumPy's, any blank cell), for :func:`read_csv` to find the
    error and name its place."""
    header = _header(path) if path.is_file() else ()
    if len(header) < 2 or len(set(header)) != len(header):
        return None
    if path.stat().st_size < from_bytes:
        return _wide_by_numpy(path, header)
    import pandas as pd  # here, not above: commands on small tables never import it

    try:
        frame = pd.read_csv(
            path,
            header=0,
            names=list(header),
            index_col=0,
            dtype={header[0]: str, **dict.fromkeys(header[1:], float)},
            keep_default_na=False,
            na_values={h: [""] for h in header[1:]},
            encoding="utf-8-sig",
            skipinitialspace=True,
        )
    except (ValueError, pd.errors.ParserError, UnicodeDecodeError):
        return None
    codes = [str(c).strip() for c in frame.index]
    if codes != list(header[1:]):
        return None
    values = frame.to_numpy(dtype=float)
    blank = np.isnan(values)
    if blank.any():
        if blank[:, -1].any():
            return None  # a short row reads as blanks at its end: let read_csv decide
        values[blank] = 0.0
    if not np.all(np.isfinite(values)):
        return None
    return codes, values


def _wide_by_numpy(path: Path, header: tuple[str, ...]) -> tuple[list[str], np.ndarray] | None:
    """:func:`read_wide_matrix_fast` by ``numpy.loadtxt``'s C parser; ``None`` where it
    refuses a cell (a blank one too) or the codes do not match the header's."""
    try:
        with path.open(encoding="utf-8-sig") as fh:
            lines = [line for line in fh if line.strip()]
    except UnicodeDecodeError:
        return None
    codes = [line.split(",", 1)[0].strip() for line in lines[1:]]
    if codes != list(header[1:]) or any('"' in c for c in codes):
        return None
    try:
        values = np.loadtxt(
            lines[1:], delimiter=",", usecols=range(1, len(header)), dtype=float, ndmin=2
        )
    except ValueError:
        return None
    if values.shape != (len(codes), len(codes)) or not np.all(np.isfinite(values)):
        return None
    return codes, values


LONG_HEADER = ("supplier", "user", "value")
"""The header of a matrix in long form: one non-zero entry per row."""


def read_long_matrix(path: Path, codes: Sequence[str], reference: str) -> sp.csc_array:
    """A square matrix over ``codes`` from a CSV file of rows ``supplier,user,value``
    (``M[supplier, user] = value``; entries not listed are 0, none listed twice).

    The file is parsed by pandas' C reader; where that finds anything amiss, the file is
    scanned again line by line for an error that names the line and column.
    """
    if not path.is_file():
        raise IOTableError(f"{path.name}: file not found in {path.parent}")
    import pandas as pd  # here, not above: commands on small tables never import it

    index = pd.Index(list(codes))
    try:
        frame = pd.read_csv(
            path,
            header=0,
            names=list(LONG_HEADER),
            dtype={"supplier": str, "user": str},
            keep_default_na=False,
            encoding="utf-8-sig",
            skipinitialspace=True,
        )
    except (ValueError, pd.errors.ParserError, UnicodeDecodeError):
        frame = None
    if frame is not None and _header(path) == LONG_HEADER and frame["value"].dtype.kind in "fi":
        rows = index.get_indexer(frame["supplier"].str.strip())
        cols = index.get_indexer(frame["user"].str.strip())
        data = frame["value"].to_numpy(dtype=float)
        keys = np.sort(rows.astype(np.int64) * len(index) + cols)  # sorted: repeats adjacent
        if (
            rows.min(initial=0) >= 0
            and cols.min(initial=0) >= 0
            and np.all(np.isfinite(data))
            and not np.any(keys[1:] == keys[:-1])
        ):
            n = len(index)
            matrix = sp.coo_array((data, (rows, cols)), shape=(n, n)).tocsc()
            matrix.eliminate_zeros()
            return matrix
    _long_matrix_error(path, set(codes), reference)
    raise IOTableError(f"{path.name}: unreadable")  # pragma: no cover


def _header(path: Path) -> tuple[str, ...]:
    """The first non-blank line's cells, stripped."""
    with path.open(newline="", encoding="utf-8-sig") as fh:
        for cells in csv.reader(fh):
            if any(c.strip() for c in cells):
                return tuple(c.strip() for c in cells)
    return ()


def _long_matrix_error(path: Path, codes: set[str], reference: str) -> None:
    """Raise the first error of a long-form matrix file, naming its line and column."""
    seen: dict[tuple[str, str], int] = {}
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.reader(fh)
        header: list[str] | None = None
        for cells in reader:
            line = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if header is None:
                header = [c.strip() for c in cells]
                if tuple(header) != LONG_HEADER:
                    raise IOTableError(
                        f"{path.name}, row {line}: the header must be "
                        f"{','.join(LONG_HEADER)}, got {','.join(header)!r}"
                    )
                continue
            if len(cells) != len(LONG_HEADER):
                raise IOTableError(
                    f"{path.name}, row {line}: {len(cells)} cells, but the header has 3"
                )
            supplier, user, value = (c.strip() for c in cells)
            for col, code in ((1, supplier), (2, user)):
                if code not in codes:
                    raise IOTableError(
                        f"{path.name}, row {line}, column {col} ({LONG_HEADER[col - 1]!r}): "
                        f"sector code {code!r} not in {reference}"
                    )
            try:
                ok = bool(np.isfinite(float(value)))
            except ValueError:
                ok = False
            if not ok:
                raise IOTableError(
                    f"{path.name}, row {line}, column 3 ('value'): {value!r} is not a number"
                    + (" (list only the non-zero entries)" if not value else "")
                )
            if (supplier, user) in seen:
                raise IOTableError(
                    f"{path.name}, row {line}: entry ({supplier!r}, {user!r}) given twice "
                    f"(first in row {seen[supplier, user]})"
                )
            seen[supplier, user] = line
    if header is None:
        raise IOTableError(f"{path.name}: the file is empty")


# --------------------------------------------------------------------------------------
# Published tables
# --------------------------------------------------------------------------------------
def table_folder(path: PathLike) -> Path:
    """The table's folder: ``path`` itself, or the folder of a file in it."""
    p = Path(path)
    return p.parent if p.is_file() else p
