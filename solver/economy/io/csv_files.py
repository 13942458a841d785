"""Reading the CSV files of input-output tables: labelled rows and columns, numbers that may
be blank, sector codes aligned between files, errors that name the file, row and column."""

from __future__ import annotations

import csv
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

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


# --------------------------------------------------------------------------------------
# Published tables
# --------------------------------------------------------------------------------------
def table_folder(path: PathLike) -> Path:
    """The table's folder: ``path`` itself, or the folder of a file in it."""
    p = Path(path)
    return p.parent if p.is_file() else p
