"""The published ledger: every round's proposals, reckoning and decisions in a SHA-256
chain; one changed digit is found and named."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from solver import load_example
from solver.planning.from_economy import market_from_economy
from solver.planning.ledger import GENESIS, LedgerError, LedgerWriter, ledger_tables, verify_ledger
from solver.planning.market import supply_and_demand
from solver.planning.result import PlanStatus
from solver.planning.session import PlanningSession


def parplan(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "solver.cli", *args], capture_output=True, text=True, timeout=120
    )


@pytest.fixture()
def ledger(tmp_path: Path) -> tuple[Path, PlanningSession]:
    market = market_from_economy(load_example("planning-town"))
    session = PlanningSession(market, "lp")
    writer = LedgerWriter(tmp_path / "ledger")
    while session.status is PlanStatus.RUNNING:
        record = session.close_round(session.simulated_proposals())
        assert session.last_proposals is not None and session.last_evaluation is not None
        writer.write(market, record, session.last_proposals, session.last_evaluation)
    return tmp_path / "ledger", session


def test_every_round_is_published_and_the_tables_add_up(
    ledger: tuple[Path, PlanningSession],
) -> None:
    folder, session = ledger
    market = session.market
    assert verify_ledger(folder)[0] is None
    tables = ledger_tables(folder)
    assert list(tables["rounds"]["round"]) == [r.round for r in session.rounds]
    assert tables["rounds"]["previous_sha256"].iloc[0] == GENESIS
    # each link is the hash of the round before
    assert list(tables["rounds"]["previous_sha256"].iloc[1:]) == list(
        tables["rounds"]["sha256"].iloc[:-1]
    )
    # the last round's proposals, read back from the ledger, give the board's totals
    last = tables["proposals"][tables["proposals"]["round"] == len(session.rounds)]
    activity = last[last["kind"] == "worker"].set_index("key")["quantity"]
    x = np.array([activity[t] for t in market.technique_names()])
    assert session.last_proposals is not None
    assert np.allclose(x, session.last_proposals.linear_activity)
    supply, _ = supply_and_demand(market, session.last_proposals)
    items = tables["items"][tables["items"]["round"] == len(session.rounds)]
    assert np.allclose(items["supply"], supply)
    decisions = tables["decisions"]
    assert len(decisions) == len(session.rounds) * (
        market.consumers.n + (market.federations.n if market.federations else 0) + 4
    )
    with pytest.raises(LedgerError, match="holds a ledger already"):
        LedgerWriter(folder)


def test_one_changed_digit_is_found_and_named(ledger: tuple[Path, PlanningSession]) -> None:
    folder, _ = ledger
    path = folder / "round-0002.json"
    entry = json.loads(path.read_text())
    price = entry["items"][0]["price"]
    entry["items"][0]["price"] = price + 1e-3  # one digit, hash left as it was
    path.write_text(json.dumps(entry, indent=1))
    broken, why = verify_ledger(folder)
    assert broken == 2 and "sha256" in why
    run = parplan("ledger", "verify", str(folder))
    assert run.returncode == 1 and "round 2" in run.stdout
    # rewriting its hash too breaks the link of the round after
    body = {k: v for k, v in entry.items() if k != "sha256"}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"))
    entry["sha256"] = hashlib.sha256(canonical.encode()).hexdigest()
    path.write_text(json.dumps(entry, indent=1))
    assert verify_ledger(folder)[0] == 3


def test_parplan_plan_ledger_exports_pandas_readable_tables(tmp_path: Path) -> None:
    folder = tmp_path / "ledger"
    run = parplan("plan", "--example", "planning-town", "--ledger", str(folder), "--quiet")
    assert run.returncode == 0, run.stderr
    assert parplan("ledger", "verify", str(folder)).returncode == 0
    out = parplan("ledger", "export", str(folder), "--out", str(tmp_path / "csv"))
    assert out.returncode == 0, out.stderr
    rounds = pd.read_csv(tmp_path / "csv" / "rounds.csv")
    assert list(rounds["round"]) == [1, 2, 3]
    as_json = json.loads(parplan("ledger", "export", str(folder), "--format", "json").stdout)
    assert set(as_json) == {"rounds", "items", "proposals", "decisions", "cap_votes"}
    assert pd.read_csv(tmp_path / "csv" / "cap_votes.csv").empty  # no cap left to a vote
    assert parplan("ledger", "verify", str(tmp_path / "none")).returncode == 2
