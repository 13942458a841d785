"""The store on a PostgreSQL server, which several service processes can share.

``--db postgresql://user@host:port/database`` names a database that exists; ``--init``
creates the service's tables in it, and without ``--init`` a database without them is
refused, as a missing SQLite file is. The password, if any, comes as for every libpq
client (``$PGPASSWORD``, ``~/.pgpass``), never from the command line; messages name the
database without it.

Calls take a connection from a pool, which replaces connections the server dropped. A
submission holds its session's row ``FOR SHARE`` and a round close ``FOR UPDATE``, so that
a proposal committed by one process is never left out of a round another process closes.
Migrations run under an advisory lock: processes starting together migrate once.
"""

from __future__ import annotations

import functools
import logging
import re
import threading
import urllib.parse
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg
import psycopg_pool
from psycopg.rows import dict_row

from .records import Row
from .store import Store
from .store_base import Transaction
from .store_failures import StoreError

__all__ = ["PostgresStore", "without_password"]

log = logging.getLogger(__name__)

CONNECT_SECONDS = 5
"""The longest opening the store waits for the server."""
PROBE_SECONDS = 2
"""The longest the health probe waits for a connection (libpq's shortest timeout)."""
POOL_SIZE = 8
"""Connections a process keeps at most."""
CHANNEL = "parplan_sessions"
"""Where a server tells the others that a session changed (a round closed, an answer)."""
_UPSERT_ARRAYS = (
    "INSERT INTO proposals (session_id, round, council_id, body, revision, submitted) "
    "SELECT s, r, c, b, 1, t FROM unnest(?::text[], ?::int[], ?::text[], ?::text[], "
    "?::float8[]) AS u(s, r, c, b, t) "
    "ON CONFLICT (session_id, round, council_id) DO UPDATE SET "
    "body = excluded.body, revision = proposals.revision + 1, "
    "submitted = excluded.submitted RETURNING session_id, round, council_id, revision"
)
"""A batch of proposals in one statement, its columns as arrays."""
_SCHEMA_LOCK = 0x70617270_6C616E  # "parplan": the advisory lock of migrations


def without_password(url: str) -> str:
    """``url`` with any password replaced by ``***``, for messages and logs."""
    parts = urllib.parse.urlsplit(url)
    netloc = parts.netloc
    if parts.password is not None:
        user, host = netloc.rsplit("@", 1)
        netloc = f"{user.split(':', 1)[0]}:***@{host}"
    query = re.sub(r"(password=)[^&]*", r"\1***", parts.query)
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc, query=query))


@functools.lru_cache(maxsize=256)
def _placeholders(sql: str) -> str:
    """``?`` placeholders as psycopg's ``%s`` (the statements hold no other ``?``)."""
    return sql.replace("?", "%s")


class _PostgresTransaction(Transaction):
    def __init__(self, connection: psycopg.Connection[dict[str, Any]]) -> None:
        self._connection = connection

    def one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        return self._connection.execute(_placeholders(sql), params).fetchone()

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return list(self._connection.execute(_placeholders(sql), params).fetchall())

    def run(self, sql: str, params: Sequence[Any] = ()) -> None:
        self._connection.execute(_placeholders(sql), params)

    def run_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        with self._connection.cursor() as cursor:
            cursor.executemany(_placeholders(sql), rows)


class PostgresStore(Store):
    """The service's tables in a PostgreSQL database (see the module docstring).

    Parameters
    ----------
    url
        ``postgresql://user@host:port/database``.
    create
        Create the service's tables where the database has none.

    Raises
    ------
    StoreError
        One line: the server cannot be reached or refuses us, the database holds no store
        (without ``create``), or one written by a newer version.
    """

    dialect = "postgresql"
    _LOCK_SHARED = " FOR SHARE"
    _LOCK_UPDATE = " FOR UPDATE"
    _DOCUMENT_BYTES = "octet_length(document)"
    _ANSWER_ORDER = "answered, seq"
    _NOW = "extract(epoch FROM clock_timestamp())::float8"
    _NOTIFY = f"SELECT pg_notify('{CHANNEL}', ?)"
    shared = True

    def __init__(self, url: str, *, create: bool = False) -> None:
        self.url = url
        self.location = without_password(url)
        try:
            with psycopg.connect(url, connect_timeout=CONNECT_SECONDS) as first:
                found = first.execute("SELECT to_regclass('schema_migrations')").fetchone()
        except psycopg.Error as err:
            said = " ".join(str(err).split())
            raise StoreError(f"{self.location}: cannot open: {said[:400]}") from err
        if (found is None or found[0] is None) and not create:
            raise StoreError(
                f"{self.location}: no store in this database; give --init to create one there"
            )
        self._pool: psycopg_pool.ConnectionPool[psycopg.Connection[dict[str, Any]]] = (
            psycopg_pool.ConnectionPool(
                url,
                min_size=1,
                max_size=POOL_SIZE,
                kwargs={"autocommit": True, "row_factory": dict_row},
                check=psycopg_pool.ConnectionPool.check_connection,
                timeout=CONNECT_SECONDS,
                name="parplan",
                open=True,
            )
        )
        try:
            self.migrate()
        except BaseException:
            self._pool.close()
            raise

    def _upsert_proposals(
        self, tx: Transaction, rows: list[tuple[str, int, str, str, float]]
    ) -> list[int]:
        """One statement for the whole batch (arrays of its columns), in as many passes as
        one council has proposals in it: a statement may change a row only once."""
        revisions = [0] * len(rows)
        passes: list[list[int]] = []
        seen: dict[tuple[str, int, str], int] = {}
        for i, (session_id, round_, council_id, _, _) in enumerate(rows):
            key = (session_id, round_, council_id)
            depth = seen[key] = seen.get(key, -1) + 1
            if depth == len(passes):
                passes.append([])
            passes[depth].append(i)
        for indices in passes:
            columns = list(zip(*(rows[i] for i in indices), strict=True))
            written = tx.all(_UPSERT_ARRAYS, [list(c) for c in columns])
            at = {(r["session_id"], r["round"], r["council_id"]): r["revision"] for r in written}
            for i in indices:
                revisions[i] = int(at[rows[i][:3]])
        return revisions

    def close(self) -> None:
        """Close every connection of the pool."""
        self._pool.close()

    @contextmanager
    def _transaction(self) -> Iterator[Transaction]:
        try:
            with self._pool.connection() as connection, connection.transaction():
                yield _PostgresTransaction(connection)
        except psycopg.Error as err:
            self._remember(err)
            raise
        self.failure = None

    @contextmanager
    def _read(self) -> Iterator[Transaction]:
        with self._pool.connection() as connection:
            yield _PostgresTransaction(connection)

    def _lock_schema(self, tx: Transaction) -> None:
        tx.run("SELECT pg_advisory_xact_lock(?)", (_SCHEMA_LOCK,))

    def probe(self) -> None:
        """A new connection and a read of the service's tables: raises where the server is
        gone, refuses connections or lost the tables."""
        with psycopg.connect(self.url, connect_timeout=PROBE_SECONDS) as connection:
            connection.execute("SELECT 1 FROM schema_migrations LIMIT 1").fetchone()

    def follow(self, on_change: Callable[[str], None]) -> Callable[[], None]:
        """Call ``on_change(session_id)`` whenever another connection changes a session (a
        round closed, an answer stored), and ``on_change("")`` whenever the listening
        connection was (re)made, as changes may have been missed meanwhile; from a thread
        of its own. Returns the call that stops it."""
        stop = threading.Event()

        def listen() -> None:
            while not stop.is_set():
                try:
                    with psycopg.connect(
                        self.url, autocommit=True, connect_timeout=PROBE_SECONDS
                    ) as connection:
                        connection.execute(f"LISTEN {CHANNEL}")
                        on_change("")
                        while not stop.is_set():
                            for note in connection.notifies(timeout=0.5):
                                on_change(note.payload)
                except psycopg.Error as err:
                    log.warning("%s: listening for other servers' changes: %s", self.location, err)
                    stop.wait(1.0)

        threading.Thread(target=listen, name="parplan-listen", daemon=True).start()
        return stop.set
