"""Benchmark the gRPC planning service on loopback: proposal throughput and round closing.

Sections:

* ``throughput``  ``--clients`` concurrent clients (one channel each, default 200) submit
                  and resubmit proposals of live consumer councils to one open round for
                  ``--seconds``, one a call and ``--batch`` a call, on SQLite and on
                  PostgreSQL with one server and two: proposals accepted per second and
                  latency percentiles (:mod:`service_throughput`);
* ``close``       a round with ``--councils`` live councils (default 10^4): the time for all
                  of them to submit, then for ``CloseRound`` to assemble the proposals, solve
                  the round and store it; and the same round with every council simulated;
* ``upload``      an economy document of ``--upload-mb`` (default 76) streamed in: how long
                  health ``Check`` calls, made every 10 ms meanwhile, take to answer, and the
                  server's peak memory above what it held before, as a multiple of the
                  document (the document is validated in a process of its own).

The server runs in its own process (``parplan-server serve``) on a fresh database; the clients
run in this one, so on a small machine both compete for the same cores.

    python benchmarks/bench_service.py --sections throughput close
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import grpc
import numpy as np
from bench_common import machine, solver_version
from grpc_health.v1 import health_pb2, health_pb2_grpc
from service_throughput import throughput_table

from server.api.planning.v1 import common_pb2 as common_pb
from server.api.planning.v1 import planning_pb2 as pb
from server.api.planning.v1 import planning_pb2_grpc as pb_grpc
from server.client import PlanningClient
from server.durations import seconds_of
from server.process import ServerProcess
from solver.economy.io.readers import read_io_table
from solver.economy.io.to_economy import economy_from_io_table
from solver.economy.model import Economy, load_economy
from solver.planning.from_economy import market_from_economy
from solver.planning.live_proposals import CouncilDirectory, council_proposal
from solver.planning.market import simulated_proposals
from solver.scenarios.io_examples import EXAMPLES, WIOD_USA, with_simulated_councils
from solver.scenarios.synthetic import synthetic_economy

ADMIN = "bench-admin-token-of-at-least-32-characters"
RESULTS = Path(__file__).resolve().parent / "results" / "service.md"


def usa_2014_planning_table() -> Economy:
    """WIOD USA 2014 (55 industries, hours) as imported, before councils are added."""
    table = read_io_table(WIOD_USA, "wiod-2014")
    return economy_from_io_table(table, "hours", name="usa-2014")


def crowded_germany(n: int) -> Economy:
    """Germany 1995 (6 sectors) with ``n`` consumer councils."""
    return with_simulated_councils(
        load_economy(EXAMPLES / "germany_1995.json"), n_consumer_councils=n
    )


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q))


def consumer_requests(
    economy: Economy, prices: dict[str, float] | None = None
) -> dict[str, dict[str, float]]:
    """Every consumer council's requests at ``prices`` by item (default: the market's first
    prices), from one simulation of all of them (not one each)."""
    directory = CouncilDirectory(market_from_economy(economy))
    market = directory.market
    at = market.initial_prices if prices is None else np.array([prices[x] for x in market.labels])
    simulated = simulated_proposals(market, at)
    return {
        c.id: dict(council_proposal(directory, simulated, c.id).requests or {})
        for c in economy.consumer_councils
    }


def live_consumer_session(
    admin: PlanningClient, economy: Economy, **options: object
) -> tuple[str, dict[str, str], dict[str, dict[str, float]]]:
    """A session in which every consumer council is live; their first-round requests."""
    economy_id = admin.create_economy(economy).economy_id
    consumers = [c.id for c in economy.consumer_councils]
    session, tokens = admin.create_session(economy_id, live_councils=consumers, **options)  # type: ignore[arg-type]
    _, prices = admin.prices(session.session_id)
    return session.session_id, tokens, consumer_requests(economy, prices)


def throughput(admin: PlanningClient, target: str, args: argparse.Namespace) -> str:
    economy = crowded_germany(args.throughput_councils)
    return throughput_table(economy, consumer_requests(economy), args)


def _close_one(
    admin: PlanningClient, target: str, args: argparse.Namespace, name: str, economy: Economy
) -> str:
    """One table row per way of closing: live councils, then every council simulated."""
    sid, tokens, requests = live_consumer_session(admin, economy, manual_close=True)

    async def all_once() -> float:
        """Every council submits once, as fast as the clients go."""
        start = time.perf_counter()
        queue = asyncio.Queue[str]()
        for c in requests:
            queue.put_nowait(c)

        async def client() -> None:
            async with grpc.aio.insecure_channel(target) as channel:
                stub = pb_grpc.PlanningServiceStub(channel)
                while not queue.empty():
                    council = queue.get_nowait()
                    request = pb.SubmitProposalRequest(session_id=sid, council_id=council, round=1)
                    request.consumption.requests.extend(
                        common_pb.ItemQuantity(item=i, quantity=q)
                        for i, q in requests[council].items()
                    )
                    await stub.SubmitProposal(
                        request, metadata=(("authorization", f"Bearer {tokens[council]}"),)
                    )

        await asyncio.gather(*(client() for _ in range(args.clients)))
        return time.perf_counter() - start

    submit_wall = asyncio.run(all_once())
    start = time.perf_counter()
    closed = admin.close_round(sid, 1)
    close_wall = time.perf_counter() - start

    simulated_id = admin.create_economy(economy).economy_id
    session, _ = admin.create_session(simulated_id)
    start = time.perf_counter()
    (summary,) = list(admin.run(session.session_id, max_rounds=1))
    simulated_wall = time.perf_counter() - start
    n = len(economy.consumer_councils) + len(economy.worker_councils) + len(economy.federations)
    goods = len(economy.goods)
    return (
        f"| {name} ({goods} goods), {n:,} councils, live | {submit_wall:.2f} | "
        f"{close_wall:.2f} | {seconds_of(closed.summary.duration):.2f} | "
        f"{seconds_of(closed.summary.lp_duration):.2f} |\n"
        f"| {name} ({goods} goods), {n:,} councils, simulated | – | {simulated_wall:.2f} | "
        f"{seconds_of(summary.duration):.2f} | {seconds_of(summary.lp_duration):.2f} |\n"
    )


def close(admin: PlanningClient, target: str, args: argparse.Namespace) -> str:
    usa = with_simulated_councils(
        usa_2014_planning_table(), n_consumer_councils=args.councils, n_federations=4
    )
    rows = _close_one(admin, target, args, "Germany 1995", crowded_germany(args.councils))
    rows += _close_one(admin, target, args, "USA 2014", usa)
    return (
        "## Closing a round\n\n"
        f"{args.councils:,} consumer councils on two IO economies, rule lp. *Live*: every "
        f"consumer council submits over gRPC ({args.clients} clients), then `CloseRound` "
        "assembles the proposals, solves the round and stores it (client wall time, and the "
        "round's own time on the server); *simulated*: one `RunSession` round in which the "
        "server makes every proposal.\n\n"
        "| economy | all submit s | close s (client) | round s (server) | LP s |\n"
        "|---|---:|---:|---:|---:|\n" + rows
    )


def _status_kib(pid: int, field: str) -> int:
    """A ``/proc/PID/status`` memory field (``VmRSS``, ``VmHWM``) in KiB; 0 when gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def upload(admin: PlanningClient, target: str, args: argparse.Namespace, pid: int) -> str:
    goods = max(int(args.upload_mb * 1e6 / 1556), 10)  # about 1.56 kB of JSON per good
    document = synthetic_economy(goods, n_consumer_councils=goods).model_dump_json()
    size = len(document.encode())
    # a first upload of a tenth of the size sets up what every upload uses once (the
    # validating process's pool, the modules it imports, SQLite's cache)
    warm = synthetic_economy(max(goods // 10, 10), n_consumer_councils=max(goods // 10, 10))
    admin.create_economy(warm.model_dump_json())
    Path(f"/proc/{pid}/clear_refs").write_text("5")  # the peak RSS starts again from now
    before = _status_kib(pid, "VmRSS")
    latencies: list[float] = []
    child_peak = 0
    done = threading.Event()

    def check_health() -> None:
        nonlocal child_peak
        with grpc.insecure_channel(target) as channel:
            stub = health_pb2_grpc.HealthStub(channel)
            request = health_pb2.HealthCheckRequest(service="")
            while not done.is_set():
                started = time.perf_counter()
                stub.Check(request, timeout=30)
                latencies.append(time.perf_counter() - started)
                for child in _children(pid):
                    child_peak = max(child_peak, _status_kib(child, "VmRSS"))
                time.sleep(0.01)

    checker = threading.Thread(target=check_health, daemon=True)
    checker.start()
    time.sleep(0.2)
    started = time.perf_counter()
    stored = admin.create_economy(document)
    seconds = time.perf_counter() - started
    done.set()
    checker.join()
    peak = _status_kib(pid, "VmHWM")
    assert stored.goods == goods
    return (
        "## Uploading a large economy\n\n"
        f"A synthetic economy of {goods:,} goods and as many consumer councils: "
        f"{size / 1e6:.1f} MB of JSON, streamed with `UploadEconomy` in "
        f"{seconds:.1f} s. Meanwhile {len(latencies)} health `Check` calls, one every 10 ms: "
        f"slowest {max(latencies) * 1e3:.0f} ms, 99th percentile "
        f"{percentile(latencies, 99) * 1e3:.0f} ms, median "
        f"{statistics.median(latencies) * 1e3:.1f} ms.\n\n"
        f"The server's peak resident memory rose {(peak - before) / 1024:.0f} MiB above the "
        f"{before / 1024:.0f} MiB it held before: **{(peak - before) * 1024 / size:.2f}x the "
        f"document**. The process that validated it peaked at about "
        f"{child_peak / 1024:.0f} MiB ({child_peak * 1024 / size:.1f}x, sampled every "
        "10 ms), and ended with the upload.\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sections", nargs="+", default=["throughput", "close"])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--batch", type=int, default=50, help="proposals a SubmitProposals call")
    parser.add_argument("--client-processes", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--throughput-councils", type=int, default=10_000)
    parser.add_argument("--councils", type=int, default=10_000)
    parser.add_argument("--upload-mb", type=float, default=76.0)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    started = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    parts = [
        "# Service benchmark\n\n",
        f"Started {started}; machine: {machine()}; commit {solver_version()}.\n\n"
        f"Command: `python benchmarks/bench_service.py {' '.join(sys.argv[1:])}`\n\n",
    ]
    with (
        tempfile.TemporaryDirectory() as tmp,
        ServerProcess(Path(tmp) / "bench.db", ADMIN) as srv,
        PlanningClient(srv.target, ADMIN) as admin,  # the server's default limit: 16 MiB
    ):
        for section in args.sections:
            if section == "upload":
                assert srv.process is not None
                text = upload(admin, srv.target, args, srv.process.pid)
            else:
                text = {"throughput": throughput, "close": close}[section](admin, srv.target, args)
            print(text, flush=True)
            parts.append(text + "\n")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("".join(parts))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
