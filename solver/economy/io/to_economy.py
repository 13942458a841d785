"""An economy from an input-output table: one worker council per sector with its Leontief
technique, primary inputs from the table's value-added rows, final demand as requests."""

from __future__ import annotations

from typing import Literal

import numpy as np
import scipy.sparse as sp

from solver.economy.io.table import IOTable, IOTableError, column_sums, listing
from solver.economy.leontief import spectral_radius
from solver.economy.model import (
    ConsumerCouncil,
    Economy,
    Good,
    GoodKind,
    PrimaryInput,
    PrimaryInputKind,
    Technique,
    WorkerCouncil,
)
from solver.economy.parts import MAX_QUANTITY

__all__ = ["economy_from_io_table", "io_table_summary"]


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
                f"primary input {p!r} is negative for {listing(codes, table.primary[p], bad)}"
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
    a = sp.csc_array(table.coefficients)  # columns are the techniques
    too_large = [
        what
        for what, values in (("coefficients", a.data), *((p, c) for p, c in coef.items()))
        if np.abs(values).max(initial=0.0) > MAX_QUANTITY
    ]
    if too_large:  # what the economy's schema allows (the techniques are built unvalidated)
        raise IOTableError(
            f"{', '.join(too_large)}: a value per unit of output over {MAX_QUANTITY:g}"
        )
    n_neg = int((a.data < 0).sum())
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
    code_of = np.array(codes, dtype=object)
    for j, (code, label) in enumerate(zip(codes, table.labels, strict=True)):
        rows = a.indices[a.indptr[j] : a.indptr[j + 1]]
        col = a.data[a.indptr[j] : a.indptr[j + 1]]
        outputs = {code: 1.0}
        if negative_coefficients == "byproduct":
            for i, v in zip(rows[col < 0].tolist(), col[col < 0].tolist(), strict=True):
                outputs[codes[i]] = outputs.get(codes[i], 0.0) - v
        pos = col > 0
        # built unvalidated: the ids are the goods' (validated above) and the amounts the
        # checked table's, finite and positive; validating 4.5 million of them took 1 s
        tech = Technique.model_construct(
            id=code,
            outputs=outputs,
            inputs=dict(zip(code_of[rows[pos]].tolist(), col[pos].tolist(), strict=True)),
            primary_inputs={p: float(c[j]) for p, c in coef.items() if c[j] != 0},
        )
        councils.append(WorkerCouncil.model_construct(id=code, name=label, techniques=[tech]))
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
    a = sp.csc_array(table.coefficients)
    lines = [
        f"input-output table: {table.source}",
        f"  sectors: {table.n}",
        f"  gross output: {table.gross_output.sum():.6g} {unit}",
        f"  final demand: {table.final_demand.sum():.6g} {unit} "
        f"({int((table.final_demand < 0).sum())} negative entries)",
        f"  coefficients: {int(np.count_nonzero(a.data))} non-zero, {int((a.data < 0).sum())} "
        f"negative, largest column sum {column_sums(a).max(initial=0.0):.4g}, spectral radius "
        f"{spectral_radius(a):.4g}",
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
