"""The service's concurrency: worker threads, a gate between submissions and a round's
close, and group commit.

Calls arrive on one asyncio event loop. Database work runs on one thread (an SQLite file's
single connection) or a few (a pool of PostgreSQL connections); solves run on a thread pool
so that the loop keeps answering. Proposals that arrive together are committed together
(one transaction, one sync to disk), each acknowledged only after that commit. A per-session
gate lets any number of submissions through at once but a round close only alone, so a
proposal is either committed to the round it names before the round closes, or refused
because that round is no longer open; between servers sharing a store, the store's row
locks and a lease on the close do the same (:mod:`server.store_rounds`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
from collections.abc import AsyncIterator, Awaitable, Callable
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from typing import Any, Generic, TypeVar

__all__ = ["GroupCommit", "RoundGate", "Workers"]

log = logging.getLogger(__name__)
T = TypeVar("T")
Item = TypeVar("Item")
Result = TypeVar("Result")


class RoundGate:
    """Any number of submissions at a time, or one round close alone.

    A close waits for the submissions in progress (their commits included) and holds back
    new ones until it is done.
    """

    def __init__(self) -> None:
        self._submitting = 0
        self._closing = False
        self._changed = asyncio.Condition()

    @contextlib.asynccontextmanager
    async def submitting(self) -> AsyncIterator[None]:
        """Hold the gate for one submission; many may hold it at once."""
        async with self._changed:
            await self._changed.wait_for(lambda: not self._closing)
            self._submitting += 1
        try:
            yield
        finally:
            async with self._changed:
                self._submitting -= 1
                self._changed.notify_all()

    @contextlib.asynccontextmanager
    async def closing(self) -> AsyncIterator[None]:
        """Hold the gate alone, once the submissions under way are done."""
        async with self._changed:
            await self._changed.wait_for(lambda: not self._closing)
            self._closing = True
            await self._changed.wait_for(lambda: self._submitting == 0)
        try:
            yield
        finally:
            async with self._changed:
                self._closing = False
                self._changed.notify_all()


class GroupCommit(Generic[Item, Result]):
    """Items waiting for the database are written together: one call of ``write`` (one
    transaction, one sync to disk) for everything that arrived while the last was running.

    ``write`` returns one result per item, or an exception for an item it refused; an
    exception it raises refuses the whole batch.
    """

    def __init__(self, write: Callable[[list[Item]], Awaitable[list[Result | Exception]]]) -> None:
        self.write = write
        # groups of items put together, each answered by one future
        self.pending: list[tuple[list[Item], asyncio.Future[list[Result | Exception]]]] = []
        self.flushing: asyncio.Task[None] | None = None

    async def put(self, item: Item) -> Result:
        """Write one item (with whatever else is waiting); its result once committed."""
        (result,) = await self.put_many([item])
        if isinstance(result, Exception):
            raise result
        return result

    async def put_many(self, items: list[Item]) -> list[Result | Exception]:
        """Write items (with whatever else is waiting), in one transaction; each one's
        result, or the exception that refused it, once committed. An exception that
        refuses the whole transaction is raised."""
        future: asyncio.Future[list[Result | Exception]]
        future = asyncio.get_running_loop().create_future()
        self.pending.append((list(items), future))
        if self.flushing is None:
            self.flushing = asyncio.ensure_future(self._flush())
        return await future

    async def _flush(self) -> None:
        try:
            while self.pending:
                groups, self.pending = self.pending, []
                try:
                    results = await self.write([item for items, _ in groups for item in items])
                except Exception as err:  # the whole transaction failed: refuse them all
                    for _, future in groups:
                        future.set_exception(err)
                    continue
                start = 0
                for items, future in groups:
                    future.set_result(results[start : start + len(items)])
                    start += len(items)
        finally:
            self.flushing = None


def _log_failure(task: asyncio.Task[Any]) -> None:
    """Done-callback of background tasks: an unexpected error is logged, not lost."""
    if not task.cancelled() and task.exception() is not None:
        log.error("background task failed", exc_info=task.exception())


class Workers:
    """A database thread, a pool of solve threads, and background tasks that nothing cancels
    with their caller (errors are logged).

    Parameters
    ----------
    solve_workers
        Threads that run solves (round closes), so that long solves do not block the loop.
    db_threads
        Threads that call the store: one for an SQLite file (its one connection), more
        for a store with a pool of connections.
    """

    def __init__(self, *, solve_workers: int = 2, db_threads: int = 1) -> None:
        self._db = ThreadPoolExecutor(max_workers=db_threads, thread_name_prefix="parplan-db")
        self._solve: Executor = ThreadPoolExecutor(
            max_workers=solve_workers, thread_name_prefix="parplan-solve"
        )
        self._background: set[asyncio.Task[Any]] = set()
        self._process: ProcessPoolExecutor | None = None

    async def _in(self, executor: Executor, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(executor, fn, *args)

    async def compute(self, fn: Callable[..., T], *args: Any) -> T:
        """Run CPU work (a solve, parsing a large economy) on a solve thread."""
        return await self._in(self._solve, fn, *args)

    async def in_process(self, fn: Callable[..., T], *args: Any) -> T:
        """Run ``fn`` (a module-level function of plain data) in a process of its own: its
        objects never fill this process's memory, and it never holds this interpreter, so
        the event loop keeps answering (a thread would share the interpreter's lock). The
        process ends after each call, giving its memory back."""
        if self._process is None:
            self._process = ProcessPoolExecutor(
                max_workers=1,
                mp_context=multiprocessing.get_context("spawn"),
                max_tasks_per_child=1,
            )
        return await self._in(self._process, fn, *args)

    async def db(self, fn: Callable[..., T], *args: Any) -> T:
        """Run a store call on the database thread."""
        return await self._in(self._db, fn, *args)

    def spawn(self, coroutine: Any) -> asyncio.Task[Any]:
        """A background task that nothing cancels with its caller; errors are logged."""
        task = asyncio.ensure_future(coroutine)
        self._background.add(task)
        task.add_done_callback(self._background.discard)
        task.add_done_callback(_log_failure)
        return task

    def shutdown_workers(self) -> None:
        """Wait for the threads' work to end (solves should have been interrupted)."""
        self._solve.shutdown(wait=True, cancel_futures=True)
        self._db.shutdown(wait=True)
        if self._process is not None:
            self._process.shutdown(wait=True, cancel_futures=True)
