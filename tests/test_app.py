"""Graceful shutdown: SIGTERM ends the server within its grace period whatever is open, and
a round whose LP it stops stays open, as a deadline leaves it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import grpc
import pytest
from conftest import NewDatabase

from server.api.planning.v1 import planning_pb2 as pb
from server.client import PlanningClient
from server.client_errors import InvalidArgumentError, NotFoundError, ServerUnavailableError
from server.pg_cluster import PostgresCluster
from server.process import ServerProcess
from server.store import open_store
from solver.scenarios.technique_choice import technique_choice_economy

EXAMPLES = Path(__file__).resolve().parent.parent / "solver" / "scenarios" / "examples"
ADMIN = "test-admin-token-of-at-least-32-characters"
GRACE = 1.0
# A technique-choice economy whose first round takes 3-4 s unloaded (1,500 goods took 2.1 s
# by December 2026, which let the round finish within the grace after a SIGTERM at 1 s)
SLOW_LP_GOODS = 2500


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


def test_sigterm_ends_the_server_with_watch_session_streams_open(
    new_database: NewDatabase,
) -> None:
    process = ServerProcess(new_database("watch"), ADMIN, ["--grace", str(GRACE)]).start()
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


def test_sigterm_stops_an_lp_being_solved_and_leaves_its_round_open(
    new_database: NewDatabase,
) -> None:
    """RunSession on an economy whose first round's LP takes seconds: SIGTERM one
    second into it ends the server within the grace plus 2 s; after a restart the round is
    still open and closes as before."""
    database = new_database("solve")
    economy = technique_choice_economy(SLOW_LP_GOODS, seed=0)
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


def test_sigterm_stops_a_round_closed_by_its_timeout(new_database: NewDatabase) -> None:
    """No call waits on a round that its timeout closes: shutdown itself stops its LP, and
    the round stays open with its proposals (a restart closes it by its timeout again)."""
    database = new_database("timeout")
    economy = technique_choice_economy(SLOW_LP_GOODS, seed=0)
    consumer = economy.consumer_councils[0].id
    process = ServerProcess(database, ADMIN, ["--grace", str(GRACE)]).start()
    try:
        with PlanningClient(process.target, ADMIN) as admin:
            economy_id = admin.create_economy(economy).economy_id
            # The round opens inside the call, after the session's set-up (over a second on a
            # loaded 2-core machine), so its timeout fires between asked + 3 s and created + 3 s
            asked = time.monotonic()
            session, tokens = admin.create_session(
                economy_id, live_councils=[consumer], manual_close=True, round_timeout_seconds=3.0
            )
            created = time.monotonic()
            sid = session.session_id
            good = next(g.id for g in economy.goods if g.kind == "private")
            admin.as_council(tokens[consumer]).submit(sid, consumer, 1, requests={good: 1.0})
            assert time.monotonic() - asked < 2.5  # submitted before the timeout
            # a second after the timeout at the latest, the round's LP (3-5 s) is being solved
            time.sleep(max(created + 4.0 - time.monotonic(), 0.0))
            assert sigterm_and_time(process) < GRACE + 2.0
        store = open_store(database)
        try:  # the round is left open: nothing of it was stored
            assert store.rounds(sid) == []
            assert set(store.proposals(sid, 1)) == {consumer}
        finally:
            store.close()
    finally:
        process.kill()


def _serve(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``parplan-server serve`` with ``args`` that must end it at start-up."""
    command = [sys.executable, "-m", "server", "serve", "--port", "0", *args]
    return subprocess.run(
        command, capture_output=True, text=True, timeout=60, env=os.environ | env, check=False
    )


def test_serve_refuses_a_missing_empty_or_damaged_store_in_one_line(tmp_path: Path) -> None:
    """Issue #15: a zero-length file started as an empty store, a damaged one gave a raw
    traceback; now each is one line and exit status 2, and only --init makes a new store."""
    env = {"PARPLAN_ADMIN_TOKEN": ADMIN}
    missing = tmp_path / "typo.db"
    run = _serve(["--db", str(missing)], env)
    assert run.returncode == 2 and not missing.exists()
    assert run.stderr.strip() == (
        f"parplan-server: {missing}: no store; give --init to create a new store there"
    )
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    run = _serve(["--db", str(empty)], env)
    assert run.returncode == 2 and "an empty file (0 bytes), not a store" in run.stderr
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"\x00" * 8192)
    run = _serve(["--db", str(garbage), "--init"], env)  # --init does not overwrite it
    assert run.returncode == 2 and "not an SQLite database" in run.stderr
    for failed in (run,):
        assert "Traceback" not in failed.stderr and len(failed.stderr.strip().splitlines()) == 1


def test_the_admin_token_is_long_and_never_on_the_command_line(tmp_path: Path) -> None:
    """Issue #15: a short admin token was accepted, and --admin-token showed it to every
    user of the machine in the process table."""
    db = ["--db", str(tmp_path / "t.db"), "--init"]
    run = _serve(db, {"PARPLAN_ADMIN_TOKEN": "short"})
    assert run.returncode == 2
    assert "admin token: at least 32 characters, the one in $PARPLAN_ADMIN_TOKEN has 5" in (
        run.stderr
    )
    run = _serve([*db, "--admin-token", ADMIN], {"PARPLAN_ADMIN_TOKEN": ADMIN})
    assert run.returncode == 2 and "unrecognized arguments: --admin-token" in run.stderr
    token_file = tmp_path / "token"
    token_file.write_text("x" * 31 + "\n")
    run = _serve([*db, "--admin-token-file", str(token_file)], {"PARPLAN_ADMIN_TOKEN": ""})
    assert run.returncode == 2 and f"the one in {token_file} has 31" in run.stderr


def test_serve_on_postgres_refuses_a_database_without_a_store_and_a_token_beside_it(
    postgres: PostgresCluster,
) -> None:
    """With PostgreSQL, --init makes the tables in an existing database, as with a file; and
    there is no file beside the database for an admin token."""
    url = postgres.create_database("serve")
    run = _serve(["--db", url], {"PARPLAN_ADMIN_TOKEN": ADMIN})
    assert run.returncode == 2
    assert run.stderr.strip() == (
        f"parplan-server: {url}: no store in this database; give --init to create one there"
    )
    run = _serve(["--db", url, "--init"], {"PARPLAN_ADMIN_TOKEN": ""})
    assert run.returncode == 2
    assert "admin token: with a PostgreSQL store give $PARPLAN_ADMIN_TOKEN" in run.stderr


def test_the_client_raises_typed_errors_and_the_demo_says_when_no_server_listens(
    new_database: NewDatabase,
) -> None:
    """Issue #16: the client raised grpc's raw _InactiveRpcError, and the demo against a
    wrong port ended in a 25-line traceback."""
    with (
        ServerProcess(new_database("typed"), ADMIN) as process,
        PlanningClient(process.target, ADMIN) as admin,
    ):
        with pytest.raises(NotFoundError) as missing:
            admin.get_session("ses-nope")
        assert isinstance(missing.value, grpc.RpcError)  # what callers caught before
        assert missing.value.code() == grpc.StatusCode.NOT_FOUND
        assert missing.value.field_violations == [("session_id", "no session 'ses-nope'")]
        economy_id = admin.create_economy(EXAMPLES / "planning_town.json").economy_id
        with pytest.raises(InvalidArgumentError) as invalid:
            admin.create_session(economy_id, rule="newtn")
        assert invalid.value.field_violations[0][0] == "rule"
        assert "did you mean 'newton'" in invalid.value.message
    with (
        PlanningClient(process.target, ADMIN) as gone,  # the server has stopped
        pytest.raises(ServerUnavailableError, match="is the server running"),
    ):
        gone.list_economies()
    demo = subprocess.run(
        [sys.executable, "-m", "server", "demo", "--target", process.target],
        capture_output=True,
        text=True,
        timeout=60,
        env=os.environ | {"PARPLAN_ADMIN_TOKEN": ADMIN},
        check=False,
    )
    assert demo.returncode == 1 and "Traceback" not in demo.stderr
    (line,) = demo.stderr.strip().splitlines()
    assert line.startswith(f"parplan-server: cannot reach {process.target}; is the server running?")
    both = _serve(["--target", "127.0.0.1:0", "--port", "5"], {"PARPLAN_ADMIN_TOKEN": ADMIN})
    assert both.returncode == 2 and "--target: give --target, or --host and --port" in both.stderr
