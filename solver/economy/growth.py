"""Capacity investment this year, and next year's economy from this year's.

A federation may ask, as part of its public requests, for new capacity in a technique
(``"capacity_investments": {"bread-oven": 50}``). One unit of new capacity takes the
technique's ``capital`` (goods per unit, the capital coefficients of a dynamic
input-output model), so the investment is a demand on this year's output, met at this
year's prices like any other request and paid for by what it crowds out; next year the
technique's capacity is larger by that much. :func:`next_year` derives next year's economy:
the investments' capacity added, and the society grown by ``growth`` (its labour, its
councils' requests and, where the economy fixes one, its consumption budget).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from solver.economy.model import Economy, PrimaryInputKind

__all__ = ["Investment", "investment_demand", "investments", "next_year"]


@dataclass(frozen=True)
class Investment:
    """One federation's capacity investment in one technique."""

    federation: str
    technique: str
    capacity: float
    goods: dict[str, float]
    """What it takes of this year's output: capacity x the technique's capital."""


def investments(economy: Economy) -> list[Investment]:
    """Every capacity investment the federations request, in federation order."""
    techniques = {t.id: t for _, t in economy.techniques()}
    return [
        Investment(
            federation=f.id,
            technique=tid,
            capacity=float(units),
            goods={g: float(units * q) for g, q in techniques[tid].capital.items() if q > 0},
        )
        for f in economy.federations
        for tid, units in f.capacity_investments.items()
        if units > 0
    ]


def investment_demand(invested: Iterable[Investment]) -> dict[str, float]:
    """Good -> what these capacity investments (:func:`investments`) take of it, summed."""
    total: dict[str, float] = {}
    for investment in invested:
        for good, quantity in investment.goods.items():
            total[good] = total.get(good, 0.0) + quantity
    return total


def next_year(economy: Economy, growth: float = 0.05) -> Economy:
    """Next year's economy: every technique's capacity raised by this year's investments in
    it (which are then done), and the society grown by ``growth``: labour availability,
    consumer councils' requests, federations' public requests and a fixed
    ``consumption_budget`` all times ``1 + growth``. Natural resources, stocks, caps and
    everything else stay as they are.

    Raises
    ------
    ValueError
        ``growth: ...`` where it is not a number above -1.
    """
    if not math.isfinite(growth) or growth <= -1.0:
        raise ValueError(f"growth: must be a finite number above -1, got {growth!r}")
    factor = 1.0 + growth
    added: dict[str, float] = {}
    for investment in investments(economy):
        added[investment.technique] = added.get(investment.technique, 0.0) + investment.capacity
    data = economy.model_dump(mode="json")
    for wc in data["worker_councils"]:
        for t in wc["techniques"]:
            if t["id"] in added:
                t["capacity"] = t["capacity"] + added[t["id"]]
    for cc in data["consumer_councils"]:
        cc["requests"] = {g: q * factor for g, q in cc["requests"].items()}
    for f in data["federations"]:
        f["public_requests"] = {g: q * factor for g, q in f["public_requests"].items()}
        f["capacity_investments"] = {}
    for p in data["primary_inputs"]:
        if p["kind"] == PrimaryInputKind.LABOUR.value and p["availability"] is not None:
            p["availability"] = p["availability"] * factor
    if data.get("consumption_budget") is not None:
        data["consumption_budget"] = data["consumption_budget"] * factor
    note = f"next year from this year's plan: growth {growth:g}, {len(added)} capacities raised"
    data["description"] = f"{economy.description} ({note})" if economy.description else note
    return Economy.model_validate(data)
