"""What a file must be for the store to open it, and when the storage is failing.

A store is opened only where its file holds one: an SQLite header, SQLite's ``quick_check``
passed, the service's tables present. A missing or empty file is a new store only when
asked for (``--init``), so that a mistyped path cannot start an empty service as if every
session were gone; a damaged or foreign one is refused. Each refusal is one line.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

__all__ = [
    "HEADROOM",
    "TABLES",
    "StoreError",
    "check_contents",
    "check_file",
    "is_storage_failure",
    "write_headroom",
]

TABLES = ("economies", "sessions", "council_tokens")
"""Tables every store of this service has had from the start (:mod:`server.schema`; later
    tables are added to an older store when it opens)."""
SQLITE_HEADER = b"SQLite format 3\x00"
HEADROOM = 1 << 20
"""Bytes the store must be able to write again before health turns SERVING after a failed
write: a tiny write may still fit on a disk that refuses every real one."""


class StoreError(RuntimeError):
    """The store cannot be opened; the message is one line naming the file and why."""


def is_storage_failure(err: BaseException) -> bool:
    """Whether ``err`` is the storage failing (full, I/O, damaged, locked), not a refused
    statement (a constraint, a programming error)."""
    return isinstance(err, sqlite3.DatabaseError) and not isinstance(
        err, sqlite3.IntegrityError | sqlite3.ProgrammingError
    )


def check_file(path: Path, create: bool) -> bool:
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


def check_contents(db: sqlite3.Connection, path: str) -> None:
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


def write_headroom(path: str) -> None:
    """Write :data:`HEADROOM` bytes to the store at ``path`` through a connection of its
    own, then free them; raises while the storage cannot take that much."""
    probe = sqlite3.connect(path, timeout=1.0, isolation_level=None)
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
