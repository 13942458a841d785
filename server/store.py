"""Durable state of the service in an embedded SQLite database.

Everything the service acknowledges is committed here first: economies, sessions, council
tokens (hashed), every proposal a live council submits (a resubmission replaces the earlier
one), and every closed round with its prices and the full set of proposals the board closed
it with. The records it reads and writes are :mod:`server.records`. A planning session in memory is
only a cache: after a restart it is rebuilt by
replaying its closed rounds (:mod:`server.sessions`).

The database runs in WAL mode with ``synchronous=FULL``, so a commit survives the process
being killed and the machine losing power. One connection serves the whole process; callers
serialise access (the service runs every call on one database thread).
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
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
    SessionRecord,
    _array_bytes,
    economy_from_row,
    proposals_to_bytes,
    round_from_row,
    session_from_row,
)
from .schema import SCHEMA
from .store_file import (
    StoreError,
    check_contents,
    check_file,
    is_storage_failure,
    write_headroom,
)

__all__ = ["Store", "StoreError", "is_storage_failure"]


class Store:
    """The service's SQLite database (see the module docstring).

    Parameters
    ----------
    path
        Database file. ``":memory:"`` for tests.
    create
        Create the store (and its folder) where there is none, or where the file is empty.
        Without it a missing or empty file is refused: a mistyped path must not start an
        empty service as if every session were gone.

    Raises
    ------
    StoreError
        One line: no store at ``path`` (without ``create``), an empty file, a file that is
        not an SQLite database or not this service's, or one that fails SQLite's
        ``quick_check``.
    """

    def __init__(self, path: str | Path, *, create: bool = False) -> None:
        self.path = str(path)
        fresh = self.path == ":memory:" or check_file(Path(self.path), create)
        try:
            self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            self._db.row_factory = sqlite3.Row
            if not fresh:
                check_contents(self._db, self.path)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._db.executescript(SCHEMA)
        except sqlite3.DatabaseError as err:
            said = " ".join(str(err).split())
            raise StoreError(f"{self.path}: damaged: {said[:400]}") from err
        self.failure: str | None = None
        """The last storage failure of a write, until a write succeeds again."""

    def close(self) -> None:
        """Close the database."""
        self._db.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """All or nothing: a failure rolls back every statement inside. A failure of the
        storage itself (a full disk, an I/O error, a damaged page) is remembered in
        :attr:`failure` until a write succeeds again."""
        try:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
                self._db.execute("COMMIT")
            except BaseException:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise
        except sqlite3.Error as err:
            if is_storage_failure(err):
                self.failure = str(err)
            raise
        self.failure = None

    def check_writable(self) -> None:
        """Write :data:`~server.store_file.HEADROOM` bytes through a connection of its own,
        then free them (:func:`~server.store_file.write_headroom`): raises while the
        storage cannot take that much, and clears :attr:`failure` once it can (the health
        probe calls it while :attr:`failure` is set)."""
        write_headroom(self.path)
        self.failure = None

    # -- economies -----------------------------------------------------------------------

    def add_economy(self, record: EconomyRecord) -> None:
        """Store an economy; its id must be new."""
        with self._transaction() as db:
            db.execute(
                "INSERT INTO economies VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
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

    _ECONOMY_COLUMNS = (
        "economy_id, name, goods, worker_councils, consumer_councils, federations, created, "
        "length(CAST(document AS BLOB)) AS document_bytes"
    )

    def economy(self, economy_id: str, with_document: bool = True) -> EconomyRecord:
        """The stored economy ``economy_id`` (:class:`NotFoundError` if none)."""
        row = self._db.execute(
            f"SELECT {self._ECONOMY_COLUMNS}, document FROM economies WHERE economy_id = ?",
            (economy_id,),
        ).fetchone()
        if row is None:
            raise NotFoundError(f"economy_id: no economy {economy_id!r}")
        return economy_from_row(row, with_document)

    def economies(self) -> list[EconomyRecord]:
        """Every stored economy, without its document."""
        rows = self._db.execute(
            f"SELECT {self._ECONOMY_COLUMNS} FROM economies ORDER BY created, economy_id"
        ).fetchall()
        return [economy_from_row(row, False) for row in rows]

    def delete_economy(self, economy_id: str) -> None:
        """Remove an economy; refused while a session uses it."""
        with self._transaction() as db:
            self.economy(economy_id, with_document=False)
            used = db.execute(
                "SELECT session_id FROM sessions WHERE economy_id = ? LIMIT 1", (economy_id,)
            ).fetchone()
            if used is not None:
                raise ValueError(
                    f"economy_id: economy {economy_id!r} is used by session {used['session_id']!r}"
                )
            db.execute("DELETE FROM economies WHERE economy_id = ?", (economy_id,))

    # -- sessions ------------------------------------------------------------------------

    def add_session(self, record: SessionRecord, token_hashes: dict[str, str]) -> None:
        """A new session and its councils' token hashes, in one transaction."""
        with self._transaction() as db:
            db.execute(
                "INSERT INTO sessions VALUES (?, ?, ?, ?, ?, ?, ?)",
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
            db.executemany(
                "INSERT INTO council_tokens VALUES (?, ?, ?)",
                [(record.session_id, c, h) for c, h in token_hashes.items()],
            )

    def session(self, session_id: str) -> SessionRecord:
        """The stored session ``session_id`` (:class:`NotFoundError` if none)."""
        row = self._db.execute("SELECT * FROM sessions WHERE session_id = ?", (session_id,))
        found = row.fetchone()
        if found is None:
            raise NotFoundError(f"session_id: no session {session_id!r}")
        return session_from_row(found)

    def sessions(self) -> list[SessionRecord]:
        """Every stored session."""
        rows = self._db.execute("SELECT * FROM sessions ORDER BY created, session_id")
        return [session_from_row(row) for row in rows.fetchall()]

    def council_of_token(self, session_id: str, token_hash: str) -> str | None:
        """The live council of the session whose token has this hash, if any."""
        row = self._db.execute(
            "SELECT council_id FROM council_tokens WHERE session_id = ? AND token_hash = ?",
            (session_id, token_hash),
        ).fetchone()
        return None if row is None else str(row["council_id"])

    def token_known(self, token_hash: str) -> bool:
        """Whether any session has a council with this token hash."""
        row = self._db.execute(
            "SELECT 1 FROM council_tokens WHERE token_hash = ? LIMIT 1", (token_hash,)
        ).fetchone()
        return row is not None

    # -- proposals and rounds ------------------------------------------------------------

    def put_proposals(
        self, items: list[tuple[str, int, str, str]]
    ) -> list[bool | RoundClosedError | NotFoundError]:
        """Store (or replace) proposals ``(session, round, council, body)`` in one commit.

        Returns, for each, whether it replaced an earlier proposal of that council for that
        round, or the error that refused it: a proposal lands only in its session's open
        round, checked in the same transaction, so none can land in a round that has closed.
        One refused proposal does not hold back the others.
        """
        results: list[bool | RoundClosedError | NotFoundError] = []
        now = time.time()
        sessions: dict[str, sqlite3.Row | None] = {}  # a batch mostly shares one session
        with self._transaction() as db:
            for session_id, round_, council_id, body in items:
                if session_id not in sessions:
                    sessions[session_id] = db.execute(
                        "SELECT current_round, status FROM sessions WHERE session_id = ?",
                        (session_id,),
                    ).fetchone()
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
                replaced = db.execute(
                    "SELECT 1 FROM proposals WHERE session_id = ? AND round = ? AND council_id = ?",
                    (session_id, round_, council_id),
                ).fetchone()
                db.execute(
                    "INSERT INTO proposals VALUES (?, ?, ?, ?, 1, ?) "
                    "ON CONFLICT (session_id, round, council_id) DO UPDATE SET "
                    "body = excluded.body, revision = revision + 1, "
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
        rows = self._db.execute(
            "SELECT council_id, body, revision FROM proposals WHERE session_id = ? AND round = ?",
            (session_id, round_),
        ).fetchall()
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
        with self._transaction() as db:
            current = db.execute(
                "SELECT current_round FROM sessions WHERE session_id = ?", (session_id,)
            ).fetchone()
            if current is None or current["current_round"] != round_:
                raise RoundClosedError(session_id, round_, current and current["current_round"])
            db.execute(
                "INSERT INTO rounds VALUES (?, ?, ?, ?, ?, ?, ?)",
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
            db.execute(
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
        with self._transaction() as db:
            db.execute(
                "INSERT INTO last_word_answers VALUES (?, ?, ?, ?)",
                (session_id, council_id, int(bool(approve)), time.time()),
            )
            db.execute("UPDATE sessions SET status = ? WHERE session_id = ?", (status, session_id))

    def last_word_answers(self, session_id: str) -> list[tuple[str, bool]]:
        """The councils' answers to a session's last word, in the order they came."""
        rows = self._db.execute(
            "SELECT council_id, approve FROM last_word_answers WHERE session_id = ? "
            "ORDER BY answered, rowid",
            (session_id,),
        ).fetchall()
        return [(row["council_id"], bool(row["approve"])) for row in rows]

    def last_summaries(self) -> dict[str, dict[str, Any]]:
        """Session id -> summary of its last closed round, for every session with one."""
        rows = self._db.execute(
            "SELECT r.session_id, r.summary FROM rounds r JOIN ("
            "SELECT session_id, MAX(round) AS last FROM rounds GROUP BY session_id"
            ") m ON r.session_id = m.session_id AND r.round = m.last"
        ).fetchall()
        return {row["session_id"]: json.loads(row["summary"]) for row in rows}

    def rounds(self, session_id: str, first: int = 1, last: int | None = None) -> list[RoundRow]:
        """The closed rounds ``first`` to ``last`` (default: every one) of a session, in
        order."""
        rows = self._db.execute(
            "SELECT * FROM rounds WHERE session_id = ? AND round >= ? AND round <= ? "
            "ORDER BY round",
            (session_id, first, last if last is not None else 2**62),
        ).fetchall()
        return [round_from_row(row) for row in rows]

    def round(self, session_id: str, round_: int) -> RoundRow:
        """One closed round."""
        row = self._db.execute(
            "SELECT * FROM rounds WHERE session_id = ? AND round = ?", (session_id, round_)
        ).fetchone()
        if row is None:
            raise NotFoundError(f"round: session {session_id!r} has no closed round {round_}")
        return round_from_row(row)
