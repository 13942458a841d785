"""What prices are measured in: the round LP's social cost in its weighted primary input,
a planning session's prices in budget units, and every item's unit in text and JSON."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from solver import Economy, load_example, plan, solve_round
from solver.economy.budgets import consumer_budgets
from solver.economy.units import budget_unit, item_units, per_unit, social_cost_unit


def _town(**changes: object) -> Economy:
    economy = load_example("small-town")
    return economy.model_copy(update=changes)


def test_the_social_cost_is_in_the_weighted_primary_input() -> None:
    germany = load_example("germany-1995")
    assert social_cost_unit(germany) == "employment (thousand persons)"
    result = solve_round(germany)
    # The objective adds up employment: the total of the table, in thousand persons.
    assert result.objective == pytest.approx(36428, abs=1)
    assert result.price_unit == "employment (thousand persons)"
    assert result.units["cpa_a"] == "million EUR"
    assert per_unit(result.price_unit, result.units["cpa_a"]) == (
        "employment (thousand persons) per million EUR"
    )


def test_weights_other_than_one_are_stated() -> None:
    town = _town()
    labour, land = town.primary_inputs
    weighted = _town(primary_inputs=[labour, land.model_copy(update={"weight": 0.5})])
    assert social_cost_unit(weighted) == (
        f"social cost units; labour: 1 per {labour.unit}, land: 0.5 per {land.unit}"
    )
    unweighted = _town(
        primary_inputs=[p.model_copy(update={"weight": 0.0}) for p in town.primary_inputs]
    )
    assert social_cost_unit(unweighted) == "social cost units; no primary input is weighted"


def test_planning_prices_are_in_budget_units() -> None:
    town = load_example("planning-town")
    assert budget_unit(town) == "labour (h); consumer incomes add up to the 1000 available"
    assert consumer_budgets(town).income.sum() == pytest.approx(1000.0)  # as stated
    fixed = town.model_copy(update={"consumption_budget": 250.0})
    assert budget_unit(fixed) == "budget units; consumer incomes add up to 250"
    assert plan(town).to_dict()["price_unit"] == budget_unit(town)


def test_item_units_name_goods_inputs_and_pollutants() -> None:
    units = item_units(load_example("planning-town"))
    assert units["bread"] == "loaf" and units["labour"] == "h" and units["smoke"] == "t"


def _parplan(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "solver.cli", *args], capture_output=True, text=True, timeout=120
    )


def test_cli_text_and_json_carry_units() -> None:
    text = _parplan("solve", "--example", "germany-1995").stdout
    assert "social cost  36428 employment (thousand persons)" in text
    assert "prices       in employment (thousand persons) per unit of each good" in text
    assert "million EUR" in text
    solved = json.loads(_parplan("solve", "--example", "germany-1995", "--json").stdout)
    assert solved["price_unit"] == "employment (thousand persons)"
    assert solved["units"]["employment"] == "thousand persons"
    planned = json.loads(_parplan("plan", "--quiet", "--json").stdout)
    assert planned["price_unit"].startswith("labour (h)")
    assert {row["item"]: row["unit"] for row in planned["items"]}["bread"] == "loaf"
    shown = _parplan("plan", "--quiet").stdout
    assert "prices       in labour (h) per unit of each item" in shown
