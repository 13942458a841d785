"""Graceful shutdown: SIGTERM ends the server within its grace period whatever is open, and
a round whose LP it stops stays open, as a deadline leaves it."""

from __future__ import annotations

import signal
import threading
import time
from pathlib import Path

import grpc

from server.api.planning.v1 import planning_pb2 as pb
from server.client import PlanningClient
from server.process import ServerProcess
from server.store import Store
from solver.scenarios.technique_choice import technique_choice_economy

EXAMPLES = Path(__file__).resolve().parent.parent / "solver" / "scenarios" / "examples"
ADMIN = "test-admin-token"
GRACE = 1.0


def sigterm_and_time(process: ServerProcess) -> float:
    """Send SIGTERM; the seconds until the process exited (with status 0)."""
    assert process.process is not None
    started = time.perf_counter()
    process.process.send_signal(signal.SIGTERM)
    assert process.process.wait(timeout=60) == 0
    return time.perf_counter() - started


def drain(stream: object, errors: list[grpc.StatusCode]) -> threading.Thread:
    """Read ``stream`` to its end on a thread, keeping the error code it ends with."""

    def read() -> None:
        try:
            for _ in stream:  # type: ignore[attr-defined]
                pass
        except grpc.RpcError as err:
            errors.append(err.code())

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    return thread


def test_sigterm_ends_the_server_with_watch_session_streams_open(tmp_path: Path) -> None:
    process = ServerProcess(tmp_path / "watch.db", ADMIN, ["--grace", str(GRACE)]).start()
    try:
        with PlanningClient(process.target, ADMIN) as admin:
            economy_id = admin.create_economy(EXAMPLES / "planning_town.json").economy_id
            session, _ = admin.create_session(economy_id, live_councils=["bakery"])
            errors: list[grpc.StatusCode] = []
            readers = [drain(admin.watch(session.session_id), errors) for _ in range(8)]
            time.sleep(0.5)  # the streams are open, waiting for a round that never closes
            assert sigterm_and_time(process) < GRACE + 2.0
            for reader in readers:
                reader.join(timeout=5)
                assert not reader.is_alive()
    finally:
        process.kill()


def test_sigterm_stops_an_lp_being_solved_and_leaves_its_round_open(tmp_path: Path) -> None:
    """RunSession on a 600-good economy whose first round's LP takes about 10 s: SIGTERM one
    second into it ends the server within the grace plus 2 s; after a restart the round is
    still open and closes as before."""
    database = tmp_path / "solve.db"
    economy = technique_choice_economy(600, seed=0)
    process = ServerProcess(database, ADMIN, ["--grace", str(GRACE)]).start()
    try:
        with PlanningClient(process.target, ADMIN) as admin:
            economy_id = admin.create_economy(economy).economy_id
            session, _ = admin.create_session(economy_id, max_rounds=1)
            errors: list[grpc.StatusCode] = []
            runner = drain(admin.run(session.session_id), errors)
            time.sleep(1.0)
            assert runner.is_alive()  # the first round's LP is being solved
            assert sigterm_and_time(process) < GRACE + 2.0
            runner.join(timeout=5)
            assert errors  # the stream did not end with a round
        process = ServerProcess(database, ADMIN, ["--grace", str(GRACE)]).start()
        with PlanningClient(process.target, ADMIN) as admin:
            state = admin.get_session(session.session_id)
            assert state.status == pb.SESSION_STATUS_RUNNING
            assert state.current_round == 1
            assert not state.HasField("last_round") or state.last_round.round == 0
        assert sigterm_and_time(process) < GRACE + 2.0
    finally:
        process.kill()


def test_sigterm_stops_a_round_closed_by_its_timeout(tmp_path: Path) -> None:
    """No call waits on a round that its timeout closes: shutdown itself stops its LP, and
    the round stays open with its proposals (a restart closes it by its timeout again)."""
    database = tmp_path / "timeout.db"
    economy = technique_choice_economy(600, seed=0)
    consumer = economy.consumer_councils[0].id
    process = ServerProcess(database, ADMIN, ["--grace", str(GRACE)]).start()
    try:
        with PlanningClient(process.target, ADMIN) as admin:
            economy_id = admin.create_economy(economy).economy_id
            opened = time.monotonic()
            session, tokens = admin.create_session(
                economy_id, live_councils=[consumer], manual_close=True, round_timeout_seconds=2.0
            )
            sid = session.session_id
            good = next(g.id for g in economy.goods if g.kind == "private")
            admin.as_council(tokens[consumer]).submit(sid, consumer, 1, requests={good: 1.0})
            assert time.monotonic() - opened < 1.5  # submitted before the timeout
            # the timeout fires at 2 s; a second later the round's LP is being solved
            time.sleep(max(opened + 3.0 - time.monotonic(), 0.0))
            assert sigterm_and_time(process) < GRACE + 2.0
        store = Store(database)
        try:  # the round is left open: nothing of it was stored
            assert store.rounds(sid) == []
            assert set(store.proposals(sid, 1)) == {consumer}
        finally:
            store.close()
    finally:
        process.kill()
