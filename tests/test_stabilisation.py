"""Stabilised column generation: the reserve keeps duals the master is indifferent about
near the centre, and leaves duals the master determines where they are."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose

from solver.highs import highs_lp, new_highs
from solver.planning.board.master_blocks import MasterBlock, MasterLayout
from solver.planning.board.stabilisation import (
    STABILITY_WIDTH,
    Stabilisation,
    stabilisation_block,
)

# rows: labour (supply 10), bread (nothing fixed), the worker's convexity row
LAYOUT = MasterLayout(n_items=2, n_units=1, n_links=0)
ROW_UPPER = np.array([10.0, 0.0, 1.0])


def worker() -> MasterBlock:
    """A council that turns 10 labour into 5 bread, at no effort cost."""
    column = sp.csc_array(np.array([[10.0], [-5.0], [1.0]]))
    return MasterBlock("worker", column, np.zeros(1), np.array([np.inf]))


def bread_demand(values: list[float], sizes: list[float]) -> MasterBlock:
    """Demand steps for bread, each worth its value a unit (Takayama-Judge)."""
    k = len(values)
    columns = sp.csc_array((np.ones(k), (np.ones(k, dtype=int), np.arange(k))), shape=(3, k))
    return MasterBlock("demand", columns, -np.asarray(values), np.asarray(sizes))


def solve(blocks: list[MasterBlock]) -> tuple[np.ndarray, np.ndarray]:
    """Prices (minus the row duals) and column values of the LP of ``blocks``."""
    matrix = sp.hstack([b.columns for b in blocks], format="csc")
    cost = np.concatenate([b.cost for b in blocks])
    upper = np.concatenate([b.upper for b in blocks])
    h = new_highs()
    h.passModel(highs_lp(matrix, cost, np.zeros(cost.size), upper, np.full(3, -np.inf), ROW_UPPER))
    h.run()
    assert h.modelStatusToString(h.getModelStatus()) == "Optimal"
    solution = h.getSolution()
    return -np.asarray(solution.row_dual), np.asarray(solution.col_value)


def test_a_price_the_master_is_indifferent_about_stays_in_the_box() -> None:
    # Bread is worth 4 a loaf up to 5 loaves; the worker makes exactly 5 from all the
    # labour. Any bread price up to 4 and labour price up to half of it support that plan
    # (the convexity row takes the rest): the duals are degenerate.
    plain, _ = solve([worker(), bread_demand([4.0], [5.0])])
    centre = np.array([0.3, 2.0])
    reserve = Stabilisation(centre=centre, volume=np.array([10.0, 5.0]))
    prices, values = solve(
        [worker(), bread_demand([4.0], [5.0]), stabilisation_block(reserve, LAYOUT)]
    )
    box = np.exp(STABILITY_WIDTH) * (1 + 1e-9)
    assert np.all(prices[:2] <= centre * box) and np.all(prices[:2] >= centre / box)
    assert not np.allclose(plain[:2], centre, rtol=1e-2)  # without it: a vertex elsewhere
    # the plan hardly moves: the worker's weight and the bread eaten within the reserve
    assert values[0] == pytest.approx(1.0, abs=1e-5)
    assert values[1] == pytest.approx(5.0, abs=5 * 1e-5)


def test_a_price_the_master_determines_is_left_where_it_is() -> None:
    # 3 loaves worth 4 and 3 more worth 1: with 5 loaves made, the second step is the
    # marginal one, so bread is priced 1 whatever the centre (here 2) says
    blocks = [worker(), bread_demand([4.0, 1.0], [3.0, 3.0])]
    plain, _ = solve(blocks)
    assert plain[1] == pytest.approx(1.0, rel=1e-9)
    reserve = Stabilisation(centre=np.array([0.05, 2.0]), volume=np.array([10.0, 6.0]))
    prices, values = solve([*blocks, stabilisation_block(reserve, LAYOUT)])
    assert prices[1] == pytest.approx(1.0, rel=1e-9)
    # the reserve buys its whole (tiny) share of bread at the centre price, no more
    bought = values[3 + 1]  # columns: worker, 2 demand steps, reserve buys labour, bread
    assert bought == pytest.approx(reserve.share * 6.0, rel=1e-9)


def test_items_without_volume_or_price_get_no_reserve() -> None:
    reserve = Stabilisation(centre=np.array([0.0, 2.0]), volume=np.array([10.0, 0.0]))
    block = stabilisation_block(reserve, LAYOUT)
    assert block.columns.shape == (3, 0)
    both = stabilisation_block(
        Stabilisation(centre=np.array([1.0, 2.0]), volume=np.array([10.0, 5.0])), LAYOUT
    )
    assert both.columns.shape == (3, 4)
    assert_allclose(both.upper, [1e-5, 5e-6, 1e-5, 5e-6])
    assert_allclose(
        both.cost,
        [
            -np.exp(-STABILITY_WIDTH),
            -2 * np.exp(-STABILITY_WIDTH),
            np.exp(STABILITY_WIDTH),
            2 * np.exp(STABILITY_WIDTH),
        ],
    )


def test_the_outer_box_keeps_every_dual_within_the_trust_region() -> None:
    # bread is priced 1 by its marginal demand step; a trust region of [1.5, 3] makes the
    # board buy whatever bread is left at 1.5, so the dual is the region's edge
    blocks = [worker(), bread_demand([4.0, 1.0], [3.0, 3.0])]
    centre = np.array([0.1, 2.0])
    low, high = np.array([0.05, 1.5]), np.array([0.2, 3.0])
    reserve = Stabilisation(centre=centre, volume=np.array([10.0, 6.0]), bounds=(low, high))
    prices, values = solve([*blocks, stabilisation_block(reserve, LAYOUT)])
    assert prices[1] == pytest.approx(1.5, rel=1e-9)
    assert np.all(prices[:2] >= low * (1 - 1e-9)) and np.all(prices[:2] <= high * (1 + 1e-9))
    # columns: worker, 2 demand steps, inner reserve (buy labour, bread; sell both), outer
    # reserve (the same): the 2 loaves the cheap step would eat go to the board instead
    assert values[2] == pytest.approx(0.0, abs=1e-9)
    assert values[4] + values[8] == pytest.approx(2.0, rel=1e-9)
    # within the region the outer reserve is idle: the second bread step is not eaten
    inside = Stabilisation(
        centre=centre, volume=np.array([10.0, 6.0]), bounds=(np.array([0.0, 0.5]), high)
    )
    prices, _ = solve([*blocks, stabilisation_block(inside, LAYOUT)])
    assert prices[1] == pytest.approx(1.0, rel=1e-9)
