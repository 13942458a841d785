"""The store, on SQLite and on PostgreSQL: proposals replace, rounds close atomically,
nothing half-written, migrations add and never misread."""

from __future__ import annotations

import dataclasses
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from conftest import NewDatabase
from numpy.testing import assert_allclose

from server.pg_cluster import PostgresCluster
from server.records import (
    EconomyRecord,
    NotFoundError,
    RoundBeingClosed,
    RoundClosedError,
    SessionRecord,
    proposals_from_bytes,
    proposals_to_bytes,
)
from server.schema import LATEST, MIGRATIONS
from server.store import Store, StoreError, open_store
from server.store_sqlite import SqliteStore
from solver.economy.model import load_economy
from solver.planning.from_economy import market_from_economy
from solver.planning.market import simulated_proposals

TOWN = (
    Path(__file__).resolve().parent.parent
    / "solver"
    / "scenarios"
    / "examples"
    / "planning_town.json"
)


def _filled(store: Store) -> Store:
    store.add_economy(
        EconomyRecord("eco-1", "town", 4, 4, 2, 3, 10, 0.0, document=TOWN.read_text())
    )
    store.add_session(
        SessionRecord("ses-1", "eco-1", {"rule": "lp"}, "running", 1, 0.0, 0.0),
        {"north-cc": "hash-north"},
    )
    return store


@pytest.fixture
def store(new_database: NewDatabase) -> Iterator[Store]:
    store = _filled(open_store(new_database("planning"), create=True))
    yield store
    store.close()


def test_a_resubmission_replaces_the_proposal(store: Store) -> None:
    assert store.put_proposal("ses-1", 1, "north-cc", '{"requests": {"bread": 1}}') is False
    assert store.put_proposal("ses-1", 1, "north-cc", '{"requests": {"bread": 2}}') is True
    assert store.proposals("ses-1", 1) == {"north-cc": ('{"requests": {"bread": 2}}', 2)}


def test_a_proposal_for_another_round_is_refused_and_not_stored(store: Store) -> None:
    with pytest.raises(RoundClosedError, match="open round is 1"):
        store.put_proposal("ses-1", 2, "north-cc", "{}")
    with pytest.raises(NotFoundError, match="session_id"):
        store.put_proposal("ses-9", 1, "north-cc", "{}")
    assert store.proposals("ses-1", 2) == {}


def test_closing_a_round_stores_it_and_opens_the_next(store: Store) -> None:
    market = market_from_economy(load_economy(TOWN))
    proposals = simulated_proposals(market, market.initial_prices * 1.3)
    prices, next_prices = market.initial_prices, market.initial_prices * 1.01
    store.close_round("ses-1", 1, {"round": 1}, prices, next_prices, proposals, "running")
    assert store.session("ses-1").current_round == 2
    (row,) = store.rounds("ses-1")
    assert_allclose(row.prices, prices, rtol=0, atol=0)
    assert_allclose(row.next_prices, next_prices, rtol=0, atol=0)
    assert_allclose(row.proposals.linear_activity, proposals.linear_activity, rtol=0, atol=0)
    # a second close of the same round is refused, and leaves the first one as it was
    with pytest.raises(RoundClosedError):
        store.close_round("ses-1", 1, {"round": 1}, prices, prices, proposals, "running")
    assert len(store.rounds("ses-1")) == 1
    store.close_round("ses-1", 2, {"round": 2}, prices, prices, proposals, "converged")
    with pytest.raises(RoundClosedError, match="has ended"):
        store.put_proposal("ses-1", 2, "north-cc", "{}")


def test_proposals_survive_the_trip_through_bytes_exactly() -> None:
    market = market_from_economy(load_economy(TOWN))
    proposals = simulated_proposals(market, market.initial_prices * np.linspace(1, 2, 7))
    back = proposals_from_bytes(proposals_to_bytes(proposals))
    for name in ("consumer_requests", "federation_requests"):
        assert (getattr(back, name) != getattr(proposals, name)).nnz == 0
    assert np.array_equal(back.linear_activity, proposals.linear_activity)
    assert back.stated_effort is None
    # what councils state of their effort goes along (NaN where they state nothing)
    stated = np.where(np.arange(proposals.linear_activity.size) % 2 == 0, 0.25, np.nan)
    with_stated = dataclasses.replace(proposals, stated_effort=stated)
    back = proposals_from_bytes(proposals_to_bytes(with_stated))
    assert np.array_equal(back.stated_effort, stated, equal_nan=True)


def test_an_economy_in_use_cannot_be_deleted(store: Store) -> None:
    with pytest.raises(ValueError, match="used by session 'ses-1'"):
        store.delete_economy("eco-1")
    assert store.economy("eco-1").document == TOWN.read_text()
    assert store.economies()[0].document_bytes == len(TOWN.read_bytes())


def test_the_database_is_in_wal_mode_and_reopens_with_everything(tmp_path: Path) -> None:
    path = tmp_path / "planning.db"
    first = SqliteStore(path, create=True)
    first.add_economy(EconomyRecord("eco-1", "town", 1, 1, 1, 0, 2, 0.0, document="{}"))
    first.close()
    again = SqliteStore(path)
    assert again._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert [e.economy_id for e in again.economies()] == ["eco-1"]


def _made_store(path: Path) -> None:
    made = SqliteStore(path, create=True)
    made.add_economy(EconomyRecord("eco-1", "town", 1, 1, 1, 0, 2, 0.0, document="{}"))
    made.close()


@pytest.mark.parametrize(
    ("damage", "said"),
    [
        (lambda path: path.unlink(), "no store; give --init to create a new store there"),
        (lambda path: path.write_bytes(b""), "an empty file (0 bytes), not a store; give --init"),
        (lambda path: path.write_bytes(b"{}" * 600), "not an SQLite database"),
        (  # the header kept, every page after the first zeroed
            lambda path: path.write_bytes(
                path.read_bytes()[:4096] + bytes(len(path.read_bytes()) - 4096)
            ),
            "damaged",
        ),
        (  # cut short in the middle of its pages
            lambda path: path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2]),
            "damaged",
        ),
    ],
)
def test_a_missing_empty_or_damaged_file_is_refused_in_one_line(
    tmp_path: Path, damage: object, said: str
) -> None:
    """Issue #15: a zero-length file started silently as an empty store (every session
    gone), a damaged one gave a raw traceback from deep inside the store."""
    path = tmp_path / "planning.db"
    _made_store(path)
    for extra in tmp_path.glob("planning.db-*"):  # what the WAL holds is in the file now
        extra.unlink()
    damage(path)  # type: ignore[operator]
    with pytest.raises(StoreError) as err:
        SqliteStore(path)
    message = str(err.value)
    assert message.startswith(str(path)) and said in message and "\n" not in message


def test_another_programs_database_is_not_taken_for_a_store(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    other = sqlite3.connect(path)
    other.execute("CREATE TABLE notes (body TEXT)")
    other.commit()
    other.close()
    with pytest.raises(StoreError, match="not this service's store"):
        SqliteStore(path)
    with pytest.raises(StoreError, match="not this service's store"):
        SqliteStore(path, create=True)  # --init does not write into someone else's database


def test_init_makes_a_store_in_an_empty_file_and_keeps_an_existing_one(tmp_path: Path) -> None:
    path = tmp_path / "planning.db"
    path.write_bytes(b"")
    SqliteStore(path, create=True).close()
    _made_store(tmp_path / "kept.db")
    again = SqliteStore(tmp_path / "kept.db", create=True)
    assert [e.economy_id for e in again.economies()] == ["eco-1"]
    again.close()


def test_a_store_without_the_latest_migrations_gets_them_and_keeps_its_rows(
    new_database: NewDatabase,
) -> None:
    """A store written before the last migrations (their tables and rows gone) opens with
    them applied and every row it held."""
    url = new_database("migrating")
    first = _filled(open_store(url, create=True))
    assert first.schema_versions() == [m.version for m in MIGRATIONS]
    with first._transaction() as tx:  # as a store of before migrations 3 and 4
        tx.run("DROP TABLE last_word_answers")
        tx.run("DROP TABLE round_closers")
        tx.run("DELETE FROM schema_migrations WHERE version >= 3")
    first.close()
    again = open_store(url)
    assert again.schema_versions() == [m.version for m in MIGRATIONS]
    assert again.session("ses-1").current_round == 1
    assert again.last_word_answers("ses-1") == []
    assert again.migrate() == []  # nothing left to apply
    again.close()


def test_a_store_of_a_newer_version_is_refused_in_one_line(new_database: NewDatabase) -> None:
    url = new_database("newer")
    first = _filled(open_store(url, create=True))
    with first._transaction() as tx:
        tx.run(
            "INSERT INTO schema_migrations (version, adds, applied) VALUES (?, ?, ?)",
            (LATEST + 1, "a later table", 0.0),
        )
    first.close()
    with pytest.raises(StoreError) as err:
        open_store(url)
    said = str(err.value)
    assert f"schema version {LATEST + 1}; this one knows up to {LATEST}" in said
    assert "\n" not in said


def test_a_submission_waits_for_a_close_by_another_process_and_is_refused_after_it(
    new_database: NewDatabase,
) -> None:
    """Two stores on one database, as two server processes: while one closes round 1, a
    submission through the other waits, then finds the round closed; it never lands in a
    round that closed without it."""
    url = new_database("two")
    closer = _filled(open_store(url, create=True))
    submitter = open_store(url)
    outcome: list[object] = []

    def submit() -> None:
        try:
            outcome.append(submitter.put_proposal("ses-1", 1, "north-cc", "{}"))
        except RoundClosedError as err:
            outcome.append(err)

    with closer._transaction() as tx:
        row = tx.one(
            "SELECT current_round FROM sessions WHERE session_id = ?" + closer._LOCK_UPDATE,
            ("ses-1",),
        )
        assert row is not None and row["current_round"] == 1
        waiting = threading.Thread(target=submit)
        waiting.start()
        time.sleep(0.5)
        assert outcome == []  # held back by the close
        tx.run("UPDATE sessions SET current_round = 2 WHERE session_id = ?", ("ses-1",))
    waiting.join(30)
    assert len(outcome) == 1 and isinstance(outcome[0], RoundClosedError), outcome
    assert submitter.proposals("ses-1", 1) == {}
    submitter.close()
    closer.close()


def test_postgres_without_init_is_refused_and_names_the_database_without_its_password(
    postgres: PostgresCluster,
) -> None:
    url = postgres.create_database("bare")
    secret = url.replace("postgres@", "postgres:hunter2@")
    with pytest.raises(StoreError) as err:
        open_store(secret)
    said = str(err.value)
    assert "no store in this database; give --init" in said
    assert "hunter2" not in said and "postgres:***@" in said
    with pytest.raises(StoreError, match="cannot open"):
        open_store(postgres.database_url("no_such_database"))


def test_a_close_is_held_by_one_server_refuses_late_proposals_and_is_taken_over_when_it_lapses(
    store: Store,
) -> None:
    """The lease on a round's close: taken with the round's proposals; while it is live no
    proposal lands and no other server takes it; where it lapses (its server died) another
    takes it over and the first can no longer commit."""
    market = market_from_economy(load_economy(TOWN))
    proposals = simulated_proposals(market, market.initial_prices)
    prices = market.initial_prices
    store.put_proposal("ses-1", 1, "north-cc", '{"requests": {"bread": 1}}')
    taken = store.take_close("ses-1", 1, "server-a", 0.6)
    assert taken == {"north-cc": '{"requests": {"bread": 1}}'}
    with pytest.raises(RoundBeingClosed, match="is being closed") as held:
        store.take_close("ses-1", 1, "server-b", 0.6)
    assert 0 < held.value.wait <= 0.6
    with pytest.raises(RoundBeingClosed):
        store.put_proposal("ses-1", 1, "north-cc", "{}")
    assert store.expired_closes() == []
    assert store.renew_close("ses-1", 1, "server-a", 0.6)
    time.sleep(0.8)  # server-a died: its lease lapses
    assert store.expired_closes() == [("ses-1", 1)]
    assert store.take_close("ses-1", 1, "server-b", 30.0) == taken
    assert not store.renew_close("ses-1", 1, "server-a", 0.6)
    with pytest.raises(RoundBeingClosed, match="taken over"):
        store.close_round(
            "ses-1", 1, {"round": 1}, prices, prices, proposals, "running", "server-a"
        )
    store.close_round("ses-1", 1, {"round": 1}, prices, prices, proposals, "running", "server-b")
    assert store.session("ses-1").current_round == 2
    assert list(store.proposals("ses-1", 1)) == ["north-cc"]
    # a close given back (abandoned) frees the round at once
    store.take_close("ses-1", 2, "server-a", 30.0)
    store.release_close("ses-1", 2, "server-a")
    assert store.put_proposal("ses-1", 2, "north-cc", "{}") is False


def test_counts_of_a_batch_run_on_as_if_committed_one_by_one(store: Store) -> None:
    store.add_session(SessionRecord("ses-2", "eco-1", {"rule": "lp"}, "running", 1, 0.0, 0.0), {})
    batch = [
        ("ses-1", 1, "north-cc", "{}"),
        ("ses-2", 1, "a", "{}"),
        ("ses-1", 1, "south-cc", "{}"),
        ("ses-1", 1, "north-cc", '{"requests": {}}'),  # the same council again: replaced
        ("ses-1", 2, "east-cc", "{}"),  # not the open round
    ]
    results = store.submit_proposals(batch)
    assert results[:4] == [(False, 1), (False, 1), (False, 2), (True, 2)]
    assert isinstance(results[4], RoundClosedError)
