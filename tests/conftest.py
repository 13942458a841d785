"""Fixtures shared by the service's tests: the store they run against, SQLite and PostgreSQL.

Tests that take ``new_database`` (or a fixture built on it) run once per store kind. The
PostgreSQL server is ``$PARPLAN_TEST_POSTGRES`` (the URL of a role that may create
databases) where set, else a throwaway one started here (:mod:`server.pg_cluster`); where
neither can be had, the PostgreSQL cases are skipped saying why, unless
``$PARPLAN_REQUIRE_POSTGRES`` is set (as in CI), where that is a failure.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest

from server.pg_cluster import PostgresCluster, PostgresUnavailable
from server.store import is_postgres_url
from solver.planning.market import Market, Proposals
from solver.planning.result import RoundRecord

POSTGRES_ENV = "PARPLAN_TEST_POSTGRES"
REQUIRE_ENV = "PARPLAN_REQUIRE_POSTGRES"
STORE_KINDS = ("sqlite", "postgresql")

NewDatabase = Callable[[str], "Path | str"]


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresCluster]:
    """A PostgreSQL server the tests may create databases on."""
    if os.environ.get(POSTGRES_ENV):
        yield PostgresCluster(os.environ[POSTGRES_ENV])
        return
    # not under pytest's folders, which only their owner may enter: as root, PostgreSQL
    # runs as the postgres user
    folder = Path(tempfile.mkdtemp(prefix="parplan-pg-"))
    try:
        cluster = PostgresCluster.start(folder, fsync=False)
    except PostgresUnavailable as err:
        shutil.rmtree(folder, ignore_errors=True)
        why = f"no PostgreSQL server could be started here: {err}; set ${POSTGRES_ENV}"
        if os.environ.get(REQUIRE_ENV):
            pytest.fail(f"${REQUIRE_ENV} is set but {why}")
        pytest.skip(f"PostgreSQL cases skipped: {why}")
    yield cluster
    cluster.stop()
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session", params=STORE_KINDS)
def store_kind(request: pytest.FixtureRequest) -> str:
    """Which database the store under test uses."""
    return str(request.param)


@pytest.fixture(scope="session")
def new_database(
    store_kind: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> NewDatabase:
    """Makes a new, empty database of the kind under test: an SQLite file's path (not yet
    made) or a PostgreSQL database's URL."""
    if store_kind == "postgresql":
        cluster: PostgresCluster = request.getfixturevalue("postgres")
        return lambda name: cluster.create_database(re.sub(r"\W", "_", name)[:40])
    folder = tmp_path_factory.mktemp("sqlite")
    counter = iter(range(1 << 30))
    return lambda name: folder / f"{name}-{next(counter)}.db"


def read_rows(database: Path | str, sql: str, params: tuple[object, ...] = ()) -> list[tuple]:
    """Rows of a query (``?`` placeholders) on either kind of store, through a connection
    of its own that only reads: what a restarted server would find."""
    if is_postgres_url(database):
        with psycopg.connect(database) as db:
            return [tuple(r) for r in db.execute(sql.replace("?", "%s"), params).fetchall()]
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as lite:
        return [tuple(r) for r in lite.execute(sql, params).fetchall()]


def stored_state(database: Path | str) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table of a store."""
    if is_postgres_url(database):
        listing = "SELECT table_name FROM information_schema.tables WHERE table_schema='public'"
    else:
        listing = "SELECT name FROM sqlite_master WHERE type='table'"
    tables = [t for (t,) in read_rows(database, listing)]
    return {str(t): sorted(read_rows(database, f"SELECT * FROM {t}")) for t in tables}


# pymrio's small two-region MRIO (its tests/test_math.py `td_small_MRIO`; known_examples.md
# §2): flows, gross output, two stressors and their published multipliers M = (F / x) L
SMALL_MRIO_Z = [
    [10, 5, 1, 6, 5, 7],
    [0, 2, 0, 0, 5, 3],
    [10, 3, 20, 4, 2, 0],
    [5, 0, 0, 1, 10, 9],
    [0, 10, 1, 0, 20, 1],
    [5, 0, 0, 1, 10, 10],
]
SMALL_MRIO_Y = [[14, 3], [2.5, 2.5], [13, 6], [5, 20], [10, 10], [3, 10]]
SMALL_MRIO_X = [51, 15, 58, 50, 52, 39]
SMALL_MRIO_F = [[20, 1, 42, 4, 20, 5], [5, 4, 11, 8, 2, 10]]
SMALL_MRIO_M = [
    [0.896638324101429, 1.7965474933011258, 1.1666796580507097,
     0.3013124703668342, 1.4371886818255364, 0.7177624711634629],
    [0.3004620527704837, 0.9052387706892087, 0.311411003349379,
     0.23778766312079253, 0.5331560745059157, 0.6031791628984159],
]  # fmt: skip


def played_before_free_goods(
    monkeypatch: pytest.MonkeyPatch,
) -> tuple[Market, list[tuple[Proposals, RoundRecord]], int]:
    """A Pequod economy whose one unused natural resource ends a session sooner today (its
    fall in price counts no move) than under the earlier price test (every move counted):
    the market, every round of the earlier test as ``(proposals, record)``, and the rounds
    today's test plays."""
    from solver.planning import session as planning_session
    from solver.planning.result import PlanStatus
    from solver.scenarios.pequod import pequod_economy, pequod_market

    market = pequod_market(pequod_economy(60, 100, 20, seed=0))
    counted = planning_session._relative_change
    with monkeypatch.context() as earlier:
        earlier.setattr(
            planning_session,
            "_relative_change",
            lambda new, old, tol, free=None: counted(new, old, tol),
        )
        stored = planning_session.PlanningSession(market, "newton", tolerance=0.01, max_rounds=30)
        rounds = []
        while stored.status is PlanStatus.RUNNING:
            proposals = stored.simulated_proposals()
            rounds.append((proposals, stored.close_round(proposals)))
    today = planning_session.PlanningSession(market, "newton", tolerance=0.01, max_rounds=30)
    while today.status is PlanStatus.RUNNING:
        today.close_round(today.simulated_proposals())
    assert len(today.rounds) < len(rounds)  # the case: today's test ends the session sooner
    return market, rounds, len(today.rounds)
