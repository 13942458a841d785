"""Economy model: JSON round trip, schema, and one clear error per kind of bad input."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from solver import EconomyValidationError, GoodKind, load_economy, parse_economy, save_economy
from solver.economy.model import economy_json_schema

EXAMPLES = Path(__file__).resolve().parents[1] / "solver" / "scenarios" / "examples"


def base() -> dict[str, Any]:
    return json.loads((EXAMPLES / "small_town.json").read_text())


def problems_of(data: dict[str, Any]) -> list[str]:
    with pytest.raises(EconomyValidationError) as info:
        parse_economy(data)
    return [str(p) for p in info.value.problems]


def test_example_loads_and_round_trips(tmp_path: Path) -> None:
    eco = load_economy(EXAMPLES / "small_town.json")
    assert [g.kind for g in eco.goods] == [GoodKind.PRIVATE, GoodKind.INTERMEDIATE, GoodKind.PUBLIC]
    save_economy(eco, tmp_path / "e.json")
    again = load_economy(tmp_path / "e.json")
    assert again == eco


def test_json_schema_describes_the_file() -> None:
    schema = json.loads(economy_json_schema())
    assert set(schema["required"]) == {"goods", "primary_inputs", "worker_councils"}
    assert "Technique" in schema["$defs"]


def test_federation_ancestors() -> None:
    eco = load_economy(EXAMPLES / "small_town.json")
    assert eco.federation_ancestors()["south"] == ["south", "city"]


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (
            lambda d: d["worker_councils"][1]["techniques"][0]["inputs"].update({"steal": 1}),
            "worker_councils[1].techniques[0].inputs['steal']: unknown good 'steal'",
        ),
        (
            lambda d: d["worker_councils"][0]["techniques"][0]["primary_inputs"].update(
                {"labor": 1}
            ),
            "worker_councils[0].techniques[0].primary_inputs['labor']: "
            "unknown primary input 'labor'",
        ),
        (
            lambda d: d["worker_councils"][0]["techniques"][0]["emissions"].update({"soot": 1}),
            "worker_councils[0].techniques[0].emissions['soot']: unknown pollutant 'soot'",
        ),
        (
            lambda d: d["worker_councils"][1]["techniques"][0]["inputs"].update({"steel": -0.1}),
            "worker_councils[1].techniques[0].inputs['steel']: "
            "Input should be greater than or equal to 0",
        ),
        (
            lambda d: d["worker_councils"][0]["techniques"][0].update({"capacity": -5}),
            "worker_councils[0].techniques[0].capacity: Input should be greater than or equal to 0",
        ),
        (
            lambda d: d["primary_inputs"][0].update({"availability": -1}),
            "primary_inputs[0].availability: Input should be greater than or equal to 0",
        ),
        (
            lambda d: d["goods"].append({"id": "bread"}),
            "goods: duplicate id 'bread'",
        ),
        (
            lambda d: d["worker_councils"][2]["techniques"][0].update({"id": "bake"}),
            "worker_councils[*].techniques: duplicate id 'bake'",
        ),
        (
            lambda d: d["federations"][0].update({"parent": "south"}),
            "federations[0].parent: federation tree has a cycle: city -> south -> city",
        ),
        (
            lambda d: d["federations"][1].update({"parent": "county"}),
            "federations[1].parent: unknown federation 'county'",
        ),
        (
            lambda d: d["worker_councils"][0].update({"federation": "suburb"}),
            "worker_councils[0].federation: unknown federation 'suburb'",
        ),
        (
            lambda d: d["consumer_councils"][0]["requests"].update({"park": 3}),
            "consumer_councils[0].requests['park']: good 'park' is public; consumer councils "
            "request private goods (public goods are requested by federations)",
        ),
        (
            lambda d: d["federations"][2]["public_requests"].update({"bread": 3}),
            "federations[2].public_requests['bread']: good 'bread' is private, not public",
        ),
        (
            lambda d: d["consumer_councils"][0]["requests"].update({"bread": float("nan")}),
            "consumer_councils[0].requests['bread']: Input should be a finite number",
        ),
        (
            lambda d: d["worker_councils"][0]["techniques"][0].update({"outputs": {"steel": 0}}),
            "worker_councils[0].techniques[0].outputs: a technique must output some good",
        ),
        (
            lambda d: d["consumer_councils"][0].update({"members": 0}),
            "consumer_councils[0].members: Input should be greater than or equal to 1",
        ),
        (
            lambda d: d["goods"][0].update({"colour": "brown"}),
            "goods[0].colour: Extra inputs are not permitted",
        ),
        (
            lambda d: d["primary_inputs"].append({"id": "bread"}),
            "primary_inputs: id 'bread' is also a good's id",
        ),
        (  # a union (a number or "vote"): one problem saying both
            lambda d: d["federations"][0]["pollution_caps"].update({"smoke": -3}),
            "federations[0].pollution_caps['smoke']: "
            "Input should be greater than or equal to 0, or input should be 'vote'",
        ),
        # bounded, so that no total of the plan overflows to infinity (issue #15)
        (
            lambda d: d["primary_inputs"][0].update({"availability": 1e308}),
            "primary_inputs[0].availability: "
            "Input should be less than or equal to 1000000000000000",
        ),
        (
            lambda d: d["worker_councils"][0]["techniques"][0]["primary_inputs"].update(
                {"labour": 2e15}
            ),
            "worker_councils[0].techniques[0].primary_inputs['labour']: "
            "Input should be less than or equal to 1000000000000000",
        ),
    ],
)
def test_bad_input_names_the_field(mutate: Any, expected: str) -> None:
    data = copy.deepcopy(base())
    mutate(data)
    assert expected in problems_of(data)


def test_every_problem_is_reported_at_once() -> None:
    data = base()
    data["worker_councils"][1]["techniques"][0]["inputs"]["steal"] = 1
    data["federations"][1]["parent"] = "county"
    assert len(problems_of(data)) == 2


def test_malformed_json_is_a_validation_error() -> None:
    with pytest.raises(EconomyValidationError, match="Invalid JSON"):
        parse_economy('{"goods": [')


def test_committed_schema_file_matches_the_model() -> None:
    committed = (EXAMPLES.parents[1] / "economy" / "schema.json").read_text()
    hint = "regenerate it: parplan schema > solver/economy/schema.json"
    assert committed == economy_json_schema(), hint
