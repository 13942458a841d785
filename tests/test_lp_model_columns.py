"""The lp rule's rounds with model columns: when column generation stops, and what a round
publishes on a small Pequod economy."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from solver.planning.board.master import BoardMaster, MasterLPResult
from solver.planning.result import PlanStatus
from solver.planning.rules.lp_model_columns import MOST_CORRECTION, column_tolerance
from solver.planning.session import PlanningSession
from solver.scenarios.pequod import pequod_economy, pequod_market
from solver.status import TerminationCondition


def test_column_generation_stops_at_a_gap_in_proportion_to_the_squared_excess() -> None:
    # a fifth of the excess as the prices' relative precision: a gap of its square
    assert column_tolerance(1e-6, 2.0) == pytest.approx(0.16)
    assert column_tolerance(1e-6, 0.05) == pytest.approx(1e-4)
    # near convergence the configured gap rules
    assert column_tolerance(1e-6, 0.004) == 1e-6
    assert column_tolerance(1e-6, 0.0) == 1e-6


@pytest.mark.parametrize("group_councils", [True, False])
def test_a_small_pequod_economy_converges_with_groups_or_a_row_per_council(
    group_councils: bool,
) -> None:
    # the published setting's structure at 1/30 the size: the model is exact for its
    # Cobb-Douglas councils, so the lp rule needs the rounds newton needs
    market = pequod_market(pequod_economy(n_workers=120, n_consumers=120, goods_per_category=4))
    rounds = {}
    for rule, options in (("newton", {}), ("lp", {"group_councils": group_councils})):
        session = PlanningSession(market, rule, tolerance=0.03, max_rounds=20, rule_options=options)
        while session.status is PlanStatus.RUNNING:
            record = session.close_round(session.simulated_proposals())
            if rule == "lp":
                assert record.lp_status == "optimal"
        assert session.status is PlanStatus.CONVERGED
        rounds[rule] = len(session.result().rounds)
    assert rounds["lp"] <= rounds["newton"] + 1


def test_the_master_corrects_the_models_prices_by_at_most_a_tenth_in_logs() -> None:
    """The first round's duals stay within ``MOST_CORRECTION`` (and 0.5 %) of the prices
    that clear the board's model (``newton``'s first round): half the model's move let them
    go a factor 2.3 away here, and at 10,000 goods the round ran 782 s into its limit."""
    market = pequod_market(pequod_economy(n_workers=120, n_consumers=120, goods_per_category=4))
    first = {}
    for rule in ("newton", "lp"):
        session = PlanningSession(market, rule, tolerance=0.03, max_rounds=5)
        record = session.close_round(session.simulated_proposals())
        first[rule] = session.prices.copy()
        assert rule == "newton" or record.lp_status == "optimal"
    moved = np.abs(np.log(first["lp"] / first["newton"]))
    assert moved.max() <= MOST_CORRECTION + 0.005 + 1e-9


@pytest.mark.parametrize(
    "ending", [TerminationCondition.MAX_TIME_LIMIT, TerminationCondition.INTERRUPTED]
)
def test_a_later_pass_out_of_time_leaves_the_last_optimal_passs_prices(
    monkeypatch: pytest.MonkeyPatch, ending: TerminationCondition
) -> None:
    """Column generation's second solve cut short by the time limit: the first pass's LP
    was solved, so its duals stand (they are the prices of a round of one pass). An
    interrupt still abandons the round, as a service stopping does."""
    market = pequod_market(pequod_economy(n_workers=120, n_consumers=120, goods_per_category=4))
    one_pass = PlanningSession(market, "lp", tolerance=0.03, rule_options={"column_rounds": 0})
    one_pass.close_round(one_pass.simulated_proposals())
    solves = []
    solve = BoardMaster.solve

    def cut_after_one(master: BoardMaster) -> MasterLPResult:
        result = solve(master)
        solves.append(result)
        return result if len(solves) == 1 else dataclasses.replace(result, termination=ending)

    monkeypatch.setattr(BoardMaster, "solve", cut_after_one)
    session = PlanningSession(market, "lp", tolerance=0.03)
    before = session.prices.copy()
    record = session.close_round(session.simulated_proposals())
    assert len(solves) == 2  # the first round takes more than one pass here
    if ending is TerminationCondition.MAX_TIME_LIMIT:
        assert record.lp_status == "optimal"
        np.testing.assert_allclose(session.prices, one_pass.prices, rtol=1e-12)
        assert np.abs(session.prices / before - 1.0).max() > 0.01
    else:
        assert record.lp_status == "interrupted"
        np.testing.assert_array_equal(session.prices, before)
