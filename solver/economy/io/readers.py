"""Readers of input-output tables: the generic CSV layout and four published tables.

A table is read into an :class:`IOTable` (coefficients ``A``, final demand ``y``, gross
output ``x`` and primary-input rows in absolute amounts). Every quirk met on the way (a
sector without output, negative final demand, negative coefficients, totals that do not
add up) is handled explicitly and recorded in :attr:`IOTable.notes`; nothing is changed
silently. :func:`~solver.economy.io.economy_from_io_table` then builds the Leontief
economy: one good and one single-technique worker council per sector, and one consumer
council asking for ``y``, so that the round's LP reproduces ``x = L y`` and its goods
prices are ``v = l (I - A)^-1``.

Generic CSV layout
------------------
A directory holding (every file has a header row; blank cells are 0)::

    flows.csv            Z, square: first column the sector code, header "code" (any
                         text) followed by the same sector codes in the same order.
                         Z[i, j] = sales of sector i to sector j.
      or
    coefficients.csv     A in the same shape: input of i per unit of output of j.
      or
    flows_long.csv       Z in long form, for large sparse tables: header
                         "supplier,user,value", one row per non-zero Z[supplier, user]
                         (entries not listed are 0; none may be listed twice). The
                         sectors are those of final_demand.csv, in its order.
      or
    coefficients_long.csv   A in the same long form.
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
socio-economic accounts, and the US BEA 2007 detailed Make and Use tables
(:mod:`solver.economy.io.published`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from solver.economy.io.csv_files import (
    PathLike,
    align,
    check_unique,
    code_vector,
    numbers,
    read_csv,
    read_long_matrix,
    read_wide_matrix_fast,
    table_folder,
)
from solver.economy.io.published import (
    read_bea_2007,
    read_eurostat_beutel,
    read_ons_2010,
    read_wiod_2014,
)
from solver.economy.io.table import IOTable, IOTableError, assemble_table

__all__ = [
    "FORMAT_FILES",
    "TABLE_FORMATS",
    "detect_format",
    "read_bea_2007",
    "read_eurostat_beutel",
    "read_generic",
    "read_io_table",
    "read_ons_2010",
    "read_wiod_2014",
]

TableReader = Callable[[PathLike], "IOTable"]
"""A reader: the table's directory (or a file in it) in, the table out."""


MATRIX_FILES = ("flows.csv", "coefficients.csv", "flows_long.csv", "coefficients_long.csv")
"""The files that may hold a generic table's matrix, one of them in a folder."""


def _wide_matrix(path: Path) -> tuple[list[str], np.ndarray]:
    """The sector codes and the square matrix of a wide file (``code`` then one column per
    sector, in the rows' order)."""
    fast = read_wide_matrix_fast(path)
    if fast is not None:
        return fast
    matrix = read_csv(path)
    codes = matrix.codes()
    columns = [h.strip() for h in matrix.header[1:]]
    if len(codes) != len(columns):
        raise IOTableError(
            f"{matrix.name}: not square: {len(codes)} rows and {len(columns)} sector columns"
        )
    check_unique(codes, lambda i: f"{matrix.name}, row {matrix.rows[i].line}, column 1")
    for k, (r, c) in enumerate(zip(codes, columns, strict=True)):
        if r != c:
            raise IOTableError(
                f"{matrix.name}, row {matrix.rows[k].line} ({r!r}), column {k + 2} ({c!r}): "
                "sector codes do not match: the header must list the row codes in the same order"
            )
    return codes, numbers(matrix, matrix.rows, range(1, len(matrix.header)))


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
    present = [name for name in MATRIX_FILES if (d / name).is_file()]
    if len(present) > 1:
        raise IOTableError(f"{d}: {' and '.join(present)} present; keep one")
    if not present:
        raise IOTableError(
            f"{', '.join(MATRIX_FILES[:-1])} or {MATRIX_FILES[-1]}: file not found in {d}"
        )
    matrix_file = present[0]
    has_flows = matrix_file.startswith("flows")
    values: np.ndarray | sp.csc_array
    if matrix_file.endswith("_long.csv"):
        demand = read_csv(d / "final_demand.csv")
        codes = demand.codes()
        check_unique(codes, lambda i: f"final_demand.csv, row {demand.rows[i].line}, column 1")
        ref = "final_demand.csv"
        values = read_long_matrix(d / matrix_file, codes, ref)
    else:
        codes, values = _wide_matrix(d / matrix_file)
        ref = matrix_file

    _, fd = code_vector(d / "final_demand.csv", codes, ref)
    y = fd.sum(axis=1)
    gross: np.ndarray | None = None
    if (d / "gross_output.csv").is_file() or has_flows:
        _, go = code_vector(d / "gross_output.csv", codes, ref)
        if go.shape[1] != 1:
            raise IOTableError(
                f"gross_output.csv: expected two columns (code, value), got {go.shape[1] + 1}"
            )
        gross = go[:, 0]

    prim = read_csv(d / "primary_inputs.csv")
    names = prim.codes()
    check_unique(names, lambda i: f"primary_inputs.csv, row {prim.rows[i].line}, column 1", "name")
    perm = align(
        codes,
        [h.strip() for h in prim.header[1:]],
        lambda i: f"primary_inputs.csv, column {i + 2}",
        ref,
    )
    amounts = numbers(prim, prim.rows, range(1, len(prim.header)))[:, perm]
    primary = {name: amounts[k] for k, name in enumerate(names)}

    labels = list(codes)
    if (d / "labels.csv").is_file():
        lab = read_csv(d / "labels.csv")
        if len(lab.header) != 2:
            raise IOTableError(
                f"labels.csv: expected two columns (code, label), got {len(lab.header)}"
            )
        perm = align(codes, lab.codes(), lambda i: f"labels.csv, row {lab.rows[i].line}", ref)
        labels = [lab.rows[i].cells[1].strip() for i in perm]
    units = {"output": ""}
    if (d / "units.csv").is_file():
        un = read_csv(d / "units.csv")
        if len(un.header) != 2:
            raise IOTableError(
                f"units.csv: expected two columns (quantity, unit), got {len(un.header)}"
            )
        units.update({r.key: r.cells[1].strip() for r in un.rows})

    return assemble_table(
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


TABLE_FORMATS: dict[str, TableReader] = {
    "generic": read_generic,
    "eurostat-beutel": read_eurostat_beutel,
    "ons-2010": read_ons_2010,
    "wiod-2014": read_wiod_2014,
    "bea-2007": read_bea_2007,
}
"""Format name -> reader taking the table's directory."""

FORMAT_FILES: dict[str, tuple[str, ...]] = {
    "eurostat-beutel": ("germany_1995_beutel_15_4.csv",),
    "ons-2010": ("siot_domestic_basic_pxp.csv",),
    "wiod-2014": ("usa2014_Z_domestic.csv", "usa2014_primary_rows.csv"),
    "bea-2007": ("389_Use_2007_PRO_BeforeRedef.csv", "389_Make_2007_PRO_BeforeRedef.csv"),
    "generic": ("|".join(MATRIX_FILES),),
}
"""Format name -> the files its reader opens (``a|b``: either), by which it is recognised."""


def detect_format(path: PathLike) -> str:
    """The format of the table at ``path`` (a folder, or a file in it): the one whose files
    it holds.

    Raises
    ------
    IOTableError
        No format's files are there (naming what each format needs), or several are.
    """
    folder = table_folder(path)
    found = [
        name
        for name, files in FORMAT_FILES.items()
        if all(any((folder / f).is_file() for f in need.split("|")) for need in files)
    ]
    if len(found) == 1:
        return found[0]
    if not found:
        needs = "; ".join(f"{name}: {', '.join(files)}" for name, files in FORMAT_FILES.items())
        raise IOTableError(f"{folder}: no known table format's files here ({needs})")
    raise IOTableError(
        f"{folder}: the files of several formats ({', '.join(found)}); give --format"
    )


def read_io_table(path: PathLike, format: str = "generic") -> IOTable:
    """Read an input-output table in one of :data:`TABLE_FORMATS`.

    Parameters
    ----------
    path
        The table's directory (for the published formats a file inside it also works).
    format
        A key of :data:`TABLE_FORMATS`, or ``"auto"``: the one whose files are there
        (:func:`detect_format`).
    """
    if format == "auto":
        format = detect_format(path)
    try:
        reader = TABLE_FORMATS[format]
    except KeyError:
        raise IOTableError(
            f"unknown table format {format!r}; known: {', '.join(TABLE_FORMATS)}"
        ) from None
    return reader(path)
