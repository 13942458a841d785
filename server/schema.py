"""The tables of the service's database, as numbered migrations for SQLite and PostgreSQL.

Proposals are kept per round and council, so that a resubmission replaces the earlier one
and a closed round keeps the full set the board closed it with; tokens only as their
SHA-256.

A store records the migrations applied to it in ``schema_migrations``; opening a store
applies the missing ones, in order, in one transaction (:meth:`server.store.Store.migrate`).
Each is written once for both databases: ``{real}`` and ``{blob}`` become SQLite's ``REAL``
and ``BLOB`` or PostgreSQL's ``DOUBLE PRECISION`` and ``BYTEA``. Migrations only ever add:
a store of an older version opens with its rows as they were, and one written by a newer
version is refused rather than misread. Stores made before migrations were numbered hold
the tables of the first three under the same names; those run again as no-ops
(``IF NOT EXISTS``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["LATEST", "MIGRATIONS", "VERSIONS_TABLE", "Dialect", "Migration"]

Dialect = Literal["sqlite", "postgresql"]

_TYPES: dict[Dialect, dict[str, str]] = {
    "sqlite": {"real": "REAL", "blob": "BLOB", "answer_order": ""},
    "postgresql": {
        "real": "DOUBLE PRECISION",
        "blob": "BYTEA",
        # SQLite orders answers by rowid; PostgreSQL has none, so a column of its own
        "answer_order": ",\n    seq BIGSERIAL",
    },
}


@dataclass(frozen=True)
class Migration:
    """One step of the schema: its number, what it adds, and its statements."""

    version: int
    adds: str
    statements: str

    def sql(self, dialect: Dialect) -> list[str]:
        """The statements for ``dialect``, one by one."""
        text = self.statements.format(**_TYPES[dialect])
        return [s.strip() for s in text.split(";") if s.strip()]


VERSIONS_TABLE = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    adds TEXT NOT NULL,
    applied {real} NOT NULL
)
"""

MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "economies, sessions, council tokens, proposals and closed rounds",
        """
CREATE TABLE IF NOT EXISTS economies (
    economy_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    document TEXT NOT NULL,
    goods INTEGER NOT NULL,
    worker_councils INTEGER NOT NULL,
    consumer_councils INTEGER NOT NULL,
    federations INTEGER NOT NULL,
    created {real} NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    session_id TEXT PRIMARY KEY,
    economy_id TEXT NOT NULL REFERENCES economies(economy_id),
    settings TEXT NOT NULL,
    status TEXT NOT NULL,
    current_round INTEGER NOT NULL,
    round_opened {real} NOT NULL,
    created {real} NOT NULL
);
CREATE TABLE IF NOT EXISTS council_tokens (
    session_id TEXT NOT NULL REFERENCES sessions(session_id),
    council_id TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    PRIMARY KEY (session_id, council_id)
);
CREATE UNIQUE INDEX IF NOT EXISTS council_token_hash ON council_tokens(session_id, token_hash);
CREATE INDEX IF NOT EXISTS council_token_any ON council_tokens(token_hash);
CREATE TABLE IF NOT EXISTS proposals (
    session_id TEXT NOT NULL REFERENCES sessions(session_id),
    round INTEGER NOT NULL,
    council_id TEXT NOT NULL,
    body TEXT NOT NULL,
    revision INTEGER NOT NULL,
    submitted {real} NOT NULL,
    PRIMARY KEY (session_id, round, council_id)
);
CREATE TABLE IF NOT EXISTS rounds (
    session_id TEXT NOT NULL REFERENCES sessions(session_id),
    round INTEGER NOT NULL,
    summary TEXT NOT NULL,
    prices {blob} NOT NULL,
    next_prices {blob} NOT NULL,
    proposals {blob} NOT NULL,
    closed {real} NOT NULL,
    PRIMARY KEY (session_id, round)
)
""",
    ),
    Migration(
        2,
        "the health probe's row, written to see that the store takes writes again",
        """
CREATE TABLE IF NOT EXISTS health_probe (
    probe_id INTEGER PRIMARY KEY,
    written {real} NOT NULL,
    room {blob}
)
""",
    ),
    Migration(
        3,
        "councils' answers to the board's last word",
        """
CREATE TABLE IF NOT EXISTS last_word_answers (
    session_id TEXT NOT NULL REFERENCES sessions(session_id),
    council_id TEXT NOT NULL,
    approve INTEGER NOT NULL,
    answered {real} NOT NULL{answer_order},
    PRIMARY KEY (session_id, council_id)
)
""",
    ),
    Migration(
        4,
        "who closes a session's open round, until when (servers sharing the store)",
        """
CREATE TABLE IF NOT EXISTS round_closers (
    session_id TEXT PRIMARY KEY REFERENCES sessions(session_id),
    round INTEGER NOT NULL,
    holder TEXT NOT NULL,
    until {real} NOT NULL
)
""",
    ),
)

LATEST = MIGRATIONS[-1].version
"""The schema version this code writes."""
