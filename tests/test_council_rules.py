"""Worker councils that decide by rules the board does not know: the board clears what they
propose (its belief, :mod:`solver.planning.board.effort_belief`, learns from them)."""

from __future__ import annotations

import numpy as np
import pytest

from solver import load_example
from solver.planning.from_economy import market_from_economy
from solver.planning.live_proposals import (
    CouncilDirectory,
    CouncilProposal,
    council_proposal,
    with_council_proposals,
)
from solver.planning.market import Market, ProposalError, check_proposals
from solver.planning.result import PlanStatus
from solver.planning.session import PlanningSession
from solver.scenarios.council_rules import (
    CouncilRule,
    MisstatedEffort,
    RoundPricedEffort,
    proposals_by_rule,
)


def plan_with(
    market: Market, council_rule: CouncilRule | None, max_rounds: int = 40, **options: object
) -> PlanningSession:
    session = PlanningSession(
        market, "lp", tolerance=0.01, max_rounds=max_rounds, rule_options=dict(options)
    )
    while session.status is PlanStatus.RUNNING:
        proposals = (
            session.simulated_proposals()
            if council_rule is None
            else proposals_by_rule(market, session.prices, council_rule)
        )
        session.close_round(proposals)
    return session


@pytest.fixture(scope="module")
def town() -> Market:
    return market_from_economy(load_example("planning-town"))


@pytest.fixture(scope="module")
def germany() -> Market:
    return market_from_economy(load_example("germany-1995-planning"))


def test_without_the_belief_the_board_stalls_on_councils_that_value_effort_otherwise(
    town: Market,
) -> None:
    """What the belief fixes: clearing the board's own model of the councils, the lp rule
    does not converge when their effort is valued at the round's prices."""
    stalled = plan_with(town, RoundPricedEffort(), max_rounds=30, learn_effort=False)
    assert stalled.status is PlanStatus.MAX_ROUNDS
    assert stalled.rounds[-1].max_excess > 0.1
    learnt = plan_with(town, RoundPricedEffort(), max_rounds=30)
    assert learnt.status is PlanStatus.CONVERGED


def test_simulated_councils_plan_as_before(town: Market) -> None:
    """Simulated councils follow the prior, so the belief changes nothing for them."""
    with_belief = plan_with(town, None)
    without = plan_with(town, None, learn_effort=False)
    assert len(with_belief.rounds) == len(without.rounds)
    np.testing.assert_allclose(with_belief.prices, without.prices, rtol=1e-12)


def test_a_live_council_states_its_effort_and_the_proposals_carry_it(town: Market) -> None:
    directory = CouncilDirectory(town)
    base = plan_with(town, None, max_rounds=1).last_proposals
    assert base is not None and base.stated_effort is None
    proposal = CouncilProposal(
        "steelworks",
        activities={"steel-coal": 40.0, "steel-electric": 10.0},
        stated_effort={"steel-coal": 0.8},
    )
    merged = with_council_proposals(directory, base, {"steelworks": proposal})
    check_proposals(town, merged)
    names = town.technique_names()
    stated = dict(zip(names, merged.stated_effort, strict=True))
    assert stated["steel-coal"] == 0.8
    assert np.isnan(stated["steel-electric"]) and np.isnan(stated["bake"])
    assert council_proposal(directory, merged, "steelworks") == proposal
    # the next proposal without a statement takes the statement back
    silent = CouncilProposal("steelworks", activities={"steel-coal": 40.0})
    again = with_council_proposals(directory, merged, {"steelworks": silent})
    assert again.stated_effort is not None and np.isnan(again.stated_effort).all()


@pytest.mark.parametrize(
    ("stated", "field", "words"),
    [
        ({"bake": -0.5}, "stated_effort[bake]", ">= 0"),
        ({"bake": float("nan")}, "stated_effort[bake]", "finite"),
        ({"bake": float("inf")}, "stated_effort[bake]", "finite"),
        ({"knead": 1.0}, "stated_effort[knead]", "no technique"),
        ({"sew": 1.0}, "stated_effort[sew]", "belongs to council"),
    ],
)
def test_a_bad_stated_effort_is_refused_naming_the_field(
    town: Market, stated: dict[str, float], field: str, words: str
) -> None:
    directory = CouncilDirectory(town)
    with pytest.raises(ProposalError) as err:
        directory.check(CouncilProposal("bakery", activities={"bake": 10.0}, stated_effort=stated))
    assert err.value.problems[0][0] == field
    assert words in err.value.problems[0][1]


def test_consumers_state_no_effort(town: Market) -> None:
    with pytest.raises(ProposalError, match="stated_effort"):
        CouncilDirectory(town).check(
            CouncilProposal("north-cc", requests={"bread": 1.0}, stated_effort={"bake": 1.0})
        )


@pytest.mark.parametrize("truth", [1.5, 2.0])
@pytest.mark.parametrize("example", ["town", "germany"])
def test_councils_whose_statements_their_moves_contradict_converge(
    example: str, truth: float, request: pytest.FixtureRequest
) -> None:
    """Effort ``truth`` times the prior, stated four times over: the board believed the
    statement's slope, and the proposals swung between idle or capacity and a point that
    slope could not place, for 40 rounds. Their moves now overrule it."""
    market = request.getfixturevalue(example)
    session = plan_with(market, MisstatedEffort(truth, 4.0), max_rounds=12)
    assert session.status is PlanStatus.CONVERGED


@pytest.mark.parametrize(("truth", "stated"), [(1.5, 2.0), (2.0, 4.0), (1.5, 4.0)])
def test_an_overstating_council_is_planned_as_fast_as_one_that_states_nothing(
    germany: Market, truth: float, stated: float
) -> None:
    """A council at its choice that states more than its marginal effort cost, and so more
    than the margin, while it moves up contradicts its word in its first move (a council
    moving towards its choice moves down when its marginal effort cost exceeds the margin):
    the board reads it as one that states nothing, and plans it in as few rounds (it took
    5 and 7 rounds against 3 while the board waited for two moves to overrule the word)."""
    stating = plan_with(germany, MisstatedEffort(truth, stated))
    silent = plan_with(germany, MisstatedEffort(truth, float("nan")))
    assert stating.status is PlanStatus.CONVERGED and silent.status is PlanStatus.CONVERGED
    assert len(stating.rounds) <= len(silent.rounds)
