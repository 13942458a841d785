"""Which errors of either database are the storage failing, as against a refused statement;
the one place that knows SQLite's and PostgreSQL's exceptions."""

from __future__ import annotations

import sqlite3

import psycopg

__all__ = ["StoreError", "is_storage_failure", "is_transient_failure"]


class StoreError(RuntimeError):
    """The store cannot be opened; the message is one line naming the store and why."""


def is_storage_failure(err: BaseException) -> bool:
    """Whether ``err`` is the storage failing (full, I/O, damaged, locked, the database
    server gone), not a refused statement (a constraint, a programming error)."""
    if isinstance(err, sqlite3.DatabaseError):
        return not isinstance(err, sqlite3.IntegrityError | sqlite3.ProgrammingError)
    return isinstance(
        err,
        psycopg.OperationalError  # lost connection, disk full, shutdown, deadlock
        | psycopg.InterfaceError  # a connection already closed
        | psycopg.InternalError,  # data or index corrupted
    )


def is_transient_failure(err: BaseException) -> bool:
    """A storage failure that a retry may get past (a full disk, a lost server), as
    against a damaged database."""
    if not is_storage_failure(err):
        return False
    if isinstance(err, sqlite3.DatabaseError):
        return isinstance(err, sqlite3.OperationalError)
    return not isinstance(err, psycopg.InternalError)
