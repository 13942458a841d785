"""The round's LP written as an MPS or CPLEX LP file by HiGHS, with names a person can read.

Columns are ``activity(TECHNIQUE)`` and ``shortfall(GOOD)``, rows ``balance(GOOD)``,
``primary(INPUT)`` and ``cap(FEDERATION,POLLUTANT)``, in the order of
:mod:`solver.lp.build`, so a solver that reads the file back gives the same objective and
its row duals are the round's prices. Characters a format does not allow in a name become
``_`` (MPS: whitespace; LP: anything but letters, digits and ``._()@#!,;"{}~``), and a name
made twice that way gets ``#2``, ``#3``, ...
"""

from __future__ import annotations

import re
from pathlib import Path

from solver.highs import highs_lp, write_model
from solver.lp.build import RoundLP

__all__ = ["LP_FILE_FORMATS", "lp_file_format", "lp_names", "write_round_lp"]

LP_FILE_FORMATS = {".mps": "MPS", ".lp": "CPLEX LP"}
"""File suffix -> the format HiGHS writes for it."""

_NOT_IN_NAME = {
    ".mps": re.compile(r"\s"),
    ".lp": re.compile(r'[^A-Za-z0-9._()@#!,;"{}~]'),
}


def lp_file_format(path: str | Path) -> str:
    """The suffix of ``path`` if HiGHS writes it, else a ``ValueError`` naming the known ones."""
    suffix = Path(path).suffix.lower()
    if suffix not in LP_FILE_FORMATS:
        known = ", ".join(f"{s} ({name})" for s, name in LP_FILE_FORMATS.items())
        raise ValueError(f"--write-lp {path}: the file name must end in one of {known}")
    return suffix


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in names:
        count = seen.get(name, 0) + 1
        seen[name] = count
        out.append(name if count == 1 else f"{name}#{count}")
    return out


def lp_names(lp: RoundLP, suffix: str = ".mps") -> tuple[list[str], list[str]]:
    """Column and row names of ``lp`` as written to a file of format ``suffix``."""
    bad = _NOT_IN_NAME[suffix]
    tech = lp.tech
    cols = [f"activity({t})" for t in tech.techniques] + [f"shortfall({g})" for g in tech.goods]
    rows = (
        [f"balance({g})" for g in tech.goods]
        + [f"primary({p})" for p in tech.primary_inputs]
        + [f"cap({f},{e})" for f, e in lp.cap_rows]
    )
    return _unique([bad.sub("_", c) for c in cols]), _unique([bad.sub("_", r) for r in rows])


def write_round_lp(lp: RoundLP, path: str | Path) -> Path:
    """Write ``lp`` with its current bounds to ``path`` (``.mps`` or ``.lp``) through HiGHS.

    Raises
    ------
    ValueError
        For another suffix.
    OSError
        When HiGHS cannot write the file (the folder does not exist, no permission).
    """
    path = Path(path)
    suffix = lp_file_format(path)
    model = highs_lp(lp.matrix, lp.cost, lp.col_lower, lp.col_upper, lp.row_lower, lp.row_upper)
    model.col_names_, model.row_names_ = lp_names(lp, suffix)
    if not write_model(model, str(path)) or not path.is_file():
        raise OSError(f"--write-lp {path}: HiGHS could not write the file")
    return path
