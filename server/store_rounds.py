"""The store's round tables: proposals, a round's close and who holds it, closed rounds,
and the councils' answers to the board's last word (:class:`~server.store.Store` adds
economies and sessions).

A round is closed by one process at a time, whichever servers share the store: the closer
takes a lease on the session's open round (a row of ``round_closers``, in the transaction
that reads the round's proposals), renews it while it solves, and commits the closed round
only while the lease is still its own. While a lease is live no proposal lands in that round
(it is refused as closing); where a closer dies, its lease runs out and another server takes
the round over. Times are the database's clock, so that servers whose clocks differ agree.
"""

from __future__ import annotations

import json
import time
from typing import Any, ClassVar

import numpy as np

from solver.planning.market import Proposals
from solver.usecases import to_json

from .records import (
    NotFoundError,
    RoundBeingClosed,
    RoundClosedError,
    RoundRow,
    Row,
    StaleSessionError,
    _array_bytes,
    proposals_to_bytes,
    round_from_row,
)
from .store_base import StoreBase, Transaction

__all__ = ["RoundTables"]


class RoundTables(StoreBase):
    """Proposals, round closes and their leases, closed rounds, answers to the last word."""

    _NOW: ClassVar[str]
    """SQL for the database's clock, in seconds since the epoch."""
    _NOTIFY: ClassVar[str | None] = None
    """SQL telling the other servers that a session changed (PostgreSQL: ``pg_notify``)."""

    def _changed(self, tx: Transaction, session_id: str) -> None:
        if self._NOTIFY is not None:
            tx.run(self._NOTIFY, (session_id,))

    def _now(self, tx: Transaction) -> float:
        row = tx.one(f"SELECT {self._NOW} AS now")
        assert row is not None
        return float(row["now"])

    def submit_proposals(
        self, items: list[tuple[str, int, str, str]]
    ) -> list[tuple[bool, int] | RoundClosedError | NotFoundError]:
        """Store (or replace) proposals ``(session, round, council, body)`` in one commit.

        Returns, for each, whether it replaced an earlier proposal of that council for that
        round and how many councils the round holds with it, or the error that refused it.
        A proposal lands only in its session's open round, checked in the same transaction
        (which holds the session's row against a close), and not while a close holds that
        round, so none can land in a round that has closed. One refused proposal does not
        hold back the others. Counts run on through a batch, as if its proposals were
        committed one by one; where other servers share the store they are read again after
        the commit, so that of proposals committed together through several servers the
        last to be counted sees them all.
        """
        results: list[tuple[bool, int] | RoundClosedError | NotFoundError] = []
        now = time.time()
        sessions: dict[str, tuple[Row | None, Row | None]] = {}  # a batch mostly shares one
        counts: dict[tuple[str, int], int] = {}
        rows: list[tuple[str, int, str, str, float]] = []  # the proposals that land
        landing: list[int] = []  # where each is answered in ``results``
        with self._transaction() as tx:
            for session_id, round_, council_id, body in items:
                if session_id not in sessions:
                    sessions[session_id] = (
                        tx.one(
                            "SELECT current_round, status FROM sessions WHERE session_id = ?"
                            + self._LOCK_SHARED,
                            (session_id,),
                        ),
                        tx.one(
                            f"SELECT round, holder FROM round_closers WHERE session_id = ? "
                            f"AND until > {self._NOW}",
                            (session_id,),
                        ),
                    )
                current, closing = sessions[session_id]
                refused = _not_open(session_id, round_, current)
                if refused is None and closing is not None and closing["round"] == round_:
                    refused = RoundBeingClosed(session_id, round_)
                if refused is not None:
                    results.append(refused)
                    continue
                key = (session_id, round_)
                if key not in counts:
                    counts[key] = self._count(tx, session_id, round_)
                results.append((False, 0))  # filled in below, once it is written
                rows.append((session_id, round_, council_id, body, now))
                landing.append(len(results) - 1)
            revisions = self._upsert_proposals(tx, rows)
            for at, row, revision in zip(landing, rows, revisions, strict=True):
                key = (row[0], row[1])
                replaced = revision > 1
                counts[key] += not replaced
                results[at] = (replaced, counts[key])
        if self.shared and counts:
            with self._read() as tx:
                later = {k: self._count(tx, *k) - n for k, n in counts.items()}
            results = [
                r if isinstance(r, Exception) else (r[0], r[1] + later[(s, n)])
                for (s, n, _, _), r in zip(items, results, strict=True)
            ]
        return results

    _UPSERT = (
        "INSERT INTO proposals (session_id, round, council_id, body, revision, submitted) "
        "VALUES (?, ?, ?, ?, 1, ?) "
        "ON CONFLICT (session_id, round, council_id) DO UPDATE SET "
        "body = excluded.body, revision = proposals.revision + 1, "
        "submitted = excluded.submitted RETURNING revision"
    )

    def _upsert_proposals(
        self, tx: Transaction, rows: list[tuple[str, int, str, str, float]]
    ) -> list[int]:
        """Write proposals ``(session, round, council, body, time)``, in order; the
        revision each then has (1: new; more: it replaced one)."""
        revisions = []
        for row in rows:
            written = tx.one(self._UPSERT, row)
            assert written is not None
            revisions.append(int(written["revision"]))
        return revisions

    def submitted_count(self, session_id: str, round_: int) -> int:
        """How many councils have a proposal in the round."""
        with self._read() as tx:
            return self._count(tx, session_id, round_)

    @staticmethod
    def _count(tx: Transaction, session_id: str, round_: int) -> int:
        row = tx.one(
            "SELECT count(*) AS n FROM proposals WHERE session_id = ? AND round = ?",
            (session_id, round_),
        )
        return 0 if row is None else int(row["n"])

    def put_proposal(self, session_id: str, round_: int, council_id: str, body: str) -> bool:
        """One proposal (see :meth:`submit_proposals`); True when it replaced one."""
        (result,) = self.submit_proposals([(session_id, round_, council_id, body)])
        if isinstance(result, Exception):
            raise result
        return result[0]

    def proposals(self, session_id: str, round_: int) -> dict[str, tuple[str, int]]:
        """Council id -> (proposal body, revision) of every live proposal of a round."""
        with self._read() as tx:
            return self._proposals(tx, session_id, round_)

    @staticmethod
    def _proposals(tx: Transaction, session_id: str, round_: int) -> dict[str, tuple[str, int]]:
        rows = tx.all(
            "SELECT council_id, body, revision FROM proposals WHERE session_id = ? AND round = ?",
            (session_id, round_),
        )
        return {row["council_id"]: (row["body"], row["revision"]) for row in rows}

    # -- a round's close -----------------------------------------------------------------

    def take_close(
        self, session_id: str, round_: int, holder: str, lease_seconds: float
    ) -> dict[str, str]:
        """Take the close of the session's open round for ``holder``, for ``lease_seconds``;
        returns the round's proposals (council id -> body) as they stand, none landing
        after.

        Raises
        ------
        RoundClosedError
            The round is not open (closed meanwhile, or the session ended).
        RoundBeingClosed
            Another holder's lease on it is live.
        """
        with self._transaction() as tx:
            current = tx.one(
                "SELECT current_round, status FROM sessions WHERE session_id = ?"
                + self._LOCK_UPDATE,
                (session_id,),
            )
            refused = _not_open(session_id, round_, current)
            if refused is not None:
                raise refused
            now = self._now(tx)
            held = tx.one(
                "SELECT holder, until FROM round_closers WHERE session_id = ? AND round = ?",
                (session_id, round_),
            )
            if held is not None and held["holder"] != holder and float(held["until"]) > now:
                raise RoundBeingClosed(session_id, round_, float(held["until"]) - now)
            tx.run(
                "INSERT INTO round_closers (session_id, round, holder, until) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (session_id) DO UPDATE SET round = excluded.round, "
                "holder = excluded.holder, until = excluded.until",
                (session_id, round_, holder, now + lease_seconds),
            )
            return {c: body for c, (body, _) in self._proposals(tx, session_id, round_).items()}

    def renew_close(self, session_id: str, round_: int, holder: str, lease_seconds: float) -> bool:
        """Extend ``holder``'s lease on the round's close; False where it is no longer its."""
        with self._transaction() as tx:
            row = tx.one(
                f"UPDATE round_closers SET until = {self._NOW} + ? "
                "WHERE session_id = ? AND round = ? AND holder = ? RETURNING holder",
                (lease_seconds, session_id, round_, holder),
            )
        return row is not None

    def release_close(self, session_id: str, round_: int, holder: str) -> None:
        """Give up ``holder``'s lease (its close was abandoned): another may take the round
        at once."""
        with self._transaction() as tx:
            tx.run(
                "DELETE FROM round_closers WHERE session_id = ? AND round = ? AND holder = ?",
                (session_id, round_, holder),
            )

    def expired_closes(self) -> list[tuple[str, int]]:
        """``(session, round)`` of open rounds whose closer's lease ran out: its server died
        or lost the store in the middle of the close."""
        with self._read() as tx:
            rows = tx.all(
                "SELECT c.session_id, c.round FROM round_closers c JOIN sessions s "
                "ON s.session_id = c.session_id AND s.current_round = c.round "
                f"WHERE s.status = 'running' AND c.until <= {self._NOW}"
            )
        return [(str(row["session_id"]), int(row["round"])) for row in rows]

    def close_round(
        self,
        session_id: str,
        round_: int,
        summary: dict[str, Any],
        prices: np.ndarray,
        next_prices: np.ndarray,
        proposals: Proposals,
        status: str,
        holder: str | None = None,
    ) -> None:
        """Record a closed round and open the next (or end the session), atomically; with a
        ``holder``, only while its lease on the close (:meth:`take_close`) is live."""
        with self._transaction() as tx:
            current = tx.one(
                "SELECT current_round FROM sessions WHERE session_id = ?" + self._LOCK_UPDATE,
                (session_id,),
            )
            if current is None or current["current_round"] != round_:
                now_open = None if current is None else int(current["current_round"])
                raise RoundClosedError(session_id, round_, now_open)
            if holder is not None:
                lease = tx.one(
                    "SELECT holder, until FROM round_closers WHERE session_id = ? AND round = ?",
                    (session_id, round_),
                )
                if lease is None or lease["holder"] != holder or lease["until"] <= self._now(tx):
                    raise RoundBeingClosed(session_id, round_, lost=True)
                tx.run("DELETE FROM round_closers WHERE session_id = ?", (session_id,))
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
            self._changed(tx, session_id)

    # -- the last word and closed rounds -------------------------------------------------

    def put_last_word_answer(
        self,
        session_id: str,
        council_id: str,
        approve: bool,
        status: str,
        answered_before: int | None = None,
    ) -> None:
        """Record a council's own answer to the board's last word and the session's status
        after it, atomically (a council answers once).

        Raises
        ------
        StaleSessionError
            ``answered_before`` given and other answers were stored meanwhile (through
            another server): the status was worked out without them.
        """
        with self._transaction() as tx:
            if answered_before is not None:
                tx.one(
                    "SELECT 1 FROM sessions WHERE session_id = ?" + self._LOCK_UPDATE, (session_id,)
                )
                row = tx.one(
                    "SELECT count(*) AS n FROM last_word_answers WHERE session_id = ?",
                    (session_id,),
                )
                if row is not None and int(row["n"]) != answered_before:
                    raise StaleSessionError(session_id)
            tx.run(
                "INSERT INTO last_word_answers (session_id, council_id, approve, answered) "
                "VALUES (?, ?, ?, ?)",
                (session_id, council_id, int(bool(approve)), time.time()),
            )
            tx.run("UPDATE sessions SET status = ? WHERE session_id = ?", (status, session_id))
            self._changed(tx, session_id)

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


def _not_open(
    session_id: str, round_: int, current: Row | None
) -> NotFoundError | RoundClosedError | None:
    """Why ``round_`` takes no proposal and no close, given the session's row (``None``:
    no such session), if it does not."""
    if current is None:
        return NotFoundError(f"session_id: no session {session_id!r}")
    if current["status"] != "running":
        return RoundClosedError(session_id, round_, None, current["status"])
    if current["current_round"] != round_:
        return RoundClosedError(session_id, round_, int(current["current_round"]))
    return None
