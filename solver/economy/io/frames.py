"""An economy from pandas frames, keeping regions as federations.

pymrio and pandas users hold a multi-regional table as labelled frames: flows ``Z`` and
final demand ``Y`` indexed by (region, sector), gross output ``x``, and satellite accounts
``F`` (rows: value added, employment, emissions; columns: (region, sector)). These
functions turn such frames into the Leontief economy of
:func:`~solver.economy.io.to_economy.economy_from_io_table` without flattening anything by
hand: each (region, sector) is a good ``"region/sector"`` made by a worker council located
in the region's federation, each region's final demand is a consumer council of that
federation, chosen satellite rows are primary inputs (so the round's prices are the
multipliers ``s L``) and others may be pollutants that the plan accounts for.

:func:`~solver.economy.io.mrio.economy_from_pymrio` reads a pymrio system into these
frames.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Literal

import numpy as np
import pandas as pd

from solver.economy.io.table import IOTableError, assemble_table, listing
from solver.economy.io.to_economy import economy_from_io_table
from solver.economy.model import (
    ConsumerCouncil,
    Economy,
    Federation,
    FederationLevel,
    Pollutant,
    WorkerCouncil,
)

__all__ = ["economy_from_dataframes", "flat_label"]

VALUE_ADDED = "value_added"
"""The primary input derived as ``x - column sums of Z`` when no satellite rows are given."""


# --------------------------------------------------------------------------------------
# Labels
# --------------------------------------------------------------------------------------
def flat_label(label: Hashable) -> str:
    """``("reg1", "food")`` -> ``"reg1/food"``; a plain label as text."""
    if isinstance(label, tuple):
        return "/".join(str(part) for part in label)
    return str(label)


def _sector_labels(index: pd.Index) -> tuple[list[str], list[str], list[str] | None]:
    """Good ids, names and regions (the first level of a MultiIndex, else None)."""
    ids = [flat_label(label) for label in index]
    if isinstance(index, pd.MultiIndex) and index.nlevels >= 2:
        regions = [str(label[0]) for label in index]
        names = [f"{'/'.join(str(p) for p in label[1:])} ({label[0]})" for label in index]
        return ids, names, regions
    return ids, list(ids), None


def _numbers(frame: pd.DataFrame | pd.Series, what: str) -> np.ndarray:
    """The frame's values as floats, refusing text and NaN/infinite cells by position."""
    try:
        values = frame.to_numpy(dtype=float)
    except (TypeError, ValueError) as exc:
        raise IOTableError(f"{what}: not numeric ({exc})") from None
    bad = np.argwhere(~np.isfinite(values))
    if len(bad):
        at = bad[0]
        rows = frame.index[at[0]]
        where = (
            flat_label(rows)
            if values.ndim == 1
            else (
                f"{flat_label(rows)}, {flat_label(frame.columns[at[1]])}"  # type: ignore[union-attr]
            )
        )
        raise IOTableError(f"{what}: NaN or infinite value at [{where}] ({len(bad)} such cells)")
    return values


def _aligned(frame: pd.DataFrame, sectors: pd.Index, what: str, axis: str) -> pd.DataFrame:
    """``frame`` with its ``axis`` in the order of ``sectors``; missing sectors refused."""
    labels = frame.index if axis == "index" else frame.columns
    missing = sectors.difference(labels, sort=False)
    extra = labels.difference(sectors, sort=False)
    if len(missing) or len(extra):
        parts = []
        if len(missing):
            parts.append(f"lacks {[flat_label(m) for m in missing[:8]]}")
        if len(extra):
            parts.append(f"has {[flat_label(e) for e in extra[:8]]} that Z's index does not")
        raise IOTableError(f"{what}: its {axis} must hold Z's sectors; it " + " and ".join(parts))
    return frame.reindex(**{axis: sectors})  # type: ignore[arg-type]


def _rows(frame: pd.DataFrame | None, sectors: pd.Index, what: str) -> dict[str, np.ndarray]:
    """Satellite rows (absolute amounts per sector) keyed by their flattened label."""
    if frame is None:
        return {}
    if isinstance(frame, pd.Series):
        frame = frame.to_frame().T
    frame = _aligned(frame, sectors, what, "columns")
    ids = [flat_label(label) for label in frame.index]
    if len(set(ids)) != len(ids):
        raise IOTableError(
            f"{what}: duplicate row labels {sorted({i for i in ids if ids.count(i) > 1})}"
        )
    values = _numbers(frame, what)
    return dict(zip(ids, values, strict=True))


# --------------------------------------------------------------------------------------
# Frames -> economy
# --------------------------------------------------------------------------------------
def economy_from_dataframes(
    Z: pd.DataFrame,
    Y: pd.DataFrame | pd.Series,
    x: pd.Series | pd.DataFrame | None = None,
    F: pd.DataFrame | pd.Series | None = None,
    *,
    emissions: pd.DataFrame | None = None,
    units: Mapping[str, str] | None = None,
    weights: Mapping[str, float] | None = None,
    final_demand_by: Literal["region", "column"] = "region",
    negative_demand: Literal["stock", "clip"] = "stock",
    negative_coefficients: Literal["byproduct", "clip"] = "byproduct",
    name: str = "input-output economy",
    source: str = "pandas frames",
) -> Economy:
    """The Leontief economy of a (multi-regional) table given as pandas frames.

    Parameters
    ----------
    Z
        Intermediate flows, sectors x sectors; ``Z.loc[i, j]`` is what ``j`` buys from
        ``i``. A two-level (region, sector) index makes goods ``"region/sector"`` and one
        federation per region.
    Y
        Final demand, sectors x demand columns (or one Series). Columns indexed by
        (region, category) give one consumer council per region (``final_demand_by=
        "region"``) or per column (``"column"``).
    x
        Gross output per sector; ``Z.sum(axis=1) + Y.sum(axis=1)`` when not given (as
        pymrio computes it).
    F
        Primary inputs: rows (value added, employment, ...) x sectors, absolute amounts.
        Every row becomes a primary input whose social cost is ``weights[row]`` (1 by
        default), so the round's goods prices are the multipliers ``sum_r w_r s_r L``.
        When not given, value added ``x - Z.sum(axis=0)`` is the one primary input.
    emissions
        Optional rows x sectors of emissions; each row becomes a pollutant (no social
        cost, no cap) that the plan accounts for.
    units
        Units by flattened label: ``"output"`` for every good, a good id for that good,
        a row of ``F`` or ``emissions`` for that primary input or pollutant.
    weights
        Social cost per unit of each row of ``F``.
    final_demand_by, negative_demand, negative_coefficients
        How final demand forms consumer councils; what a negative final demand becomes
        (``"stock"``: a stock of the good, so the net requirement is exactly ``y``;
        ``"clip"``: 0); what a negative coefficient becomes (a byproduct, or 0).
    name, source
        The economy's name and where the frames came from (in its description).

    Returns
    -------
    Economy
        Goods, worker councils, consumer councils, federations (one per region, level
        ``region``), primary inputs and pollutants; the table's notes in ``description``.

    Raises
    ------
    IOTableError
        Naming the frame and the label of what is wrong: misaligned labels, text, NaN or
        infinite cells, unknown weights or options, negative emissions.
    """
    if final_demand_by not in ("region", "column"):
        raise IOTableError(f"final_demand_by: 'region' or 'column', got {final_demand_by!r}")
    if not isinstance(Z, pd.DataFrame):
        raise IOTableError(f"Z: expected a pandas DataFrame, got {type(Z).__name__}")
    sectors = Z.index
    if not sectors.is_unique:
        twice = sorted({flat_label(s) for s in sectors[sectors.duplicated()]})
        raise IOTableError(f"Z: duplicate sector labels {twice[:8]}")
    Z = _aligned(Z, sectors, "Z", "columns")
    flows = _numbers(Z, "Z")
    Y = Y.to_frame() if isinstance(Y, pd.Series) else Y
    Y = _aligned(Y, sectors, "Y", "index")
    demand = _numbers(Y, "Y")
    if x is None:
        gross = flows.sum(axis=1) + demand.sum(axis=1)
    else:
        x_frame = x.iloc[:, 0] if isinstance(x, pd.DataFrame) else x
        gross = _numbers(_aligned(x_frame.to_frame(), sectors, "x", "index").iloc[:, 0], "x")
    ids, names, regions = _sector_labels(sectors)
    primary = _rows(F, sectors, "F") or {VALUE_ADDED: gross - flows.sum(axis=0)}
    emitted = _rows(emissions, sectors, "emissions")
    clash = sorted(set(primary) & set(emitted))
    if clash:
        raise IOTableError(f"emissions: rows {clash} are also rows of F")
    units = dict(units or {})

    table = assemble_table(
        sectors=ids,
        labels=names,
        final_demand=demand.sum(axis=1),
        primary=primary,
        units={"output": units.get("output", ""), **units},
        source=source,
        flows=flows,
        gross=gross,
    )
    base = economy_from_io_table(
        table,
        primary=list(primary),
        weights=dict(weights or {}),
        negative_demand=negative_demand,
        negative_coefficients=negative_coefficients,
        name=name,
    )
    kept = {good_id: i for i, good_id in enumerate(ids) if good_id in set(table.sectors)}
    keep = np.array(list(kept.values()), dtype=int)
    region_of = dict(zip(ids, regions, strict=True)) if regions else {}
    consumers, stock = _consumer_councils(
        Y.columns, demand[keep], table.sectors, region_of, final_demand_by, negative_demand
    )
    goods = [
        good.model_copy(update={"unit": units.get(good.id, good.unit), "stock": float(stock[i])})
        for i, good in enumerate(base.goods)
    ]
    pollutants = [Pollutant(id=row, name=row, unit=units.get(row, "")) for row in emitted]
    per_unit = {row: values[keep] / gross[keep] for row, values in emitted.items()}
    for row, coef in per_unit.items():
        if np.any(coef < 0):
            bad = np.flatnonzero(coef < 0)
            raise IOTableError(
                f"emissions: row {row!r} is negative for "
                + listing(table.sectors, emitted[row][keep], bad)
            )
    workers = [
        WorkerCouncil(
            id=council.id,
            name=council.name,
            federation=region_of.get(council.id),
            techniques=[
                council.techniques[0].model_copy(
                    update={"emissions": {r: float(c[j]) for r, c in per_unit.items() if c[j] > 0}}
                )
            ],
        )
        for j, council in enumerate(base.worker_councils)
    ]
    federations = [
        Federation(id=region, name=region, level=FederationLevel.REGION)
        for region in dict.fromkeys(region_of[g] for g in table.sectors if g in region_of)
    ]
    return Economy(
        name=name,
        description=base.description,
        goods=goods,
        primary_inputs=base.primary_inputs,
        pollutants=pollutants,
        worker_councils=workers,
        consumer_councils=consumers,
        federations=federations,
    )


def _consumer_councils(
    columns: pd.Index,
    demand: np.ndarray,
    goods: list[str],
    region_of: Mapping[str, str],
    final_demand_by: str,
    negative_demand: str,
) -> tuple[list[ConsumerCouncil], np.ndarray]:
    """One council per region (or per column) asking for its positive final demand, and
    the stock that the negative parts become so that the net requirement stays ``y``."""
    by_region = (
        final_demand_by == "region" and isinstance(columns, pd.MultiIndex) and columns.nlevels >= 2
    )
    keys = [str(c[0]) if by_region else flat_label(c) for c in columns]
    groups: dict[str, np.ndarray] = {}
    for k, key in enumerate(keys):
        groups[key] = groups.get(key, 0.0) + demand[:, k]
    regions = set(region_of.values())
    stock = np.zeros(len(goods))
    councils = []
    for key, amounts in groups.items():
        if negative_demand == "stock":
            stock -= np.minimum(amounts, 0.0)
        requests = {g: float(a) for g, a in zip(goods, amounts, strict=True) if a > 0}
        single = len(groups) == 1 and not by_region
        councils.append(
            ConsumerCouncil(
                id="final_demand" if single else f"{key}/final_demand",
                name=f"final demand of {key}" if not single else "final demand",
                federation=key if by_region and key in regions else None,
                requests=requests,
            )
        )
    return councils, stock
