"""Input-output table import: published tables reproduced through the round's LP."""

from __future__ import annotations

import csv
import sys
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pytest
from numpy.testing import assert_allclose

from solver import Economy, solve_round
from solver.economy.io.csv_files import numbers, read_csv, read_wide_matrix_fast
from solver.economy.io.readers import TABLE_FORMATS, detect_format, read_io_table
from solver.economy.io.table import IOTable, IOTableError
from solver.economy.io.to_economy import economy_from_io_table, io_table_summary
from solver.economy.leontief import gross_output, total_factor_content
from solver.economy.production import technology_matrices
from solver.status import TerminationCondition

DATA = Path(__file__).resolve().parent / "data"  # vendored from ../shared/data
RTOL = 1e-6


class Solved(NamedTuple):
    price: np.ndarray
    activity: np.ndarray
    objective: float


def _solve(economy: Economy) -> Solved:
    """Solve with the default method (dual simplex at these sizes) and check the outcome."""
    result = solve_round(economy, check=True)
    assert result.termination is TerminationCondition.OPTIMAL
    assert result.feasible
    assert result.price is not None and result.activity is not None
    assert result.objective is not None
    return Solved(result.price, result.activity, result.objective)


def _theory(table: IOTable, primary: str) -> tuple[np.ndarray, np.ndarray]:
    """Labour values v = l (I - A)^-1 and gross output L y."""
    v = total_factor_content(table.A, table.primary_coefficients(primary))
    return v, gross_output(table.A, table.y)


# --------------------------------------------------------------------------------------
# Published tables
# --------------------------------------------------------------------------------------
def test_eurostat_germany_1995_employment_multipliers() -> None:
    table = read_io_table(DATA / "eurostat_germany_1995", "eurostat-beutel")
    assert table.n == 6
    assert any("P1 row is used" in note for note in table.notes)
    result = _solve(economy_from_io_table(table, "employment"))
    v, x = _theory(table, "employment")
    published = [0.0326, 0.0162, 0.0207, 0.0237, 0.0112, 0.0242]
    assert_allclose(result.price, published, rtol=0, atol=5e-5)
    assert_allclose(result.price, v, rtol=RTOL)
    assert_allclose(result.activity, x, rtol=RTOL)
    assert_allclose(x, table.x, rtol=RTOL)  # the P1 row balances
    assert result.objective == pytest.approx(36428, rel=1e-3)
    assert_allclose(
        np.diag(np.linalg.inv(np.eye(6) - table.A))[:3], [1.0339, 1.4292, 1.0289], atol=5e-5
    )


def test_ons_2010_employment_cost_effects() -> None:
    table = read_io_table(DATA / "uk_ons_ioat_2010", "ons-2010")
    assert table.n == 127
    assert any("negative final demand" in note for note in table.notes)
    with (DATA / "uk_ons_ioat_2010" / "published_multipliers_and_effects_product.csv").open(
        newline=""
    ) as fh:
        rows = list(csv.DictReader(fh))
    assert [r["uk_row_label"] for r in rows] == table.labels
    published = np.array([float(r["Employment cost effects"]) for r in rows])
    result = _solve(economy_from_io_table(table, "compensation"))
    v, x = _theory(table, "compensation")
    assert_allclose(result.price, published, rtol=RTOL)
    assert_allclose(result.price, v, rtol=RTOL)
    assert_allclose(result.activity, x, rtol=RTOL)
    assert_allclose(x, table.x, rtol=RTOL)


def test_wiod_usa_2014_hours() -> None:
    table = read_io_table(DATA / "wiod2016_usa_niot_sea", "wiod-2014")
    assert table.n == 55 and "U" not in table.sectors
    assert any("zero gross output" in note and "U" in note for note in table.notes)
    result = _solve(economy_from_io_table(table, "hours"))
    v, _ = _theory(table, "hours")
    assert_allclose(result.price, v, rtol=RTOL)
    assert_allclose(result.activity, table.x, rtol=RTOL)
    assert result.objective == pytest.approx(float(v @ table.y), rel=RTOL)
    assert result.objective == pytest.approx(262_614, rel=1e-4)


def test_bea_2007_make_use() -> None:
    table = read_io_table(DATA / "bea_2007_detail_389", "bea-2007")
    assert table.n == 387
    notes = "\n".join(table.notes)
    assert "S00402" in notes and "S00300" in notes and "zero output" in notes
    assert "negative final demand" in notes
    assert "negative coefficient" in notes
    assert (table.A < 0).any() and (table.y < 0).any()
    economy = economy_from_io_table(table, "compensation")
    assert len(economy.goods) == 387
    assert "byproduct" in economy.description and "stocks" in economy.description
    # Byproducts and stocks make the LP's rows exactly (I - A) x >= y.
    tech = technology_matrices(economy)
    assert_allclose(tech.net_output.toarray(), np.eye(387) - table.A, rtol=0, atol=1e-15)
    result = _solve(economy)
    v, x = _theory(table, "compensation")
    assert_allclose(result.price, v, rtol=RTOL)
    assert_allclose(result.activity, x, rtol=RTOL)


# --------------------------------------------------------------------------------------
# Generic layout
# --------------------------------------------------------------------------------------
def _write(path: Path, rows: list[list[object]]) -> None:
    with path.open("w", newline="") as fh:
        csv.writer(fh).writerows(rows)


def _miller_blair(d: Path) -> Path:
    """Miller & Blair (2009) Table 2.3 in the generic layout."""
    d.mkdir(parents=True, exist_ok=True)
    _write(d / "flows.csv", [["code", "s1", "s2"], ["s1", 150, 500], ["s2", 200, 100]])
    _write(
        d / "final_demand.csv",
        [["code", "households", "exports"], ["s2", 1200, 500], ["s1", 350, ""]],
    )
    _write(d / "gross_output.csv", [["code", "value"], ["s1", 1000], ["s2", 2000]])
    _write(d / "primary_inputs.csv", [["name", "s1", "s2"], ["labour", 0.30 * 1000, 0.25 * 2000]])
    _write(d / "labels.csv", [["code", "label"], ["s1", "Agriculture"], ["s2", "Manufacturing"]])
    _write(d / "units.csv", [["quantity", "unit"], ["output", "USD"], ["labour", "hours"]])
    return d


def test_miller_blair_generic(tmp_path: Path) -> None:
    table = read_io_table(_miller_blair(tmp_path / "mb"))
    assert table.sectors == ["s1", "s2"] and table.labels == ["Agriculture", "Manufacturing"]
    assert_allclose(table.A, [[0.15, 0.25], [0.20, 0.05]], rtol=1e-12)
    assert_allclose(table.y, [350, 1700])
    assert table.units["labour"] == "hours" and table.notes == []
    result = _solve(economy_from_io_table(table, "labour"))
    assert_allclose(result.price, [0.442244, 0.379538], rtol=1e-5)
    assert_allclose(result.activity, [1000, 2000], rtol=RTOL)
    assert "sectors: 2" in io_table_summary(table)


def test_negative_entries_byproduct_and_stock(tmp_path: Path) -> None:
    d = tmp_path / "neg"
    d.mkdir()
    _write(d / "coefficients.csv", [["code", "a", "b"], ["a", 0.1, -0.05], ["b", 0.3, 0.2]])
    _write(d / "final_demand.csv", [["code", "fd"], ["a", 100], ["b", -10]])
    _write(d / "primary_inputs.csv", [["name", "a", "b"], ["labour", 50, 40]])
    table = read_io_table(d)
    assert any("computed as x = L y" in n for n in table.notes)
    assert any("negative coefficient" in n for n in table.notes)
    v, x = _theory(table, "labour")
    result = _solve(economy_from_io_table(table, "labour"))
    assert_allclose(result.price, v, rtol=RTOL)
    assert_allclose(result.activity, x, rtol=RTOL)
    clipped = economy_from_io_table(
        table, "labour", negative_demand="clip", negative_coefficients="clip"
    )
    assert clipped.goods[1].stock == 0
    assert clipped.worker_councils[1].techniques[0].outputs == {"b": 1.0}
    assert "clipped" in clipped.description


def test_a_value_per_unit_the_economy_cannot_state_is_refused(tmp_path: Path) -> None:
    """The techniques are built without pydantic's checks (4.5 million coefficients took
    1 s to validate): a value over the schema's bound must still be refused, by name."""
    d = _miller_blair(tmp_path / "mb")
    _write(d / "primary_inputs.csv", [["name", "s1", "s2"], ["labour", 3e18, 500]])
    table = read_io_table(d)
    with pytest.raises(IOTableError, match="labour: a value per unit of output over 1e"):
        economy_from_io_table(table, "labour")
    economy = economy_from_io_table(read_io_table(_miller_blair(tmp_path / "ok")), "labour")
    assert Economy.model_validate(economy.model_dump()) == economy  # what validation gives


def test_formats_registry() -> None:
    assert set(TABLE_FORMATS) == {"generic", "eurostat-beutel", "ons-2010", "wiod-2014", "bea-2007"}
    with pytest.raises(IOTableError, match="unknown table format"):
        read_io_table(DATA, "nope")


def test_error_non_numeric_cell(tmp_path: Path) -> None:
    d = _miller_blair(tmp_path / "mb")
    _write(d / "flows.csv", [["code", "s1", "s2"], ["s1", 150, 500], ["s2", "2OO", 100]])
    with pytest.raises(IOTableError, match=r"flows\.csv, row 3 \('s2'\), column 2 \('s1'\): '2OO'"):
        read_io_table(d)


def test_error_mismatched_codes(tmp_path: Path) -> None:
    d = _miller_blair(tmp_path / "mb")
    _write(d / "final_demand.csv", [["code", "households"], ["s1", 350], ["s3", 1700]])
    with pytest.raises(
        IOTableError, match=r"final_demand\.csv, row 3: sector code 's3'.*missing: \['s2'\]"
    ):
        read_io_table(d)
    d = _miller_blair(tmp_path / "mb2")
    _write(d / "flows.csv", [["code", "s1", "s2"], ["s2", 150, 500], ["s1", 200, 100]])
    with pytest.raises(IOTableError, match=r"flows\.csv, row 2 \('s2'\), column 2 \('s1'\)"):
        read_io_table(d)


def test_error_not_square(tmp_path: Path) -> None:
    d = _miller_blair(tmp_path / "mb")
    _write(d / "flows.csv", [["code", "s1", "s2"], ["s1", 150, 500]])
    with pytest.raises(IOTableError, match=r"flows\.csv: not square"):
        read_io_table(d)


def test_error_missing_file(tmp_path: Path) -> None:
    d = _miller_blair(tmp_path / "mb")
    (d / "gross_output.csv").unlink()
    with pytest.raises(IOTableError, match=r"gross_output\.csv: file not found"):
        read_io_table(d)
    (d / "flows.csv").unlink()
    with pytest.raises(
        IOTableError, match=r"flows\.csv, coefficients\.csv, flows_long.csv or .*: file not found"
    ):
        read_io_table(d)


def test_zero_output_sector(tmp_path: Path) -> None:
    d = _miller_blair(tmp_path / "mb")
    _write(
        d / "flows.csv",
        [["code", "s1", "s2", "z"], ["s1", 150, 500, 0], ["s2", 200, 100, 0], ["z", 0, 0, 0]],
    )
    _write(d / "gross_output.csv", [["code", "value"], ["s1", 1000], ["s2", 2000], ["z", 0]])
    _write(d / "final_demand.csv", [["code", "f"], ["s1", 350], ["s2", 1700], ["z", 0]])
    _write(d / "primary_inputs.csv", [["name", "s1", "s2", "z"], ["labour", 300, 500, 0]])
    _write(d / "labels.csv", [["code", "label"], ["s1", "A"], ["s2", "M"], ["z", "Zero"]])
    table = read_io_table(d)
    assert table.sectors == ["s1", "s2"]
    assert any("zero gross output: z (Zero)" in n for n in table.notes)
    _write(d / "final_demand.csv", [["code", "f"], ["s1", 350], ["s2", 1700], ["z", 5]])
    with pytest.raises(IOTableError, match="'z' has zero gross output but final demand 5"):
        read_io_table(d)


SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"


@pytest.mark.parametrize(
    ("folder", "expected"),
    [
        ("eurostat_germany_1995", "eurostat-beutel"),
        ("uk_ons_ioat_2010", "ons-2010"),
        ("wiod2016_usa_niot_sea", "wiod-2014"),
        ("bea_2007_detail_389", "bea-2007"),
    ],
)
def test_the_format_of_every_table_is_detected(folder: str, expected: str) -> None:
    """Issue #16: `import-io ../shared/data/uk_ons_ioat_2010` failed with "flows.csv or
    coefficients.csv: file not found" and no hint of --format."""
    places = [DATA / folder] + ([SHARED / folder] if (SHARED / folder).is_dir() else [])
    for place in places:
        assert detect_format(place) == expected, place
        assert read_io_table(place, "auto").sectors == read_io_table(place, expected).sectors


def test_a_generic_folder_is_detected_and_an_unknown_one_named_with_what_each_needs(
    tmp_path: Path,
) -> None:
    assert detect_format(_miller_blair(tmp_path / "mb")) == "generic"
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.csv").write_text("a,b\n")
    with pytest.raises(IOTableError, match="no known table format's files here") as err:
        detect_format(tmp_path / "other")
    assert "ons-2010: siot_domestic_basic_pxp.csv" in str(err.value)


# --------------------------------------------------------------------------------------
# Long form: large sparse tables
# --------------------------------------------------------------------------------------
def _long_rows(matrix: np.ndarray, codes: list[str]) -> list[list[object]]:
    rows, cols = np.nonzero(matrix)
    return [["supplier", "user", "value"]] + [
        [codes[i], codes[j], repr(float(matrix[i, j]))] for i, j in zip(rows, cols, strict=True)
    ]


def test_miller_blair_in_long_form_is_the_same_table(tmp_path: Path) -> None:
    d = _miller_blair(tmp_path / "mb")
    wide = read_io_table(d)
    (d / "flows.csv").unlink()
    _write(
        d / "flows_long.csv",
        [
            ["supplier", "user", "value"],
            ["s2", "s1", 200],
            ["s1", "s1", 150],
            ["s1", "s2", 500],
            ["s2", "s2", 100],
        ],
    )
    long = read_io_table(d)
    assert detect_format(d) == "generic"
    assert long.sectors == ["s2", "s1"]  # final_demand.csv's order
    order = [wide.sectors.index(s) for s in long.sectors]
    assert_allclose(long.A.toarray(), wide.A[np.ix_(order, order)], rtol=1e-15)
    result = _solve(economy_from_io_table(long, "labour"))
    assert_allclose(result.price, [0.379538, 0.442244], rtol=1e-5)  # Miller & Blair's
    assert_allclose(result.activity, [2000, 1000], rtol=RTOL)
    assert "sectors: 2" in io_table_summary(long)


@pytest.mark.parametrize("seed", [0, 1])
def test_a_sparse_table_with_byproducts_gives_its_labour_values(tmp_path: Path, seed: int) -> None:
    """A random sparse table of 300 sectors in long form, some coefficients negative
    (byproducts) and one sector without output: the round's prices are v = l (I - A)^-1
    and its activities x = L y, solved as one square system."""
    rng = np.random.default_rng(seed)
    n = 300
    codes = [f"c{i}" for i in range(n)]
    a = np.zeros((n, n))
    for j in range(n - 1):  # the last sector makes nothing and nobody uses it
        rows = rng.choice(n - 1, size=6, replace=False)
        a[rows, j] = rng.uniform(0.01, 0.1, size=6)
    a[rng.integers(0, n - 1, size=5), rng.integers(0, n - 1, size=5)] = -0.02
    y = np.r_[rng.uniform(10, 100, size=n - 1), 0.0]
    d = tmp_path / "sparse"
    d.mkdir()
    _write(d / "coefficients_long.csv", _long_rows(a, codes))
    _write(
        d / "final_demand.csv", [["code", "fd"], *[[c, v] for c, v in zip(codes, y, strict=True)]]
    )
    x = np.r_[gross_output(a[:-1, :-1], y[:-1]), 0.0]
    _write(
        d / "gross_output.csv",
        [["code", "value"], *[[c, v] for c, v in zip(codes, x, strict=True)]],
    )
    labour = np.r_[rng.uniform(0.1, 1.0, size=n - 1), 0.0] * x
    _write(d / "primary_inputs.csv", [["name", *codes], ["hours", *labour]])
    table = read_io_table(d)
    assert table.n == n - 1 and any("zero gross output: c299" in note for note in table.notes)
    assert any("5 negative coefficient" in note for note in table.notes)
    assert table.A.nnz == np.count_nonzero(a[:-1, :-1])
    economy = economy_from_io_table(table, "hours")
    result = solve_round(economy)
    assert result.method.value == "leontief"
    v, x_theory = _theory(table, "hours")
    assert_allclose(result.price, v, rtol=1e-9)
    assert_allclose(result.activity, x_theory, rtol=1e-9)


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([["supplier", "user", "value"], ["s1", "s3", 5]], r"row 2, column 2 \('user'\): .*'s3'"),
        ([["supplier", "user", "value"], ["s1", "s2", "lots"]], r"row 2, column 3.*'lots'"),
        (
            [["supplier", "user", "value"], ["s1", "s2", ""]],
            r"row 2, column 3.*\(list only the non-zero entries\)",
        ),
        ([["supplier", "user", "value"], ["s1", "s2", "inf"]], r"row 2, column 3.*'inf'"),
        ([["supplier", "user", "value"], ["s1", "s2"]], r"row 2: 2 cells"),
        (
            [["supplier", "user", "value"], ["s1", "s2", 5], ["s2", "s1", 1], ["s1", "s2", 6]],
            r"row 4: entry \('s1', 's2'\) given twice \(first in row 2\)",
        ),
        ([["from", "to", "value"], ["s1", "s2", 5]], r"row 1: the header must be supplier,user"),
    ],
)
def test_errors_in_long_form_name_the_line(
    tmp_path: Path, rows: list[list[object]], message: str
) -> None:
    d = _miller_blair(tmp_path / "mb")
    (d / "flows.csv").unlink()
    _write(d / "flows_long.csv", rows)
    with pytest.raises(IOTableError, match=r"flows_long\.csv, " + message):
        read_io_table(d)
    _write(d / "flows.csv", [["code", "s1", "s2"], ["s1", 150, 500], ["s2", 200, 100]])
    with pytest.raises(IOTableError, match=r"flows\.csv and flows_long\.csv present; keep one"):
        read_io_table(d)


def test_a_small_wide_file_is_read_without_pandas_and_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Below PANDAS_FROM_BYTES NumPy's C reader takes the file (importing pandas would take
    longer than reading it); the table is the same as the csv reader's, to the bit. A blank
    cell, quoted cell or text goes to the csv reader, which names the cell."""
    monkeypatch.setitem(sys.modules, "pandas", None)  # importing pandas now fails
    rng = np.random.default_rng(5)
    z = np.round(rng.uniform(0, 50, size=(30, 30)), 4)
    codes = [f"s{i}" for i in range(30)]
    path = tmp_path / "flows.csv"
    rows: list[list[object]] = [["code", *codes]] + [[c, *z[i]] for i, c in enumerate(codes)]
    _write(path, rows)
    fast = read_wide_matrix_fast(path)
    assert fast is not None and fast[0] == codes
    careful = read_csv(path)
    assert_allclose(numbers(careful, careful.rows, range(1, 31)), fast[1], rtol=0, atol=0)
    for cell in ("", "x", '"1.5"', "inf"):
        bad = [list(r) for r in rows]
        bad[3][4] = cell
        _write(path, bad)
        assert read_wide_matrix_fast(path) is None, cell
    bad = [list(r) for r in rows]
    bad[3][0] = "s99"  # a row code that is not the header's
    _write(path, bad)
    assert read_wide_matrix_fast(path) is None


def test_the_fast_wide_reader_agrees_with_the_careful_one(tmp_path: Path) -> None:
    """pandas' C reader takes a well-formed wide file; anything it might misread (a blank
    last cell that could be a short row) goes to the csv reader, which names each cell."""
    rng = np.random.default_rng(3)
    z = np.round(rng.uniform(0, 50, size=(40, 40)) * (rng.uniform(size=(40, 40)) < 0.3), 3)
    codes = [f"k{i}" for i in range(40)]
    rows = [["code", *codes]] + [
        [f" {c}", *["" if v == 0 else f" {v}" for v in z[i]]] for i, c in enumerate(codes)
    ]
    path = tmp_path / "flows.csv"
    _write(path, rows)
    fast = read_wide_matrix_fast(path, from_bytes=0)
    careful = read_csv(path)
    slow = numbers(careful, careful.rows, range(1, 41))
    assert z[:, -1].all() == (fast is not None)  # a blank last cell: the careful reader
    if fast is not None:
        assert fast[0] == codes
        assert_allclose(fast[1], slow, rtol=0, atol=0)
    assert_allclose(slow, z, rtol=1e-12)
    z[:, -1] = 1.0
    _write(
        path,
        [["code", *codes]]
        + [[c, *["" if v == 0 else v for v in z[i]]] for i, c in enumerate(codes)],
    )
    fast = read_wide_matrix_fast(path, from_bytes=0)
    assert fast is not None and fast[0] == codes
    assert_allclose(fast[1], z, rtol=1e-15)
    _write(path, [["code", *codes]] + [[c, *z[i][:-1]] for i, c in enumerate(codes)])  # short
    assert read_wide_matrix_fast(path, from_bytes=0) is None
