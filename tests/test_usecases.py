"""The use-case layer and the front door: one call plans an economy, the same steps as the
command line and the service take, and bad settings are refused by name."""

from __future__ import annotations

import numpy as np
import pytest

import solver
from solver.planning.live_proposals import CouncilDirectory, CouncilProposal
from solver.planning.rules import rule_options
from solver.usecases import MissingProposalsError, new_session, round_proposals

FRONT_DOOR = [
    "Economy",
    "load_economy",
    "PlanningSession",
    "make_rule",
    "market_from_economy",
    "solve_round",
    "read_io_table",
    "economy_from_io_table",
    "with_simulated_councils",
    "balance_society",
    "TerminationCondition",
    "plan",
    "PlanResult",
    "plot_convergence",
]


def test_the_front_door_gives_what_the_guide_promises() -> None:
    for name in FRONT_DOOR:
        assert name in solver.__all__ and hasattr(solver, name), name


@pytest.fixture(scope="module")
def town() -> solver.Economy:
    return solver.load_example("planning-town")


def test_plan_in_one_call_equals_a_session_over_the_economy(town: solver.Economy) -> None:
    result = solver.plan(town, rule="lp")
    by_hand = solver.PlanningSession(town, "lp").run()  # an Economy, not a Market
    assert result.converged and by_hand.converged
    assert len(result.rounds) == len(by_hand.rounds)
    np.testing.assert_array_equal(result.final.prices, by_hand.final.prices)
    again = solver.PlanningSession(solver.market_from_economy(town), "lp").run()
    np.testing.assert_array_equal(result.final.prices, again.final.prices)


def test_rule_options_pass_through_and_a_wrong_one_is_named(town: solver.Economy) -> None:
    damped = solver.plan(town, rule="lp", damping=0.7, max_rounds=3)
    assert damped.rule == "lp" and len(damped.rounds) == 3
    # the option did what it says: round 1's answer moved 70 % of the way from the first
    # prices to the undamped rule's answer to the same proposals
    undamped = solver.plan(town, rule="lp", max_rounds=1)
    first = damped.rounds[0].prices
    np.testing.assert_allclose(
        damped.rounds[0].next_prices,
        0.3 * first + 0.7 * undamped.rounds[0].next_prices,
        rtol=1e-9,
    )
    with pytest.raises(
        ValueError,
        match=r"rule_options\[dampin\]: the lp rule has no option 'dampin'; did you "
        "mean 'damping'",
    ):
        solver.plan(town, rule="lp", dampin=0.7)
    with pytest.raises(ValueError, match=r"tatonnement rule has no option 'damping' \(it takes"):
        solver.plan(town, rule="tatonnement", damping=0.7)
    with pytest.raises(ValueError, match=r"rule: unknown price rule 'simplex' \(the rules: lp,"):
        solver.plan(town, rule="simplex")
    with pytest.raises(ValueError, match="unknown price rule 'newtn'; did you mean 'newton'"):
        solver.plan(town, rule="newtn")
    # a value of the wrong type is refused naming its option (issue #15)
    for name, options, said in (
        ("lp", {"damping": "abc"}, r"rule_options\[damping\]: the lp rule takes a finite number"),
        ("lp", {"damping": float("nan")}, r"rule_options\[damping\]: .* finite number"),
        ("lp", {"grid_steps": 2.5}, r"rule_options\[grid_steps\]: .* whole number"),
        ("lp", {"model_columns": "yes"}, r"rule_options\[model_columns\]: .* true or false"),
        ("lp", {"refine": "1,2"}, r"rule_options\[refine\]: .* list of numbers"),
        ("lp", {"box": -1.0}, r"rule_options\[box\]: must be positive, got -1.0"),
        ("lp", {"grid_steps": 0}, r"rule_options\[grid_steps\]: the lp rule refused it"),
        ("newton", {"damping": 2.0}, r"rule_options\[damping\]: must be in \(0, 1\]"),
        ("hybrid", {"grid_ratio": "x"}, r"rule_options\[grid_ratio\]: the hybrid rule takes"),
    ):
        with pytest.raises(ValueError, match=said):
            solver.make_rule(name, **options)
    assert "radius" in rule_options("newton") and "box" not in rule_options("newton")
    assert "column_rounds" in rule_options("hybrid") and rule_options("tatonnement") == []


def test_every_rule_has_a_time_limit_the_service_can_set() -> None:
    for name in solver.PRICE_RULES:
        rule = solver.make_rule(name)
        assert rule.time_limit is None
        rule.time_limit = 2.5
        assert rule.time_limit == 2.5


def test_rating_an_economy_gives_consumer_councils_their_members_budgets(
    town: solver.Economy,
) -> None:
    from solver.scenarios import bundled_workplaces

    rated = solver.rate_economy(town, bundled_workplaces())
    society = solver.load_society(bundled_workplaces())
    members: dict[str, int] = {}
    for w in society.workplaces:
        for m in w.members:
            if m.consumer_council is not None:
                members[m.consumer_council] = members.get(m.consumer_council, 0) + 1
    assert members  # planning-town's workplaces rate both consumer councils
    assert {cc.id: cc.members for cc in rated.consumer_councils if cc.id in members} == members
    assert "Budgets from the effort ratings" in rated.description
    assert town.model_dump() == solver.load_example("planning-town").model_dump()  # unchanged
    with pytest.raises(ValueError, match="workplaces: this market has no economy"):
        new_session(solver.market_from_economy(town), workplaces=bundled_workplaces())


def test_a_live_round_keeps_silent_councils_last_proposal(town: solver.Economy) -> None:
    session = new_session(town)
    directory = CouncilDirectory(session.market)
    live = ["north-cc", "steelworks"]
    with pytest.raises(MissingProposalsError, match="round: 1 live council"):
        round_proposals(session, directory, {"north-cc": CouncilProposal("north-cc", {})}, live)
    first = {
        "north-cc": CouncilProposal("north-cc", {"bread": 20.0, "clothes": 9.0}),
        "steelworks": CouncilProposal(
            "steelworks", activities={"steel-coal": 10.0, "steel-electric": 40.0}
        ),
    }
    session.close_round(round_proposals(session, directory, first, live))
    # round 2: nobody live submits; both keep what they proposed, the rest are simulated
    proposals = round_proposals(session, directory, {}, live)
    row = directory.rows["north-cc"]
    bread = session.market.labels.index("bread")
    assert proposals.consumer_requests[[row], [bread]][0] == 20.0
    assert proposals.linear_activity is not None
    steel = [session.market.technique_names().index(t) for t in ("steel-coal", "steel-electric")]
    np.testing.assert_array_equal(proposals.linear_activity[steel], [10.0, 40.0])
    simulated = session.simulated_proposals()
    south = directory.rows["south-cc"]
    assert (
        proposals.consumer_requests[[south], :] != simulated.consumer_requests[[south], :]
    ).nnz == 0


def test_an_imported_table_is_named_by_its_folder_not_its_path() -> None:
    from pathlib import Path

    from solver.usecases import import_io_table

    folder = Path(__file__).parent / "data" / "eurostat_germany_1995"
    economy, _ = import_io_table(folder, format="eurostat-beutel")
    assert economy.name == "eurostat_germany_1995"
    assert "Eurostat Manual (2008)" in economy.description  # the source stays said
    named, _ = import_io_table(folder, format="eurostat-beutel", name="germany")
    assert named.name == "germany"


def test_a_replay_keeps_the_rounds_a_session_was_stored_with(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from conftest import played_before_free_goods

    from solver.planning.result import PlanStatus
    from solver.usecases import LEDGER_GENESIS, replay_round

    market, stored, _ = played_before_free_goods(monkeypatch)
    replayed = solver.PlanningSession(market, "newton", tolerance=0.01, max_rounds=30)
    head = LEDGER_GENESIS
    for proposals, record in stored:
        head, _ = replay_round(replayed, proposals, record.next_prices, head)
    assert len(replayed.rounds) == len(stored) and replayed.status is PlanStatus.CONVERGED
    assert [r.max_excess for r in replayed.rounds] == [r.max_excess for _, r in stored]
