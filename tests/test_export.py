"""A plan written as CSV files, an Excel workbook and NetCDF, read back with pandas and
xarray: the same prices, quantities and per-council consumption as the plan in memory."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from numpy.testing import assert_allclose

from solver import PlanResult, load_example, plan
from solver.planning import export


@pytest.fixture(scope="module")
def town() -> PlanResult:
    return plan(load_example("planning-town"), rule="lp")


def _dense_consumption(long: pd.DataFrame) -> pd.DataFrame:
    return long.pivot_table(index="council", columns="item", values="quantity", fill_value=0.0)


def test_csv_files_hold_every_table(town: PlanResult, tmp_path: Path) -> None:
    written = town.export(tmp_path / "plan")
    assert sorted(p.name for p in written) == sorted(
        f"{name}.csv"
        for name in ("items", "consumption", "production", "activity", "history", "prices")
    )
    items = pd.read_csv(tmp_path / "plan" / "items.csv", index_col="item", keep_default_na=False)
    assert list(items.index) == list(town.items.index)
    assert_allclose(items["price"], town.items["price"], rtol=1e-12)
    assert_allclose(items["demand"], town.items["demand"], rtol=1e-12)
    assert list(items["unit"]) == list(town.items["unit"])
    consumption = _dense_consumption(pd.read_csv(tmp_path / "plan" / "consumption.csv"))
    expected = town.consumption.sparse.to_dense()
    assert_allclose(  # councils that request nothing have no rows
        consumption.reindex(index=expected.index, columns=expected.columns, fill_value=0.0),
        expected,
        rtol=1e-12,
    )
    history = pd.read_csv(tmp_path / "plan" / "history.csv", index_col="round")
    assert len(history) == len(town.rounds)
    assert (tmp_path / "plan.csv").exists() is False  # a folder, not a file


def test_excel_workbook_one_sheet_per_table(town: PlanResult, tmp_path: Path) -> None:
    path = tmp_path / "plan.xlsx"
    assert town.export(path) == [path]
    sheets = pd.read_excel(path, sheet_name=None)
    assert list(sheets) == ["items", "consumption", "production", "activity", "history", "prices"]
    items = sheets["items"].set_index("item")
    assert_allclose(items["price"], town.items["price"], rtol=1e-12)
    prices = sheets["prices"].set_index("round")
    assert_allclose(prices.to_numpy(), town.price_history().to_numpy(), rtol=1e-12)


def test_netcdf_is_the_plan_as_a_labelled_dataset(town: PlanResult, tmp_path: Path) -> None:
    path = tmp_path / "plan.nc"
    town.export(path)
    with xr.open_dataset(path) as ds:
        assert list(ds["item"].values) == list(town.items.index)
        assert_allclose(ds["price"].values, town.items["price"], rtol=1e-12)
        assert ds["price"].attrs["units"].startswith("social cost per unit")
        assert list(ds["unit"].values) == list(town.items["unit"])
        north = ds["consumption"].sel(council="north-cc")
        for good, quantity in town.consumption.loc["north-cc"].items():
            assert float(north.sel(item_consumed=good)) == pytest.approx(quantity)
        assert ds.attrs["rule"] == "lp" and ds.attrs["status"] == town.status.value
        assert_allclose(ds["round_max_excess"].values, town.history["max_excess"], rtol=1e-12)


def test_many_councils_go_into_netcdf_as_entries(
    town: PlanResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export, "DENSE_UP_TO", 0)
    ds = town.to_xarray()
    assert "council" not in ds.dims and "consumption_entry" in ds.dims
    total = town.consumption.sparse.to_dense().to_numpy().sum()
    assert float(ds["consumption"].sum()) == pytest.approx(total)
    rows = ds["consumption_council"].values == "north-cc"
    assert float(ds["consumption"][rows].sum()) == pytest.approx(
        town.consumption.loc["north-cc"].sum()
    )


def test_what_cannot_be_written_is_refused_naming_the_way_out(
    town: PlanResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(ValueError, match=r"unknown format \.parquet; known: \.csv.*\.xlsx.*\.nc"):
        town.export(tmp_path / "plan.parquet")
    monkeypatch.setattr(export, "EXCEL_MAX_ROWS", 2)
    with pytest.raises(
        ValueError, match=r"more rows than an Excel sheet holds .* CSV files or NetCDF"
    ):
        town.export(tmp_path / "plan.xlsx")


def test_json_gives_each_councils_consumption(town: PlanResult) -> None:
    out = town.to_dict()["plan"]
    by_council = out["consumption_by_council"]
    assert set(by_council) == {"north-cc", "south-cc"}
    totals: dict[str, float] = {}
    for requests in by_council.values():
        for good, quantity in requests.items():
            totals[good] = totals.get(good, 0.0) + quantity
    assert totals == pytest.approx(out["consumption"])
    assert by_council["north-cc"] == pytest.approx(
        {g: q for g, q in town.consumption.loc["north-cc"].items() if q}
    )
    public = out["public_goods_by_federation"]
    assert sum(q for f in public.values() for q in f.values()) == pytest.approx(
        sum(out["public_goods"].values())
    )


def test_cli_exports_and_refuses_an_unknown_format_before_planning(tmp_path: Path) -> None:
    def parplan(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "solver.cli", *args], capture_output=True, text=True, timeout=120
        )

    run = parplan("plan", "--quiet", "--export", str(tmp_path / "plan.nc"), "--json")
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["plan"]["consumption_by_council"]
    assert f"exported     {tmp_path / 'plan.nc'}" in run.stderr
    with xr.open_dataset(tmp_path / "plan.nc") as ds:
        assert np.all(np.isfinite(ds["price"].values))
    bad = parplan("plan", "--export", str(tmp_path / "plan.pdf"))
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert "unknown format .pdf" in bad.stderr and "round" not in bad.stderr
