"""What a user of the solver does, step by step: load -> ratings -> market -> session -> result.

The command line (:mod:`solver.cli`) and the gRPC service (``server/``) both call these
functions, so that a plan made from the shell and one made over the API take the same
steps; the service adds only translation and persistence.

>>> import solver
>>> result = solver.plan(solver.load_example("planning-town"), rule="lp")
>>> result.converged
True
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from pathlib import Path
from typing import Any

from solver.economy.model import Economy, load_economy
from solver.jobs.balance import balance_society
from solver.jobs.remuneration import economy_with_ratings, effort_ratings
from solver.jobs.workplaces import Society, load_society
from solver.planning.board.evaluation import evaluate
from solver.planning.council_view import CouncilView, ItemInfo, council_view, item_catalogue
from solver.planning.from_economy import market_from_economy
from solver.planning.ledger import GENESIS, ledger_record
from solver.planning.live_proposals import (
    CouncilDirectory,
    CouncilProposal,
    council_proposal,
    with_council_proposals,
)
from solver.planning.market import Market, Proposals
from solver.planning.result import PlanResult, RoundRecord
from solver.planning.rules import PriceRule, make_rule
from solver.planning.session import PlanningSession
from solver.scenarios.bundled import bundled_examples

__all__ = [
    "LEDGER_GENESIS",
    "MissingProposalsError",
    "council_record",
    "load_example",
    "new_session",
    "plan",
    "planning_market",
    "rate_economy",
    "round_proposals",
    "session_items",
    "session_ledger",
]


LEDGER_GENESIS = GENESIS
"""The hash a ledger's first record chains to (64 zeros)."""


class MissingProposalsError(RuntimeError):
    """A round cannot close: live councils have not proposed and have nothing to keep."""


def load_example(name: str) -> Economy:
    """A bundled example economy by name (``parplan examples`` lists them).

    Raises
    ------
    ValueError
        ``example: ...`` naming the examples there are.
    """
    examples = bundled_examples()
    if name not in examples:
        raise ValueError(
            f"example: unknown example {name!r}; choose from {', '.join(sorted(examples))}"
        )
    return load_economy(examples[name])


def rate_economy(economy: Economy, society: Society | str | Path) -> Economy:
    """``economy`` with consumer councils' budgets earned by their members' effort ratings.

    The society's job complexes are balanced across workplaces first
    (:func:`~solver.jobs.balance.balance_society`); each member's rating follows from the
    balanced complex (:func:`~solver.jobs.remuneration.effort_ratings`) and sets the budget
    of the member's consumer council (:func:`~solver.jobs.remuneration.economy_with_ratings`).

    Parameters
    ----------
    economy
        The economy to plan.
    society
        Its workplaces and members, or the path of a workplaces JSON file.
    """
    if not isinstance(society, Society):
        society = load_society(society)
    ratings = effort_ratings(society, balance_society(society))
    rated = economy_with_ratings(economy, society, ratings)
    members = sum(len(w.members) for w in society.workplaces)
    rated.description = (
        f"{economy.description} Budgets from the effort ratings of {society.name!r} "
        f"({members} members)."
    ).strip()
    return rated


def planning_market(
    economy: Economy | Market, *, workplaces: Society | str | Path | None = None
) -> Market:
    """The planning market of ``economy`` (rated by ``workplaces`` first, when given)."""
    if isinstance(economy, Market):
        if workplaces is not None:
            raise ValueError("workplaces: this market has no economy whose councils to rate")
        return economy
    if workplaces is not None:
        economy = rate_economy(economy, workplaces)
    return market_from_economy(economy)


def new_session(
    economy: Economy | Market,
    rule: str | PriceRule = "lp",
    *,
    tolerance: float = 0.01,
    max_rounds: int = 100,
    workplaces: Society | str | Path | None = None,
    rule_options: Mapping[str, Any] | None = None,
    last_word: bool = False,
    answering: Collection[str] = (),
) -> PlanningSession:
    """A planning session over ``economy``, its settings checked before any round is played.

    Raises
    ------
    ValueError
        Naming the setting: ``rule``, ``rule_options``, ``tolerance``, ``max_rounds``.
    EconomyValidationError
        Naming every field of the economy that planning cannot work with.
    """
    if isinstance(rule, str):  # checked first: a wrong option costs no market
        rule = make_rule(rule, **dict(rule_options or {}))
    elif rule_options:
        raise ValueError("rule_options: give options with a rule name, not a rule object")
    market = planning_market(economy, workplaces=workplaces)
    return PlanningSession(
        market,
        rule,
        tolerance=tolerance,
        max_rounds=max_rounds,
        last_word=last_word,
        answering=answering,
    )


def plan(
    economy: Economy | Market,
    rule: str | PriceRule = "lp",
    *,
    tolerance: float = 0.01,
    max_rounds: int = 100,
    workplaces: Society | str | Path | None = None,
    progress: Callable[[RoundRecord], None] | None = None,
    last_word: bool = False,
    **rule_options: Any,
) -> PlanResult:
    """Plan ``economy`` with simulated councils until the proposals add up to a feasible plan.

    Parameters
    ----------
    economy
        An economy (:func:`~solver.economy.model.load_economy`, :func:`load_example`) or a
        planning market made already (e.g. :func:`~solver.scenarios.pequod.pequod_market`).
    rule
        The board's price rule: ``lp``, ``tatonnement``, ``hybrid`` or ``newton``
        (:data:`~solver.planning.rules.PRICE_RULES`), or a rule object.
    tolerance
        Largest relative excess of an item at convergence.
    max_rounds
        Rounds after which the session stops, reported as not converged.
    workplaces
        A society (or workplaces JSON file) whose members' effort ratings set the consumer
        councils' budgets.
    progress
        Called with every round's record as it closes.
    last_word
        Where prices have not cleared after ``max_rounds``, the board's last word: every
        council's part a mix of its own proposals (:mod:`solver.planning.board.last_word`);
        the session is ``settled`` where that plan clears and every council approves.
    **rule_options
        Settings of the rule (:func:`~solver.planning.rules.rule_options` lists them).

    Returns
    -------
    PlanResult
        The last round's plan and the history; ``.items``, ``.consumption``, ``.activity``
        and ``.history`` are labelled pandas tables.
    """
    session = new_session(
        economy,
        rule,
        tolerance=tolerance,
        max_rounds=max_rounds,
        workplaces=workplaces,
        rule_options=rule_options,
        last_word=last_word,
    )
    return session.run(progress)


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
