"""The gRPC server: services, health checking, reflection, limits, TLS, graceful shutdown."""

from __future__ import annotations

import asyncio
import logging
import math
import signal
from dataclasses import dataclass
from pathlib import Path

import grpc
from grpc_health.v1 import health_pb2_grpc

from .api.planning.v1 import (
    economy_pb2,
    jobs_pb2,
    planning_pb2,
    round_pb2,
)
from .handlers import add_servicer
from .health import MAX_WATCHERS, HealthService, store_probe
from .health import SERVICE_NAME as HEALTH_SERVICE
from .reflection import enable_reflection
from .services import EconomyService, JobsService, PlanningService, RoundService
from .services.planning import MAX_SESSION_WATCHERS, WATCH_IDLE_SECONDS
from .sessions import CLOSE_LEASE, SessionManager
from .store import open_store

__all__ = [
    "DEFAULT_MAX_MESSAGE_MB",
    "MAX_PENDING_CALLS",
    "MIN_ADMIN_TOKEN",
    "ServerConfig",
    "run_server",
    "start_server",
]

log = logging.getLogger(__name__)

DEFAULT_MAX_MESSAGE_MB = 16  # one message, either way; larger economies use UploadEconomy
DEFAULT_MAX_UPLOAD_MB = 1024  # a whole economy streamed by UploadEconomy
MAX_PENDING_CALLS = 10_000
MIN_ADMIN_TOKEN = 32  # characters; a new token has 43 (32 random bytes, URL-safe base64)
SERVICE_NAMES = (
    economy_pb2.DESCRIPTOR.services_by_name["EconomyService"].full_name,
    planning_pb2.DESCRIPTOR.services_by_name["PlanningService"].full_name,
    round_pb2.DESCRIPTOR.services_by_name["RoundService"].full_name,
    jobs_pb2.DESCRIPTOR.services_by_name["JobsService"].full_name,
)


@dataclass(frozen=True)
class ServerConfig:
    """Settings of :func:`start_server`.

    Attributes
    ----------
    database
        The durable state: an SQLite file, or a ``postgresql://`` URL that several
        servers may share (:func:`~server.store.open_store`).
    create
        Create the store where there is none (or the file is empty); without it a missing
        store is refused (``--init`` of ``parplan-server serve``).
    admin_token
        Token of management calls (economies, sessions, closing rounds).
    address
        ``host:port`` to listen on; port 0 picks a free one.
    max_message_mb
        Largest message received or sent, in MiB; a larger one is refused with
        ``RESOURCE_EXHAUSTED``.
    max_upload_mb
        Largest economy accepted by ``UploadEconomy`` (streamed in chunks), in MiB.
    solve_workers
        Threads that solve rounds.
    tls_cert, tls_key
        PEM files; both given: the server speaks TLS only.
    grace_seconds
        On shutdown, how long calls in progress may finish.
    max_health_watchers
        Most ``grpc.health.v1.Health/Watch`` streams open at once.
    max_pending_calls
        Calls that may wait to be taken up by the server (those beyond are refused by
        gRPC, twice as many at once); gRPC's default of 1,000 cancelled calls of a burst.
    close_lease_seconds
        How long a round's close is held before it is renewed or, where this server
        died, taken over by another sharing the store.
    max_session_watchers, watch_idle_seconds
        Most ``WatchSession`` streams open at once, and how long one waits for the next
        round before it ends (``None``: as long as it takes).
    """

    database: Path | str
    admin_token: str
    address: str = "127.0.0.1:50051"
    max_message_mb: int = DEFAULT_MAX_MESSAGE_MB
    max_upload_mb: int = DEFAULT_MAX_UPLOAD_MB
    solve_workers: int = 2
    tls_cert: Path | None = None
    tls_key: Path | None = None
    grace_seconds: float = 5.0
    max_health_watchers: int = MAX_WATCHERS
    max_session_watchers: int = MAX_SESSION_WATCHERS
    max_pending_calls: int = MAX_PENDING_CALLS
    close_lease_seconds: float = CLOSE_LEASE
    watch_idle_seconds: float | None = WATCH_IDLE_SECONDS
    create: bool = False


@dataclass
class RunningServer:
    server: grpc.aio.Server
    port: int
    manager: SessionManager
    health: HealthService

    async def stop(self, grace: float | None) -> None:
        """Refuse new calls, let calls in progress finish within ``grace``, then close.

        Health turns NOT_SERVING and its watchers end at once; rounds being solved are
        interrupted when the grace runs out (their rounds stay open, as a deadline leaves
        them), so the process ends within the grace and the time an LP takes to notice.
        """
        self.health.enter_graceful_shutdown()
        # the watchers' streams end with NOT_SERVING; under load they may need a moment
        await self.health.watchers_gone(min(grace if grace is not None else 1.0, 1.0))
        stopped = asyncio.ensure_future(self.server.stop(grace))
        if grace is not None:
            # calls still running at the end of the grace are cancelled by grpc; solves
            # started by no call (a round's timeout) are stopped here
            await asyncio.wait({stopped}, timeout=grace)
            self.manager.interrupt_solves()
        await stopped
        self.manager.shutdown()
        self.manager.store.close()


async def start_server(config: ServerConfig) -> RunningServer:
    """Open the database, register the services and start listening."""
    if len(config.admin_token) < MIN_ADMIN_TOKEN:
        raise ValueError(
            f"admin_token: at least {MIN_ADMIN_TOKEN} characters, this one has "
            f"{len(config.admin_token)}"
        )
    if config.max_pending_calls < 1:
        raise ValueError(f"max_pending_calls: at least 1, got {config.max_pending_calls}")
    lease = config.close_lease_seconds
    if not (math.isfinite(lease) and 0.5 <= lease <= 3600):
        raise ValueError(f"close_lease_seconds: from 0.5 to 3600 seconds, got {lease}")
    if config.max_session_watchers < 1:
        raise ValueError(f"max_session_watchers: at least 1, got {config.max_session_watchers}")
    idle = config.watch_idle_seconds
    if idle is not None and not (math.isfinite(idle) and idle > 0):
        raise ValueError(f"watch_idle_seconds: a number of seconds > 0, got {idle}")
    limit = config.max_message_mb * 1024 * 1024
    server = grpc.aio.server(
        options=[
            ("grpc.max_receive_message_length", limit),
            ("grpc.max_send_message_length", limit),
            # calls that arrived but wait for the server to take them up: beyond gRPC's
            # default of 1,000 it cancels some, which a burst of clients saw as CANCELLED
            ("grpc.server.max_pending_requests", config.max_pending_calls),
            ("grpc.server.max_pending_requests_hard_limit", 2 * config.max_pending_calls),
        ]
    )
    store = open_store(config.database, create=config.create)
    manager = SessionManager(
        store, solve_workers=config.solve_workers, close_lease=config.close_lease_seconds
    )
    add_servicer(
        server,
        EconomyService(
            manager,
            config.admin_token,
            max_message_bytes=limit,
            max_upload_bytes=config.max_upload_mb * 1024 * 1024,
        ),
        economy_pb2.DESCRIPTOR.services_by_name["EconomyService"],
    )
    add_servicer(
        server,
        PlanningService(
            manager,
            config.admin_token,
            max_watchers=config.max_session_watchers,
            watch_idle_seconds=config.watch_idle_seconds,
        ),
        planning_pb2.DESCRIPTOR.services_by_name["PlanningService"],
    )
    add_servicer(
        server,
        RoundService(manager, config.admin_token),
        round_pb2.DESCRIPTOR.services_by_name["RoundService"],
    )
    add_servicer(
        server,
        JobsService(manager, config.admin_token),
        jobs_pb2.DESCRIPTOR.services_by_name["JobsService"],
    )
    health_service = HealthService(
        SERVICE_NAMES,
        store_probe(store),
        max_watchers=config.max_health_watchers,
    )
    health_pb2_grpc.add_HealthServicer_to_server(health_service, server)
    enable_reflection((*SERVICE_NAMES, HEALTH_SERVICE), server)
    if (config.tls_cert is None) != (config.tls_key is None):
        raise ValueError("tls_cert, tls_key: give both or neither")
    if config.tls_cert is not None and config.tls_key is not None:
        credentials = grpc.ssl_server_credentials(
            [(Path(config.tls_key).read_bytes(), Path(config.tls_cert).read_bytes())]
        )
        port = server.add_secure_port(config.address, credentials)
    else:
        port = server.add_insecure_port(config.address)
    await server.start()
    health_service.start()
    manager.follow_store()
    resumed = await manager.resume()
    if resumed:
        log.info("%d session(s) with round timeouts resumed", resumed)
    return RunningServer(server, port, manager, health_service)


async def run_server(config: ServerConfig, ready: asyncio.Event | None = None) -> None:
    """Serve until SIGINT or SIGTERM, then shut down gracefully."""
    running = await start_server(config)
    host = config.address.rsplit(":", 1)[0]
    log.info(
        "parplan service listening on %s:%d (database %s, %s)",
        host,
        running.port,
        running.manager.store.location,
        "TLS" if config.tls_cert else "no TLS",
    )
    print(f"listening on {host}:{running.port}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    if ready is not None:
        ready.set()
    await stop.wait()
    log.info("shutting down (grace %.1f s)", config.grace_seconds)
    await running.stop(config.grace_seconds)
