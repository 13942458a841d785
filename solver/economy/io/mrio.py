"""An economy from a pymrio ``IOSystem``: its frames and chosen satellite rows handed to
:func:`~solver.economy.io.frames.economy_from_dataframes`.

pymrio itself is not imported; the system's attributes are read (``Z`` or ``A`` with
``x``, ``Y``, ``unit``, extensions with ``F`` or ``S`` and ``unit``), so a system loaded
from disk, built by hand or returned by ``pymrio.load_test()`` all work, before or after
``calc_all()``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from solver.economy.io.frames import economy_from_dataframes, flat_label
from solver.economy.io.table import IOTableError
from solver.economy.model import Economy

__all__ = ["economy_from_pymrio"]


def economy_from_pymrio(
    io: Any,
    primary: str | Sequence[str] | None = None,
    pollutants: str | Sequence[str] | None = None,
    *,
    weights: Mapping[str, float] | None = None,
    final_demand_by: Literal["region", "column"] = "region",
    negative_demand: Literal["stock", "clip"] = "stock",
    negative_coefficients: Literal["byproduct", "clip"] = "byproduct",
    name: str | None = None,
) -> Economy:
    """The economy of a pymrio ``IOSystem``, with regions as federations.

    Parameters
    ----------
    io
        A pymrio system, before or after ``calc_all()``: ``Z`` (or ``A`` with ``x``) and
        ``Y`` are read, ``x`` computed as pymrio does when missing.
    primary
        Satellite rows that are primary inputs, each ``"extension"`` (all its rows) or
        ``"extension:row"`` (a MultiIndex row as ``"stressor/compartment"``). Default: the
        rows of the ``factor_inputs`` extension where the system has one, else value added
        ``x - Z.sum(axis=0)``. With ``weights`` 1 the round's prices then equal the
        extension's multipliers ``M`` (summed over the chosen rows).
    pollutants
        Satellite rows that become pollutants, in the same notation. Default: none.
    weights
        Social cost per unit of each primary input, by row id.
    final_demand_by, negative_demand, negative_coefficients, name
        As in :func:`economy_from_dataframes`; ``name`` defaults to the system's name.

    Returns
    -------
    Economy
        Goods ``"region/sector"``, one worker council per good located in its region's
        federation, one consumer council per region.
    """
    Z, Y, x = _system_frames(io)
    extensions = _extensions(io)
    if primary is None and "factor_inputs" in extensions:
        primary = "factor_inputs"
    chosen = _pick(extensions, primary, x, "primary") if primary is not None else None
    emitted = _pick(extensions, pollutants, x, "pollutants") if pollutants is not None else None
    units: dict[str, str] = {}
    unit_frame = getattr(io, "unit", None)
    if isinstance(unit_frame, pd.DataFrame) and "unit" in unit_frame:
        distinct = unit_frame["unit"].dropna().unique()
        if len(distinct) == 1:
            units["output"] = str(distinct[0])
        else:
            units.update({flat_label(i): str(u) for i, u in unit_frame["unit"].items()})
    for pair in (chosen, emitted):
        if pair is not None:
            units.update(pair[1])
    system_name = str(getattr(io, "name", "") or "pymrio system")
    return economy_from_dataframes(
        Z,
        Y,
        x,
        chosen[0] if chosen is not None else None,
        emissions=emitted[0] if emitted is not None else None,
        units=units,
        weights=weights,
        final_demand_by=final_demand_by,
        negative_demand=negative_demand,
        negative_coefficients=negative_coefficients,
        name=name or system_name,
        source=f"pymrio system {system_name}",
    )


def _system_frames(io: Any) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series | None]:
    Y = getattr(io, "Y", None)
    if not isinstance(Y, pd.DataFrame):
        raise IOTableError("io: the system has no final demand Y")
    x_frame = getattr(io, "x", None)
    x = x_frame.iloc[:, 0] if isinstance(x_frame, pd.DataFrame) else x_frame
    Z = getattr(io, "Z", None)
    if not isinstance(Z, pd.DataFrame):
        A = getattr(io, "A", None)
        if not isinstance(A, pd.DataFrame) or x is None:
            raise IOTableError("io: the system has neither Z nor A with x; load or calc it first")
        Z = A * x.to_numpy()[np.newaxis, :]
    return Z, Y, x


def _extensions(io: Any) -> dict[str, Any]:
    names = list(io.get_extensions()) if hasattr(io, "get_extensions") else []
    return {str(n): getattr(io, str(n)) for n in names}


def _pick(
    extensions: Mapping[str, Any],
    spec: str | Sequence[str],
    x: pd.Series | None,
    what: str,
) -> tuple[pd.DataFrame, dict[str, str]]:
    """The rows ``spec`` names, as one frame (absolute amounts), with their units."""
    specs = [spec] if isinstance(spec, str) else list(spec)
    frames, units = [], {}
    for item in specs:
        ext_name, _, row = item.partition(":")
        if ext_name not in extensions:
            raise IOTableError(
                f"{what}: unknown extension {ext_name!r}; this system has {sorted(extensions)}"
            )
        ext = extensions[ext_name]
        F = getattr(ext, "F", None)
        if not isinstance(F, pd.DataFrame):
            S = getattr(ext, "S", None)
            if not isinstance(S, pd.DataFrame) or x is None:
                raise IOTableError(
                    f"{what}: extension {ext_name!r} has neither F nor S with the system's x"
                )
            F = S * x.reindex(S.columns).to_numpy()[np.newaxis, :]
        F = F.copy()
        F.index = pd.Index([flat_label(i) for i in F.index])
        if row:
            if row not in F.index:
                raise IOTableError(
                    f"{what}: extension {ext_name!r} has no row {row!r}; it has {list(F.index)[:8]}"
                )
            F = F.loc[[row]]
        frames.append(F)
        unit = getattr(ext, "unit", None)
        if isinstance(unit, pd.DataFrame) and "unit" in unit:
            units.update({flat_label(i): str(u) for i, u in unit["unit"].items()})
    return pd.concat(frames), units
