"""The board's last word: where prices alone do not clear, each council's part is a mix of its
own proposals, which it approves or rejects."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from numpy.testing import assert_allclose

from solver import load_example
from solver.planning.board.last_word import last_word
from solver.planning.board.own_proposals import council_ids, council_rows, mix_proposals
from solver.planning.councils import unit_margin
from solver.planning.from_economy import market_from_economy
from solver.planning.market import Market, simulated_proposals, supply_and_demand
from solver.planning.result import PlanStatus
from solver.planning.session import PlanningSession
from solver.scenarios.council_rules import RoundPricedEffort, proposals_by_rule
from solver.scenarios.pequod import pequod_economy, pequod_market


class AllOrNothing:
    """Worker councils without an effort cost of their own: every technique at capacity
    where its margin is positive, idle otherwise. Prices alone cannot clear them: at the
    price where a council would be indifferent it still answers all or nothing."""

    name = "all or nothing"

    def propose(self, market: Market, prices: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        lin = market.linear
        assert lin is not None
        supply = np.where(unit_margin(lin, prices) > 0, lin.capacity, 0.0)
        return supply, np.full(lin.n, np.nan)


@pytest.fixture(scope="module")
def town() -> Market:
    return market_from_economy(load_example("planning-town"))


def play(market: Market, rule: object, max_rounds: int, **options: object) -> PlanningSession:
    session = PlanningSession(market, "lp", tolerance=0.01, max_rounds=max_rounds, **options)
    while session.status is PlanStatus.RUNNING:
        session.close_round(proposals_by_rule(market, session.prices, rule))  # type: ignore[arg-type]
    return session


@pytest.mark.parametrize(
    "market",
    [
        market_from_economy(load_example("planning-town")),
        market_from_economy(load_example("germany-1995-planning")),
        pequod_market(pequod_economy(36, 36, 2, pollutant=True, seed=1)),
    ],
    ids=["linear with federations", "linear io", "cobb-douglas with permits"],
)
def test_each_councils_rows_add_up_to_the_boards_totals(market: Market) -> None:
    proposals = simulated_proposals(market, market.initial_prices * 1.2)
    supply_rows, demand_rows = council_rows(market, proposals)
    assert supply_rows.shape[0] == len(council_ids(market)) == demand_rows.shape[0]
    supply, demand = supply_and_demand(market, proposals)
    assert_allclose(market.fixed_supply + supply_rows.sum(axis=0), supply, rtol=1e-12)
    assert_allclose(demand_rows.sum(axis=0), demand, rtol=1e-12, atol=1e-12)
    # a council's whole weight on one round gives that round's proposals back
    weights = np.zeros((supply_rows.shape[0], 2))
    weights[:, 1] = 1.0
    other = simulated_proposals(market, market.initial_prices * 0.8)
    mixed = mix_proposals(market, [other, proposals], weights)
    assert_allclose(supply_and_demand(market, mixed)[0], supply, rtol=1e-12)
    assert_allclose(supply_and_demand(market, mixed)[1], demand, rtol=1e-12, atol=1e-12)


def test_all_or_nothing_councils_never_clear_by_prices_but_mixes_of_their_proposals_do(
    town: Market,
) -> None:
    session = play(town, AllOrNothing(), max_rounds=10, last_word=True)
    assert session.status in (PlanStatus.MAX_ROUNDS, PlanStatus.SETTLED)
    assert min(r.max_excess for r in session.rounds) > 0.3  # prices hop, never settle
    word = session.last_word
    assert word is not None
    assert word.round == 10 and word.rounds == list(range(1, 11))
    assert word.max_excess <= 0.01
    # every council's part is a convex mix of its own proposals of those rounds
    assert np.all(word.weights >= 0.0)
    assert_allclose(word.weights.sum(axis=1), 1.0)
    lin = town.linear
    assert lin is not None
    proposed = np.stack([np.asarray(p.linear_activity) for p in session.recent], axis=1)
    worker_rows = slice(town.consumers.n + (town.federations.n if town.federations else 0), None)
    per_technique = word.weights[worker_rows][lin.council]
    assert_allclose(word.plan.linear_activity, (per_technique * proposed).sum(axis=1))
    assert set(word.mixed) & set(town.worker_names())  # some worker council mixes
    supply, demand = supply_and_demand(town, word.plan)
    assert_allclose(word.supply, supply)
    assert_allclose(word.demand, demand)
    # the plan says when and for whom
    said = session.result().to_dict()["last_word"]
    assert said["after_round"] == 10
    assert set(said["councils"]) >= set(word.mixed)
    for council in word.mixed:
        mix = said["councils"][council]["weights"]
        assert sum(mix.values()) == pytest.approx(1.0)
    # and each worker council's part, its activity by technique
    names = town.technique_names()
    for w, council in enumerate(town.worker_names()):
        if council in word.mixed:
            part = said["councils"][council]["part"]["activities"]
            mine = np.flatnonzero(lin.council == w)
            assert part == pytest.approx({names[t]: word.plan.linear_activity[t] for t in mine})
    # what a council answers is the board's verdict on its part at the final prices
    assert len(word.approved) == len(word.councils)
    if word.rejected:
        assert session.status is PlanStatus.MAX_ROUNDS
    else:
        assert session.status is PlanStatus.SETTLED


def test_a_session_cut_short_is_settled_by_the_last_word(town: Market) -> None:
    """Councils valuing effort at the round's input costs, four rounds: not converged by
    prices (excess 6.5 %), the mix of their proposals clears and every council approves."""
    session = play(town, RoundPricedEffort(), max_rounds=4, last_word=True)
    assert session.rounds[-1].max_excess > 0.01
    assert session.status is PlanStatus.SETTLED
    result = session.result()
    assert result.settled and result.last_word is not None
    assert result.items["relative_excess"][~result.items["free"]].max() <= 0.01
    out = result.to_dict()
    assert out["status"] == "settled" and out["max_excess"] <= 0.01
    assert out["last_word"]["after_round"] == 4
    assert result.last_word.evaluation.rejected == 0


@pytest.mark.parametrize("approve", [True, False])
def test_councils_that_answer_for_themselves_decide_the_last_word(
    town: Market, approve: bool
) -> None:
    """Live councils answer their parts themselves: the session waits for every one whose
    part mixes its proposals, and one rejection leaves it at its round limit."""
    session = play(
        town, RoundPricedEffort(), max_rounds=4, last_word=True, answering=town.worker_names()
    )
    word = session.last_word
    assert word is not None
    assert session.status is PlanStatus.AWAITING_ANSWERS
    assert word.awaiting and set(word.awaiting) == set(word.mixed) & set(town.worker_names())
    with pytest.raises(ValueError, match="council: the board awaits no answer"):
        session.answer_last_word("north-cc", True)  # simulated: the board answers for it
    first, *others = word.awaiting
    session.answer_last_word(first, approve)
    for council in others:
        assert session.status is PlanStatus.AWAITING_ANSWERS
        session.answer_last_word(council, True)
    word = session.last_word
    assert word is not None and not word.awaiting
    assert word.answers[first] is approve
    said = session.result().to_dict()["last_word"]
    assert said["councils"][first]["approved"] is approve
    assert said["councils"][first]["answered_by"] == "council"
    if approve:
        assert session.status is PlanStatus.SETTLED
    else:
        assert session.status is PlanStatus.MAX_ROUNDS
        assert word.rejected == [first]
    with pytest.raises(RuntimeError, match="awaits no answers"):
        session.answer_last_word(first, True)


def test_without_the_last_word_a_session_ends_on_prices_alone(town: Market) -> None:
    session = play(town, AllOrNothing(), max_rounds=3)
    assert session.status is PlanStatus.MAX_ROUNDS
    assert session.last_word is None
    assert session.result().to_dict()["last_word"] is None


def test_last_word_needs_proposals(town: Market) -> None:
    with pytest.raises(ValueError, match="history"):
        last_word(town, [], [], town.initial_prices, 0.01)
    with pytest.raises(RuntimeError, match="no round"):
        PlanningSession(town, "lp").give_last_word()


def test_parplan_plan_last_word_reports_it() -> None:
    """Planning-town stopped after two rounds (excess 1.02 %): the last word mixes the
    steelworks' two proposals, clears and settles the session (exit code 0)."""
    done = subprocess.run(
        [
            *(sys.executable, "-m", "solver.cli", "plan", "--example", "planning-town"),
            *("--max-rounds", "2", "--last-word", "--json", "--quiet"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["status"] == "settled"
    assert out["history"][-1]["max_excess"] > 0.01 >= out["max_excess"]
    assert out["last_word"]["after_round"] == 2
    assert out["last_word"]["rounds_mixed"] == [1, 2]
    assert out["last_word"]["councils"]
