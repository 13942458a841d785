"""The normal equations with the link rows eliminated first
(solver/interior_point/normal_system.py)."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal

from solver.interior_point import NormalSystem, pivot_rows


@pytest.fixture(autouse=True)
def _no_settled_factorisations(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts without the factorisations earlier ones settled on."""
    monkeypatch.setattr("solver.interior_point.normal_equations._SETTLED", {})


def linked(seed: int, items: int = 25, techniques: int = 40, steps: int = 6) -> sp.csc_array:
    """The board's master's shape: per technique an activity column (a few items and +1 in
    its link row) and effort steps (-1 in the link row); demand steps on the items; and a
    slack (-1) per item row, as the method adds."""
    rng = np.random.default_rng(seed)
    rows = items + techniques
    entries: list[tuple[int, int, float]] = []
    column = 0
    for t in range(techniques):
        for i in rng.choice(items, size=4, replace=False):
            entries.append((int(i), column, float(rng.uniform(-1.0, 0.5))))
        entries.append((items + t, column, 1.0))
        column += 1
        for _ in range(steps):
            entries.append((items + t, column, -1.0))
            column += 1
    for i in range(items):
        for _ in range(steps):
            entries.append((i, column, 1.0))
            column += 1
        entries.append((i, column, -1.0))
        column += 1
    r, c, v = (np.array(x) for x in zip(*entries, strict=True))
    return sp.csc_array((v, (r, c)), shape=(rows, column))


def dense_normal(matrix: sp.csc_array, theta: np.ndarray, extra: np.ndarray) -> np.ndarray:
    return (matrix @ sp.diags_array(theta) @ matrix.T).toarray() + np.diag(extra)


def test_pivot_rows_are_those_one_shared_column_meets_one_per_column() -> None:
    # columns: 0 meets rows 0, 1, 3, 5; 1 meets 1, 2; 4 meets 0, 2 (shared); 2, 3, 5 single
    cells = [(0, 0), (1, 0), (3, 0), (5, 0), (1, 1), (2, 1), (3, 2), (4, 3), (0, 4), (2, 4)]
    cells.append((3, 5))
    r, c = np.array(cells).T
    matrix = sp.csc_array((np.arange(1.0, len(cells) + 1), (r, c)), shape=(6, 6))
    matrix.sort_indices()
    rows, pivots, at = pivot_rows(matrix)
    # rows 0, 1, 2 meet two shared columns; row 4 none; rows 3 and 5 only column 0, which
    # takes one of them
    assert_array_equal(rows, [3])
    assert_array_equal(pivots, [0])
    assert matrix.data[at][0] == 3.0  # the entry (3, 0)


def test_it_solves_the_normal_equations_with_the_link_rows_eliminated() -> None:
    matrix = linked(0)
    rows, _, _ = pivot_rows(sp.csc_array(matrix))
    assert_array_equal(rows, np.arange(25, 65))  # every link row, no item row
    rng = np.random.default_rng(1)
    system = NormalSystem(matrix)
    rhs = rng.normal(size=matrix.shape[0])
    for spread in (1.0, 8.0):  # theta over 10^+-spread, as late iterations have it
        theta = 10.0 ** rng.uniform(-spread, spread, matrix.shape[1])
        extra = np.full(matrix.shape[0], 1e-10)
        system.factor(theta, extra)
        normal = dense_normal(matrix, theta, extra)
        dy = system.solve(rhs)
        residual = np.abs(normal @ dy - rhs).max() / (np.abs(normal).max() * np.abs(dy).max())
        assert residual < 1e-12, spread
    theta = rng.uniform(0.1, 10.0, matrix.shape[1])
    extra = rng.uniform(0.5, 1.5, matrix.shape[0])
    system.factor(theta, extra)
    assert_allclose(
        system.solve(rhs), np.linalg.solve(dense_normal(matrix, theta, extra), rhs), rtol=1e-10
    )


def test_without_pivot_rows_it_factors_the_whole_matrix() -> None:
    rng = np.random.default_rng(2)
    matrix = sp.csc_array(sp.random_array((30, 90), density=0.15, rng=rng))
    matrix = sp.csc_array(sp.hstack([matrix, matrix, sp.eye_array(30)]))  # every row met twice
    assert pivot_rows(matrix)[0].size == 0
    system = NormalSystem(matrix)
    theta, extra = rng.uniform(0.1, 10.0, matrix.shape[1]), np.full(30, 1e-10)
    system.factor(theta, extra)
    rhs = np.arange(1.0, 31.0)
    assert_allclose(
        system.solve(rhs), np.linalg.solve(dense_normal(matrix, theta, extra), rhs), rtol=1e-9
    )


def test_either_factorisation_of_the_complement_solves_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """QDLDL first, then CHOLMOD's trial (``TRIAL_AFTER`` below 0): each solve exact."""
    monkeypatch.setattr("solver.interior_point.normal_equations.TRIAL_AFTER", -1.0)
    matrix = linked(3)
    system, used = NormalSystem(matrix), []
    rng = np.random.default_rng(4)
    rhs = rng.normal(size=matrix.shape[0])
    for _ in range(4):
        theta, extra = rng.uniform(0.1, 10.0, matrix.shape[1]), np.full(matrix.shape[0], 1e-10)
        system.factor(theta, extra)
        used.append(system.last)
        expected = np.linalg.solve(dense_normal(matrix, theta, extra), rhs)
        assert_allclose(system.solve(rhs), expected, rtol=1e-9)
    assert used[:3] == ["qdldl", "qdldl", "cholmod"]
