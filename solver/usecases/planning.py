"""Planning with simulated councils: a session from an economy, run to a plan; next
year's from this year's."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from solver.economy.growth import next_year
from solver.economy.model import Economy
from solver.jobs.workplaces import Society
from solver.planning.comparison import compare_prices
from solver.planning.export import export_format, write_plan
from solver.planning.from_economy import market_from_economy
from solver.planning.market import Market
from solver.planning.result import PlanResult, RoundRecord
from solver.planning.rules import PriceRule, make_rule
from solver.planning.session import PlanningSession
from solver.usecases.jobs import rate_economy

__all__ = [
    "LastYear",
    "compare_prices",
    "export_format",
    "export_plan",
    "new_session",
    "next_year",
    "next_year_economy",
    "plan",
    "planning_market",
]


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
    last_year: LastYear | None = None,
) -> PlanningSession:
    """A planning session over ``economy``, its settings checked before any round is played.

    ``last_year`` starts it from an earlier plan of the same items (next year's plan from
    this year's): its final prices are the first round's, and the board's view of the
    worker councils starts from their final activities at those prices.

    Raises
    ------
    ValueError
        Naming the setting: ``rule``, ``rule_options``, ``tolerance``, ``max_rounds``, or
        ``last_year.source`` for a plan of other items.
    EconomyValidationError
        Naming every field of the economy that planning cannot work with.
    """
    if isinstance(rule, str):  # checked first: a wrong option costs no market
        rule = make_rule(rule, **dict(rule_options or {}))
    elif rule_options:
        raise ValueError("rule_options: give options with a rule name, not a rule object")
    market = planning_market(economy, workplaces=workplaces)
    activity = None
    if last_year is not None:
        market, activity = _starting_from(market, last_year)
    session = PlanningSession(
        market,
        rule,
        tolerance=tolerance,
        max_rounds=max_rounds,
        last_word=last_word,
        answering=answering,
    )
    learn = getattr(session.rule, "learn_from", None)
    if activity is not None and learn is not None:
        learn(market, market.initial_prices, activity)
    return session


@dataclass(frozen=True)
class LastYear:
    """What a session takes from an earlier plan of the same items.

    Attributes
    ----------
    prices
        Item -> the plan's final price.
    activities
        Technique -> its final activity (empty where the plan has no techniques).
    source
        The field that named the plan, for errors (``--from``, ``previous_session_id``).
    economy
        The planned economy's name, for errors.
    """

    prices: Mapping[str, float]
    activities: Mapping[str, float]
    source: str = "last_year"
    economy: str = ""

    @classmethod
    def from_plan(cls, plan: Mapping[str, Any], source: str = "--from") -> LastYear:
        """From a plan as :meth:`PlanResult.to_dict` gives it (``parplan plan --json``).

        Raises
        ------
        ValueError
            ``source: ...`` where it is not such a plan.
        """
        try:
            items = plan["items"]
            prices = {str(row["item"]): float(row["price"]) for row in items}
            activities = (plan.get("plan") or {}).get("activities") or {}
            activities = {str(t): float(x) for t, x in activities.items()}
        except (KeyError, TypeError, ValueError, AttributeError) as err:
            raise ValueError(
                f"{source}: not a plan (`parplan plan --json` output): no items with their "
                f"prices ({err!s})"
            ) from err
        if any(row.get("price") is None for row in items) or not prices:
            raise ValueError(f"{source}: the plan gives no price for some item")
        return cls(prices, activities, source, str(plan.get("economy", "")))

    @classmethod
    def from_session(cls, session: PlanningSession, source: str) -> LastYear:
        """From a session that has closed rounds: its last round's prices and activities."""
        if not session.rounds or session.last_proposals is None:
            raise ValueError(f"{source}: that session has closed no round to start from")
        market = session.market
        prices = dict(zip(market.labels, map(float, session.rounds[-1].prices), strict=True))
        activity = session.last_proposals.linear_activity
        activities = (
            dict(zip(market.technique_ids, map(float, activity), strict=True))
            if activity is not None and market.technique_ids is not None
            else {}
        )
        return cls(prices, activities, source, market.name)


def _starting_from(market: Market, last: LastYear) -> tuple[Market, np.ndarray | None]:
    """``market`` with ``last``'s prices as its first, and the techniques' activities."""
    mine, theirs = set(market.labels), set(last.prices)
    techniques = set(market.technique_ids or [])
    if mine != theirs or (last.activities and set(last.activities) != techniques):
        missing, extra = sorted(mine - theirs), sorted(theirs - mine)
        raise ValueError(
            f"{last.source}: a plan of other items ({last.economy!r}): {len(missing)} of this "
            f"economy's {len(mine)} items are not in it"
            + (f" (e.g. {', '.join(map(repr, missing[:3]))})" if missing else "")
            + f", {len(extra)} of its items are not in this economy"
            + (f" (e.g. {', '.join(map(repr, extra[:3]))})" if extra else "")
            + ("" if mine != theirs else "; its techniques differ")
        )
    prices = np.array([last.prices[label] for label in market.labels], dtype=float)
    if not np.all(np.isfinite(prices)) or np.any(prices < 0):
        raise ValueError(f"{last.source}: the plan's prices must be finite and >= 0")
    # free items (price 0) start a little above it: a session's prices are positive
    floor = 1e-6 * float(prices.mean()) if prices.any() else 1.0
    prices = np.maximum(prices, floor)
    activity = None
    if last.activities and market.technique_ids is not None:
        activity = np.array([last.activities[t] for t in market.technique_ids], dtype=float)
    return dataclasses.replace(market, initial_prices=prices), activity


def plan(
    economy: Economy | Market,
    rule: str | PriceRule = "lp",
    *,
    tolerance: float = 0.01,
    max_rounds: int = 100,
    workplaces: Society | str | Path | None = None,
    progress: Callable[[RoundRecord], None] | None = None,
    last_word: bool = False,
    last_year: LastYear | None = None,
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
    last_year
        Start from an earlier plan of the same items (:class:`LastYear`, :func:`next_year`).
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
        last_year=last_year,
    )
    return session.run(progress)


def next_year_economy(
    plan: Mapping[str, Any], growth: float = 0.05, economy: Economy | None = None
) -> Economy:
    """Next year's economy from this year's plan (:func:`~solver.economy.growth.next_year`):
    capacities raised by the investments it carried out, the society grown by ``growth``.

    ``plan`` is ``parplan plan --json`` output, which holds the planned economy
    (``economy_document``); ``economy`` gives it where the plan does not.

    Raises
    ------
    ValueError
        ``plan: ...`` for a plan that did not converge or settle, or that holds no economy
        and none is given; ``growth: ...``.
    """
    status = plan.get("status")
    if status not in ("converged", "settled"):
        raise ValueError(
            f"plan: its status is {status!r}: next year builds on a plan that converged or "
            "settled (its investments were then made)"
        )
    if economy is None:
        document = plan.get("economy_document")
        if document is None:
            raise ValueError(
                "plan: it holds no economy_document (`parplan plan ECONOMY.json --json` "
                "writes one); give the economy it planned"
            )
        economy = Economy.model_validate(document)
    return next_year(economy, growth)


def export_plan(result: PlanResult, path: str | Path) -> list[Path]:
    """Write ``result`` as CSV files, Excel or NetCDF, by the suffix of ``path``
    (:mod:`solver.planning.export`); the files written."""
    return write_plan(result, path)
