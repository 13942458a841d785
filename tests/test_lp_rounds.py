"""The lp rule's ways of solving a round (solver/planning/rules/lp_rounds.py)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import solver.planning.board.master as master
import solver.planning.rules.lp_rounds as lp_rounds
from solver.interior_point import CENTRING_TOLERANCE
from solver.planning.from_economy import market_from_economy
from solver.planning.rules.lp import LPRule
from solver.planning.rules.lp_rounds import REFINE_WINDOWS
from solver.planning.session import PlanningSession
from solver.scenarios.technique_choice import technique_choice_economy
from solver.status import Method


def two_rounds_by_our_method() -> None:
    """Two rounds of a 60-good technique-choice session whose masters our interior point
    method solves (``AUTO`` leaves masters this small to simplex)."""
    market = market_from_economy(technique_choice_economy(60, seed=1))
    session = PlanningSession(market, LPRule(method=Method.IPM), tolerance=0.001, max_rounds=3)
    for _ in range(2):
        session.close_round(session.simulated_proposals())


def test_no_window_asks_for_a_vertex_and_only_coarser_ones_stop_short(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every optimal dual is as good a price, so no solve is taken to a vertex; the coarser
    windows only centre the next solve and stop at the centring tolerance, the finest at
    the method's own (``None``: CENTRE_TOLERANCE)."""
    asked: list[tuple[float, bool]] = []
    tolerances: list[float | None] = []
    basic: list[bool | None] = []
    real = lp_rounds.solve_master_lp

    def recording(*args: Any, **options: Any) -> Any:
        asked.append(
            (float(np.log(options["grid_ratio"]) * options["grid_steps"]), options["vertex"])
        )
        tolerances.append(options["tolerance"])
        result = real(*args, **options)
        basic.append(result.basic)
        return result

    monkeypatch.setattr(lp_rounds, "solve_master_lp", recording)
    two_rounds_by_our_method()
    finest = min(REFINE_WINDOWS)
    assert len(asked) >= 2 * len(REFINE_WINDOWS)
    assert not any(vertex for _, vertex in asked)
    assert basic and all(b is False for b in basic)  # our method's points, standing
    for (window, _), tolerance in zip(asked, tolerances, strict=True):
        coarser = window > finest * (1 + 1e-9)
        assert tolerance == (CENTRING_TOLERANCE if coarser else None), (window, tolerance)


def test_each_master_starts_from_the_last_masters_duals(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every window's master, and the next round's first, has the rows of the last one
    solved; our interior point method starts from that solve's row duals."""
    starts: list[np.ndarray | None] = []
    duals: list[np.ndarray] = []
    real = master.run_interior_point

    def recording(lp: Any, *args: Any, dual_start: Any = None, **options: Any) -> Any:
        starts.append(dual_start)
        outcome = real(lp, *args, dual_start=dual_start, **options)
        duals.append(outcome.row_dual)
        return outcome

    monkeypatch.setattr(master, "run_interior_point", recording)
    two_rounds_by_our_method()
    assert len(starts) >= 2 * len(REFINE_WINDOWS)
    assert starts[0] is None  # the session's first master: nothing to start from
    for start, earlier in zip(starts[1:], duals[:-1], strict=True):
        assert start is not None and start is earlier
