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

import json
import time
from pathlib import Path
from typing import Any

import numpy as np

from solver.planning.market import Proposals
from solver.usecases import to_json

from .records import (
    EconomyRecord,
    NotFoundError,
    RoundClosedError,
    RoundRow,
    Row,
    SessionRecord,
    _array_bytes,
    economy_from_row,
    proposals_to_bytes,
    round_from_row,
    session_from_row,
)
from .store_base import StoreBase, Transaction
from .store_failures import StoreError, is_storage_failure, is_transient_failure

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


class Store(StoreBase):
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

    def token_known(self, token_hash: str) -> bool:
        """Whether any session has a council with this token hash."""
        with self._read() as tx:
            row = tx.one("SELECT 1 FROM council_tokens WHERE token_hash = ? LIMIT 1", (token_hash,))
        return row is not None

    # -- proposals and rounds ------------------------------------------------------------

    def put_proposals(
        self, items: list[tuple[str, int, str, str]]
    ) -> list[bool | RoundClosedError | NotFoundError]:
        """Store (or replace) proposals ``(session, round, council, body)`` in one commit.

        Returns, for each, whether it replaced an earlier proposal of that council for that
        round, or the error that refused it: a proposal lands only in its session's open
        round, checked in the same transaction (which holds the session's row against a
        close), so none can land in a round that has closed. One refused proposal does not
        hold back the others.
        """
        results: list[bool | RoundClosedError | NotFoundError] = []
        now = time.time()
        sessions: dict[str, Row | None] = {}  # a batch mostly shares one session
        with self._transaction() as tx:
            for session_id, round_, council_id, body in items:
                if session_id not in sessions:
                    sessions[session_id] = tx.one(
                        "SELECT current_round, status FROM sessions WHERE session_id = ?"
                        + self._LOCK_SHARED,
                        (session_id,),
                    )
                current = sessions[session_id]
                if current is None:
                    results.append(NotFoundError(f"session_id: no session {session_id!r}"))
                    continue
                if current["status"] != "running":
                    results.append(RoundClosedError(session_id, round_, None, current["status"]))
                    continue
                if current["current_round"] != round_:
                    results.append(RoundClosedError(session_id, round_, current["current_round"]))
                    continue
                replaced = tx.one(
                    "SELECT 1 FROM proposals WHERE session_id = ? AND round = ? AND council_id = ?",
                    (session_id, round_, council_id),
                )
                tx.run(
                    "INSERT INTO proposals (session_id, round, council_id, body, revision, "
                    "submitted) VALUES (?, ?, ?, ?, 1, ?) "
                    "ON CONFLICT (session_id, round, council_id) DO UPDATE SET "
                    "body = excluded.body, revision = proposals.revision + 1, "
                    "submitted = excluded.submitted",
                    (session_id, round_, council_id, body, now),
                )
                results.append(replaced is not None)
        return results

    def put_proposal(self, session_id: str, round_: int, council_id: str, body: str) -> bool:
        """One proposal (see :meth:`put_proposals`); True when it replaced one."""
        (result,) = self.put_proposals([(session_id, round_, council_id, body)])
        if isinstance(result, Exception):
            raise result
        return result

    def proposals(self, session_id: str, round_: int) -> dict[str, tuple[str, int]]:
        """Council id -> (proposal body, revision) of every live proposal of a round."""
        with self._read() as tx:
            rows = tx.all(
                "SELECT council_id, body, revision FROM proposals "
                "WHERE session_id = ? AND round = ?",
                (session_id, round_),
            )
        return {row["council_id"]: (row["body"], row["revision"]) for row in rows}

    def close_round(
        self,
        session_id: str,
        round_: int,
        summary: dict[str, Any],
        prices: np.ndarray,
        next_prices: np.ndarray,
        proposals: Proposals,
        status: str,
    ) -> None:
        """Record a closed round and open the next (or end the session), atomically."""
        with self._transaction() as tx:
            current = tx.one(
                "SELECT current_round FROM sessions WHERE session_id = ?" + self._LOCK_UPDATE,
                (session_id,),
            )
            if current is None or current["current_round"] != round_:
                now_open = None if current is None else int(current["current_round"])
                raise RoundClosedError(session_id, round_, now_open)
            tx.run(
                "INSERT INTO rounds (session_id, round, summary, prices, next_prices, "
                "proposals, closed) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    session_id,
                    round_,
                    to_json(summary),
                    _array_bytes(prices),
                    _array_bytes(next_prices),
                    proposals_to_bytes(proposals),
                    time.time(),
                ),
            )
            tx.run(
                "UPDATE sessions SET status = ?, current_round = ?, round_opened = ? "
                "WHERE session_id = ?",
                (
                    status,
                    round_ + 1 if status == "running" else round_,
                    time.time(),
                    session_id,
                ),
            )

    def put_last_word_answer(
        self, session_id: str, council_id: str, approve: bool, status: str
    ) -> None:
        """Record a council's own answer to the board's last word and the session's status
        after it, atomically (a council answers once)."""
        with self._transaction() as tx:
            tx.run(
                "INSERT INTO last_word_answers (session_id, council_id, approve, answered) "
                "VALUES (?, ?, ?, ?)",
                (session_id, council_id, int(bool(approve)), time.time()),
            )
            tx.run("UPDATE sessions SET status = ? WHERE session_id = ?", (status, session_id))

    def last_word_answers(self, session_id: str) -> list[tuple[str, bool]]:
        """The councils' answers to a session's last word, in the order they came."""
        with self._read() as tx:
            rows = tx.all(
                "SELECT council_id, approve FROM last_word_answers WHERE session_id = ? "
                f"ORDER BY {self._ANSWER_ORDER}",
                (session_id,),
            )
        return [(row["council_id"], bool(row["approve"])) for row in rows]

    def last_summaries(self) -> dict[str, dict[str, Any]]:
        """Session id -> summary of its last closed round, for every session with one."""
        with self._read() as tx:
            rows = tx.all(
                "SELECT r.session_id, r.summary FROM rounds r JOIN ("
                "SELECT session_id, MAX(round) AS last_round FROM rounds GROUP BY session_id"
                ") m ON r.session_id = m.session_id AND r.round = m.last_round"
            )
        return {row["session_id"]: json.loads(row["summary"]) for row in rows}

    def rounds(self, session_id: str, first: int = 1, last: int | None = None) -> list[RoundRow]:
        """The closed rounds ``first`` to ``last`` (default: every one) of a session, in
        order."""
        with self._read() as tx:
            rows = tx.all(
                "SELECT * FROM rounds WHERE session_id = ? AND round >= ? AND round <= ? "
                "ORDER BY round",
                (session_id, first, last if last is not None else 2**62),
            )
        return [round_from_row(row) for row in rows]

    def round(self, session_id: str, round_: int) -> RoundRow:
        """One closed round."""
        with self._read() as tx:
            row = tx.one(
                "SELECT * FROM rounds WHERE session_id = ? AND round = ?", (session_id, round_)
            )
        if row is None:
            raise NotFoundError(f"round: session {session_id!r} has no closed round {round_}")
        return round_from_row(row)
