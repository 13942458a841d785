"""Technique-choice planning economies: what they hold, and the lp rule planning them."""

from __future__ import annotations

import pytest

from solver import plan
from solver.economy.model import FederationLevel, parse_economy
from solver.scenarios.technique_choice import technique_choice_economy


@pytest.fixture(scope="module")
def economy_30():
    return technique_choice_economy(30, seed=0)


def test_the_economy_has_the_features_of_technique_choice(economy_30) -> None:
    eco = economy_30
    assert eco.model_dump() == technique_choice_economy(30, seed=0).model_dump()  # by seed
    assert eco.model_dump() != technique_choice_economy(30, seed=1).model_dump()
    # round trip through the public economy file
    assert parse_economy(eco.model_dump_json()).model_dump() == eco.model_dump()
    made_by: dict[str, set[str]] = {}
    for wc in eco.worker_councils:
        for t in wc.techniques:
            assert t.capacity is not None and t.capacity > 0
            for good in t.outputs:
                made_by.setdefault(good, set()).add(wc.id)
    assert any(len(c) == 2 for c in made_by.values())  # a good made by two councils
    # a council with a clean technique and a dirtier one
    assert any(
        any(not t.emissions for t in wc.techniques) and any(t.emissions for t in wc.techniques)
        for wc in eco.worker_councils
    )
    levels = {
        pol: f.level for f in eco.federations for pol in f.pollution_caps
    }  # two pollutants capped at different levels
    assert levels == {"pol0": FederationLevel.CITY, "pol1": FederationLevel.NEIGHBOURHOOD}
    sigmas = [cc.substitution_elasticity for cc in eco.consumer_councils]
    assert 0.5 <= min(sigmas) < max(sigmas) <= 1.5


def test_bad_arguments_are_named() -> None:
    with pytest.raises(ValueError, match="substitution_elasticity"):
        technique_choice_economy(30, substitution_elasticity=(2.0, 1.0))
    with pytest.raises(ValueError, match="cap_share"):
        technique_choice_economy(30, cap_share=0.0)
    with pytest.raises(ValueError, match="n_goods"):
        technique_choice_economy(3)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_lp_rule_plans_technique_choice_in_a_few_rounds(seed: int) -> None:
    # measured 3-4 rounds at tolerance 0.01 for seeds 0-2 (with one master solve a round
    # and the technique steps of before, the same kind of economy stalled at excess 1.9)
    result = plan(technique_choice_economy(30, seed=seed), "lp", tolerance=0.01)
    assert result.converged and len(result.rounds) <= 5
    items = result.items
    limits = items[items.kind.astype(str).isin(["permit", "natural_resource"])]
    # the scarce resource and both caps bind: positive prices, supply used up
    binding = limits[limits.price > 1e-3 * items.price.mean()]
    assert {"resource0", "permit:pol0@city"} <= set(binding.index)
    assert any(i.startswith("permit:pol1@") for i in binding.index)
    assert (binding.relative_excess <= 0.01).all()
    # prices choose techniques: most goods are made by two or more techniques at once
    activity = result.activity
    good = activity.index.str.split("/").str[0]
    share = activity / activity.groupby(good).transform("sum")
    mixed = (share > 0.05).groupby(good).sum()
    assert int((mixed >= 2).sum()) >= len(mixed) // 2
