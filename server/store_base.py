"""What a store of the service is, whatever its database: transactions of statements with
``?`` placeholders, the schema migrated on opening, and the calls its health needs
(:mod:`server.store` holds the statements themselves)."""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from typing import Any, ClassVar

from .records import Row
from .schema import LATEST, MIGRATIONS, VERSIONS_TABLE, Dialect
from .store_failures import StoreError, is_storage_failure

__all__ = ["HEADROOM", "StoreBase", "Transaction"]

HEADROOM = 1 << 20
"""Bytes the store must be able to write again before health turns SERVING after a failed
write: a tiny write may still fit on a disk that refuses every real one."""


class Transaction(ABC):
    """Statements run inside one transaction, with ``?`` placeholders."""

    @abstractmethod
    def one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        """The first row of a query, if any."""

    @abstractmethod
    def all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """Every row of a query."""

    @abstractmethod
    def run(self, sql: str, params: Sequence[Any] = ()) -> None:
        """Run a statement."""

    @abstractmethod
    def run_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """Run a statement once per row of parameters."""


class StoreBase(ABC):
    """A database of the service; every write all or nothing.

    Subclasses give :meth:`_transaction`, :meth:`_read` and the health calls; the
    attributes below are the few places where SQLite's and PostgreSQL's SQL differ.
    """

    dialect: ClassVar[Dialect]
    _LOCK_SHARED: ClassVar[str] = ""
    """Row lock a submission takes on its session row (PostgreSQL: ``FOR SHARE``), so that a
    round close by another process waits for it; SQLite's writers are serialised anyway."""
    _LOCK_UPDATE: ClassVar[str] = ""
    """Row lock a round close takes on its session row (PostgreSQL: ``FOR UPDATE``)."""
    _DOCUMENT_BYTES: ClassVar[str]
    """SQL for the UTF-8 size of an economy's document."""
    _ANSWER_ORDER: ClassVar[str]
    """SQL ordering the last word's answers as they came."""

    location: str
    """The store as messages name it (a path, or a URL without its password)."""
    failure: str | None = None
    """The last storage failure of a write, until a write succeeds again."""
    shared: bool = False
    """Whether other server processes may write the store too (PostgreSQL): memory is then
    checked against the store, and rounds closed elsewhere are replayed."""
    spool_dir: str | None = None
    """Where large uploads are spooled before they are stored (``None``: the system's
    temporary folder)."""

    @abstractmethod
    def close(self) -> None:
        """Close the store's connections."""

    @abstractmethod
    def _transaction(self) -> AbstractContextManager[Transaction]:
        """All or nothing: a failure rolls back every statement inside. A failure of the
        storage itself (a full disk, an I/O error, a damaged page, a lost server) is
        remembered in :attr:`failure` until a write succeeds again."""

    @abstractmethod
    def _read(self) -> AbstractContextManager[Transaction]:
        """Statements that only read, outside any write transaction."""

    @abstractmethod
    def probe(self) -> None:
        """Raise where the store cannot be reached now (gone, unreadable, refusing us); for
        health, through a connection of its own so that it never waits behind a write."""

    @abstractmethod
    def _lock_schema(self, tx: Transaction) -> None:
        """Hold off other processes migrating the same store until ``tx`` ends."""

    def follow(self, on_change: Callable[[str], None]) -> Callable[[], None]:
        """Call ``on_change(session_id)`` when another server changes a session; returns the
        call that stops it. A store no other server writes has nothing to follow."""
        return lambda: None

    def check_writable(self) -> None:
        """Write :data:`HEADROOM` bytes, then free them: raises while the storage cannot
        take that much, and clears :attr:`failure` once it can (the health probe calls it
        while :attr:`failure` is set)."""
        for room in (b"\0" * HEADROOM, b""):  # the second write gives the room back
            with self._transaction() as tx:
                tx.run(
                    "INSERT INTO health_probe (probe_id, written, room) VALUES (1, ?, ?) "
                    "ON CONFLICT (probe_id) DO UPDATE SET written = excluded.written, "
                    "room = excluded.room",
                    (time.time(), room),
                )

    def _remember(self, err: BaseException) -> None:
        if is_storage_failure(err):
            self.failure = " ".join(str(err).split())[:400] or type(err).__name__

    # -- schema ------------------------------------------------------------------------

    def migrate(self) -> list[int]:
        """Apply the migrations this store lacks (:mod:`server.schema`), in one transaction;
        returns their numbers.

        Raises
        ------
        StoreError
            The store was written by a newer version of the service.
        """
        with self._transaction() as tx:
            self._lock_schema(tx)
            tx.run(VERSIONS_TABLE.format(real="REAL" if self.dialect == "sqlite" else "FLOAT8"))
            done = {int(row["version"]) for row in tx.all("SELECT version FROM schema_migrations")}
            if done and max(done) > LATEST:
                raise StoreError(
                    f"{self.location}: written by a newer parplan (schema version "
                    f"{max(done)}; this one knows up to {LATEST}); refusing to start on it"
                )
            applied = []
            for migration in MIGRATIONS:
                if migration.version in done:
                    continue
                for statement in migration.sql(self.dialect):
                    tx.run(statement)
                tx.run(
                    "INSERT INTO schema_migrations (version, adds, applied) VALUES (?, ?, ?)",
                    (migration.version, migration.adds, time.time()),
                )
                applied.append(migration.version)
        return applied

    def schema_versions(self) -> list[int]:
        """The migrations applied to this store, in order."""
        with self._read() as tx:
            rows = tx.all("SELECT version FROM schema_migrations ORDER BY version")
        return [int(row["version"]) for row in rows]
