"""Several servers on one PostgreSQL store: they serve the same sessions, exactly one of them
closes each round, and a replica killed in the middle of a burst of proposals loses none
that it acknowledged; the plan is the one a single server reaches."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import grpc
import pytest
from conftest import read_rows
from numpy.testing import assert_allclose

from server.api.planning.v1 import planning_pb2 as pb
from server.client import PlanningClient
from server.live_demo import proposal_of
from server.pg_cluster import PostgresCluster
from server.process import ServerProcess
from solver.economy.model import load_economy
from solver.planning.from_economy import market_from_economy
from solver.planning.live_proposals import CouncilDirectory
from solver.planning.session import run_planning
from solver.scenarios.io_examples import with_simulated_councils

EXAMPLES = Path(__file__).resolve().parent.parent / "solver" / "scenarios" / "examples"
ADMIN = "test-admin-token-of-at-least-32-characters"
LEASE = ["--close-lease-seconds", "2"]


@pytest.fixture
def replicas(postgres: PostgresCluster) -> Iterator[tuple[str, ServerProcess, ServerProcess]]:
    url = postgres.create_database("replicas")
    first = ServerProcess(url, ADMIN, LEASE).start()
    second = ServerProcess(url, ADMIN, LEASE).start()  # --init again: migrated once
    try:
        yield url, first, second
    finally:
        first.kill()
        second.kill()


def test_a_round_closed_through_one_replica_is_seen_by_the_other_and_closed_once(
    replicas: tuple[str, ServerProcess, ServerProcess],
) -> None:
    """Councils speak to either replica; CloseRound sent to both at once closes the round
    once (the other call is refused); watchers of the other replica see each round."""
    url, first, second = replicas
    town = load_economy(EXAMPLES / "planning_town.json")
    directory = CouncilDirectory(market_from_economy(town))
    with PlanningClient(first.target, ADMIN) as one, PlanningClient(second.target, ADMIN) as two:
        economy_id = one.create_economy(town).economy_id
        session, tokens = one.create_session(economy_id, all_councils_live=True, manual_close=True)
        sid = session.session_id
        watched: list[int] = []
        watcher = threading.Thread(
            target=lambda: watched.extend(s.summary.round for s in two.watch(sid)), daemon=True
        )
        watcher.start()
        for expected in (1, 2, 3):
            round_, prices = two.prices(sid)
            assert round_ == expected
            for i, council in enumerate(sorted(tokens)):
                voice = (one, two)[i % 2].as_council(tokens[council])
                proposal = proposal_of(directory, council, prices)
                voice.submit(
                    sid, council, round_, requests=proposal.requests, activities=proposal.activities
                )
            with ThreadPoolExecutor(2) as pool:
                calls = [pool.submit(c.close_round, sid, round_) for c in (one, two)]
                outcomes = []
                for call in calls:
                    try:
                        outcomes.append(call.result().summary.round)
                    except grpc.RpcError as err:
                        assert err.code() == grpc.StatusCode.FAILED_PRECONDITION, err.details()
                        outcomes.append(None)
            assert sorted(outcomes, key=str) == [expected, None] or outcomes == [None, None]
            assert outcomes.count(expected) == 1, outcomes
            assert one.get_session(sid).current_round == two.get_session(sid).current_round
        rounds = read_rows(url, "SELECT round FROM rounds WHERE session_id = ?", (sid,))
        assert sorted(r for (r,) in rounds) == [1, 2, 3]
        deadline = time.monotonic() + 10
        while len(watched) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert watched[:3] == [1, 2, 3]


def test_a_replica_killed_mid_burst_loses_no_acknowledged_proposal_and_the_plan_holds(
    replicas: tuple[str, ServerProcess, ServerProcess],
) -> None:
    """200 live consumer councils and the worker councils of the Germany table submit at
    once, half through each replica; one replica is killed with SIGKILL in the middle of
    round 2's burst. Calls it did not answer go to the other; every proposal it acknowledged
    is stored, and the session converges to the single-server plan."""
    url, first, second = replicas
    economy = with_simulated_councils(
        load_economy(EXAMPLES / "germany_1995.json"), n_consumer_councils=200
    )
    market = market_from_economy(economy)
    directory = CouncilDirectory(market)
    reference = run_planning(market, "hybrid", tolerance=0.01, max_rounds=100)
    assert len(reference.rounds) >= 3  # the kill comes before the last round
    with PlanningClient(first.target, ADMIN) as one, PlanningClient(second.target, ADMIN) as two:
        economy_id = one.create_economy(economy).economy_id
        session, tokens = one.create_session(economy_id, rule="hybrid", all_councils_live=True)
        sid = session.session_id
        councils = sorted(tokens)
        acked_by_first: list[str] = []
        kill_now = threading.Event()
        lock = threading.Lock()

        def submit(council: str, client: PlanningClient, round_: int, prices: dict) -> None:
            proposal = proposal_of(directory, council, prices)
            try:
                client.as_council(tokens[council]).submit(
                    sid, council, round_, requests=proposal.requests, activities=proposal.activities
                )
            except grpc.RpcError as err:
                if client is two:
                    raise
                assert err.code() in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.CANCELLED)
                submit(council, two, round_, prices)  # the survivor takes it
                return
            if client is one and round_ == 2:
                with lock:
                    acked_by_first.append(council)
                    if len(acked_by_first) == 30:
                        kill_now.set()

        expected = 1
        while two.get_session(sid).status == pb.SESSION_STATUS_RUNNING:
            round_, prices = two.prices(sid)
            assert round_ == expected
            killer = None
            if round_ == 2:
                killer = threading.Thread(target=lambda: (kill_now.wait(60), first.kill()))
                killer.start()
            with ThreadPoolExecutor(32) as pool:
                futures = [
                    pool.submit(
                        submit, c, one if round_ <= 2 and i % 2 == 0 else two, round_, prices
                    )
                    for i, c in enumerate(councils)
                ]
                for future in futures:
                    future.result()
            if killer is not None:
                killer.join()
                stored = read_rows(
                    url,
                    "SELECT council_id FROM proposals WHERE session_id = ? AND round = 2",
                    (sid,),
                )
                assert set(acked_by_first) <= {c for (c,) in stored}
                assert 30 <= len(acked_by_first) < len(councils) // 2
            expected += 1
        final = two.get_session(sid)
        assert final.status == pb.SESSION_STATUS_CONVERGED
        assert final.current_round == len(reference.rounds)
        _, prices = two.prices(sid, final.current_round)
        assert_allclose([prices[x] for x in market.labels], reference.prices, rtol=1e-9)


def test_a_replay_leaves_open_the_round_the_store_holds_open(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Rounds closed by a server whose convergence test ran on past the round that this
    version's ends at: the round the store holds open stays open; a round that closed
    after the session's record was read (among the rows) ends the session."""
    import numpy as np
    from conftest import played_before_free_goods

    from server.records import RoundRow, SessionRecord
    from server.replicas import replay_rounds
    from solver.planning.result import PlanStatus
    from solver.planning.session import PlanningSession

    market, stored, ends = played_before_free_goods(monkeypatch)
    rows = [RoundRow(r.round, {}, r.prices, r.next_prices, p) for p, r in stored]

    def replayed(current_round: int) -> PlanningSession:
        record = SessionRecord("s", "e", {}, "running", current_round, 0.0, 0.0)
        planning = PlanningSession(market, "newton", tolerance=0.01, max_rounds=30)
        replay_rounds(planning, rows[:ends], [], "s", record)
        return planning

    reopened = replayed(current_round=ends + 1)  # round ends + 1 open in the store
    assert reopened.status is PlanStatus.RUNNING and len(reopened.rounds) == ends
    assert np.array_equal(reopened.prices, rows[ends - 1].next_prices)
    # the record was read while round `ends` was open; the rows hold its close
    assert replayed(current_round=ends).status is PlanStatus.CONVERGED
