"""Capacity investment and next year's plan from this year's (issue #14, point 4).

Reference numbers: planning-town (``solver/scenarios/examples/planning_town.json``) with the
north neighbourhood investing in 50 units of new bakery capacity, each taking 0.2 t of
steel (capital coefficients, as in a dynamic input-output model): 10 t of steel this year
beside what the techniques and requests need, and a bakery of 550 next year.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from solver import load_example, parse_economy, solve_round
from solver.economy.growth import investment_demand, investments, next_year
from solver.economy.model import EconomyValidationError
from solver.planning.from_economy import market_from_economy
from solver.usecases import LastYear, new_session, next_year_economy, plan

TOWN: dict[str, Any] = json.loads(load_example("planning-town").model_dump_json())


def investing(**changes: Any) -> dict[str, Any]:
    """The town with the north neighbourhood investing in the bakery."""
    data = copy.deepcopy(TOWN)
    bake = next(t for wc in data["worker_councils"] for t in wc["techniques"] if t["id"] == "bake")
    bake["capital"] = {"steel": 0.2}
    north = next(f for f in data["federations"] if f["id"] == "north")
    north["capacity_investments"] = {"bake": 50.0}
    for key, value in changes.items():
        data[key] = value
    return data


def parplan(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "solver.cli", *args], capture_output=True, text=True, timeout=120
    )


def test_an_investment_is_a_demand_on_this_years_output() -> None:
    economy = parse_economy(json.dumps(investing()))
    (made,) = investments(economy)
    assert (made.federation, made.technique, made.capacity) == ("north", "bake", 50.0)
    assert made.goods == investment_demand(investments(economy)) == {"steel": 10.0}
    # the round's LP: steel made = steel used by the techniques + the 10 t invested
    result = solve_round(economy)
    x = dict(zip(result.techniques, result.activity.tolist(), strict=True))
    made_steel = x["steel-coal"] + x["steel-electric"]
    used = 0.1 * x["bake"] + 0.05 * x["sew"] + 1.0 * x["keep-park"]
    assert made_steel == pytest.approx(used + 10.0, rel=1e-9)
    # within the same basis the extra social cost is 10 t at steel's shadow price
    without = solve_round(load_example("planning-town"))
    assert result.objective is not None and without.objective is not None
    assert result.price is not None
    steel = result.price[result.goods.index("steel")]
    assert result.objective - without.objective == pytest.approx(10.0 * steel, rel=1e-6)


def test_a_planned_investment_is_met_and_priced() -> None:
    economy = parse_economy(json.dumps(investing()))
    market = market_from_economy(economy)
    assert market.fixed_demand is not None
    assert market.fixed_demand[market.labels.index("steel")] == 10.0
    result = plan(economy, "lp")
    assert result.converged
    steel = result.items.loc["steel"]
    assert steel["demand"] == pytest.approx(
        10.0
        + 0.1 * result.activity["bake"]
        + 0.05 * result.activity["sew"]
        + result.activity["keep-park"],
        rel=1e-9,
    )
    (published,) = result.to_dict()["investments"]
    assert published["cost"] == pytest.approx(
        10.0 * result.final.prices[market.labels.index("steel")]
    )


def test_next_year_adds_the_capacity_and_grows_the_society() -> None:
    economy = parse_economy(json.dumps(investing(consumption_budget=1000.0)))
    following = next_year(economy, 0.05)
    capacity = {t.id: t.capacity for _, t in following.techniques()}
    assert capacity["bake"] == 550.0 and capacity["sew"] == 300.0
    assert all(not f.capacity_investments for f in following.federations)
    labour = {p.id: p.availability for p in following.primary_inputs}
    assert labour == {"labour": pytest.approx(1050.0), "land": 30.0}  # land does not grow
    assert following.consumption_budget == pytest.approx(1050.0)
    with pytest.raises(ValueError, match="growth"):
        next_year(economy, -1.0)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"bake-oven": 5.0}, "federations[1].capacity_investments['bake-oven']", "unknown"),
        ({"sew": 5.0}, "federations[1].capacity_investments['sew']", "states no capital"),
    ],
)
def test_bad_investments_are_refused_naming_the_field(
    change: dict[str, float], field: str, message: str
) -> None:
    data = investing()
    data["federations"][1]["capacity_investments"] = change
    with pytest.raises(EconomyValidationError) as err:
        parse_economy(json.dumps(data))
    assert field in str(err.value) and message in str(err.value)


def test_an_investment_needs_a_capacity_to_raise() -> None:
    data = investing()
    bake = data["worker_councils"][1]["techniques"][0]
    del bake["capacity"]
    with pytest.raises(EconomyValidationError, match="no capacity limit to raise"):
        parse_economy(json.dumps(data))


def test_next_year_from_last_years_plan_converges_in_two_rounds(tmp_path: Path) -> None:
    """The CLI round trip: plan --json, next-year, plan --from."""
    economy = tmp_path / "town.json"
    economy.write_text(json.dumps(investing()))
    this_year = parplan("plan", str(economy), "--json", "--quiet")
    assert this_year.returncode == 0, this_year.stderr
    (tmp_path / "plan.json").write_text(this_year.stdout)
    derived = parplan("next-year", str(tmp_path / "plan.json"), "-o", str(tmp_path / "next.json"))
    assert derived.returncode == 0, derived.stderr
    following = json.loads(
        parplan(
            "plan",
            str(tmp_path / "next.json"),
            "--from",
            str(tmp_path / "plan.json"),
            "--json",
            "--quiet",
        ).stdout
    )
    assert following["status"] == "converged" and following["rounds"] <= 2
    bake = next(
        t
        for wc in following["economy_document"]["worker_councils"]
        for t in wc["techniques"]
        if t["id"] == "bake"
    )
    assert bake["capacity"] == 550.0

    # a plan of another economy: refused naming --from, exit 2
    other = parplan(
        "plan", "--example", "germany-1995-planning", "--from", str(tmp_path / "plan.json")
    )
    assert other.returncode == 2
    assert "--from: a plan of other items" in other.stderr
    missing = parplan("plan", str(economy), "--from", str(tmp_path / "nope.json"))
    assert missing.returncode == 2 and "--from: cannot read" in missing.stderr


def test_next_year_refuses_a_plan_that_did_not_converge(tmp_path: Path) -> None:
    result = plan(load_example("planning-town"), "tatonnement", max_rounds=3)
    with pytest.raises(ValueError, match="plan: its status is 'max_rounds'"):
        next_year_economy(result.to_dict())
    done = plan(load_example("planning-town"), "lp").to_dict()
    with pytest.raises(ValueError, match="economy_document"):
        next_year_economy(done)
    assert next_year_economy(done, 0.1, load_example("planning-town")).primary_inputs[
        0
    ].availability == pytest.approx(1100.0)


def test_what_the_board_learnt_carries_over() -> None:
    """A worker council whose effort costs twice the board's prior, unstated: this year the
    board learns it from the proposals; next year it starts from that belief, so the
    council's first proposal is what the board expected of it."""
    from solver.planning.result import PlanStatus
    from solver.scenarios.council_rules import MisstatedEffort, proposals_by_rule

    economy = load_example("germany-1995-planning")
    session = new_session(economy, "lp")
    council = MisstatedEffort(2.0, float("nan"))
    while session.status is PlanStatus.RUNNING:
        session.close_round(proposals_by_rule(session.market, session.prices, council))
    last = LastYear.from_session(session, "previous_session_id")
    following = next_year(economy, 0.05)

    def first_round_error(start: LastYear) -> float:
        fresh = new_session(following, "lp", last_year=start)
        expected = fresh.rule.expected_activity(fresh.market, fresh.prices)
        proposed, _ = council.propose(fresh.market, fresh.prices)
        lin = fresh.market.linear
        assert lin is not None and expected is not None
        return float(abs(expected - proposed).max() / lin.capacity.max())

    assert first_round_error(last) < 1e-5
    prices_alone = LastYear(last.prices, {}, last.source, last.economy)
    assert first_round_error(prices_alone) > 0.05  # the prior: half the effort it costs
