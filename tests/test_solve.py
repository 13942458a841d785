"""The round's LP on textbook cases: duals are labour values, rents, pollution prices.

Reference answers: ../shared/data/known_examples.md (Miller & Blair table 2.3, Hahnel's corn
model, Kantorovich 1939) and the hand-checked small-town example.
"""

from __future__ import annotations

import copy
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from numpy.testing import assert_allclose

from solver import (
    Method,
    SolutionStatus,
    TerminationCondition,
    load_economy,
    parse_economy,
    solve_round,
)
from solver.economy.compiled import compile_economy
from solver.economy.leontief import gross_output, total_factor_content
from solver.highs import configure_threads
from solver.lp import ModelPath as SolverPath
from solver.lp import RoundSolver, build_round_lp

EXAMPLES = Path(__file__).resolve().parents[1] / "solver" / "scenarios" / "examples"
PATHS = [SolverPath.VECTORISED, SolverPath.PYOMO]


def leontief_economy(a: np.ndarray, labour: np.ndarray, demand: np.ndarray) -> dict[str, Any]:
    """One good and one single-output technique per sector, labour the only primary input."""
    n = len(demand)
    return {
        "goods": [{"id": f"g{j}"} for j in range(n)],
        "primary_inputs": [{"id": "labour", "weight": 1}],
        "worker_councils": [
            {
                "id": f"wc{j}",
                "techniques": [
                    {
                        "id": f"t{j}",
                        "outputs": {f"g{j}": 1},
                        "inputs": {f"g{i}": float(a[i, j]) for i in range(n) if a[i, j]},
                        "primary_inputs": {"labour": float(labour[j])},
                    }
                ],
            }
            for j in range(n)
        ],
        "consumer_councils": [
            {"id": "final", "requests": {f"g{j}": float(demand[j]) for j in range(n)}}
        ],
    }


@pytest.mark.parametrize("path", PATHS)
def test_miller_blair_table_2_3(path: SolverPath) -> None:
    a = np.array([[0.15, 0.25], [0.20, 0.05]])
    labour = np.array([0.30, 0.25])
    demand = np.array([600.0, 1500.0])
    result = solve_round(parse_economy(leontief_economy(a, labour, demand)), path=path)
    assert result.termination is TerminationCondition.OPTIMAL
    assert result.solution is SolutionStatus.OPTIMAL
    # Published: x' = L f' = [1247.52, 1841.58]; labour l*x' = [374.25, 460.4]; v = l L (COMPUTED).
    assert_allclose(result.activity, [1247.5247524752, 1841.5841584158], rtol=1e-9)
    assert_allclose(labour * result.activity, [374.2574257, 460.3960396], rtol=1e-7)
    assert_allclose(result.price, [0.442244, 0.379538], rtol=1e-5)
    assert_allclose(result.price, total_factor_content(a, labour), rtol=1e-9)
    assert_allclose(result.activity, gross_output(a, demand), rtol=1e-9)
    assert result.feasible
    # Every active council breaks even: social benefit equals social cost at these prices.
    assert_allclose(result.council_ratio, [1.0, 1.0], rtol=1e-9)


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("seed", [500.0, 300.0])
def test_hahnel_corn_scarce_seed(path: SolverPath, seed: float) -> None:
    data = json.loads((EXAMPLES / "hahnel_corn.json").read_text())
    data["primary_inputs"][1]["availability"] = seed
    result = solve_round(parse_economy(data), path=path)
    # For 0 < S < 1000: capital-intensive at S, labour 6000 - 5 S; corn 6 days, seed rent 5 days.
    assert result.activities.to_dict() == pytest.approx(
        {"labour-intensive": 1000 - seed, "capital-intensive": seed}
    )
    assert result.objective == pytest.approx(6000 - 5 * seed)
    assert result.prices["corn"] == pytest.approx(6.0)
    assert result.rents.to_dict() == pytest.approx({"labour": 0.0, "seed-corn": 5.0})


def kantorovich(path: SolverPath) -> Any:
    machines = {"milling": (3, 10, 20), "turret": (3, 20, 30), "automatic": (1, 30, 80)}
    eco = parse_economy(
        {
            "goods": [
                {"id": "part1", "kind": "intermediate"},
                {"id": "part2", "kind": "intermediate"},
                # a unit penalty per missing set: the LP maximises complete sets
                {"id": "set", "shortfall_penalty": 1.0},
            ],
            "primary_inputs": [
                {"id": m, "kind": "natural_resource", "availability": n, "weight": 0}
                for m, (n, _, _) in machines.items()
            ],
            "worker_councils": [
                {
                    "id": "plant",
                    "techniques": [
                        *[
                            {
                                "id": f"{m}-part{k}",
                                "outputs": {f"part{k}": rate},
                                "primary_inputs": {m: 1},
                            }
                            for m, (_, r1, r2) in machines.items()
                            for k, rate in ((1, r1), (2, r2))
                        ],
                        {
                            "id": "assemble",
                            "outputs": {"set": 1},
                            "inputs": {"part1": 1, "part2": 1},
                        },
                    ],
                }
            ],
            "consumer_councils": [{"id": "orders", "requests": {"set": 1000}}],
        }
    )
    return solve_round(eco, path=path)


@pytest.mark.parametrize("path", PATHS)
def test_kantorovich_machine_example(path: SolverPath) -> None:
    result = kantorovich(path)
    sets = result.activities["assemble"]
    assert sets == pytest.approx(86 + 2 / 3)
    # The unmet orders are the feasibility report, priced at the penalty (1 per set).
    (short,) = result.shortfalls()
    assert short.good == "set" and short.shortfall == pytest.approx(1000 - sets)
    assert not result.feasible
    # Resolving multipliers: part 1 = 2/3, part 2 = 1/3; machine-days 6.667, 13.333, 26.667.
    prices = result.prices
    assert prices["part1"] == pytest.approx(2 / 3)
    assert prices["part2"] == pytest.approx(1 / 3)
    assert result.rents.to_dict() == pytest.approx(
        {"milling": 20 / 3, "turret": 40 / 3, "automatic": 80 / 3}
    )


@pytest.mark.parametrize("path", PATHS)
def test_small_town_by_hand(path: SolverPath) -> None:
    result = solve_round(load_economy(EXAMPLES / "small_town.json"), path=path)
    assert result.objective == pytest.approx(299.0)
    assert result.activities.to_dict() == pytest.approx(
        {"steel-coal": 15, "steel-electric": 13, "bake": 180, "keep-park": 10}
    )
    assert result.prices.to_dict() == pytest.approx({"bread": 1.3, "steel": 3.0, "park": 8.0})
    assert result.pollution_price == pytest.approx([1.0])


# --- binding limits give positive rents and raise the prices of the goods that use them ---


def small_town() -> dict[str, Any]:
    return json.loads((EXAMPLES / "small_town.json").read_text())


def solve_dict(data: dict[str, Any]) -> Any:
    return solve_round(parse_economy(data))


def test_binding_labour_limit_gives_a_rent_and_raises_prices() -> None:
    data = small_town()
    data["primary_inputs"].append({"id": "steelworker", "availability": 1000, "weight": 1})
    # electric steel needs skilled steelworkers; their hours become scarce below 39
    data["worker_councils"][0]["techniques"][1]["primary_inputs"] = {"labour": 2, "steelworker": 1}
    data["worker_councils"][0]["techniques"].append(
        {"id": "steel-manual", "outputs": {"steel": 1}, "primary_inputs": {"labour": 5}}
    )
    loose = solve_dict(data)
    assert loose.rents["steelworker"] == pytest.approx(0.0)
    tight_data = copy.deepcopy(data)
    tight_data["primary_inputs"][2]["availability"] = 5
    tight = solve_dict(tight_data)
    # marginal steel is now manual (5 h) instead of electric (3 h): rent 5 - 3 = 2 per hour
    assert tight.rents["steelworker"] == pytest.approx(2.0)
    assert tight.prices["steel"] == pytest.approx(5.0)
    assert tight.prices["steel"] > loose.prices["steel"]
    for good in ("bread", "park"):
        assert tight.prices[good] > loose.prices[good]
    assert tight.prices["bread"] == pytest.approx(1 + 0.1 * 5)


def test_binding_capacity_gives_a_rent_and_raises_prices() -> None:
    data = small_town()
    data["worker_councils"][0]["techniques"].append(
        {"id": "steel-manual", "outputs": {"steel": 1}, "primary_inputs": {"labour": 5}}
    )
    loose = solve_dict(data)
    data["worker_councils"][0]["techniques"][1]["capacity"] = 10  # electric furnace
    tight = solve_dict(data)
    rents = dict(zip(tight.techniques, tight.capacity_rent.tolist(), strict=True))
    assert rents["steel-electric"] == pytest.approx(2.0)  # manual 5 h - electric 3 h
    assert rents["steel-coal"] == pytest.approx(0.0)
    assert tight.activities["steel-manual"] == pytest.approx(3.0)
    assert tight.prices["steel"] == pytest.approx(5.0)
    assert tight.prices["steel"] > loose.prices["steel"]
    assert tight.prices["park"] > loose.prices["park"]
    # The council at capacity earns more than its social cost: ratio > 1.
    ratio = dict(zip(tight.councils, tight.council_ratio.tolist(), strict=True))
    assert ratio["steelworks"] > 1.0


def test_binding_pollution_cap_gives_a_price_and_raises_prices() -> None:
    data = small_town()
    data["federations"][0]["pollution_caps"]["smoke"] = 1000  # not binding
    loose = solve_dict(data)
    assert loose.pollution_price == pytest.approx([0.0])
    assert loose.prices["steel"] == pytest.approx(2.0)
    data["federations"][0]["pollution_caps"]["smoke"] = 15
    tight = solve_dict(data)
    assert tight.pollution_price == pytest.approx([1.0])
    assert tight.prices["steel"] == pytest.approx(3.0)
    assert tight.prices["steel"] > loose.prices["steel"]
    assert tight.prices["bread"] > loose.prices["bread"]


def test_cap_covers_councils_in_federations_below_only() -> None:
    data = small_town()
    data["federations"][0]["pollution_caps"] = {}
    data["federations"][1]["pollution_caps"] = {"smoke": 0}  # north: the steelworks is in the city
    data["pollutants"][0]["weight"] = 0
    result = solve_dict(data)
    assert result.activities["steel-coal"] == pytest.approx(28.0)  # cap does not reach it
    data["worker_councils"][0]["federation"] = "north"
    result = solve_dict(data)
    assert result.activities["steel-coal"] == pytest.approx(0.0)
    assert result.pollution_price == pytest.approx([1.0])


def test_pollution_damage_weight_is_a_social_cost() -> None:
    data = small_town()
    data["federations"][0]["pollution_caps"] = {}
    data["pollutants"][0]["weight"] = 0.5  # coal: 2 h + 0.5 damage < electric 3 h
    result = solve_dict(data)
    assert result.activities["steel-coal"] == pytest.approx(28.0)
    assert result.prices["steel"] == pytest.approx(2.5)


def test_stock_lowers_the_net_requirement() -> None:
    data = small_town()
    data["goods"][0]["stock"] = 30
    result = solve_dict(data)
    assert result.activities["bake"] == pytest.approx(150.0)


# --- infeasible, unbounded, time limit: a status and a report, never a crash ---


def test_hard_requests_that_cannot_be_met_are_infeasible_with_a_report() -> None:
    data = small_town()
    data["primary_inputs"][0]["availability"] = 200  # 299 h are needed
    result = solve_round(parse_economy(data), elastic=False)
    assert result.termination is TerminationCondition.PROVEN_INFEASIBLE
    assert result.solution is not SolutionStatus.OPTIMAL
    assert not result.feasible
    report = {s.good: s.shortfall for s in result.shortfalls()}
    assert sum(report.values()) > 0
    assert result.shortfalls_from_elastic_resolve
    # Only requests fall short, each by at most what was asked: steel, an input nobody
    # requests, is never reported as "short" (a shortfall may not conjure inputs).
    requested = {g: q for g, q in data["consumer_councils"][0]["requests"].items()}
    for federation in data.get("federations", []):
        requested.update(federation.get("public_requests", {}))
    assert set(report) <= set(requested)
    assert all(report[g] <= requested[g] + 1e-9 for g in report)


def test_elastic_round_reports_the_shortfall_at_the_penalty_price() -> None:
    data = small_town()
    data["primary_inputs"][0]["availability"] = 200
    data["goods"][0]["shortfall_penalty"] = 100.0  # bread: cheaper to drop than park
    result = solve_dict(data)
    assert result.termination is TerminationCondition.OPTIMAL
    (short,) = result.shortfalls()
    assert short.good == "bread"
    # 99 h are missing; each loaf needs 1 h + 0.1 t steel at 3 h (the smoke cap binds): 1.3 h
    assert short.shortfall == pytest.approx(99 / 1.3)
    assert result.prices["bread"] == pytest.approx(100.0)
    # labour is now scarce: one loaf (1.3 h at weight 1 + rent) is worth its penalty
    assert result.rents["labour"] == pytest.approx(100 / 1.3 - 1)


def test_unbounded_lp_gives_a_status() -> None:
    lp = build_round_lp(compile_economy(load_economy(EXAMPLES / "small_town.json")))
    cost = lp.cost.copy()
    cost[1] = -1.0  # electric steel pays to run (impossible from a validated economy) ...
    unlimited = replace(lp.bounds, availability=np.full(2, np.inf))  # ... and labour is unlimited
    result = RoundSolver(replace(lp, cost=cost, bounds=unlimited)).solve()
    assert result.termination in (
        TerminationCondition.UNBOUNDED,
        TerminationCondition.INFEASIBLE_OR_UNBOUNDED,
    )
    assert result.solution is not SolutionStatus.OPTIMAL
    assert result.to_dict()["termination"] == result.termination.value


@pytest.mark.parametrize("method", [Method.SIMPLEX, Method.IPM, Method.PDLP, Method.CHOOSE])
def test_every_method_finds_the_same_prices(method: Method) -> None:
    result = solve_round(load_economy(EXAMPLES / "small_town.json"), method=method)
    assert result.method is method
    tol = 1e-4 if method is Method.PDLP else 1e-7
    assert result.prices.to_dict() == pytest.approx(
        {"bread": 1.3, "steel": 3.0, "park": 8.0}, rel=tol
    )


def test_auto_method_resolves_to_a_concrete_one() -> None:
    result = solve_round(load_economy(EXAMPLES / "small_town.json"))
    assert result.method in (Method.SIMPLEX, Method.IPM, Method.PDLP)


def test_resolve_with_new_requests_reuses_the_model() -> None:
    eco = load_economy(EXAMPLES / "small_town.json")
    solver = RoundSolver(build_round_lp(compile_economy(eco)))
    first = solver.solve()
    highs = solver.model.highs
    bounds = solver.lp.bounds
    requests = bounds.net_requests.copy()
    requests[0] = 280  # bread
    solver.update(replace(bounds, net_requests=requests))
    second = solver.solve()
    assert solver.model.highs is highs
    assert second.activities["bake"] == pytest.approx(280)
    assert second.objective == pytest.approx(first.objective + 100 * 1.3)


def test_threads_are_set_once_per_process() -> None:
    from solver import highs as highs_backend

    current = highs_backend._threads or 1
    configure_threads(current)  # the same value is fine
    with pytest.raises(RuntimeError, match="threads"):
        configure_threads(current + 1)
    with pytest.raises(ValueError, match="threads"):
        configure_threads(0)


def test_a_solve_in_an_interruptible_context_stops_when_its_event_is_set() -> None:
    import threading

    from solver.highs import interruptible
    from solver.scenarios.synthetic import synthetic_economy

    economy = synthetic_economy(300, seed=1)
    event = threading.Event()
    with interruptible(event):
        assert solve_round(economy).termination is TerminationCondition.OPTIMAL
        event.set()
        stopped = solve_round(economy, method=Method.IPM)
    assert stopped.termination is TerminationCondition.INTERRUPTED
    assert solve_round(economy).termination is TerminationCondition.OPTIMAL  # outside: as usual
