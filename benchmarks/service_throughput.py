"""Proposals accepted per second, side by side in one run: one proposal a call
(``SubmitProposal``) and many (``SubmitProposals``), on SQLite and on PostgreSQL with one
server and with two sharing the database.

Every client is a channel of its own, in processes of their own (``--client-processes``,
default 2, so that the clients' own Python is not what limits the count), submitting and
resubmitting proposals of live consumer councils to one open round for ``--seconds``.
A client of ``SubmitProposal`` speaks for one council at a time with its token; a client
of ``SubmitProposals`` is a relay for its own share of the councils, each proposal with its
council's token. Every accepted proposal is committed before its answer: SQLite in WAL
mode with ``synchronous=FULL``, PostgreSQL with ``fsync`` and ``synchronous_commit`` on.
Latencies are per call.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import grpc
import numpy as np

from server.api.planning.v1 import common_pb2 as common_pb
from server.api.planning.v1 import planning_pb2 as pb
from server.api.planning.v1 import planning_pb2_grpc as pb_grpc
from server.client import PlanningClient
from server.pg_cluster import PostgresCluster
from server.process import ServerProcess

__all__ = ["throughput_table"]

ADMIN = "bench-admin-token-of-at-least-32-characters"


@dataclass(frozen=True)
class Load:
    """What the clients send: per council its token and requests."""

    session_id: str
    tokens: dict[str, str]
    requests: dict[str, dict[str, float]]


def _unary_requests(load: Load, councils: list[str]) -> list[tuple[pb.SubmitProposalRequest, str]]:
    made = []
    for council in councils:
        request = pb.SubmitProposalRequest(session_id=load.session_id, council_id=council, round=1)
        request.consumption.requests.extend(
            common_pb.ItemQuantity(item=i, quantity=q) for i, q in load.requests[council].items()
        )
        made.append((request, load.tokens[council]))
    return made


def _batch_request(load: Load, councils: list[str]) -> pb.SubmitProposalsRequest:
    request = pb.SubmitProposalsRequest(session_id=load.session_id, round=1)
    for council in councils:
        entry = request.proposals.add(council_id=council, council_token=load.tokens[council])
        entry.consumption.requests.extend(
            common_pb.ItemQuantity(item=i, quantity=q) for i, q in load.requests[council].items()
        )
    return request


async def _clients(
    targets: list[str],
    load: Load,
    first: int,
    clients: int,
    all_clients: int,
    batch: int,
    seconds: float,
) -> tuple[int, int, list[float], float]:
    """Clients ``first`` to ``first + clients`` of ``all_clients`` (each on the server
    ``targets[k % len]``): proposals accepted, calls refused, call latencies, wall time."""
    councils = sorted(load.tokens)
    accepted = errors = 0
    latencies: list[float] = []
    stop_at = time.perf_counter() + seconds

    async def client(k: int) -> None:
        nonlocal accepted, errors
        mine = councils[k::all_clients]
        async with grpc.aio.insecure_channel(targets[k % len(targets)]) as channel:
            stub = pb_grpc.PlanningServiceStub(channel)
            if batch > 1:
                calls = [
                    _batch_request(load, mine[i : i + batch]) for i in range(0, len(mine), batch)
                ]
            else:
                unary = _unary_requests(load, mine)
            i = 0
            while time.perf_counter() < stop_at:
                start = time.perf_counter()
                try:
                    if batch > 1:
                        reply = await stub.SubmitProposals(calls[i % len(calls)])
                        accepted += sum(o.code == 0 for o in reply.outcomes)
                        errors += sum(o.code != 0 for o in reply.outcomes)
                    else:
                        request, token = unary[i % len(unary)]
                        await stub.SubmitProposal(
                            request, metadata=(("authorization", f"Bearer {token}"),)
                        )
                        accepted += 1
                except grpc.aio.AioRpcError:
                    errors += 1
                    continue
                finally:
                    i += 1
                latencies.append(time.perf_counter() - start)

    start = time.perf_counter()
    await asyncio.gather(*(client(k) for k in range(first, first + clients)))
    return accepted, errors, latencies, time.perf_counter() - start


def _client_process(args: tuple) -> tuple[int, int, list[float], float]:  # type: ignore[type-arg]
    return asyncio.run(_clients(*args))


def _run_load(
    targets: list[str], load: Load, clients: int, batch: int, seconds: float, processes: int
) -> dict[str, float]:
    shares = [clients // processes + (p < clients % processes) for p in range(processes)]
    starts = [sum(shares[:p]) for p in range(processes)]
    jobs = [
        (targets, load, starts[p], shares[p], clients, batch, seconds) for p in range(processes)
    ]
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        outcomes = pool.map(_client_process, jobs)
    accepted = sum(o[0] for o in outcomes)
    errors = sum(o[1] for o in outcomes)
    ms = np.asarray([x * 1000 for o in outcomes for x in o[2]])
    wall = max(o[3] for o in outcomes)
    return {
        "accepted": accepted,
        "errors": errors,
        "wall": wall,
        "rate": accepted / wall,
        "p50": float(np.percentile(ms, 50)),
        "p99": float(np.percentile(ms, 99)),
    }


def _load(admin: PlanningClient, economy_id: str, requests: dict[str, dict[str, float]]) -> Load:
    session, tokens = admin.create_session(
        economy_id, live_councils=sorted(requests), manual_close=True
    )
    return Load(session.session_id, tokens, requests)


def throughput_table(
    economy: object, requests: dict[str, dict[str, float]], args: argparse.Namespace
) -> str:
    """The table (see the module docstring); ``requests``: every council's proposal."""
    rows: list[tuple[str, int, str, int, int, dict[str, float]]] = []
    cases = [
        ("SQLite", 1, "SubmitProposal", 50, 1),
        ("SQLite", 1, "SubmitProposal", args.clients, 1),
        ("SQLite", 1, "SubmitProposals", args.clients, args.batch),
        ("PostgreSQL", 1, "SubmitProposal", args.clients, 1),
        ("PostgreSQL", 1, "SubmitProposals", args.clients, args.batch),
        ("PostgreSQL", 2, "SubmitProposals", args.clients, args.batch),
    ]
    # PostgreSQL's folder apart, where its own user (as root: postgres) may enter
    pg_folder = Path(tempfile.mkdtemp(prefix="parplan-bench-pg-"))
    with tempfile.TemporaryDirectory(prefix="parplan-bench-") as tmp:
        cluster = PostgresCluster.start(pg_folder, fsync=True)
        try:
            # a first case, not reported: the new database server and the client processes
            # settle (it measured 40 % below the same case run again)
            warm_up = ("SQLite", 1, "", 50, 1)
            for number, (store, servers, call, clients, batch) in enumerate([warm_up, *cases]):
                database = (
                    str(Path(tmp) / f"bench-{number}.db")
                    if store == "SQLite"
                    else cluster.create_database("bench")
                )
                processes = [ServerProcess(database, ADMIN).start() for _ in range(servers)]
                try:
                    with PlanningClient(processes[0].target, ADMIN) as admin:
                        economy_id = admin.create_economy(economy).economy_id  # type: ignore[arg-type]
                        load = _load(admin, economy_id, requests)
                        measured = _run_load(
                            [p.target for p in processes],
                            load,
                            clients,
                            batch,
                            args.seconds if call else 3.0,
                            args.client_processes,
                        )
                        assert admin.get_session(load.session_id).current_round == 1
                finally:
                    for process in processes:
                        process.kill()
                if call:
                    rows.append((store, servers, call, clients, batch, measured))
        finally:
            cluster.stop()
            shutil.rmtree(pg_folder, ignore_errors=True)
    base = next(r[5]["rate"] for r in rows if r[0] == "PostgreSQL" and r[1] == 1 and r[4] > 1)
    lines = [
        "| store | servers | call | clients | proposals a call | accepted | refused | "
        "accepted / s | p50 ms | p99 ms |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for store, servers, call, clients, batch, m in rows:
        lines.append(
            f"| {store} | {servers} | {call} | {clients} | {batch} | {m['accepted']:,.0f} | "
            f"{m['errors']:,.0f} | {m['rate']:,.0f} | {m['p50']:.1f} | {m['p99']:.1f} |"
        )
    two = next(r[5]["rate"] for r in rows if r[1] == 2)
    return (
        "## Proposals accepted per second\n\n"
        + (__doc__ or "").split("\n\n", 1)[1].replace("\n", " ").strip()
        + f" {len(requests):,} live consumer councils (Germany 1995, 6 goods), "
        f"{args.seconds:g} s a case.\n\n"
        + "\n".join(lines)
        + f"\n\nTwo servers on one PostgreSQL database accept {two / base:.2f}x what one "
        "does.\n"
    )
