"""How a council gets to its proposals, fitted to its moves (:mod:`solver.planning.board.
response_fit`): lags, elasticities and slopes recovered from moves made by known rules."""

from __future__ import annotations

import numpy as np
import pytest

from solver.planning.board.response_fit import HISTORY, fit_response, line_error


def _moves(rows: list[tuple[float, float, float, float]]) -> np.ndarray:
    """One technique's moves (margin, before, after, input cost), latest last, padded with
    ``NaN`` to :data:`HISTORY`."""
    out = np.full((HISTORY, 4), np.nan)
    out[HISTORY - len(rows) :] = rows
    return out


def _half_way(margins: list[float], costs: list[float], slope: float, start: float) -> list:
    """Moves of a council heading for ``slope * m`` half way each round (capacity 10)."""
    rows, x = [], start
    for m, c in zip(margins, costs, strict=True):
        after = x + 0.5 * (min(slope * m, 10.0) - x)
        rows.append((m, x, after, c))
        x = after
    return rows


def test_two_moves_at_unmoved_costs_give_the_lag_exactly() -> None:
    moves = _moves(_half_way([1.0, 1.4], [1.0, 1.0], slope=5.0, start=0.0))[None]
    fitted, lag, _, slope, _, error = fit_response(
        moves, np.array([1.0]), np.array([10.0]), np.zeros(1), np.array([5.0])
    )
    assert fitted[0] and lag[0] == pytest.approx(0.5) and slope[0] == pytest.approx(5.0)
    assert error[0] == pytest.approx(0.0, abs=1e-9)


def test_a_lag_that_other_techniques_leave_no_doubt_about_settles_an_ambiguous_one() -> None:
    """Two half-way moves at input costs that moved fit a lag of one half and also no lag
    with an elasticity: alone, the least lag is chosen. Beside techniques whose costs did
    not move (their lag is clear), the lag they share is."""
    ambiguous = _moves(_half_way([1.0, 1.4], [1.0, 0.7], slope=5.0, start=0.0))
    clear = _moves(_half_way([1.0, 1.2], [1.0, 1.0], slope=4.0, start=2.0))
    cost_now, k = np.array([0.7]), np.array([10.0])
    alone = fit_response(ambiguous[None], cost_now, k, np.zeros(1), np.array([5.0]))
    assert alone[1][0] == pytest.approx(0.0)
    both = fit_response(
        np.stack([ambiguous, clear, clear]),
        np.array([0.7, 1.0, 1.0]),
        np.full(3, 10.0),
        np.zeros(3),
        np.array([5.0, 4.0, 4.0]),
    )
    assert both[1] == pytest.approx([0.5, 0.5, 0.5])
    assert both[3][0] == pytest.approx(5.0)  # the slope at that lag: the council's own


def test_moves_that_all_head_for_idle_fit_a_lag_at_the_belief_slope() -> None:
    moves = _moves([(-0.5, 6.0, 3.0, 1.0), (-0.5, 3.0, 1.5, 1.0)])[None]
    fitted, lag, _, slope, _, _ = fit_response(
        moves, np.array([1.0]), np.array([10.0]), np.zeros(1), np.array([5.0])
    )
    assert fitted[0] and lag[0] == pytest.approx(0.5) and slope[0] == pytest.approx(5.0)


def test_a_line_through_the_moves_misses_by_nothing_and_a_wrong_slope_by_its_error() -> None:
    moves = _moves([(1.0, 0.0, 5.0, 1.0), (1.4, 5.0, 7.0, 1.0), (1.2, 7.0, 6.0, 1.0)])[None]
    k = np.array([10.0])
    assert line_error(moves, k, np.array([5.0]))[0] == pytest.approx(0.0, abs=1e-12)
    # slope 2.5: residuals 2.5, 3.5, 3 weighed 1/4, 1/2, 1; the best shift 3.0714 misses
    # by -0.5714, 0.4286 and -0.0714, a root mean square of 0.3194 (by hand)
    assert line_error(moves, k, np.array([2.5]))[0] == pytest.approx(0.03194, abs=1e-5)
