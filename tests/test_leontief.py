"""Input-output mathematics against textbook and published tables (known_examples.md)."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from conftest import SMALL_MRIO_F, SMALL_MRIO_M, SMALL_MRIO_X, SMALL_MRIO_Z
from numpy.testing import assert_allclose

from solver.economy.leontief import (
    gross_output,
    jacobi_solve,
    leontief_inverse,
    spectral_radius,
    technical_coefficients,
    total_factor_content,
)


def test_miller_blair_table_2_3() -> None:
    z = np.array([[150.0, 500.0], [200.0, 100.0]])
    x = np.array([1000.0, 2000.0])
    a = technical_coefficients(z, x)
    assert_allclose(a, [[0.15, 0.25], [0.20, 0.05]])
    assert_allclose(
        leontief_inverse(a), [[1.25412541, 0.330033], [0.2640264, 1.12211221]], rtol=1e-5
    )
    assert_allclose(gross_output(a, np.array([600.0, 1500.0])), [1247.52, 1841.58], rtol=1e-5)
    assert_allclose(
        total_factor_content(a, np.array([0.30, 0.25])), [0.442244, 0.379538], rtol=1e-5
    )


def test_lay_three_sector_open_model() -> None:
    c = np.array([[0.50, 0.40, 0.20], [0.20, 0.30, 0.10], [0.10, 0.10, 0.30]])
    x = gross_output(sp.csc_array(c), np.array([50.0, 30.0, 20.0]))
    assert_allclose(x, [6100 / 27, 3200 / 27, 700 / 9], rtol=1e-12)


def test_pymrio_small_mrio_stressor_multipliers() -> None:
    z, x, f = (np.array(v, dtype=float) for v in (SMALL_MRIO_Z, SMALL_MRIO_X, SMALL_MRIO_F))
    a = technical_coefficients(z, x)
    for row, expected in zip(f, SMALL_MRIO_M, strict=True):
        assert_allclose(total_factor_content(a, row / x), expected, rtol=1e-12)


def test_zero_output_sector_has_a_zero_column() -> None:
    a = technical_coefficients(np.array([[1.0, 2.0], [3.0, 0.0]]), np.array([10.0, 0.0]))
    assert_allclose(a, [[0.1, 0.0], [0.3, 0.0]])


def test_spectral_radius_dense_and_sparse() -> None:
    a = np.array([[0.15, 0.25], [0.20, 0.05]])
    assert abs(spectral_radius(a) - max(abs(np.linalg.eigvals(a)))) < 1e-12
    # A non-negative matrix whose columns all sum to c has Perron root exactly c.
    rng = np.random.default_rng(1)
    big = sp.random_array((5000, 5000), density=0.002, random_state=rng, format="csc")
    big = big + sp.eye_array(5000, format="csc")  # no empty column
    big = big @ sp.diags_array(0.6 / np.asarray(big.sum(axis=0)).ravel())
    assert abs(spectral_radius(big) - 0.6) < 1e-9


def test_jacobi_solve_of_an_empty_system_is_empty_and_a_zero_diagonal_is_refused() -> None:
    assert jacobi_solve(sp.csr_array((0, 0)), np.zeros(0)).shape == (0,)
    assert jacobi_solve(sp.csr_array(np.array([[0.0, 1.0], [1.0, 1.0]])), np.ones(2)) is None
    # (I - A) x = 1 for a productive A: Jacobi settles on the exact solution
    a = np.array([[0.2, 0.3], [0.1, 0.4]])
    x = jacobi_solve(sp.csr_array(np.eye(2) - a), np.ones(2))
    assert x is not None
    assert_allclose(x, np.linalg.solve(np.eye(2) - a, np.ones(2)), rtol=1e-12)
