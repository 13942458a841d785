"""Health checking served on the event loop: watchers that come and go starve nothing, a cap
on open watchers, and the status follows the store's health."""

from __future__ import annotations

import json
import resource
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import grpc
import psycopg
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from server.client import PlanningClient
from server.pg_cluster import PostgresCluster
from server.process import ServerProcess
from server.store import open_store

EXAMPLES = Path(__file__).resolve().parent.parent / "solver" / "scenarios" / "examples"
ADMIN = "test-admin-token-of-at-least-32-characters"
SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING
WHOLE = health_pb2.HealthCheckRequest(service="")


@pytest.fixture()
def health(tmp_path: Path) -> Iterator[tuple[ServerProcess, health_pb2_grpc.HealthStub]]:
    args = ["--grace", "2", "--max-health-watchers", "30"]
    with ServerProcess(tmp_path / "health.db", ADMIN, args) as process:
        channel = grpc.insecure_channel(process.target)
        stub = health_pb2_grpc.HealthStub(channel)
        assert stub.Check(WHOLE, timeout=10).status == SERVING  # the channel is connected
        yield process, stub
        channel.close()


def open_watchers(stub: health_pb2_grpc.HealthStub, n: int, timeout: float) -> list[object]:
    """``n`` Watch streams, each past its first message."""
    calls = [stub.Watch(WHOLE, timeout=timeout) for _ in range(n)]
    for call in calls:
        assert next(call).status == SERVING  # type: ignore[call-overload]
    return calls


def test_dropped_watchers_leave_check_answering_and_sigterm_ends_the_server(
    health: tuple[ServerProcess, health_pb2_grpc.HealthStub],
) -> None:
    """Three waves of 24 watchers (more than a default thread pool has threads on 2 cores),
    dropped by their 1 s deadline, by cancelling or by closing their channel: Check answers
    SERVING within 100 ms after them, and SIGTERM ends the server within its grace plus 2 s
    with every acknowledged proposal kept."""
    process, stub = health
    with PlanningClient(process.target, ADMIN) as admin:
        economy_id = admin.create_economy(EXAMPLES / "planning_town.json").economy_id
        session, tokens = admin.create_session(economy_id, live_councils=["north-cc"])
        reply = admin.as_council(tokens["north-cc"]).submit(
            session.session_id, "north-cc", 1, requests={"bread": 50.0}
        )
        assert reply.submitted_count == 1
    for wave in range(3):
        if wave == 0:  # their deadline passes
            open_watchers(stub, 24, timeout=1.0)
            time.sleep(1.3)
        elif wave == 1:  # the client cancels them
            for call in open_watchers(stub, 24, timeout=60.0):
                call.cancel()  # type: ignore[attr-defined]
        else:  # their channel closes
            channel = grpc.insecure_channel(process.target)
            open_watchers(health_pb2_grpc.HealthStub(channel), 24, timeout=60.0)
            channel.close()
    time.sleep(0.3)
    started = time.perf_counter()
    assert stub.Check(WHOLE, timeout=2.0).status == SERVING
    assert time.perf_counter() - started < 0.1
    watcher = stub.Watch(WHOLE, timeout=30.0)
    assert next(watcher).status == SERVING
    assert process.process is not None
    started = time.perf_counter()
    process.process.send_signal(signal.SIGTERM)
    assert process.process.wait(timeout=10) == 0
    assert time.perf_counter() - started < 2.0 + 2.0
    # the open watcher heard the shutdown, and its stream ended
    assert [m.status for m in watcher] == [NOT_SERVING]
    store = open_store(process.database)
    try:
        assert set(store.proposals(session.session_id, 1)) == {"north-cc"}
    finally:
        store.close()


def test_watchers_beyond_the_cap_are_refused_until_one_leaves(
    health: tuple[ServerProcess, health_pb2_grpc.HealthStub],
) -> None:
    _, stub = health
    calls = open_watchers(stub, 30, timeout=30.0)
    extra = stub.Watch(WHOLE, timeout=5.0)
    with pytest.raises(grpc.RpcError) as refused:
        next(extra)
    assert refused.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert "30 health watchers" in (refused.value.details() or "")
    assert stub.Check(WHOLE, timeout=1.0).status == SERVING  # Check is never refused
    calls[0].cancel()  # type: ignore[attr-defined]
    deadline = time.monotonic() + 5.0
    while True:  # the server sees the cancel shortly after
        again = stub.Watch(WHOLE, timeout=5.0)
        try:
            assert next(again).status == SERVING
            break
        except grpc.RpcError:
            assert time.monotonic() < deadline, "the cancelled watcher was never released"
            time.sleep(0.1)
    for call in calls[1:]:
        call.cancel()  # type: ignore[attr-defined]


def test_health_follows_the_store(
    health: tuple[ServerProcess, health_pb2_grpc.HealthStub], tmp_path: Path
) -> None:
    """The database file gone: NOT_SERVING (to Check and to watchers) within two probes;
    back: SERVING again. An unknown service is NOT_FOUND."""
    process, stub = health
    watcher = stub.Watch(WHOLE, timeout=30.0)
    assert next(watcher).status == SERVING
    away = tmp_path / "away.db"
    process.database.rename(away)
    try:
        assert next(watcher).status == NOT_SERVING
        assert stub.Check(WHOLE, timeout=1.0).status == NOT_SERVING
        service = health_pb2.HealthCheckRequest(service="planning.v1.PlanningService")
        assert stub.Check(service, timeout=1.0).status == NOT_SERVING
    finally:
        away.rename(process.database)
    assert next(watcher).status == SERVING
    assert stub.Check(WHOLE, timeout=1.0).status == SERVING
    with pytest.raises(grpc.RpcError) as unknown:
        stub.Check(health_pb2.HealthCheckRequest(service="no.such.Service"), timeout=1.0)
    assert unknown.value.code() == grpc.StatusCode.NOT_FOUND
    watcher.cancel()  # type: ignore[attr-defined]


def test_a_store_that_cannot_write_answers_unavailable_and_health_follows(
    health: tuple[ServerProcess, health_pb2_grpc.HealthStub],
) -> None:
    """Issue #15: a full disk came back as UNKNOWN with Python's text, health SERVING.
    The server's files are held to their size (RLIMIT_FSIZE, as a full disk would): a write
    fails UNAVAILABLE with one line, health turns NOT_SERVING; the limit lifted, SERVING
    again and the write goes through, with nothing stored before lost."""
    process, stub = health
    assert process.process is not None
    pid = process.process.pid
    town = (EXAMPLES / "planning_town.json").read_text()
    big = json.loads(town)
    big["description"] = "x" * 3_000_000  # more than the files may grow by
    with PlanningClient(process.target, ADMIN) as admin:
        first = admin.create_economy(town).economy_id
        files = [p for p in process.database.parent.glob(process.database.name + "*")]
        largest = max(p.stat().st_size for p in files)
        resource.prlimit(pid, resource.RLIMIT_FSIZE, (largest + 65536, resource.RLIM_INFINITY))
        try:
            with pytest.raises(grpc.RpcError) as err:
                admin.create_economy(json.dumps(big))
            assert err.value.code() == grpc.StatusCode.UNAVAILABLE, err.value.details()
            said = err.value.details()
            assert said.startswith("the store failed (") and "\n" not in said, said
            assert "nothing of this call was stored" in said
            deadline = time.monotonic() + 5.0
            while stub.Check(WHOLE, timeout=1.0).status != NOT_SERVING:
                assert time.monotonic() < deadline, "health stayed SERVING"
                time.sleep(0.1)
        finally:
            resource.prlimit(pid, resource.RLIMIT_FSIZE, (resource.RLIM_INFINITY,) * 2)
        deadline = time.monotonic() + 5.0
        while stub.Check(WHOLE, timeout=1.0).status != SERVING:
            assert time.monotonic() < deadline, "health did not come back"
            time.sleep(0.1)
        second = admin.create_economy(json.dumps(big)).economy_id
        stored = {e.economy_id for e in admin.list_economies()}
        assert {first, second} <= stored and len(stored) == 2


def test_health_follows_a_postgres_store_that_refuses_connections(
    postgres: PostgresCluster,
) -> None:
    """The database server refusing this database (its connections ended, new ones not
    allowed): a write answers UNAVAILABLE in one line and health turns NOT_SERVING; the
    database back, SERVING again and writes go through, with nothing stored before lost."""
    url = postgres.create_database("health")
    name = url.rsplit("/", 1)[1]
    town = (EXAMPLES / "planning_town.json").read_text()

    def allow(connections: bool) -> None:
        with psycopg.connect(postgres.url, autocommit=True) as admin_db:
            admin_db.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {connections}')
            if not connections:
                admin_db.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                    (name,),
                )

    def until(status: int, stub: health_pb2_grpc.HealthStub) -> None:
        deadline = time.monotonic() + 10.0
        while stub.Check(WHOLE, timeout=1.0).status != status:
            assert time.monotonic() < deadline, f"health did not turn {status}"
            time.sleep(0.1)

    with ServerProcess(url, ADMIN, ["--grace", "2"]) as process:
        stub = health_pb2_grpc.HealthStub(grpc.insecure_channel(process.target))
        with PlanningClient(process.target, ADMIN) as admin:
            first = admin.create_economy(town).economy_id
            allow(False)
            try:
                until(NOT_SERVING, stub)
                with pytest.raises(grpc.RpcError) as err:
                    admin.create_economy(town)
                assert err.value.code() == grpc.StatusCode.UNAVAILABLE, err.value.details()
                said = err.value.details()
                assert said.startswith("the store failed (") and "\n" not in said, said
            finally:
                allow(True)
            until(SERVING, stub)
            second = admin.create_economy(town).economy_id
            stored = {e.economy_id for e in admin.list_economies()}
            assert stored == {first, second}
