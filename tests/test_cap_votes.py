"""Pollution caps left to a vote, weighted by members x exposure (issue #14, point 2).

The hand-computed case: a region R of two cities, C1 (neighbourhoods N1 and N2) and C2
(neighbourhood N3); the only emitter, a factory in N2, can run 100 units emitting 2 of
smoke each (200 at capacity). With the default decay 0.5 the exposures are

* N2: 200 (the chimney is in the neighbourhood, d = 0),
* N1: 200 x 0.5 = 100 (they meet in C1, one level up),
* N3: 200 x 0.25 = 50 (they meet in R, two levels up).

Members 50, 50 and 40 prefer caps of 100, 20 and 150. By headcount (total 140, half 70) the
weighted median is 100: N2's 50 reach only 50 at cap 20, N1's bring it to 100. By members x
exposure (10,000 for N2, 5,000 for N1, 2,000 for N3; half of 17,000 is 8,500) N2 alone
reaches half at cap 20: those who breathe the smoke decide.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from solver import parse_economy, solve_round
from solver.economy.cap_votes import cap_votes, decided_caps, weighted_median
from solver.economy.model import EconomyValidationError
from solver.planning.from_economy import market_from_economy
from solver.planning.ledger import ledger_record, ledger_tables
from solver.usecases import plan

SMOKY: dict[str, Any] = {
    "name": "smoky-region",
    "goods": [{"id": "widget"}, {"id": "bread"}],
    "primary_inputs": [{"id": "labour", "availability": 1000}],
    "pollutants": [{"id": "smoke"}],
    "federations": [
        {"id": "R", "level": "region", "pollution_caps": {"smoke": "vote"}},
        {"id": "C1", "level": "city", "parent": "R"},
        {"id": "C2", "level": "city", "parent": "R"},
        {"id": "N1", "parent": "C1", "preferred_caps": {"smoke": 100}},
        {"id": "N2", "parent": "C1", "preferred_caps": {"smoke": 20}},
        {"id": "N3", "parent": "C2", "preferred_caps": {"smoke": 150}},
    ],
    "worker_councils": [
        {
            "id": "factory",
            "federation": "N2",
            "techniques": [
                {
                    "id": "widgets",
                    "outputs": {"widget": 1},
                    "primary_inputs": {"labour": 1},
                    "emissions": {"smoke": 2},
                    "capacity": 100,
                }
            ],
        },
        {
            "id": "bakery",
            "federation": "N1",
            "techniques": [
                {
                    "id": "bread",
                    "outputs": {"bread": 1},
                    "primary_inputs": {"labour": 1},
                    "capacity": 500,
                }
            ],
        },
    ],
    "consumer_councils": [
        {
            "id": "cc1",
            "federation": "N1",
            "members": 50,
            "requests": {"widget": 20, "bread": 100},
        },
        {
            "id": "cc2",
            "federation": "N2",
            "members": 50,
            "requests": {"widget": 20, "bread": 100},
        },
        {
            "id": "cc3",
            "federation": "N3",
            "members": 40,
            "requests": {"widget": 20, "bread": 100},
        },
    ],
}


def parplan(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "solver.cli", *args], capture_output=True, text=True, timeout=120
    )


def smoky(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(SMOKY)
    for fid, fields in changes.items():
        fed = next(f for f in data["federations"] if f["id"] == fid)
        fed.update(fields)
    return data


def test_weighted_median_is_the_lowest_value_reaching_half_the_weight() -> None:
    assert weighted_median(np.array([3.0, 1.0, 2.0]), np.ones(3)) == 2.0
    assert weighted_median(np.array([20.0, 10.0]), np.ones(2)) == 10.0  # a tie: the stricter
    assert weighted_median(np.array([10.0, 20.0, 30.0]), np.array([1.0, 0.0, 3.0])) == 30.0
    assert weighted_median(np.array([5.0]), np.array([0.1])) == 5.0
    with pytest.raises(ValueError, match="sum to zero"):
        weighted_median(np.array([1.0, 2.0]), np.zeros(2))
    with pytest.raises(ValueError, match=">= 0"):
        weighted_median(np.array([1.0, 2.0]), np.array([1.0, -1.0]))


def test_exposure_gives_the_neighbourhood_beside_the_chimney_its_say() -> None:
    economy = parse_economy(json.dumps(SMOKY))
    (vote,) = cap_votes(economy)
    voters = {v.federation: v for v in vote.voters}
    assert {f: v.exposure for f, v in voters.items()} == {"N1": 100.0, "N2": 200.0, "N3": 50.0}
    assert {f: v.weight for f, v in voters.items()} == {"N1": 5000.0, "N2": 10000.0, "N3": 2000.0}
    assert (vote.cap, vote.headcount_cap, vote.basis) == (20.0, 100.0, "exposure")
    shares = {v["federation"]: v["share"] for v in vote.to_dict()["voters"]}
    assert shares["N2"] == pytest.approx(10 / 17)
    assert decided_caps(economy, cap_votes(economy)) == {("R", "smoke"): 20.0}

    # the round's LP keeps the factory to 10 units (20 of smoke) although 60 widgets are asked
    result = solve_round(economy)
    activity = dict(zip(result.techniques, result.activity.tolist(), strict=True))
    assert activity["widgets"] == pytest.approx(10.0)
    assert result.pollution_price is not None and result.pollution_price[0] > 0


def test_the_decay_is_the_capping_federations_and_changes_the_outcome() -> None:
    # with no decay everyone is as exposed as the chimney's neighbours: headcount again
    (flat,) = cap_votes(parse_economy(json.dumps(smoky(R={"exposure_decay": 1.0}))))
    assert {v.federation: v.exposure for v in flat.voters} == {"N1": 200, "N2": 200, "N3": 200}
    assert flat.cap == flat.headcount_cap == 100.0
    # N2 alone exposed (steep decay): still 20, N3's 40 members count for almost nothing
    (steep,) = cap_votes(parse_economy(json.dumps(smoky(R={"exposure_decay": 0.01}))))
    assert steep.cap == 20.0
    assert {v.federation: v.exposure for v in steep.voters}["N3"] == pytest.approx(0.02)


def test_nobody_exposed_means_the_headcount_decides() -> None:
    data = smoky()
    data["worker_councils"][0]["federation"] = None  # the factory is nowhere: exposes no one
    (vote,) = cap_votes(parse_economy(json.dumps(data)))
    assert (vote.cap, vote.basis) == (100.0, "headcount")


def test_the_plan_and_the_ledger_publish_the_decision() -> None:
    economy = parse_economy(json.dumps(SMOKY))
    result = plan(economy, "lp", max_rounds=30)
    published = result.to_dict()["cap_votes"]
    assert published == [vote.to_dict() for vote in cap_votes(economy)]
    assert published[0]["cap"] == 20.0 and published[0]["headcount_cap"] == 100.0
    market = market_from_economy(economy)
    assert market.fixed_supply[market.labels.index("permit:smoke@R")] == 20.0
    assert result.activity.loc["widgets"].item() * 2 <= 20.0 * (1 + result.tolerance)
    record = ledger_record(market, result.rounds[-1], result.proposals, result.evaluation, "0" * 64)
    assert record["cap_votes"] == published


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            {"R": {"pollution_caps": {"soot": "vote"}}},
            "federations[0].pollution_caps['soot']",
            "unknown pollutant",
        ),
        (
            {"N2": {"preferred_caps": {"smoke": -5}}},
            "preferred_caps",
            "greater than or equal to 0",
        ),
        (
            {"N1": {"preferred_caps": {"soot": 5}}},
            "federations[3].preferred_caps['soot']",
            "unknown pollutant",
        ),
        (
            {
                "N1": {"preferred_caps": {}},
                "N2": {"preferred_caps": {}},
                "N3": {"preferred_caps": {}},
            },
            "federations[0].pollution_caps['smoke']",
            "no federation below 'R' states preferred_caps",
        ),
        (
            {"R": {"exposure_decay": 0}},
            "exposure_decay",
            "greater than 0",
        ),
        (
            {"R": {"pollution_caps": {"smoke": "ballot"}}},
            "pollution_caps",
            "vote",
        ),
    ],
)
def test_bad_votes_are_refused_naming_the_field(
    change: dict[str, Any], field: str, message: str
) -> None:
    with pytest.raises(EconomyValidationError) as err:
        parse_economy(json.dumps(smoky(**change)))
    text = str(err.value)
    assert field in text and message in text, text


def test_an_emitter_without_capacity_cannot_be_weighed() -> None:
    data = smoky()
    del data["worker_councils"][0]["techniques"][0]["capacity"]
    with pytest.raises(EconomyValidationError) as err:
        parse_economy(json.dumps(data))
    assert "worker_councils[0].techniques[0].capacity" in str(err.value)
    assert "left to a vote" in str(err.value)


def test_parplan_plan_reports_the_vote_and_the_ledger_tables_hold_it(tmp_path: Path) -> None:
    path = tmp_path / "smoky.json"
    path.write_text(json.dumps(SMOKY))
    folder = tmp_path / "ledger"
    run = parplan("plan", str(path), "--ledger", str(folder), "--quiet")
    assert run.returncode == 0, run.stderr
    assert "cap vote     smoke in R: 20 by members x exposure (3 voters; headcount 100)" in (
        run.stdout
    )
    votes = ledger_tables(folder)["cap_votes"]
    first = votes[votes["round"] == 1].set_index("voter_federation")
    assert first["voter_weight"].to_dict() == {"N1": 5000.0, "N2": 10000.0, "N3": 2000.0}
    assert set(first["cap"]) == {20.0} and set(first["headcount_cap"]) == {100.0}
