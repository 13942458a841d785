"""The tables of the service's database: what each holds, and the keys that tie them.

Proposals are kept per round and council, so that a resubmission replaces the earlier one
and a closed round keeps the full set the board closed it with; tokens only as their
SHA-256.
"""

from __future__ import annotations

__all__ = ["SCHEMA"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS economies (
    economy_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    document TEXT NOT NULL,
    goods INTEGER NOT NULL,
    worker_councils INTEGER NOT NULL,
    consumer_councils INTEGER NOT NULL,
    federations INTEGER NOT NULL,
    created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    session_id TEXT PRIMARY KEY,
    economy_id TEXT NOT NULL REFERENCES economies(economy_id),
    settings TEXT NOT NULL,
    status TEXT NOT NULL,
    current_round INTEGER NOT NULL,
    round_opened REAL NOT NULL,
    created REAL NOT NULL
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
    submitted REAL NOT NULL,
    PRIMARY KEY (session_id, round, council_id)
);
CREATE TABLE IF NOT EXISTS rounds (
    session_id TEXT NOT NULL REFERENCES sessions(session_id),
    round INTEGER NOT NULL,
    summary TEXT NOT NULL,
    prices BLOB NOT NULL,
    next_prices BLOB NOT NULL,
    proposals BLOB NOT NULL,
    closed REAL NOT NULL,
    PRIMARY KEY (session_id, round)
);
CREATE TABLE IF NOT EXISTS health_probe (
    probe_id INTEGER PRIMARY KEY,
    written REAL NOT NULL,
    room BLOB
);
CREATE TABLE IF NOT EXISTS last_word_answers (
    session_id TEXT NOT NULL REFERENCES sessions(session_id),
    council_id TEXT NOT NULL,
    approve INTEGER NOT NULL,
    answered REAL NOT NULL,
    PRIMARY KEY (session_id, council_id)
);
"""
