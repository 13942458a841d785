"""Which goods of an imported input-output economy are public, and who emits how much.

Input-output tables say neither. These defaults, read from the goods' names, give the
planning examples (:mod:`solver.scenarios.io_examples`) a realistic pattern of public goods
and of who pollutes; they are rules of thumb, not data.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from solver.economy.model import Economy

__all__ = [
    "EMITTER_RULES",
    "PUBLIC_IDS",
    "PUBLIC_KEYWORDS",
    "default_emitters",
    "default_public_goods",
    "emissions",
]

PUBLIC_KEYWORDS = ("public administration", "education", "health")
"""A good whose name contains one of these (lower case) is public by default."""
PUBLIC_IDS = ("cpa_other",)
"""Goods public by default by id: in the Eurostat 6-group table, ``cpa_other`` ("Other
services group", CPA L-P) is mostly public administration, education and health."""

EMITTER_RULES: tuple[tuple[str, float], ...] = (
    ("electricity", 5.0),
    ("non-metallic mineral", 1.0),
    ("cement", 1.0),
    ("air transport", 0.8),
    ("land transport", 0.6),
    ("water transport", 0.6),
    ("rail transport", 0.3),
    ("basic metals", 0.4),
    ("iron and steel", 0.4),
    ("coke", 0.25),
    ("chemical", 0.2),
    ("mining", 0.2),
    ("manufacturing group", 0.5),
    ("trade group", 0.1),
)
"""(keyword, kt CO2 per million of output): the first keyword found in a good's lower-case
name sets the direct emissions of the techniques producing it. Energy, heavy industry and
transport; for the Eurostat 6-group table the manufacturing group (CPA C-E, with energy and
mining) and the trade group (CPA G-I, with transport). Rough orders of magnitude (a sector's
direct CO2 over its gross output, US around 2014 and Germany around 1995), not data: the
examples need a realistic pattern of who pollutes, not an emissions inventory."""


def default_public_goods(economy: Economy) -> list[str]:
    """Goods public by default: ids in :data:`PUBLIC_IDS` or names with a public keyword."""
    return [
        g.id
        for g in economy.goods
        if g.id in PUBLIC_IDS or any(k in g.name.lower() for k in PUBLIC_KEYWORDS)
    ]


def default_emitters(economy: Economy) -> dict[str, float]:
    """Good -> emission per unit of output, by the first matching rule of :data:`EMITTER_RULES`."""
    out: dict[str, float] = {}
    for g in economy.goods:
        name = g.name.lower()
        for keyword, intensity in EMITTER_RULES:
            if keyword in name:
                out[g.id] = intensity
                break
    return out


def emissions(economy: Economy, activity: Sequence[float] | np.ndarray, pollutant: str) -> float:
    """Total emissions of ``pollutant`` when the techniques run at ``activity``.

    ``activity`` holds one level per technique, in the order of :meth:`Economy.techniques`
    (the order of a round result's ``activity``).
    """
    levels = np.asarray(activity, dtype=float)
    coef = np.array([t.emissions.get(pollutant, 0.0) for _, t in economy.techniques()])
    if coef.shape != levels.shape:
        raise ValueError(f"activity: expected {coef.size} levels, got {levels.size}")
    return float(coef @ levels)
