"""What prices are measured in: the numeraire of the round LP and of a planning session.

The round LP's objective adds up primary inputs and emissions at their weights, so its
social cost, and every price (a dual of it), is in the unit of the weighted primary input
when there is one at weight 1: "hours of labour", "thousand persons of employment". A
planning session's prices are in budget units: consumer councils' incomes add up to the
consumption budget, by default the labour available (:mod:`solver.economy.budgets`).
"""

from __future__ import annotations

from solver.economy.budgets import consumption_budget
from solver.economy.model import Economy, PrimaryInputKind

__all__ = [
    "budget_unit",
    "item_units",
    "numeraire",
    "per_unit",
    "prices_in",
    "social_cost_unit",
]


def _amount(unit: str, what: str) -> str:
    return f"{what} ({unit})" if unit else what


def social_cost_unit(economy: Economy) -> str:
    """The unit of the round LP's social cost and of its prices, in words.

    One weighted primary input at weight 1 (or several of one unit): that input and its
    unit, e.g. ``"labour (h)"``. Otherwise the weights that define the unit, e.g. ``"social
    cost units; labour: 1 per h, land: 0.5 per ha"``.
    """
    weighted = [p for p in economy.primary_inputs if p.weight > 0]
    if weighted and all(p.weight == 1.0 for p in weighted):
        units = {p.unit for p in weighted}
        if len(weighted) == 1:
            return _amount(weighted[0].unit, weighted[0].id)
        if len(units) == 1:
            return _amount(units.pop(), "/".join(p.id for p in weighted))
    if not weighted:
        return "social cost units; no primary input is weighted"
    rates = ", ".join(f"{p.id}: {p.weight:g} per {p.unit or 'unit'}" for p in weighted)
    return f"social cost units; {rates}"


def budget_unit(economy: Economy) -> str:
    """The unit of a planning session's prices and budgets, in words."""
    total = consumption_budget(economy)
    if economy.consumption_budget is not None:
        return f"budget units; consumer incomes add up to {total:g}"
    labour = [
        p
        for p in economy.primary_inputs
        if p.kind is PrimaryInputKind.LABOUR and (p.availability or 0.0) > 0
    ]
    units = {p.unit for p in labour}
    if labour and len(units) == 1:
        return (
            f"{_amount(units.pop(), 'labour')}; consumer incomes add up to the {total:g} available"
        )
    if labour:
        return f"budget units; consumer incomes add up to the labour available, {total:g}"
    return f"budget units; consumer incomes add up to one per member, {total:g}"


def numeraire(price_unit: str) -> str:
    """``"labour (h); consumer incomes ..."`` -> ``"labour (h)"``: what one price unit is."""
    return price_unit.partition(";")[0]


def per_unit(price_unit: str, item_unit: str) -> str:
    """``"labour (h); ..."`` and ``"loaf"`` -> ``"labour (h) per loaf"``."""
    head = numeraire(price_unit)
    return f"{head} per {item_unit}" if item_unit else f"{head} per unit"


def prices_in(price_unit: str, what: str) -> str:
    """``"labour (h); incomes add up to 1000"`` and ``"item"`` -> ``"in labour (h) per unit
    of each item; incomes add up to 1000"``: a session's or a round's price unit in words."""
    head, _, rest = price_unit.partition(";")
    return f"in {head} per unit of each {what}" + (f";{rest}" if rest else "")


def item_units(economy: Economy) -> dict[str, str]:
    """The unit of every good, primary input and pollutant that names one."""
    named = [(g.id, g.unit) for g in economy.goods]
    named += [(p.id, p.unit) for p in economy.primary_inputs]
    named += [(e.id, e.unit) for e in economy.pollutants]
    return {part: unit for part, unit in named if unit}
