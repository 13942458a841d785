"""One council's proposal: checks that name the field, and exact round trips."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose

from solver.economy.model import load_economy
from solver.planning.from_economy import market_from_economy
from solver.planning.live_proposals import (
    CouncilDirectory,
    CouncilKind,
    CouncilProposal,
    council_proposal,
    with_council_proposals,
)
from solver.planning.market import ProposalError, simulated_proposals
from solver.planning.session import PlanningSession, run_planning

EXAMPLES = Path(__file__).resolve().parent.parent / "solver" / "scenarios" / "examples"


@pytest.fixture(scope="module")
def town() -> CouncilDirectory:
    return CouncilDirectory(market_from_economy(load_economy(EXAMPLES / "planning_town.json")))


def test_every_council_is_found_with_its_kind(town: CouncilDirectory) -> None:
    market = town.market
    assert len(town.kinds) == market.consumers.n + len(market.federation_names()) + (
        market.n_workers
    )
    assert {town.kind(c) for c in market.consumer_names()} == {CouncilKind.CONSUMER}
    assert {town.kind(w) for w in market.worker_names()} == {CouncilKind.WORKER}
    # every technique belongs to exactly one council
    owned = np.sort(np.concatenate(list(town.techniques_of.values())))
    assert_allclose(owned, np.arange(market.linear.n))


def test_rows_taken_out_and_put_back_give_the_same_proposals(town: CouncilDirectory) -> None:
    market = town.market
    dear_goods = market.initial_prices.copy()
    dear_goods[market.items_of("private", "public", "intermediate")] *= 2.0
    proposals = simulated_proposals(market, dear_goods)
    every = {c: council_proposal(town, proposals, c) for c in town.kinds}
    blank = simulated_proposals(market, market.initial_prices)  # different numbers
    rebuilt = with_council_proposals(town, blank, every)
    assert_allclose(rebuilt.consumer_requests.toarray(), proposals.consumer_requests.toarray())
    assert_allclose(rebuilt.federation_requests.toarray(), proposals.federation_requests.toarray())
    assert_allclose(rebuilt.linear_activity, proposals.linear_activity)
    # the base is left as it was
    assert not np.allclose(blank.linear_activity, proposals.linear_activity)


def test_a_session_fed_council_by_council_reaches_the_in_process_plan(
    town: CouncilDirectory,
) -> None:
    market = town.market
    reference = run_planning(market, "lp", tolerance=0.01, max_rounds=100)
    session = PlanningSession(market, "lp", tolerance=0.01, max_rounds=100)
    while session.status.value == "running":
        simulated = session.simulated_proposals()
        # every council answers for itself, starting from last round's (stale) proposals
        base = session.last_proposals or simulated_proposals(market, market.initial_prices)
        live = {c: council_proposal(town, simulated, c) for c in town.kinds}
        session.close_round(with_council_proposals(town, base, live))
    assert len(session.rounds) == len(reference.rounds)
    assert_allclose(session.prices, reference.prices, rtol=1e-9)


@pytest.mark.parametrize(
    ("proposal", "field", "message"),
    [
        (CouncilProposal("nobody", requests={}), "council_id", "no council 'nobody'"),
        (CouncilProposal("{cc}", requests={"caviar": 1.0}), "requests[caviar]", "no item"),
        (CouncilProposal("{cc}", requests={"labour": 1.0}), "requests[labour]", "not a good"),
        (CouncilProposal("{cc}", requests={"bread": -1.0}), "requests[bread]", ">= 0 and <= 1e+15"),
        (
            CouncilProposal("{cc}", requests={"bread": float("nan")}),
            "requests[bread]",
            "finite number >= 0",
        ),
        # a quantity beyond the bound would make every later excess infinite (issue #15)
        (
            CouncilProposal("{cc}", requests={"bread": 1e308}),
            "requests[bread]",
            "finite number >= 0",
        ),
        (CouncilProposal("{cc}", requests={"park": 1.0}), "requests[park]", "a public good"),
        (CouncilProposal("{cc}", requests={"steel": 1.0}), "requests[steel]", "intermediate"),
        (CouncilProposal("{fed}", requests={"bread": 1.0}), "requests[bread]", "private good"),
        (CouncilProposal("{cc}", activities={}), "proposal", "requests goods"),
        (CouncilProposal("{wc}", requests={}), "proposal", "proposes activities"),
        (CouncilProposal("{wc}", activities={"nothing": 1.0}), "activities[nothing]", "no tech"),
        (CouncilProposal("{wc}", activities={"{other}": 1.0}), "activities[{other}]", "belongs"),
        (CouncilProposal("{wc}", activities={"{own}": 1e12}), "activities[{own}]", "capacity"),
    ],
)
def test_bad_proposals_are_refused_naming_the_field(
    town: CouncilDirectory, proposal: CouncilProposal, field: str, message: str
) -> None:
    market = town.market
    cc, wc = market.consumer_names()[0], market.worker_names()[0]
    own = market.technique_names()[int(town.techniques_of[wc][0])]
    other = next(
        market.technique_names()[int(t)]
        for w, ts in town.techniques_of.items()
        if w != wc
        for t in ts
    )
    names = {"cc": cc, "wc": wc, "own": own, "other": other, "fed": "south"}

    def fill(text: str) -> str:
        return text.format(**names)

    concrete = CouncilProposal(
        fill(proposal.council_id),
        requests=None
        if proposal.requests is None
        else {fill(k): v for k, v in proposal.requests.items()},
        activities=None
        if proposal.activities is None
        else {fill(k): v for k, v in proposal.activities.items()},
    )
    base = simulated_proposals(market, market.initial_prices)
    before = base.consumer_requests.toarray().copy()
    with pytest.raises(ProposalError) as err:
        with_council_proposals(town, base, {concrete.council_id: concrete})
    assert err.value.problems[0][0] == fill(field)
    assert fill(message) in err.value.problems[0][1]
    assert_allclose(base.consumer_requests.toarray(), before)
