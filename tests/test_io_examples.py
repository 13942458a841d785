"""Planning examples built from input-output tables with simulated councils."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from solver import solve_round
from solver.economy.budgets import consumer_budgets
from solver.economy.model import Economy, GoodKind, load_economy, parse_economy
from solver.planning.from_economy import market_from_economy
from solver.planning.session import run_planning
from solver.scenarios.io_examples import (
    default_emitters,
    default_public_goods,
    emissions,
    germany_1995_planning,
    usa_2014_planning,
    with_simulated_councils,
)

EXAMPLES = Path(__file__).resolve().parents[1] / "solver" / "scenarios" / "examples"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="module")
def germany() -> Economy:
    return load_economy(EXAMPLES / "germany_1995.json")


@pytest.fixture(scope="module")
def generated() -> dict[str, Economy]:
    return {
        "germany_1995_planning.json": germany_1995_planning(),
        "usa_2014_planning.json": usa_2014_planning(DATA / "wiod2016_usa_niot_sea"),
    }


def _close(a: Any, b: Any, path: str = "") -> list[str]:
    """Differences between two JSON values, numbers to 2e-5 relative."""
    if isinstance(a, dict) and isinstance(b, dict):
        if a.keys() != b.keys():
            return [f"{path}: keys {sorted(a.keys() ^ b.keys())}"]
        return [d for k in a for d in _close(a[k], b[k], f"{path}.{k}")]
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [f"{path}: length {len(a)} vs {len(b)}"]
        return [
            d
            for i, (x, y) in enumerate(zip(a, b, strict=True))
            for d in _close(x, y, f"{path}[{i}]")
        ]
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return [] if math.isclose(a, b, rel_tol=2e-5, abs_tol=1e-12) else [f"{path}: {a} vs {b}"]
    return [] if a == b else [f"{path}: {a!r} vs {b!r}"]


@pytest.mark.parametrize("name", ["germany_1995_planning.json", "usa_2014_planning.json"])
def test_bundled_files_match_the_generator(name: str, generated: dict[str, Economy]) -> None:
    path = EXAMPLES / name
    assert path.stat().st_size < 1_000_000
    bundled = json.loads(path.read_text())
    fresh = json.loads(generated[name].model_dump_json(exclude_defaults=True))
    diffs = _close(bundled, fresh)
    assert not diffs, "regenerate with `python -m solver.scenarios.io_examples`:\n" + "\n".join(
        diffs[:10]
    )


@pytest.mark.parametrize("name", ["germany_1995_planning.json", "usa_2014_planning.json"])
def test_generated_economies_validate_and_are_plannable(
    name: str, generated: dict[str, Economy]
) -> None:
    eco = parse_economy(generated[name].model_dump_json())
    market_from_economy(eco)  # raises on anything planning cannot use
    assert all(t.capacity is not None and t.capacity > 0 for _, t in eco.techniques())
    assert all(p.availability is not None for p in eco.primary_inputs)
    assert all(cc.preferences and cc.federation for cc in eco.consumer_councils)
    assert all(wc.federation for wc in eco.worker_councils)
    assert len({cc.effort_rating for cc in eco.consumer_councils}) > 1
    assert len({cc.members for cc in eco.consumer_councils}) > 1
    public = {g.id for g in eco.goods if g.kind is GoodKind.PUBLIC}
    assert public
    city, *hoods = eco.federations
    assert city.pollution_caps and all(f.parent == city.id for f in hoods)
    assert set(city.public_preferences) <= public
    budgets = consumer_budgets(eco)
    assert np.all(budgets.private > 0) and np.all(budgets.federation > 0)


def test_requests_split_the_observed_final_demand(germany: Economy) -> None:
    eco = with_simulated_councils(germany)
    observed = germany.consumer_councils[0].requests
    total: dict[str, float] = {}
    for cc in eco.consumer_councils:
        for g, q in cc.requests.items():
            total[g] = total.get(g, 0.0) + q
    for f in eco.federations:
        for g, q in f.public_requests.items():
            total[g] = total.get(g, 0.0) + q
    assert total.keys() == observed.keys()
    for g, q in observed.items():
        assert total[g] == pytest.approx(q, rel=1e-5)


def test_deterministic_for_a_seed(germany: Economy) -> None:
    a = with_simulated_councils(germany, seed=3)
    b = with_simulated_councils(germany, seed=3)
    c = with_simulated_councils(germany, seed=4)
    assert a.model_dump() == b.model_dump()
    assert a.model_dump() != c.model_dump()
    assert germany.consumer_councils[0].id == "final_demand"  # the source is not changed
    assert germany.techniques()[0][1].capacity is None


def test_pollution_cap_binds_at_the_observed_plan(germany: Economy) -> None:
    eco = with_simulated_councils(germany, cap_share=0.9)
    observed = solve_round(germany).activity
    assert observed is not None
    cap = eco.federations[0].pollution_caps["co2"]
    assert emissions(eco, observed, "co2") == pytest.approx(cap / 0.9, rel=1e-5)
    # The observed plan breaks the cap, and capacities leave room for it.
    for (_, t), x in zip(eco.techniques(), observed, strict=True):
        assert t.capacity == pytest.approx(1.3 * x, rel=1e-5)


def test_defaults_pick_public_and_polluting_sectors(germany: Economy) -> None:
    assert default_public_goods(germany) == ["cpa_other"]
    assert set(default_emitters(germany)) == {"cpa_c", "cpa_g_i"}
    eco = with_simulated_councils(germany, pollutant=None, public_goods=[])
    assert not eco.pollutants and not eco.federations[0].pollution_caps
    assert all(g.kind is GoodKind.PRIVATE for g in eco.goods)


def test_bad_arguments(germany: Economy) -> None:
    with pytest.raises(ValueError, match="unknown goods"):
        with_simulated_councils(germany, public_goods=["nope"])
    with pytest.raises(ValueError, match="capacity_headroom"):
        with_simulated_councils(germany, capacity_headroom=0.5)


@pytest.mark.parametrize("rule", ["lp", "hybrid"])
def test_planning_converges_on_germany(rule: str, generated: dict[str, Economy]) -> None:
    eco = generated["germany_1995_planning.json"]
    result = run_planning(market_from_economy(eco), rule, tolerance=0.01, max_rounds=300)
    assert result.converged
    prices = result.prices  # labelled by item id
    assert prices["permit:co2@city"] > 0.01 * prices.mean()  # the cap is scarce
    # complementary slackness: a priced cap is used up, within the tolerance, and no item
    # is out of it; the plan's emissions are the techniques' rates times their activities
    items = result.items
    assert items["relative_excess"].max() <= 0.01
    cap = eco.federations[0].pollution_caps["co2"]
    assert items.loc["permit:co2@city", "supply"] == pytest.approx(cap)
    rates = {t.id: t.emissions.get("co2", 0.0) for _, t in eco.techniques()}
    emitted = sum(rates[t] * x for t, x in result.activity.items())
    assert emitted == pytest.approx(items.loc["permit:co2@city", "demand"], rel=1e-9)
    assert emitted == pytest.approx(cap, rel=0.01)


def test_goods_valued_at_zero_still_get_councils_requests() -> None:
    # synthetic economies have by-products that the observed plan values at zero; the
    # councils' shares of their demand used to come out as 0 / 0
    from solver.scenarios.synthetic import synthetic_economy

    economy = with_simulated_councils(synthetic_economy(3000, seed=0))
    requests = [q for cc in economy.consumer_councils for q in cc.requests.values()]
    assert requests and all(np.isfinite(q) and q >= 0 for q in requests)
