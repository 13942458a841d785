"""A plan written out for the tools planners already use: a folder of CSV files, an Excel
workbook, or a NetCDF file through xarray.

Every format holds the same tables (:func:`plan_tables`): ``items`` (kind, unit, price,
supply, demand, excess, relative excess, free), ``consumption`` and ``production`` in long
form (one row per council and item, so a million councils fit), ``activity`` (per
technique), ``history`` (per round) and ``prices`` (round x item). The NetCDF file is the
:func:`plan_dataset` of the plan: dimensions ``item``, ``round``, ``technique``,
``council`` and ``producer``, every variable with its ``units`` attribute.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import pandas as pd

from solver.planning.market import Market

if TYPE_CHECKING:
    import xarray as xr


class PlanResult(Protocol):
    """What is exported of a plan (:class:`~solver.planning.result.PlanResult` has it)."""

    @property
    def market(self) -> Market: ...
    @property
    def rule(self) -> str: ...
    @property
    def status(self) -> Enum: ...
    @property
    def tolerance(self) -> float: ...
    @property
    def rounds(self) -> Sequence[Any]: ...
    @property
    def items(self) -> pd.DataFrame: ...
    @property
    def consumption(self) -> pd.DataFrame: ...
    @property
    def production(self) -> pd.DataFrame: ...
    @property
    def activity(self) -> pd.Series: ...
    @property
    def history(self) -> pd.DataFrame: ...
    def price_history(self) -> pd.DataFrame: ...


__all__ = ["EXPORT_FORMATS", "export_format", "plan_dataset", "plan_tables", "write_plan"]

EXPORT_FORMATS = {
    "csv": "a folder of CSV files, one per table (a path without a suffix, or ending in /)",
    "xlsx": "an Excel workbook, one sheet per table (openpyxl)",
    "nc": "a NetCDF file of the plan as an xarray Dataset (xarray, scipy)",
}
"""Format -> what is written. The format is the path's suffix."""

EXCEL_MAX_ROWS = 1_048_575  # a sheet's rows, less the header
DENSE_UP_TO = 10_000_000  # cells of a council x item table kept dense in a Dataset


def export_format(path: str | Path) -> str:
    """The format ``path`` asks for, or a ``ValueError`` naming the known ones."""
    text = str(path)
    suffix = Path(text).suffix.lower().lstrip(".")
    if text.endswith(("/", "\\")) or suffix in ("", "csv"):
        return "csv"
    if suffix in EXPORT_FORMATS:
        return suffix
    known = "; ".join(f".{k}: {v}" for k, v in EXPORT_FORMATS.items())
    raise ValueError(f"--export {path}: unknown format .{suffix}; known: {known}")


def _long(table: pd.DataFrame, value: str) -> pd.DataFrame:
    """A council x item sparse table as rows (council, item, value) of its non-zeros."""
    if table.empty:
        return pd.DataFrame({"council": [], "item": [], value: []})
    coo = table.sparse.to_coo()
    return pd.DataFrame(
        {
            "council": table.index.to_numpy()[coo.row],
            "item": table.columns.to_numpy()[coo.col],
            value: coo.data,
        }
    )


def plan_tables(result: PlanResult) -> dict[str, pd.DataFrame]:
    """The plan's tables, each ready for ``to_csv`` (index included where it is labelled)."""
    return {
        "items": result.items.assign(price=result.items["price"] + 0.0),
        "consumption": _long(result.consumption, "quantity"),
        "production": _long(result.production, "net_supply"),
        "activity": result.activity.to_frame(),
        "history": result.history,
        "prices": result.price_history(),
    }


def plan_dataset(result: PlanResult) -> xr.Dataset:
    """The plan as an xarray Dataset (see the module docstring for its layout)."""
    import xarray as xr

    items = result.items
    units = items["unit"].to_numpy(dtype=str)
    data: dict[str, Any] = {
        column: ("item", items[column].to_numpy())
        for column in ("price", "supply", "demand", "excess", "relative_excess")
    }
    data["free"] = ("item", items["free"].to_numpy(dtype=np.int8))
    data["kind"] = ("item", items["kind"].to_numpy(dtype=str))
    data["unit"] = ("item", units)
    history = result.history
    for column in ("max_excess", "price_change", "rejected", "seconds"):
        data[f"round_{column}"] = ("round", history[column].to_numpy())
    data["round_price"] = (("round", "item"), result.price_history().to_numpy())
    activity = result.activity
    data["activity"] = ("technique", activity.to_numpy())
    coords: dict[str, Any] = {
        "item": items.index.to_numpy(dtype=str),
        "round": history.index.to_numpy(),
        "technique": activity.index.to_numpy(dtype=str),
    }
    for name, table, rows, columns in (
        ("consumption", result.consumption, "council", "item_consumed"),
        ("net_supply", result.production, "producer", "item_supplied"),
    ):
        if table.size <= DENSE_UP_TO:  # labelled council x item
            data[name] = ((rows, columns), table.sparse.to_dense().to_numpy())
            coords[rows] = table.index.to_numpy(dtype=str)
            coords[columns] = table.columns.to_numpy(dtype=str)
        else:  # too many councils for a dense table: its non-zeros, one entry each
            entries = _long(table, name)
            dim = f"{name}_entry"
            data[name] = (dim, entries[name].to_numpy())
            data[f"{name}_{rows}"] = (dim, entries["council"].to_numpy(dtype=str))
            data[f"{name}_item"] = (dim, entries["item"].to_numpy(dtype=str))
    ds = xr.Dataset(data, coords=coords)
    ds["price"].attrs["units"] = "social cost per unit of the item (see unit)"
    for name in ("supply", "demand", "excess", "consumption", "net_supply"):
        ds[name].attrs["units"] = "the item's unit (see unit)"
    ds["relative_excess"].attrs["long_name"] = "2 |supply - demand| / (supply + demand)"
    ds["free"].attrs["long_name"] = "1: in excess supply at a negligible price"
    ds.attrs.update(
        {
            "economy": result.market.name,
            "rule": result.rule,
            "status": result.status.value,
            "rounds": len(result.rounds),
            "tolerance": result.tolerance,
        }
    )
    return ds


def write_plan(result: PlanResult, path: str | Path) -> list[Path]:
    """Write the plan to ``path`` in the format its suffix names; the files written.

    Raises
    ------
    ValueError
        For an unknown suffix, or a table longer than an Excel sheet.
    ImportError
        When the library a format needs is missing, naming it.
    """
    kind = export_format(path)
    path = Path(path)
    if kind == "nc":
        dataset = plan_dataset(result)
        path.parent.mkdir(parents=True, exist_ok=True)
        dataset.to_netcdf(path)
        return [path]
    tables = plan_tables(result)
    if kind == "xlsx":
        too_long = [name for name, t in tables.items() if len(t) > EXCEL_MAX_ROWS]
        if too_long:
            raise ValueError(
                f"--export {path}: {too_long[0]} has more rows than an Excel sheet holds "
                f"({len(tables[too_long[0]])}); write CSV files or NetCDF instead"
            )
        path.parent.mkdir(parents=True, exist_ok=True)
        with pd.ExcelWriter(path, engine="openpyxl") as writer:
            for name, table in tables.items():
                table.to_excel(writer, sheet_name=name, index=_labelled(table))
        return [path]
    folder = path.with_suffix("") if path.suffix.lower() == ".csv" else path
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, table in tables.items():
        target = folder / f"{name}.csv"
        table.to_csv(target, index=_labelled(table))
        written.append(target)
    return written


def _labelled(table: pd.DataFrame) -> bool:
    return table.index.name is not None
