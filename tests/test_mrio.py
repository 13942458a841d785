"""Economies from pymrio systems: pymrio's own test MRIO read as it comes, prices checked
against the multipliers pymrio computes for it."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from solver import Economy, RoundResult, economy_from_pymrio, solve_round
from solver.economy.io.table import IOTableError
from solver.status import TerminationCondition

pymrio = pytest.importorskip("pymrio", reason="pymrio is a dev dependency: pip install -e '.[dev]'")


@pytest.fixture(scope="module")
def calculated() -> Any:
    io = pymrio.load_test()
    io.calc_all()
    return io


def _solved(economy: Economy) -> RoundResult:
    result = solve_round(economy, check=True)
    assert result.termination is TerminationCondition.OPTIMAL
    assert result.price is not None and result.activity is not None
    return result


def test_defaults_work_as_called_on_the_test_system(calculated: Any) -> None:
    io = pymrio.load_test()  # as loaded: Z, Y and extensions' F only, no x, A or M
    economy = economy_from_pymrio(io)
    regions = list(io.get_regions())
    assert economy.name == "testmrio"
    assert [f.id for f in economy.federations] == regions
    assert [g.id for g in economy.goods] == [f"{r}/{s}" for r, s in io.Z.index]
    assert {g.unit for g in economy.goods} == {"Mill USD"}
    assert [(p.id, p.unit) for p in economy.primary_inputs] == [("Value Added", "Mill USD")]
    assert [c.federation for c in economy.consumer_councils] == regions
    for council in economy.consumer_councils:  # each region's final demand, summed
        region = council.federation
        wanted = io.Y.xs(region, axis=1, level="region").sum(axis=1)
        assert sum(council.requests.values()) == pytest.approx(wanted.clip(lower=0).sum())
    result = _solved(economy)
    assert_allclose(result.price, calculated.factor_inputs.M.loc["Value Added"], rtol=1e-6)
    assert_allclose(result.activity, calculated.x["indout"], rtol=1e-6)


def test_stressors_as_primary_inputs_and_pollutants(calculated: Any) -> None:
    economy = economy_from_pymrio(
        calculated,
        primary="emissions:emission_type1/air",
        pollutants="emissions:emission_type2/water",
    )
    assert [(p.id, p.unit) for p in economy.pollutants] == [("emission_type2/water", "kg")]
    result = _solved(economy)
    M = calculated.emissions.M
    assert_allclose(result.price, M.loc[("emission_type1", "air")], rtol=1e-6)
    emitted = sum(
        w.techniques[0].emissions.get("emission_type2/water", 0.0) * x
        for w, x in zip(economy.worker_councils, result.activity, strict=True)
    )
    assert emitted == pytest.approx(calculated.emissions.F.loc[("emission_type2", "water")].sum())
    # Two extensions weighted together: the weighted sum of their multipliers.
    both = economy_from_pymrio(
        calculated,
        primary=["factor_inputs", "emissions:emission_type1/air"],
        weights={"emission_type1/air": 1e-3},
    )
    expected = M.loc[("emission_type1", "air")] * 1e-3 + calculated.factor_inputs.M.iloc[0]
    assert_allclose(_solved(both).price, expected, rtol=1e-6)


def test_a_system_with_coefficients_only_gives_the_same_economy(calculated: Any) -> None:
    io = pymrio.load_test()
    io.calc_all()
    io.Z = None
    io.factor_inputs.F = None  # S and x remain
    economy = economy_from_pymrio(io)
    assert_allclose(_solved(economy).price, calculated.factor_inputs.M.iloc[0], rtol=1e-6)


def test_regions_kept_per_column_when_asked(calculated: Any) -> None:
    economy = economy_from_pymrio(calculated, final_demand_by="column")
    assert len(economy.consumer_councils) == calculated.Y.shape[1]
    assert economy.consumer_councils[0].federation is None


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"primary": "satellite"}, "primary: unknown extension 'satellite'; this system has"),
        ({"primary": "emissions:CO2"}, "primary: extension 'emissions' has no row 'CO2'"),
        ({"pollutants": "factor_inputs", "primary": "factor_inputs"}, "are also rows of F"),
    ],
)
def test_unknown_extensions_and_rows_are_named(
    calculated: Any, kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(IOTableError, match=message.replace("(", r"\(")):
        economy_from_pymrio(calculated, **kwargs)


def test_a_system_without_final_demand_is_refused() -> None:
    class Empty:
        Y = None
        Z = pd.DataFrame(np.eye(2))

    with pytest.raises(IOTableError, match="no final demand Y"):
        economy_from_pymrio(Empty())
