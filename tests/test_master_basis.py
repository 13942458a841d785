"""The crash basis of the board's master LP (solver/planning/board/master_basis.py)."""

from __future__ import annotations

import highspy
import numpy as np
import pytest
import scipy.sparse as sp

from solver.highs import highs_lp
from solver.lp.highs_model import crash_start
from solver.planning.board.master_basis import AT_LOWER, AT_UPPER, BASIC, crash_basis, far_steps

INF = np.inf


def one_item_market() -> tuple[sp.csc_array, np.ndarray, np.ndarray, np.ndarray]:
    """Item 0 and one council's convexity row (row 1). Demand steps of one unit each,
    worth 3, 2 and 1 (``+1`` in the item's row, cost ``-worth``); an outer box that buys
    any amount at 0.5 and sells any at 5; the council's one proposal makes 1.5 units at an
    effort of 1.5.

    At the optimum the council works (its profit at price ``p`` is ``1.5 p - 1.5``), the
    1.5 units fill the step worth 3 and half the step worth 2, so the item's price is 2, the
    council's value 1.5 and the objective ``1.5 - 3 - 1 = -2.5``."""
    columns = [([0], [1.0]), ([0], [1.0]), ([0], [1.0]), ([0], [1.0]), ([0], [-1.0])]
    columns.append(([0, 1], [-1.5, 1.0]))
    rows = np.concatenate([r for r, _ in columns])
    values = np.concatenate([v for _, v in columns])
    cols = np.repeat(np.arange(len(columns)), [len(r) for r, _ in columns])
    matrix = sp.csc_array((values, (rows, cols)), shape=(2, len(columns)))
    cost = np.array([-3.0, -2.0, -1.0, -0.5, 5.0, 1.5])
    upper = np.array([1.0, 1.0, 1.0, INF, INF, INF])
    row_upper = np.array([0.0, 1.0])
    return matrix, cost, upper, row_upper


def solve_from(
    matrix: sp.csc_array,
    cost: np.ndarray,
    upper: np.ndarray,
    row_upper: np.ndarray,
    statuses: tuple[np.ndarray, np.ndarray] | None,
) -> highspy.Highs:
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("solver", "simplex")
    lp = highs_lp(matrix, cost, np.zeros(cost.size), upper, np.full(2, -INF), row_upper)
    h.passModel(lp)
    if statuses is not None:
        assert crash_start(h, *statuses)
    h.run()
    assert h.getModelStatus() == highspy.HighsModelStatus.kOptimal
    return h


@pytest.mark.parametrize("centre", [2.1, 4.0, 1.2])
def test_the_crash_basis_is_the_optimum_where_the_council_works_at_the_centre(
    centre: float,
) -> None:
    """The council's proposal pays at each centre, so it works; its 1.5 units leave the
    item's steps to price it, and the step worth 2 crosses: the optimal basis, whatever
    the centre."""
    matrix, cost, upper, row_upper = one_item_market()
    columns, rows = crash_basis(matrix, cost, upper, row_upper, 1, 1, np.array([centre]))
    assert columns.tolist() == [AT_UPPER, BASIC, AT_LOWER, AT_LOWER, AT_LOWER, BASIC]
    assert rows.tolist() == [AT_UPPER, AT_UPPER]
    h = solve_from(matrix, cost, upper, row_upper, (columns, rows))
    assert h.getInfo().simplex_iteration_count == 0
    assert h.getInfo().objective_function_value == pytest.approx(-2.5)
    assert -np.asarray(h.getSolution().row_dual) == pytest.approx([2.0, 1.5])


def test_from_a_centre_where_the_council_idles_simplex_finds_the_same_optimum() -> None:
    """At 0.9 the proposal does not pay: no council works, the demand steps alone price the
    item (all of them would have to go: the box's edge at 0.5 is the price) and simplex
    moves the council in."""
    matrix, cost, upper, row_upper = one_item_market()
    columns, rows = crash_basis(matrix, cost, upper, row_upper, 1, 1, np.array([0.9]))
    assert columns[5] == AT_LOWER and rows[1] == BASIC
    assert (columns == BASIC).sum() + (rows == BASIC).sum() == 2
    crashed = solve_from(matrix, cost, upper, row_upper, (columns, rows))
    cold = solve_from(matrix, cost, upper, row_upper, None)
    assert crashed.getInfo().objective_function_value == pytest.approx(-2.5)
    assert np.asarray(crashed.getSolution().row_dual) == pytest.approx(
        np.asarray(cold.getSolution().row_dual)
    )


def test_an_item_in_plenty_falls_to_the_edge_of_the_box() -> None:
    """With 10 units on hand every step is filled and the box buys the rest at its lower
    edge, 0.5, where the council's proposal does not pay (a profit of ``0.75 - 1.5``)."""
    matrix, cost, upper, row_upper = one_item_market()
    row_upper = np.array([10.0, 1.0])
    columns, rows = crash_basis(matrix, cost, upper, row_upper, 1, 1, np.array([0.4]))
    assert columns.tolist() == [AT_UPPER, AT_UPPER, AT_UPPER, BASIC, AT_LOWER, AT_LOWER]
    assert rows.tolist() == [AT_UPPER, BASIC]
    h = solve_from(matrix, cost, upper, row_upper, (columns, rows))
    assert h.getInfo().simplex_iteration_count == 0
    assert -h.getSolution().row_dual[0] == pytest.approx(0.5)
    assert h.getSolution().col_value[3] == pytest.approx(7.0)


def test_without_a_box_an_item_in_plenty_is_free() -> None:
    """Without the box's unlimited purchase, 10 units on hand fill every step at price 0:
    the row's slack is basic."""
    matrix, cost, upper, row_upper = one_item_market()
    keep = [0, 1, 2, 5]
    matrix, cost, upper = sp.csc_array(matrix[:, keep]), cost[keep], upper[keep]
    row_upper = np.array([10.0, 1.0])
    columns, rows = crash_basis(matrix, cost, upper, row_upper, 1, 1, np.array([0.4]))
    assert columns.tolist() == [AT_UPPER, AT_UPPER, AT_UPPER, AT_LOWER]
    assert rows.tolist() == [BASIC, BASIC]
    h = solve_from(matrix, cost, upper, row_upper, (columns, rows))
    assert h.getInfo().simplex_iteration_count == 0
    assert h.getSolution().row_dual[0] == pytest.approx(0.0)


def test_far_steps_are_the_bounded_ones_more_than_a_band_from_the_basic_one() -> None:
    """At 2.1 the step worth 2 crosses (basic); the steps worth 3 and 1 are one place from
    it in the order of their breaks (1, 2, 3), the box's unlimited columns are no steps and
    the council's proposal no singleton."""
    matrix, cost, upper, row_upper = one_item_market()
    columns, _ = crash_basis(matrix, cost, upper, row_upper, 1, 1, np.array([2.1]))
    assert far_steps(matrix, cost, upper, 1, columns, 1).tolist() == [False] * 6
    assert np.flatnonzero(far_steps(matrix, cost, upper, 1, columns, 0)).tolist() == [0, 2]
    # a row whose price no step sets (here: the box's edge) keeps every step
    row_upper = np.array([10.0, 1.0])
    columns, _ = crash_basis(matrix, cost, upper, row_upper, 1, 1, np.array([0.4]))
    assert not far_steps(matrix, cost, upper, 1, columns, 0).any()
