"""Durable state of the service: what it stores and how, over SQLite or PostgreSQL.

Everything the service acknowledges is committed here first: economies, sessions, council
tokens (hashed), every proposal a live council submits (a resubmission replaces the earlier
one), and every closed round with its prices and the full set of proposals the board closed
it with. The records it reads and writes are :mod:`server.records`. A planning session in
memory is only a cache: after a restart it is rebuilt by replaying its closed rounds
(:mod:`server.sessions`).

:class:`Store` holds the statements, written once for both databases; a subclass gives the
connection, its transactions and its health: :class:`~server.store_sqlite.SqliteStore` (a
file, the embedded default) and :class:`~server.store_postgres.PostgresStore` (a server
that several service processes share). :func:`open_store` picks one from ``--db``.
"""

from __future__ import annotations

from pathlib import Path

from solver.usecases import to_json

from .records import (
    EconomyRecord,
    NotFoundError,
    SessionRecord,
    economy_from_row,
    session_from_row,
)
from .store_base import Transaction
from .store_failures import StoreError, is_storage_failure, is_transient_failure
from .store_rounds import RoundTables

__all__ = [
    "Store",
    "StoreError",
    "Transaction",
    "is_postgres_url",
    "is_storage_failure",
    "is_transient_failure",
    "open_store",
]


def is_postgres_url(target: str | Path) -> bool:
    """Whether ``--db`` names a PostgreSQL database (a ``postgresql://`` URL)."""
    return isinstance(target, str) and target.startswith(("postgresql://", "postgres://"))


def open_store(target: str | Path, *, create: bool = False) -> Store:
    """The store ``--db`` names: a ``postgresql://`` URL, else an SQLite file.

    Parameters
    ----------
    target
        ``postgresql://user@host:port/database`` (a password from ``$PGPASSWORD`` or
        ``~/.pgpass``, as for every libpq client), or the path of an SQLite file.
    create
        Make the store where there is none (``--init``); without it a missing store is
        refused, so that a mistyped ``--db`` cannot start an empty service.

    Raises
    ------
    StoreError
        One line naming the store and why it cannot be opened.
    """
    if is_postgres_url(target):
        from .store_postgres import PostgresStore

        return PostgresStore(str(target), create=create)
    from .store_sqlite import SqliteStore

    return SqliteStore(target, create=create)


class Store(RoundTables):
    """The service's database (see the module docstring): the statements of every read and
    write, over the connection a subclass gives."""

    # -- economies -----------------------------------------------------------------------

    def add_economy(self, record: EconomyRecord) -> None:
        """Store an economy; its id must be new."""
        with self._transaction() as tx:
            tx.run(
                "INSERT INTO economies (economy_id, name, document, goods, worker_councils, "
                "consumer_councils, federations, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    record.economy_id,
                    record.name,
                    record.document,
                    record.goods,
                    record.worker_councils,
                    record.consumer_councils,
                    record.federations,
                    record.created,
                ),
            )

    def _economy_columns(self) -> str:
        return (
            "economy_id, name, goods, worker_councils, consumer_councils, federations, "
            f"created, {self._DOCUMENT_BYTES} AS document_bytes"
        )

    def economy(self, economy_id: str, with_document: bool = True) -> EconomyRecord:
        """The stored economy ``economy_id`` (:class:`NotFoundError` if none)."""
        document = ", document" if with_document else ""
        with self._read() as tx:
            row = tx.one(
                f"SELECT {self._economy_columns()}{document} FROM economies WHERE economy_id = ?",
                (economy_id,),
            )
        if row is None:
            raise NotFoundError(f"economy_id: no economy {economy_id!r}")
        return economy_from_row(row, with_document)

    def economies(self) -> list[EconomyRecord]:
        """Every stored economy, without its document."""
        with self._read() as tx:
            rows = tx.all(
                f"SELECT {self._economy_columns()} FROM economies ORDER BY created, economy_id"
            )
        return [economy_from_row(row, False) for row in rows]

    def delete_economy(self, economy_id: str) -> None:
        """Remove an economy; refused while a session uses it."""
        with self._transaction() as tx:
            if tx.one("SELECT 1 FROM economies WHERE economy_id = ?", (economy_id,)) is None:
                raise NotFoundError(f"economy_id: no economy {economy_id!r}")
            used = tx.one(
                "SELECT session_id FROM sessions WHERE economy_id = ? LIMIT 1", (economy_id,)
            )
            if used is not None:
                raise ValueError(
                    f"economy_id: economy {economy_id!r} is used by session {used['session_id']!r}"
                )
            tx.run("DELETE FROM economies WHERE economy_id = ?", (economy_id,))

    # -- sessions ------------------------------------------------------------------------

    def add_session(self, record: SessionRecord, token_hashes: dict[str, str]) -> None:
        """A new session and its councils' token hashes, in one transaction."""
        with self._transaction() as tx:
            tx.run(
                "INSERT INTO sessions (session_id, economy_id, settings, status, current_round, "
                "round_opened, created) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    record.session_id,
                    record.economy_id,
                    to_json(record.settings),
                    record.status,
                    record.current_round,
                    record.round_opened,
                    record.created,
                ),
            )
            if token_hashes:
                tx.run_many(
                    "INSERT INTO council_tokens (session_id, council_id, token_hash) "
                    "VALUES (?, ?, ?)",
                    [(record.session_id, c, h) for c, h in token_hashes.items()],
                )

    def session(self, session_id: str) -> SessionRecord:
        """The stored session ``session_id`` (:class:`NotFoundError` if none)."""
        with self._read() as tx:
            found = tx.one("SELECT * FROM sessions WHERE session_id = ?", (session_id,))
        if found is None:
            raise NotFoundError(f"session_id: no session {session_id!r}")
        return session_from_row(found)

    def sessions(self) -> list[SessionRecord]:
        """Every stored session."""
        with self._read() as tx:
            rows = tx.all("SELECT * FROM sessions ORDER BY created, session_id")
        return [session_from_row(row) for row in rows]

    def council_of_token(self, session_id: str, token_hash: str) -> str | None:
        """The live council of the session whose token has this hash, if any."""
        with self._read() as tx:
            row = tx.one(
                "SELECT council_id FROM council_tokens WHERE session_id = ? AND token_hash = ?",
                (session_id, token_hash),
            )
        return None if row is None else str(row["council_id"])

    def council_tokens(self, session_id: str) -> dict[str, str]:
        """Token hash -> live council, of every live council of the session."""
        with self._read() as tx:
            rows = tx.all(
                "SELECT token_hash, council_id FROM council_tokens WHERE session_id = ?",
                (session_id,),
            )
        return {str(row["token_hash"]): str(row["council_id"]) for row in rows}

    def token_known(self, token_hash: str) -> bool:
        """Whether any session has a council with this token hash."""
        with self._read() as tx:
            row = tx.one("SELECT 1 FROM council_tokens WHERE token_hash = ? LIMIT 1", (token_hash,))
        return row is not None
