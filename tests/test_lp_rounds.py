"""The lp rule's ways of solving a round (solver/planning/rules/lp_rounds.py)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import solver.planning.rules.lp_rounds as lp_rounds
from solver.planning.from_economy import market_from_economy
from solver.planning.rules.lp_rounds import REFINE_WINDOWS
from solver.planning.session import PlanningSession
from solver.scenarios.technique_choice import technique_choice_economy


def test_only_the_finest_windows_ask_for_a_vertex(monkeypatch: pytest.MonkeyPatch) -> None:
    """The coarser windows only centre the next solve, so their duals may be an interior
    point's; the prices the round publishes come from a solve taken to a vertex."""
    asked: list[tuple[float, bool]] = []
    real = lp_rounds.solve_master_lp

    def recording(*args: Any, **options: Any) -> Any:
        asked.append(
            (float(np.log(options["grid_ratio"]) * options["grid_steps"]), options["vertex"])
        )
        return real(*args, **options)

    monkeypatch.setattr(lp_rounds, "solve_master_lp", recording)
    market = market_from_economy(technique_choice_economy(60, seed=1))
    session = PlanningSession(market, "lp", tolerance=0.01, max_rounds=2)
    session.close_round(session.simulated_proposals())
    finest = min(REFINE_WINDOWS)
    assert len(asked) >= len(REFINE_WINDOWS)
    for window, vertex in asked:
        assert vertex == (window <= finest * (1 + 1e-9)), (window, vertex)
    assert asked[-1][1]
    assert [v for _, v in asked[: len(REFINE_WINDOWS) - 1]] == [False] * (len(REFINE_WINDOWS) - 1)
