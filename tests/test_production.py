"""Production graph: structure, reachability from primary inputs, productivity."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import scipy.sparse as sp

from solver import ProductionError, check_production, load_economy, parse_economy, solve_round
from solver.economy import Economy, ProductionReport
from solver.economy.leontief import paired_outputs
from solver.economy.production import production_graph, technology_matrices

EXAMPLES = Path(__file__).resolve().parents[1] / "solver" / "scenarios" / "examples"


def small_town() -> dict[str, Any]:
    return json.loads((EXAMPLES / "small_town.json").read_text())


def _checked(economy: Economy) -> ProductionReport:
    return check_production(economy, technology_matrices(economy))


def test_matrices_follow_the_techniques() -> None:
    tech = technology_matrices(load_economy(EXAMPLES / "small_town.json"))
    assert tech.goods == ["bread", "steel", "park"]
    assert tech.techniques == ["steel-coal", "steel-electric", "bake", "keep-park"]
    assert tech.net_output.toarray().tolist() == [
        [0, 0, 1, 0],
        [1, 1, -0.1, -1],
        [0, 0, 0, 1],
    ]
    assert tech.primary_use.toarray().tolist() == [[2, 3, 1, 5], [0, 0, 0, 2]]
    assert tech.emissions.toarray().tolist() == [[1, 0, 0, 0]]
    assert tech.council.tolist() == [0, 0, 1, 2]
    assert np.isinf(tech.capacity).all()


def test_graph_nodes_and_weighted_edges() -> None:
    graph = production_graph(technology_matrices(load_economy(EXAMPLES / "small_town.json")))
    assert graph.nodes[("technique", "bake")]["kind"] == "technique"
    assert graph.edges[("good", "steel"), ("technique", "bake")]["weight"] == 0.1
    assert graph.edges[("technique", "steel-coal"), ("pollutant", "smoke")]["weight"] == 1
    assert graph.edges[("primary", "land"), ("technique", "keep-park")]["weight"] == 2
    assert graph.number_of_edges() == 4 + 5 + 2 + 1  # outputs + primary uses + inputs + emission


def test_small_town_is_productive() -> None:
    report = _checked(load_economy(EXAMPLES / "small_town.json"))
    assert report.ok
    assert report.spectral_radius is None  # two techniques for steel: not a square system


def test_requested_good_without_a_route_from_primary_inputs() -> None:
    data = small_town()
    data["goods"].append({"id": "cake"})
    data["worker_councils"].append(
        {  # cake only from cake: a closed loop that never touches a primary input
            "id": "magic",
            "techniques": [{"id": "cake-from-cake", "outputs": {"cake": 2}, "inputs": {"cake": 1}}],
        }
    )
    data["consumer_councils"][0]["requests"]["cake"] = 5
    report = _checked(parse_economy(data))
    assert report.unreachable == ["cake"]
    with pytest.raises(ProductionError, match=r"goods\['cake'\]: requested but cannot be produced"):
        solve_round(parse_economy(data))


def test_non_productive_coefficients_name_the_goods() -> None:
    # Leontief system: iron needs 0.6 coal, coal needs 2 iron: spectral radius sqrt(1.2) > 1.
    data = {
        "goods": [{"id": "iron"}, {"id": "coal"}, {"id": "bread"}],
        "primary_inputs": [{"id": "labour"}],
        "worker_councils": [
            {
                "id": "mill",
                "techniques": [
                    {
                        "id": "smelt",
                        "outputs": {"iron": 1},
                        "inputs": {"coal": 0.6},
                        "primary_inputs": {"labour": 1},
                    }
                ],
            },
            {
                "id": "mine",
                "techniques": [
                    {
                        "id": "dig",
                        "outputs": {"coal": 1},
                        "inputs": {"iron": 2},
                        "primary_inputs": {"labour": 1},
                    }
                ],
            },
            {
                "id": "bakery",
                "techniques": [
                    {"id": "bake", "outputs": {"bread": 1}, "primary_inputs": {"labour": 1}}
                ],
            },
        ],
        "consumer_councils": [{"id": "c", "requests": {"bread": 1, "iron": 1}}],
    }
    report = _checked(parse_economy(data))
    assert report.spectral_radius == pytest.approx(np.sqrt(1.2))
    assert report.unsustainable == ["iron", "coal"]
    assert report.unreachable == []
    with pytest.raises(ProductionError) as info:
        solve_round(parse_economy(data))
    message = str(info.value)
    assert "not productive (spectral radius of the input coefficients 1.09545 >= 1)" in message
    assert "'iron', 'coal'" in message and "bread" not in message
    # A second technique for coal that needs no iron makes the economy productive again.
    data["worker_councils"][1]["techniques"].append(
        {"id": "dig-by-hand", "outputs": {"coal": 1}, "primary_inputs": {"labour": 3}}
    )
    assert _checked(parse_economy(data)).ok


def test_leontief_square_case_reports_the_spectral_radius() -> None:
    a = [[0.15, 0.25], [0.20, 0.05]]
    data = {
        "goods": [{"id": "g0"}, {"id": "g1"}],
        "primary_inputs": [{"id": "labour"}],
        "worker_councils": [
            {
                "id": f"w{j}",
                "techniques": [
                    {
                        "id": f"t{j}",
                        "outputs": {f"g{j}": 2.0},  # output scale must not matter
                        "inputs": {f"g{i}": 2.0 * a[i][j] for i in range(2)},
                        "primary_inputs": {"labour": 1},
                    }
                ],
            }
            for j in range(2)
        ],
    }
    report = _checked(parse_economy(data))
    assert report.ok
    assert report.spectral_radius == pytest.approx(max(abs(np.linalg.eigvals(np.array(a)))))
    # a solve's check leaves out the eigenvalue solve where nothing needs it
    economy = parse_economy(data)
    unasked = check_production(economy, technology_matrices(economy), radius=False)
    assert unasked.ok and unasked.spectral_radius is None


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_sparse_reachability_is_the_production_graphs(seed: int) -> None:
    import networkx as nx

    from solver.economy.production import reachable_goods
    from solver.scenarios import synthetic_economy

    data = json.loads(synthetic_economy(40, seed=seed).model_dump_json())
    rng = np.random.default_rng(seed)
    for k in rng.choice(len(data["goods"]), size=3, replace=False):  # cut some goods off
        loop = data["goods"][int(k)]["id"]
        data["worker_councils"] = [
            w for w in data["worker_councils"]
            if not any(loop in t["outputs"] for t in w["techniques"])
        ]  # fmt: skip
        data["worker_councils"].append(
            {"id": f"loop-{loop}", "techniques": [
                {"id": f"loop-{loop}", "outputs": {loop: 2}, "inputs": {loop: 1}}]}
        )  # fmt: skip
    tech = technology_matrices(parse_economy(data))
    graph = production_graph(tech)
    graph.add_edges_from((("source", ""), ("primary", p)) for p in tech.primary_inputs)
    seen = nx.descendants(graph, ("source", ""))
    expected = [("good", g) in seen for g in tech.goods]
    assert reachable_goods(tech).tolist() == expected
    assert not all(expected)  # the loops' goods (and what only they feed) are cut off


@pytest.mark.parametrize("depth", [3, 40])
def test_reachability_down_a_chain_deeper_than_the_levels_is_the_graphs(depth: int) -> None:
    """Good k made from good k-1, good 0 from labour: reached level by level (3 goods) or,
    past SHALLOW_LEVELS, by the search (40); a good made only from itself stays cut off."""
    import networkx as nx

    from solver.economy.production import SHALLOW_LEVELS, reachable_goods

    assert (depth > SHALLOW_LEVELS) == (depth == 40)
    chain = [
        {
            "id": "w0",
            "techniques": [{"id": "t0", "outputs": {"g0": 1}, "primary_inputs": {"labour": 1}}],
        }
    ]
    chain += [
        {
            "id": f"w{k}",
            "techniques": [{"id": f"t{k}", "outputs": {f"g{k}": 1}, "inputs": {f"g{k - 1}": 0.5}}],
        }
        for k in range(1, depth)
    ]
    chain.append({"id": "loop", "techniques": [
        {"id": "loop", "outputs": {"cut": 2}, "inputs": {"cut": 1}}]})  # fmt: skip
    economy = parse_economy({
        "name": "chain",
        "goods": [{"id": f"g{k}"} for k in range(depth)] + [{"id": "cut"}],
        "primary_inputs": [{"id": "labour", "kind": "labour"}],
        "worker_councils": chain,
    })  # fmt: skip
    tech = technology_matrices(economy)
    graph = production_graph(tech)
    graph.add_edges_from((("source", ""), ("primary", p)) for p in tech.primary_inputs)
    seen = nx.descendants(graph, ("source", ""))
    assert reachable_goods(tech).tolist() == [("good", g) in seen for g in tech.goods]
    assert reachable_goods(tech).tolist() == [True] * depth + [False]
    # a stored zero is an edge, of the graph built from the same arrays too
    inputs = sp.csc_array(tech.inputs, copy=True)
    inputs.data[:] = 0.0
    zeros = dataclasses.replace(tech, inputs=inputs)
    assert production_graph(zeros).number_of_edges() == graph.number_of_edges() - 1
    assert reachable_goods(zeros).tolist() == [True] * depth + [False]


def test_paired_outputs_pairs_each_good_with_the_technique_it_mostly_comes_from() -> None:
    # technique 0 mostly makes good 1 (and good 0 as a byproduct), technique 1 good 0
    outputs = sp.csc_array(np.array([[0.2, 1.0], [1.0, 0.0]]))
    assert paired_outputs(outputs, 2).tolist() == [1, 0]
    # two techniques mostly making the same good, a technique making nothing, no goods
    assert paired_outputs(sp.csc_array(np.array([[1.0, 1.0], [0.5, 0.0]])), 2) is None
    assert paired_outputs(sp.csc_array(np.array([[1.0, 0.0], [0.0, 0.0]])), 2) is None
    assert paired_outputs(sp.csc_array((0, 0)), 0) is None
