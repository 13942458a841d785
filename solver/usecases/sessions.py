"""A planning session round by round, as a service runs it: live councils' proposals, the
round's close (and what stops it), replay after a restart, feedback and the ledger.

The policy lives here, not in the service: a round whose LP was cut short by the caller's
deadline or cancellation is abandoned (it stays open, nothing is kept), and a replayed
round whose prices differ from the published ones keeps the published prices.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from solver.economy.model import Economy
from solver.highs import interruptible
from solver.planning.board.evaluation import Evaluation, evaluate
from solver.planning.board.holding_back import holding_back
from solver.planning.council_view import CouncilView, ItemInfo, council_view, item_catalogue
from solver.planning.feedback import council_feedback
from solver.planning.ledger import GENESIS, ledger_record
from solver.planning.live_proposals import (
    CouncilDirectory,
    CouncilProposal,
    council_proposal,
    with_council_proposals,
)
from solver.planning.market import Market, Proposals, simulated_proposals
from solver.planning.result import PlanStatus, RoundRecord
from solver.planning.rules import make_rule
from solver.planning.session import PlanningSession

__all__ = [
    "LEDGER_GENESIS",
    "MissingProposalsError",
    "RoundAbandoned",
    "check_rule",
    "close_live_round",
    "council_feedback",
    "council_record",
    "held_items",
    "replay_round",
    "round_evaluation",
    "round_proposals",
    "session_items",
    "session_ledger",
    "simulated_council_proposal",
]

LEDGER_GENESIS = GENESIS
"""The hash a ledger's first record chains to (64 zeros)."""


class MissingProposalsError(RuntimeError):
    """A round cannot close: live councils have not proposed and have nothing to keep."""


class RoundAbandoned(RuntimeError):
    """A round's solve was stopped by the caller's deadline or cancellation; it stays open."""


def check_rule(rule: str, options: Mapping[str, Any]) -> None:
    """Refuse an unknown price rule or option (``rule: ...``, ``rule_options: ...``) before
    anything costlier is done."""
    make_rule(rule, **dict(options))


def round_proposals(
    session: PlanningSession,
    directory: CouncilDirectory,
    submitted: Mapping[str, CouncilProposal],
    live_councils: Sequence[str],
) -> Proposals:
    """Every council's proposal for the session's open round.

    Live councils propose what they submitted; a live council that has not submitted keeps
    its proposal of the last round; every other council is simulated at the round's prices.
    Submissions are taken as checked (:meth:`CouncilDirectory.check` when they arrived).

    Raises
    ------
    MissingProposalsError
        ``round: ...`` naming the live councils that have not proposed and have no earlier
        proposal to keep (in the first round).
    """
    previous = session.last_proposals
    missing = [c for c in live_councils if c not in submitted]
    if missing and previous is None:
        shown = ", ".join(missing[:10]) + (" ..." if len(missing) > 10 else "")
        raise MissingProposalsError(
            f"round: {len(missing)} live council(s) have not proposed yet and have no "
            f"earlier proposal to keep: {shown}"
        )
    everyone = dict(submitted)
    for council in missing:
        assert previous is not None
        everyone[council] = council_proposal(directory, previous, council)
    return with_council_proposals(directory, session.simulated_proposals(), everyone, check=False)


def close_live_round(
    session: PlanningSession,
    directory: CouncilDirectory,
    submitted: Mapping[str, CouncilProposal],
    live_councils: Sequence[str],
    previous_sha256: str,
    *,
    interrupt: threading.Event,
    deadline: float | None = None,
) -> tuple[RoundRecord, str]:
    """Close the session's open round with every council's proposal
    (:func:`round_proposals`); returns its record and its ledger hash, chained to
    ``previous_sha256``.

    ``interrupt`` stops the round's master LP from another thread; ``deadline`` is a
    :func:`time.monotonic` instant (the LP's own time limit is the rule's ``time_limit``).

    Raises
    ------
    MissingProposalsError
        Live councils have not proposed and have nothing to keep.
    RoundAbandoned
        The LP was stopped by ``interrupt`` or ran past ``deadline``: the round is not
        closed; play it on a :meth:`~PlanningSession.fork` so that nothing is kept.
    """
    proposals = round_proposals(session, directory, submitted, live_councils)
    with interruptible(interrupt):
        record = session.close_round(proposals)
    cut_short = record.lp_status is not None and record.lp_status.cut_short
    if cut_short and (
        interrupt.is_set() or (deadline is not None and time.monotonic() >= deadline)
    ):
        raise RoundAbandoned(
            f"round: round {record.round} was not closed: its LP was stopped "
            f"({record.lp_status}) by the call's deadline or cancellation; the round is "
            "still open"
        )
    (entry,) = session_ledger(session, [proposals], record.round, previous_sha256)
    return record, str(entry["sha256"])


def replay_round(
    session: PlanningSession,
    proposals: Proposals,
    published_prices: np.ndarray,
    previous_sha256: str,
) -> tuple[str, bool]:
    """Close a stored round again after a restart; returns its ledger hash and whether the
    replayed next prices differ from the published ones (the published are kept: councils
    have proposed at them).

    The store is what councils saw, so it stands where this version would have ended the
    session sooner: a session stored with a round after one that the replay finds converged
    (a convergence test changed between versions, say) is reopened for that round.
    """
    if session.status is PlanStatus.CONVERGED:
        session.status = PlanStatus.RUNNING
    session.close_round(proposals)
    differ = not np.allclose(session.prices, published_prices, rtol=1e-9, atol=0.0)
    if differ:
        session.prices = np.asarray(published_prices, dtype=float).copy()
    (entry,) = session_ledger(session, [proposals], len(session.rounds), previous_sha256)
    return str(entry["sha256"]), differ


def simulated_council_proposal(
    directory: CouncilDirectory, council: str, prices: Mapping[str, float]
) -> CouncilProposal:
    """What ``council`` proposes at ``prices`` (by item) as the board's model of it would:
    its requests or its activities (a live council that lets the model speak for it)."""
    market = directory.market
    vector = np.array([prices[label] for label in market.labels], dtype=float)
    return council_proposal(directory, simulated_proposals(market, vector), council)


def round_evaluation(session: PlanningSession, proposals: Proposals, round_: int) -> Evaluation:
    """The board's evaluation of closed round ``round_``'s proposals at its prices."""
    record = session.rounds[round_ - 1]
    return evaluate(session.market, proposals, record.prices, session.tolerance)


def held_items(
    session: PlanningSession, proposals: Proposals, round_: int, council: str | None = None
) -> dict[str, list[dict[str, Any]]]:
    """The items each council (``council`` alone, if given) kept from clearing in closed
    round ``round_``, by how much, and what the board expects of it."""
    record = session.rounds[round_ - 1]
    return holding_back(
        session.market,
        proposals,
        record.prices,
        record.supply,
        record.demand,
        session.tolerance,
        record.expected_activity,
        only=council,
    )


def council_record(economy: Economy, directory: CouncilDirectory, council_id: str) -> CouncilView:
    """What a council may read of itself in a session on ``economy`` (planned as
    ``directory.market``): its techniques or preferences, federations, members, rating and
    budget."""
    return council_view(economy, directory, council_id)


def session_items(market: Market) -> list[ItemInfo]:
    """What every item of a session's price lists is: kind, unit, and a permit's pollutant
    and federation."""
    return item_catalogue(market)


def session_ledger(
    session: PlanningSession,
    proposals: Sequence[Proposals],
    first_round: int = 1,
    previous_sha256: str = GENESIS,
) -> list[dict[str, Any]]:
    """The published ledger (:mod:`solver.planning.ledger`) of ``session``'s closed rounds
    ``first_round`` onwards, from the proposals each closed with (oldest first): every
    record chained to the one before by its SHA-256, the first to ``previous_sha256`` (the
    record of round ``first_round - 1``; the genesis hash before round 1).

    So a reader pages through a long session with the chain's hashes alone in hand, and a
    service extends its ledger by one round as the round closes.
    """
    rounds = session.rounds[first_round - 1 : first_round - 1 + len(proposals)]
    if first_round < 1 or len(rounds) != len(proposals):
        raise ValueError(
            f"proposals: {len(proposals)} rounds of proposals from round {first_round}, "
            f"but the session has closed {len(session.rounds)}"
        )
    records: list[dict[str, Any]] = []
    head = previous_sha256
    for record, made in zip(rounds, proposals, strict=True):
        verdict = evaluate(session.market, made, record.prices, session.tolerance)
        entry = ledger_record(session.market, record, made, verdict, head)
        head = str(entry["sha256"])
        records.append(entry)
    return records
