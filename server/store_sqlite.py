"""The store in an embedded SQLite file, the service's default.

A file is opened only where it holds a store: an SQLite header, SQLite's ``quick_check``
passed, the service's tables present. A missing or empty file is a new store only when
asked for (``--init``), so that a mistyped path cannot start an empty service as if every
session were gone; a damaged or foreign one is refused. Each refusal is one line.

The database runs in WAL mode with ``synchronous=FULL``, so a commit survives the process
being killed and the machine losing power. One connection serves the whole process; callers
serialise access (the service runs every call on one database thread).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .records import Row
from .store import Store
from .store_base import HEADROOM, Transaction
from .store_failures import StoreError

__all__ = ["PROBE_SECONDS", "SqliteStore"]

TABLES = ("economies", "sessions", "council_tokens")
"""Tables every store of this service has had from the start (:mod:`server.schema`)."""
SQLITE_HEADER = b"SQLite format 3\x00"
PROBE_SECONDS = 1.0
"""The longest the health probe waits for the file."""


class _SqliteTransaction(Transaction):
    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        row: Row | None = self._db.execute(sql, params).fetchone()
        return row

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return list(self._db.execute(sql, params).fetchall())

    def run(self, sql: str, params: Sequence[Any] = ()) -> None:
        self._db.execute(sql, params)

    def run_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self._db.executemany(sql, rows)


class SqliteStore(Store):
    """The service's SQLite file (see the module docstring).

    Parameters
    ----------
    path
        Database file. ``":memory:"`` for tests.
    create
        Create the store (and its folder) where there is none, or where the file is empty.

    Raises
    ------
    StoreError
        One line: no store at ``path`` (without ``create``), an empty file, a file that is
        not an SQLite database or not this service's, one that fails SQLite's
        ``quick_check``, or one written by a newer version.
    """

    dialect = "sqlite"
    _DOCUMENT_BYTES = "length(CAST(document AS BLOB))"
    _ANSWER_ORDER = "answered, rowid"
    _NOW = "((julianday('now') - 2440587.5) * 86400.0)"

    def __init__(self, path: str | Path, *, create: bool = False) -> None:
        self.path = self.location = str(path)
        self.spool_dir = None if self.path == ":memory:" else str(Path(self.path).parent)
        fresh = self.path == ":memory:" or _check_file(Path(self.path), create)
        try:
            self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            self._db.row_factory = sqlite3.Row
            if not fresh:
                _check_contents(self._db, self.path)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self.migrate()
        except sqlite3.DatabaseError as err:
            said = " ".join(str(err).split())
            raise StoreError(f"{self.path}: damaged: {said[:400]}") from err

    def close(self) -> None:
        """Close the database."""
        self._db.close()

    @contextmanager
    def _transaction(self) -> Iterator[Transaction]:
        try:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield _SqliteTransaction(self._db)
                self._db.execute("COMMIT")
            except BaseException:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise
        except sqlite3.Error as err:
            self._remember(err)
            raise
        self.failure = None

    @contextmanager
    def _read(self) -> Iterator[Transaction]:
        yield _SqliteTransaction(self._db)

    def _lock_schema(self, tx: Transaction) -> None:
        """``BEGIN IMMEDIATE`` already holds the file's write lock."""

    def check_writable(self) -> None:
        """As :meth:`~server.store_base.StoreBase.check_writable`, through a connection of
        its own: the store's one connection belongs to the database thread."""
        probe = sqlite3.connect(self.path, timeout=PROBE_SECONDS, isolation_level=None)
        try:
            for room in (HEADROOM, 0):  # the second write gives the room back
                probe.execute("BEGIN IMMEDIATE")
                probe.execute(
                    "INSERT OR REPLACE INTO health_probe (probe_id, written, room) "
                    "VALUES (1, ?, zeroblob(?))",
                    (time.time(), room),
                )
                probe.execute("COMMIT")
        finally:
            if probe.in_transaction:
                probe.execute("ROLLBACK")
            probe.close()
        self.failure = None

    def probe(self) -> None:
        """Read the file through a new read-only connection: raises where it is gone,
        unreadable or not a database."""
        if self.path == ":memory:":
            return
        uri = f"{Path(self.path).resolve().as_uri()}?mode=ro"
        connection = sqlite3.connect(uri, uri=True, timeout=PROBE_SECONDS)
        try:
            connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            connection.close()


def _check_file(path: Path, create: bool) -> bool:
    """Refuse a missing or empty file unless ``create``, and a file that is not an SQLite
    database; ``True`` where a new store is to be made."""
    if not path.exists() or path.stat().st_size == 0:
        if not create:
            said = "no store" if not path.exists() else "an empty file (0 bytes), not a store"
            raise StoreError(f"{path}: {said}; give --init to create a new store there")
        path.parent.mkdir(parents=True, exist_ok=True)
        return True
    with path.open("rb") as head:
        if head.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise StoreError(
                f"{path}: not an SQLite database (damaged, or another kind of file); "
                "refusing to start on it"
            )
    return False


def _check_contents(db: sqlite3.Connection, path: str) -> None:
    """SQLite's ``quick_check`` (every page readable, indices consistent), and every table
    of the service present."""
    problems = [row[0] for row in db.execute("PRAGMA quick_check(5)").fetchall()]
    if problems != ["ok"]:
        said = "; ".join(" ".join(p.split()) for p in problems)
        raise StoreError(f"{path}: damaged: {said[:400]}")
    tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    missing = [t for t in TABLES if t not in tables]
    if missing:
        raise StoreError(
            f"{path}: not this service's store (no table {', '.join(missing)}); "
            "refusing to start on it"
        )
