"""A planning session: the facilitation board's rounds, from first prices to a feasible plan.

One round: the board publishes indicative prices; every council proposes (simulated
councils by their behaviour, live ones through :meth:`PlanningSession.close_round`); the
board aggregates supply and demand, evaluates every proposal, and answers with the next
prices from its price rule. The session stops when it has converged (every item's relative
excess within tolerance, every proposal approved, prices moving less than the tolerance, a
free good's fall towards zero aside) or after ``max_rounds``, reported as not converged
together with the last plan.
"""

from __future__ import annotations

import copy
import time
from collections import deque
from collections.abc import Callable, Collection
from typing import Any

import numpy as np

from solver.economy.model import Economy
from solver.planning.board.evaluation import Evaluation, evaluate
from solver.planning.board.excess import clearing_excess, free_items
from solver.planning.board.last_word import WINDOW, LastWord, last_word
from solver.planning.from_economy import market_from_economy
from solver.planning.market import (
    Market,
    Proposals,
    check_proposals,
    simulated_proposals,
    supply_and_demand,
)
from solver.planning.result import PlanResult, PlanStatus, RoundRecord
from solver.planning.rules.base import PriceRule
from solver.planning.rules.registry import make_rule

__all__ = ["PlanningSession", "run_planning"]


def _relative_change(
    new: np.ndarray, old: np.ndarray, tolerance: float, free: np.ndarray | None = None
) -> float:
    """Largest relative price change, each measured against ``tolerance`` times the mean
    price where the price is lower than that.

    A free good (``free``: in excess supply and priced below that floor, cleared by
    disposal, :func:`~solver.planning.board.excess.free_items`) whose next price is below
    the floor too counts no change: the excess measure takes a good in excess supply as
    cleared at any price below the floor, so its move there says nothing about whether the
    plan has settled.
    Without that, an item no council uses held a session open while its price fell by the
    trust region's factor each round (2-3 rounds of a Pequod economy with unused natural
    resources, whose every other price had settled).
    """
    if not old.size:
        return 0.0
    floor = tolerance * float(np.mean(np.abs(old)))
    change = np.abs(new - old) / np.maximum(np.abs(old), floor)
    if free is not None:
        change[free & (np.abs(new) <= floor)] = 0.0
    return float(np.max(change))


def _expected_activity(rule: PriceRule, market: Market, prices: np.ndarray) -> np.ndarray | None:
    """What the rule expects linear worker councils to propose at ``prices``, if it says."""
    expect = getattr(rule, "expected_activity", None)
    if expect is None or market.linear is None:
        return None
    return np.asarray(expect(market, prices), dtype=float)


class PlanningSession:
    """The board's side of a planning session over a :class:`~solver.planning.market.Market`.

    Parameters
    ----------
    market
        Items and councils, or an economy (its market is made by
        :func:`~solver.planning.from_economy.market_from_economy`).
    rule
        A price rule object or the name of one (:data:`~solver.planning.rules.PRICE_RULES`).
    tolerance
        Largest relative excess of an item at convergence (also the budget and benefit-cost
        tolerance of the evaluation).
    price_tolerance
        Largest relative price change at convergence; defaults to ``tolerance``.
    max_rounds
        Rounds after which the session stops, not converged.
    prices
        First indicative prices; defaults to ``market.initial_prices``.
    last_word
        Where the session reaches ``max_rounds`` without converging, the board gives its
        last word (:func:`~solver.planning.board.last_word.last_word`): every council's part
        a mix of its own proposals of the last rounds. Where that plan clears within the
        tolerance and every council approves its part, the session is
        :attr:`~solver.planning.result.PlanStatus.SETTLED`. Off by default: prices alone
        then decide.
    answering
        Councils that answer the last word themselves (live councils): where the plan
        clears and gives one of them a part other than its last proposal, the session waits
        (:attr:`~solver.planning.result.PlanStatus.AWAITING_ANSWERS`) for
        :meth:`answer_last_word`. Every other council's answer is the board's verdict on its
        part.
    """

    def __init__(
        self,
        market: Market | Economy,
        rule: PriceRule | str = "lp",
        *,
        tolerance: float = 0.01,
        price_tolerance: float | None = None,
        max_rounds: int = 100,
        prices: np.ndarray | None = None,
        rule_options: dict[str, Any] | None = None,
        last_word: bool = False,
        answering: Collection[str] = (),
    ) -> None:
        if not 0.0 < tolerance < 1.0:
            raise ValueError(f"tolerance: must be in (0, 1), got {tolerance}")
        if max_rounds < 1:
            raise ValueError(f"max_rounds: must be at least 1, got {max_rounds}")
        if isinstance(market, Economy):
            market = market_from_economy(market)
        self.market = market
        self.rule = make_rule(rule, **(rule_options or {})) if isinstance(rule, str) else rule
        self.tolerance = tolerance
        self.price_tolerance = tolerance if price_tolerance is None else price_tolerance
        self.max_rounds = max_rounds
        self.prices = (market.initial_prices if prices is None else np.asarray(prices)).astype(
            float
        )
        if self.prices.shape != (market.n_items,) or not np.all(self.prices > 0):
            raise ValueError("prices: one positive price per item")
        self.rounds: list[RoundRecord] = []
        self.status = PlanStatus.RUNNING
        self.use_last_word = last_word
        self.answering = frozenset(answering)
        self.last_word: LastWord | None = None
        # the proposals the last word may mix (the latest WINDOW rounds)
        self.recent: deque[Proposals] = deque(maxlen=WINDOW)
        self.last_proposals: Proposals | None = None
        self.last_evaluation: Evaluation | None = None

    def fork(self) -> PlanningSession:
        """A copy that can play the next round while this session stays as it is.

        The market is shared (it never changes); the price rule, which learns from every
        round, is copied. A service closes a round on a fork and keeps it only once the round
        is stored, so that nobody sees a round that may still be abandoned.
        """
        twin = copy.copy(self)
        twin.rule = copy.deepcopy(self.rule, {id(self.market): self.market})
        twin.rounds = list(self.rounds)
        twin.recent = deque(self.recent, maxlen=WINDOW)
        return twin

    def simulated_proposals(self) -> Proposals:
        """Every simulated council's proposal at the current prices."""
        return simulated_proposals(self.market, self.prices)

    def close_round(self, proposals: Proposals) -> RoundRecord:
        """Aggregate and evaluate ``proposals`` (made at the current prices) and move prices."""
        if self.status is not PlanStatus.RUNNING:
            raise RuntimeError(f"the session has ended ({self.status.value})")
        check_proposals(self.market, proposals)  # before anything of the session changes
        start = time.perf_counter()
        prices = self.prices
        supply, demand = supply_and_demand(self.market, proposals)
        evaluation = evaluate(self.market, proposals, prices, self.tolerance)
        excess = clearing_excess(supply, demand, prices, self.tolerance)
        worst = int(np.argmax(excess)) if excess.size else 0
        step = self.rule.next_prices(self.market, prices, proposals, supply, demand)
        free = free_items(supply, demand, prices, self.tolerance)
        change = _relative_change(step.prices, prices, self.tolerance, free)
        record = RoundRecord(
            round=len(self.rounds) + 1,
            prices=prices.copy(),
            supply=supply,
            demand=demand,
            max_excess=float(excess[worst]) if excess.size else 0.0,
            worst_item=self.market.labels[worst] if excess.size else "",
            price_change=change,
            rejected=evaluation.rejected,
            lp_status=step.lp.termination if step.lp is not None else None,
            lp_seconds=step.lp.seconds if step.lp is not None else None,
            seconds=time.perf_counter() - start,
            next_prices=step.prices,
            expected_activity=_expected_activity(self.rule, self.market, step.prices),
        )
        self.rounds.append(record)
        self.recent.append(proposals)
        self.last_proposals, self.last_evaluation = proposals, evaluation
        if (
            record.max_excess <= self.tolerance
            and record.rejected == 0
            and record.price_change <= self.price_tolerance
        ):
            self.status = PlanStatus.CONVERGED
        elif len(self.rounds) >= self.max_rounds:
            self.status = PlanStatus.MAX_ROUNDS
            if self.use_last_word:
                word = self.give_last_word()
                if word.max_excess <= self.tolerance:
                    self.last_word = word.expecting(self.answering)
                    self._decide()
        else:
            self.prices = step.prices
        return record

    def _decide(self) -> None:
        """Settled, or left at the round limit, once no council's answer is awaited."""
        word = self.last_word
        assert word is not None
        if word.awaiting:
            self.status = PlanStatus.AWAITING_ANSWERS
        elif word.clears(self.tolerance):
            self.status = PlanStatus.SETTLED
        else:
            self.status = PlanStatus.MAX_ROUNDS

    def answer_last_word(self, council: str, approve: bool) -> LastWord:
        """A council's own answer to its part of the board's last word; once every awaited
        council has answered, the session is settled (every council approves) or ends at
        its round limit.

        Raises
        ------
        RuntimeError
            The session awaits no answers.
        ValueError
            ``council: ...`` where the board awaits none from that council.
        """
        if self.status is not PlanStatus.AWAITING_ANSWERS or self.last_word is None:
            raise RuntimeError(f"the session awaits no answers ({self.status.value})")
        self.last_word = self.last_word.answered(council, approve)
        self._decide()
        return self.last_word

    def give_last_word(self) -> LastWord:
        """The board's last word on the rounds so far (see
        :mod:`~solver.planning.board.last_word`), at the prices the board answered the
        last round with; kept as :attr:`last_word`. It ends nothing by itself."""
        if not self.rounds:
            raise RuntimeError("no round has been played")
        played = [r.round for r in self.rounds[-len(self.recent) :]]
        self.last_word = last_word(
            self.market,
            list(self.recent),
            played,
            self.rounds[-1].next_prices,
            self.tolerance,
            time_limit=self.rule.time_limit,
        )
        return self.last_word

    def run(self, progress: Callable[[RoundRecord], None] | None = None) -> PlanResult:
        """Play rounds with simulated councils until the session ends."""
        while self.status is PlanStatus.RUNNING:
            record = self.close_round(self.simulated_proposals())
            if progress is not None:
                progress(record)
        return self.result()

    def result(self) -> PlanResult:
        """The plan of the last round and the history so far."""
        if not self.rounds or self.last_proposals is None or self.last_evaluation is None:
            raise RuntimeError("no round has been played")
        settled = self.last_word if self.status is PlanStatus.SETTLED else None
        return PlanResult(
            market=self.market,
            rule=self.rule.name,
            status=self.status,
            tolerance=self.tolerance,
            rounds=list(self.rounds),
            proposals=settled.plan if settled else self.last_proposals,
            evaluation=settled.evaluation if settled else self.last_evaluation,
            last_word=self.last_word,
        )


def run_planning(
    market: Market,
    rule: str = "lp",
    *,
    tolerance: float = 0.01,
    max_rounds: int = 100,
    progress: Callable[[RoundRecord], None] | None = None,
    **rule_options: Any,
) -> PlanResult:
    """Run a planning session with simulated councils to convergence (or ``max_rounds``)."""
    session = PlanningSession(
        market, rule, tolerance=tolerance, max_rounds=max_rounds, rule_options=rule_options
    )
    return session.run(progress)
