"""The round's LP written by HiGHS as MPS and CPLEX LP files, read back and solved again:
the same objective, and row duals equal to the round's prices, rents and cap prices."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import highspy
import numpy as np
import pytest
from numpy.testing import assert_allclose

from solver import Economy, load_example, solve_round
from solver.economy.compiled import compile_economy
from solver.lp.build import build_round_lp
from solver.lp.write import lp_names


def _read_back(path: Path) -> highspy.Highs:
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    assert h.readModel(str(path)) == highspy.HighsStatus.kOk
    h.run()
    assert h.getModelStatus() == highspy.HighsModelStatus.kOptimal
    return h


@pytest.mark.parametrize("example", ["small-town", "germany-1995-planning"])
@pytest.mark.parametrize("suffix", [".mps", ".lp"])
def test_the_written_lp_solves_to_the_same_plan_and_prices(
    tmp_path: Path, example: str, suffix: str
) -> None:
    economy = load_example(example)
    path = tmp_path / f"round{suffix}"
    result = solve_round(economy, write_lp=path)
    h = _read_back(path)
    assert h.getInfo().objective_function_value == pytest.approx(result.objective, rel=1e-7)
    cols, rows = lp_names(build_round_lp(compile_economy(economy)), suffix)
    assert (list(h.getLp().col_names_), list(h.getLp().row_names_)) == (cols, rows)
    assert rows[0] == f"balance({result.goods[0]})"
    duals = np.asarray(h.getSolution().row_dual)
    n_goods, n_primary = len(result.goods), len(result.primary_inputs)
    assert result.price is not None and result.activity is not None
    assert_allclose(duals[:n_goods], result.price, rtol=1e-6, atol=1e-9)
    rents = -duals[n_goods : n_goods + n_primary]  # rent = -dual of the availability row
    assert_allclose(rents, result.rents.to_numpy(), atol=1e-9)
    if result.cap_rows:
        assert result.pollution_price is not None
        assert_allclose(-duals[n_goods + n_primary :], result.pollution_price, atol=1e-9)
    activity = np.asarray(h.getSolution().col_value)[: len(result.techniques)]
    assert_allclose(activity, result.activity, rtol=1e-6, atol=1e-7)


def test_names_follow_each_format_and_stay_unique() -> None:
    lp = build_round_lp(compile_economy(load_example("small-town")))
    mps_cols, _ = lp_names(lp, ".mps")
    lp_cols, lp_rows = lp_names(lp, ".lp")
    assert len(set(mps_cols)) == len(mps_cols) == len(set(lp_cols)) == lp.n_cols
    assert len(set(lp_rows)) == len(lp_rows) == lp.n_rows
    assert all("-" not in name for name in lp_cols + lp_rows)  # an operator in the LP format
    assert any("-" in name for name in mps_cols)  # MPS keeps the ids as they are


def test_an_unknown_format_is_refused_before_solving(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"--write-lp .*round.txt: .*\.mps \(MPS\), \.lp"):
        solve_round(load_example("small-town"), write_lp=tmp_path / "round.txt")
    assert not (tmp_path / "round.txt").exists()
    with pytest.raises(OSError, match="could not write"):
        solve_round(load_example("small-town"), write_lp=tmp_path / "no" / "such" / "round.mps")


def test_ids_that_one_format_would_merge_get_numbered() -> None:
    economy = Economy.model_validate(
        {
            "name": "twins",
            "goods": [{"id": "a-b"}, {"id": "a_b"}],
            "primary_inputs": [{"id": "labour"}],
            "worker_councils": [
                {
                    "id": "w",
                    "techniques": [
                        {"id": "make a-b", "outputs": {"a-b": 1}, "primary_inputs": {"labour": 1}},
                        {"id": "make a_b", "outputs": {"a_b": 1}, "primary_inputs": {"labour": 1}},
                    ],
                }
            ],
            "consumer_councils": [{"id": "c", "requests": {"a-b": 1, "a_b": 2}}],
        }
    )
    lp = build_round_lp(compile_economy(economy))
    cols, rows = lp_names(lp, ".lp")
    assert rows[:2] == ["balance(a_b)", "balance(a_b)#2"]
    assert cols[:2] == ["activity(make_a_b)", "activity(make_a_b)#2"]
    assert lp_names(lp, ".mps")[1][:2] == ["balance(a-b)", "balance(a_b)"]


def test_cli_writes_the_lp_and_says_where(tmp_path: Path) -> None:
    path = tmp_path / "town.mps"
    run = subprocess.run(
        [sys.executable, "-m", "solver.cli", "solve", "--example", "small-town", "--json",
         "--write-lp", str(path)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert f"wrote the round's LP to {path}" in run.stderr
    assert _read_back(path).getInfo().objective_function_value == pytest.approx(
        json.loads(run.stdout)["objective"]
    )
    bad = subprocess.run(
        [sys.executable, "-m", "solver.cli", "solve", "--example", "small-town",
         "--write-lp", str(tmp_path / "town.gms")],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert "--write-lp" in bad.stderr and ".mps (MPS)" in bad.stderr
