"""``grpc.health.v1.Health`` served on the event loop, following the store's health.

grpcio-health-checking's synchronous servicer holds a thread of the server's pool for every
open ``Watch`` stream, and keeps holding it after the client has gone: on 2 cores a few
dropped watchers left ``Check`` unanswered and kept SIGTERM from ending the process (the
loop's default executor could not be joined). Here every call is a coroutine:

* ``Check`` answers at once from what the service knows: SERVING for every service it
  serves, NOT_SERVING while the store's last probe failed or once shutdown began, NOT_FOUND
  for a service it does not serve.
* ``Watch`` sends the status, then every change, from a coroutine that grpc cancels when the
  client goes away (deadline, cancellation, closed channel); at most :data:`MAX_WATCHERS`
  streams are open at once (one more is refused with RESOURCE_EXHAUSTED); shutdown sends
  NOT_SERVING and ends every stream.
* The store is probed every :data:`PROBE_SECONDS` on a thread of its own, through a
  connection of its own (the service's connection may be busy with a long write), with a
  read that fails when the database file is gone or unreadable or the database server
  refuses connections, and, after a write of the service failed (a full disk), with a
  write that fails until the store writes again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Iterable
from concurrent.futures import ThreadPoolExecutor

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc
from typing_extensions import override

from .store import Store

__all__ = [
    "MAX_WATCHERS",
    "PROBE_SECONDS",
    "SERVICE_NAME",
    "HealthService",
    "store_probe",
]

log = logging.getLogger(__name__)

SERVICE_NAME = "grpc.health.v1.Health"
MAX_WATCHERS = 256
"""Open ``Watch`` streams at most, over every service."""
PROBE_SECONDS = 1.0
"""Seconds between two probes of the store (and the longest a probe may take)."""

Status = int  # a health_pb2.HealthCheckResponse.ServingStatus value
SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING
SERVICE_UNKNOWN = health_pb2.HealthCheckResponse.SERVICE_UNKNOWN


def store_probe(store: Store) -> Callable[[], None]:
    """A probe of ``store`` through a connection of its own
    (:meth:`~server.store_base.StoreBase.probe`); where a write of the service failed (a
    full disk), it also writes a row of its own, and raises until that succeeds
    (:meth:`~server.store_base.StoreBase.check_writable`)."""

    def probe() -> None:
        store.probe()
        if store.failure is not None:
            store.check_writable()

    return probe


class HealthService(health_pb2_grpc.HealthServicer):
    """The health service (see the module).

    Parameters
    ----------
    services
        Names served besides ``""`` (the whole server); each is SERVING while the store is.
    probe
        Raises while the store is unhealthy (:func:`store_probe`); ``None``: no probe.
    max_watchers
        Most ``Watch`` streams open at once.
    """

    def __init__(
        self,
        services: Iterable[str],
        probe: Callable[[], None] | None = None,
        *,
        max_watchers: int = MAX_WATCHERS,
    ) -> None:
        self._served = frozenset(("", *services))
        self._probe = probe
        self._store_ok = True
        self._stopping = False
        self._changed = asyncio.Event()  # replaced after every change: watchers wake up
        self._watchers = 0
        self.max_watchers = max_watchers
        self._prober: asyncio.Task[None] | None = None
        self._probe_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="health")

    @property
    def watchers(self) -> int:
        """``Watch`` streams open now."""
        return self._watchers

    def status(self, service: str) -> Status | None:
        """What ``Check`` answers for ``service`` (``None``: not served)."""
        if service not in self._served:
            return None
        return SERVING if self._store_ok and not self._stopping else NOT_SERVING

    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    def start(self) -> None:
        """Start probing the store (on the running event loop)."""
        if self._probe is not None and self._prober is None:
            self._prober = asyncio.get_running_loop().create_task(self._probe_forever())

    async def _probe_forever(self) -> None:
        assert self._probe is not None
        loop = asyncio.get_running_loop()
        while not self._stopping:
            try:
                await asyncio.wait_for(
                    loop.run_in_executor(self._probe_thread, self._probe), PROBE_SECONDS
                )
                ok = True
            except Exception as err:  # any failure of the store counts
                if self._store_ok:
                    log.warning("store probe failed: %s; health NOT_SERVING", err)
                ok = False
            if ok != self._store_ok:
                if ok:
                    log.info("store probe succeeded again; health SERVING")
                self._store_ok = ok
                self._notify()
            await asyncio.sleep(PROBE_SECONDS)

    def enter_graceful_shutdown(self) -> None:
        """NOT_SERVING for every service from now on; every ``Watch`` stream ends."""
        self._stopping = True
        self._notify()
        if self._prober is not None:
            self._prober.cancel()
        self._probe_thread.shutdown(wait=False, cancel_futures=True)

    async def watchers_gone(self, timeout: float) -> None:
        """Wait (at most ``timeout`` s) until every ``Watch`` stream has sent its last
        status and ended, so that stopping the server does not cut one short."""
        deadline = asyncio.get_running_loop().time() + timeout
        while self._watchers and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.01)

    @override
    async def Check(
        self, request: health_pb2.HealthCheckRequest, context: grpc.aio.ServicerContext
    ) -> health_pb2.HealthCheckResponse:
        status = self.status(request.service)
        if status is None:
            await context.abort(grpc.StatusCode.NOT_FOUND, f"service: {request.service!r}")
        return health_pb2.HealthCheckResponse(status=status)

    @override
    async def Watch(
        self, request: health_pb2.HealthCheckRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[health_pb2.HealthCheckResponse]:
        if self._watchers >= self.max_watchers:
            await context.abort(
                grpc.StatusCode.RESOURCE_EXHAUSTED,
                f"{self.max_watchers} health watchers are open already; use Check, or "
                "watch again later",
            )
        self._watchers += 1
        try:
            last: Status | None = None
            while True:
                changed = self._changed
                status = self.status(request.service)
                status = SERVICE_UNKNOWN if status is None else status
                if status != last:
                    yield health_pb2.HealthCheckResponse(status=status)
                    last = status
                if self._stopping:
                    return
                await changed.wait()
        finally:
            self._watchers -= 1
