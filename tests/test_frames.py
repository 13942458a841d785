"""Economies from pandas frames: pymrio's small two-region MRIO and Miller & Blair's table
(../shared/data/known_examples.md, examples 1 and 2), prices checked against the published
multipliers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import SMALL_MRIO_F, SMALL_MRIO_M, SMALL_MRIO_X, SMALL_MRIO_Y, SMALL_MRIO_Z
from numpy.testing import assert_allclose

from solver import Economy, economy_from_dataframes, solve_round
from solver.economy.io.table import IOTableError
from solver.status import TerminationCondition

SECTORS = pd.MultiIndex.from_product(
    [["reg1", "reg2"], ["s1", "s2", "s3"]], names=["region", "sector"]
)
Z = pd.DataFrame(SMALL_MRIO_Z, index=SECTORS, columns=SECTORS, dtype=float)
Y = pd.DataFrame(
    SMALL_MRIO_Y,
    index=SECTORS,
    columns=pd.MultiIndex.from_tuples(
        [("reg1", "final"), ("reg2", "final")], names=["region", "category"]
    ),
)
X = pd.Series(SMALL_MRIO_X, index=SECTORS, dtype=float)
F = pd.DataFrame(SMALL_MRIO_F, index=["ext_type_1", "ext_type_2"], columns=SECTORS, dtype=float)
M = np.array(SMALL_MRIO_M)


def _prices(economy: Economy) -> tuple[np.ndarray, np.ndarray]:
    result = solve_round(economy, check=True)
    assert result.termination is TerminationCondition.OPTIMAL
    assert result.price is not None and result.activity is not None
    return result.price, result.activity


def test_regions_become_federations_and_goods_keep_region_and_sector() -> None:
    economy = economy_from_dataframes(Z, Y, X, F.loc[["ext_type_1"]])
    assert [g.id for g in economy.goods] == [f"{r}/{s}" for r, s in SECTORS]
    assert economy.goods[3].name == "s1 (reg2)"
    assert [(f.id, f.level) for f in economy.federations] == [
        ("reg1", "region"),
        ("reg2", "region"),
    ]
    assert [w.federation for w in economy.worker_councils] == ["reg1"] * 3 + ["reg2"] * 3
    consumers = {c.id: c for c in economy.consumer_councils}
    assert set(consumers) == {"reg1/final_demand", "reg2/final_demand"}
    assert consumers["reg2/final_demand"].federation == "reg2"
    assert consumers["reg2/final_demand"].requests["reg2/s1"] == pytest.approx(20.0)


def test_prices_equal_the_published_multipliers_of_each_stressor() -> None:
    for row, published in zip(F.index, M, strict=True):
        price, activity = _prices(economy_from_dataframes(Z, Y, X, F.loc[[row]]))
        assert_allclose(price, published, rtol=1e-6)
        assert_allclose(activity, X.to_numpy(), rtol=1e-6)
    # Both rows, weighted: the prices are the weighted sum of the multipliers.
    price, _ = _prices(economy_from_dataframes(Z, Y, X, F, weights={"ext_type_2": 3.0}))
    assert_allclose(price, M[0] + 3.0 * M[1], rtol=1e-6)


def test_gross_output_is_computed_as_pymrio_does_when_not_given() -> None:
    price, activity = _prices(economy_from_dataframes(Z, Y, None, F.loc[["ext_type_1"]]))
    assert_allclose(activity, X.to_numpy(), rtol=1e-6)  # Z 1 + Y 1 = x in this table
    assert_allclose(price, M[0], rtol=1e-6)


def test_without_satellite_rows_value_added_prices_every_good_at_one() -> None:
    # Value added x - Z'1 is the one primary input: every good's price is 1, the column
    # identity v = (va / x) L = 1'(I - A) L = 1' of a money table.
    codes = ["agriculture", "manufacturing"]
    z = pd.DataFrame([[150.0, 500.0], [200.0, 100.0]], index=codes, columns=codes)
    economy = economy_from_dataframes(z, pd.Series([350.0, 1700.0], index=codes))
    assert [p.id for p in economy.primary_inputs] == ["value_added"]
    assert [c.id for c in economy.consumer_councils] == ["final_demand"]
    price, activity = _prices(economy)
    assert_allclose(price, np.ones(2), rtol=1e-6)
    assert_allclose(activity, [1000.0, 2000.0], rtol=1e-6)
    # In pymrio's small MRIO reg1/s2 buys more than it makes: its value added is negative.
    with pytest.raises(IOTableError, match="'value_added' is negative for reg1/s2 -5"):
        economy_from_dataframes(Z, Y)


def test_emissions_become_pollutants_that_the_plan_accounts_for() -> None:
    economy = economy_from_dataframes(
        Z, Y, X, F.loc[["ext_type_1"]], emissions=F.loc[["ext_type_2"]], units={"ext_type_2": "kg"}
    )
    assert [(p.id, p.unit, p.weight) for p in economy.pollutants] == [("ext_type_2", "kg", 0.0)]
    emitted = sum(
        w.techniques[0].emissions.get("ext_type_2", 0.0) * x
        for w, x in zip(economy.worker_councils, X, strict=True)
    )
    assert emitted == pytest.approx(F.loc["ext_type_2"].sum())
    price, _ = _prices(economy)
    assert_allclose(price, M[0], rtol=1e-6)  # a pollutant without weight leaves prices be


def test_miller_blair_flat_table_with_negative_final_demand_as_stock() -> None:
    codes = ["agriculture", "manufacturing"]
    z = pd.DataFrame([[150.0, 500.0], [200.0, 100.0]], index=codes, columns=codes)
    y = pd.DataFrame({"households": [400.0, 1700.0], "inventories": [-50.0, 0.0]}, index=codes)
    labour = pd.Series([300.0, 500.0], index=codes, name="labour")  # l = [0.30, 0.25]
    economy = economy_from_dataframes(z, y, pd.Series([1000.0, 2000.0], index=codes), labour)
    assert economy.federations == []
    assert [c.id for c in economy.consumer_councils] == [
        "households/final_demand",
        "inventories/final_demand",
    ]
    assert economy.goods[0].stock == pytest.approx(50.0)
    price, activity = _prices(economy)
    assert_allclose(price, [0.442244, 0.379538], atol=1e-6)
    assert_allclose(activity, [1000.0, 2000.0], rtol=1e-6)


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda z, y, x, f: (z.iloc[:5], y, x, f), ["Z", "columns", "reg2/s3"]),
        (lambda z, y, x, f: (z, y.iloc[1:], x, f), ["Y", "index", "lacks", "reg1/s1"]),
        (lambda z, y, x, f: (z, y, x.drop(("reg1", "s2")), f), ["x", "reg1/s2"]),
        (
            lambda z, y, x, f: (z, y, x, f.drop(columns=[("reg2", "s3")])),
            ["F", "columns", "reg2/s3"],
        ),
        (
            lambda z, y, x, f: (z.replace(20.0, np.nan), y, x, f),
            ["Z", "NaN", "reg1/s3, reg1/s3"],
        ),
        (lambda z, y, x, f: (z, y.astype(object).replace(13.0, "n/a"), x, f), ["Y", "numeric"]),
    ],
)
def test_bad_frames_are_refused_naming_the_frame_and_label(change, words: list[str]) -> None:
    with pytest.raises(IOTableError) as err:
        economy_from_dataframes(*change(Z, Y, X, F))
    for word in words:
        assert word in str(err.value)


def test_bad_options_are_refused_naming_them() -> None:
    with pytest.raises(IOTableError, match="final_demand_by"):
        economy_from_dataframes(Z, Y, X, F, final_demand_by="country")  # type: ignore[arg-type]
    with pytest.raises(IOTableError, match="weights given for primary inputs not chosen"):
        economy_from_dataframes(Z, Y, X, F, weights={"labour": 1.0})
    negative = F.copy()
    negative.loc["ext_type_2", ("reg1", "s2")] = -1.0
    with pytest.raises(IOTableError, match="emissions: row 'ext_type_2' is negative for reg1/s2"):
        economy_from_dataframes(
            Z, Y, X, F.loc[["ext_type_1"]], emissions=negative.loc[["ext_type_2"]]
        )
