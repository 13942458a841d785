"""The published ledger of a planning session: every round's proposals, the board's
reckoning and its decisions, in a tamper-evident chain of files.

"The board aggregates the proposals, figures out their total consequences and then
publishes this" (Albert and Hahnel). Each closed round is one JSON file, ``round-NNNN.json``
in the ledger's folder:

* ``prices`` and ``next_prices`` (the board's answer: the lp rule's duals), the round's
  ``lp`` status and seconds;
* ``items``: for every item its kind, price, supply, demand and excess;
* ``proposals``: every council's proposal (a consumer council's or federation's requests by
  item, a worker council's activity by technique, or output and inputs; permits offered);
* ``decisions``: every proposal approved or rejected, with the reason;
* ``cap_votes``: every pollution cap left to a vote, with each voter's members, exposure,
  weight and preferred cap, and the headcount outcome beside the decision
  (:mod:`solver.economy.cap_votes`).

Every record carries ``previous_sha256``, the SHA-256 of the record before it (64 zeros for
the first), and ``sha256``, that of its own canonical JSON (sorted keys, no spaces, without
the ``sha256`` field): changing one digit of any round breaks its own hash and every link
after it. :func:`verify_ledger` names the first round that does not hold. Councils'
proposals are public; the individuals inside a council are not modelled.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from solver.planning.board.evaluation import Evaluation
from solver.planning.feedback import council_feedback
from solver.planning.live_proposals import named_proposals
from solver.planning.market import Market, Proposals
from solver.planning.result import RoundRecord

__all__ = [
    "GENESIS",
    "LedgerError",
    "LedgerWriter",
    "ledger_record",
    "ledger_tables",
    "verify_ledger",
]

GENESIS = "0" * 64
"""``previous_sha256`` of the first round."""


class LedgerError(ValueError):
    """A ledger that cannot be written or read; the message names the file or field."""


def _finite(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def _clean(value: Any) -> Any:
    """JSON-ready: floats that are not finite become ``None``."""
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, float | np.floating):
        return _finite(float(value))
    if isinstance(value, np.integer | np.bool_):
        return value.item()
    return value


def ledger_record(
    market: Market,
    record: RoundRecord,
    proposals: Proposals,
    evaluation: Evaluation,
    previous_sha256: str,
) -> dict[str, Any]:
    """One round's record (see the module), ``sha256`` included."""
    labels = market.labels
    body = {
        "round": record.round,
        "previous_sha256": previous_sha256,
        "prices": dict(zip(labels, map(float, record.prices), strict=True)),
        "next_prices": dict(zip(labels, map(float, record.next_prices), strict=True)),
        "lp": {
            "status": record.lp_status.value if record.lp_status is not None else None,
            "seconds": record.lp_seconds,
        },
        "max_excess": record.max_excess,
        "cap_votes": [vote.to_dict() for vote in market.cap_votes],
        "items": [
            {
                "item": labels[i],
                "kind": market.kinds[i],
                "price": float(record.prices[i]),
                "supply": float(record.supply[i]),
                "demand": float(record.demand[i]),
                "excess": float(record.supply[i] - record.demand[i]),
            }
            for i in range(market.n_items)
        ],
        "proposals": named_proposals(market, proposals),
        "decisions": council_feedback(market, evaluation),
    }
    body = _clean(body)
    return body | {"sha256": _digest(body)}


def _digest(body: dict[str, Any]) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass
class LedgerWriter:
    """Writes a session's rounds to ``folder`` as they close; refuses a folder that holds a
    ledger already."""

    folder: Path
    head: str = GENESIS

    def __post_init__(self) -> None:
        self.folder = Path(self.folder)
        if self.folder.exists() and any(self.folder.glob("round-*.json")):
            raise LedgerError(f"ledger: {self.folder} holds a ledger already")
        self.folder.mkdir(parents=True, exist_ok=True)

    def write(
        self, market: Market, record: RoundRecord, proposals: Proposals, evaluation: Evaluation
    ) -> str:
        """Append one round; returns its SHA-256 (the chain's new head)."""
        entry = ledger_record(market, record, proposals, evaluation, self.head)
        path = self.folder / f"round-{record.round:04d}.json"
        path.write_text(json.dumps(entry, indent=1, allow_nan=False) + "\n")
        self.head = str(entry["sha256"])
        return self.head


def _records(folder: Path) -> Iterator[tuple[Path, dict[str, Any]]]:
    files = sorted(Path(folder).glob("round-*.json"))
    if not files:
        raise LedgerError(f"ledger: no round-*.json files in {folder}")
    for path in files:
        try:
            yield path, json.loads(path.read_text())
        except (OSError, json.JSONDecodeError) as err:
            raise LedgerError(f"{path.name}: not a ledger record ({err})") from err


def verify_ledger(folder: Path | str) -> tuple[int | None, str]:
    """Check every record's hash and link. Returns ``(None, head)`` where the chain holds,
    else ``(round, why)`` for the first round that does not."""
    previous = GENESIS
    expected_round = 1
    for path, entry in _records(Path(folder)):
        round_ = entry.get("round")
        body = {k: v for k, v in entry.items() if k != "sha256"}
        if round_ != expected_round:
            return (expected_round, f"{path.name}: expected round {expected_round}")
        if entry.get("previous_sha256") != previous:
            return (round_, f"{path.name}: previous_sha256 does not match round {round_ - 1}")
        if _digest(body) != entry.get("sha256"):
            return (round_, f"{path.name}: its content does not match its sha256")
        previous = str(entry["sha256"])
        expected_round += 1
    return (None, previous)


_VOTE_COLUMNS = [
    "round",
    "federation",
    "pollutant",
    "cap",
    "headcount_cap",
    "basis",
    "exposure_decay",
    *(
        f"voter_{k}"
        for k in ("federation", "preferred_cap", "members", "exposure", "weight", "share")
    ),
]


def ledger_tables(folder: Path | str) -> dict[str, pd.DataFrame]:
    """The ledger as pandas tables: ``rounds``, ``items``, ``proposals`` (one row per council
    and item or technique), ``decisions``, ``cap_votes`` (one row per round, cap and
    voter)."""
    rounds: list[dict[str, Any]] = []
    items: list[dict[str, Any]] = []
    proposals: list[dict[str, Any]] = []
    decisions: list[dict[str, Any]] = []
    votes: list[dict[str, Any]] = []
    for _, entry in _records(Path(folder)):
        r = entry["round"]
        rounds.append(
            {
                "round": r,
                "max_excess": entry["max_excess"],
                "lp_status": entry["lp"]["status"],
                "lp_seconds": entry["lp"]["seconds"],
                "previous_sha256": entry["previous_sha256"],
                "sha256": entry["sha256"],
            }
        )
        items.extend({"round": r} | row for row in entry["items"])
        for kind, councils in entry["proposals"].items():
            for council, quantities in councils.items():
                if kind == "permits":
                    proposals.append(
                        {
                            "round": r,
                            "kind": kind,
                            "council": council,
                            "key": "",
                            "quantity": quantities,
                        }
                    )
                    continue
                flat = quantities
                if "output" in quantities:  # a Cobb-Douglas council: output and inputs
                    flat = {f"output:{k}": v for k, v in quantities["output"].items()}
                    flat |= {f"input:{k}": v for k, v in quantities["inputs"].items()}
                for key, quantity in flat.items():
                    proposals.append(
                        {
                            "round": r,
                            "kind": kind,
                            "council": council,
                            "key": key,
                            "quantity": quantity,
                        }
                    )
        decisions.extend(
            {"round": r} | {k: v for k, v in row.items() if k != "holding_back"}
            for row in entry["decisions"]
        )
        for vote in entry.get("cap_votes", []):
            decided = {k: v for k, v in vote.items() if k != "voters"}
            votes.extend(
                {"round": r} | decided | {f"voter_{k}": v for k, v in voter.items()}
                for voter in vote["voters"]
            )
    return {
        "rounds": pd.DataFrame(rounds),
        "items": pd.DataFrame(items),
        "proposals": pd.DataFrame(
            proposals, columns=["round", "kind", "council", "key", "quantity"]
        ),
        "decisions": pd.DataFrame(decisions),
        "cap_votes": pd.DataFrame(votes, columns=_VOTE_COLUMNS),
    }
