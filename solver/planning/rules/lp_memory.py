"""What the ``lp`` rule remembers from round to round, whichever way it solves a round:
worker councils' proposals as master columns, the board's belief about linear councils'
effort, last round's requests for elasticities, and the solve settings."""

from __future__ import annotations

from typing import Protocol

import numpy as np

from solver.planning.board.effort_belief import EffortBelief
from solver.planning.board.master_blocks import WorkerColumns, worker_columns
from solver.planning.market import Market, Proposals, elastic_supply, final_demand
from solver.planning.rules.base import RuleStep, _secant
from solver.status import Method

__all__ = ["BoardMemory", "RoundStrategy"]


class RoundStrategy(Protocol):
    """One way the ``lp`` rule solves a round (:mod:`~solver.planning.rules.lp_rounds`,
    :mod:`~solver.planning.rules.lp_model_columns`), chosen once per market."""

    def step(
        self,
        market: Market,
        prices: np.ndarray,
        proposals: Proposals,
        supply: np.ndarray,
        demand: np.ndarray,
    ) -> RuleStep:
        """The round's next prices, from the same arguments as
        :meth:`~solver.planning.rules.base.PriceRule.next_prices`."""
        ...


class BoardMemory:
    """The ``lp`` rule's memory (see :class:`~solver.planning.rules.lp.LPRule` for the
    options)."""

    def __init__(
        self,
        *,
        demand_elasticity: float,
        permit_elasticity: float,
        estimate_elasticities: bool,
        learn_effort: bool,
        method: Method,
        time_limit: float | None,
    ) -> None:
        self.demand_elasticity = demand_elasticity
        self.permit_elasticity = permit_elasticity
        self.estimate_elasticities = estimate_elasticities
        self.learn_effort = learn_effort
        self.method = method
        self.time_limit = time_limit
        self.history: list[WorkerColumns] = []
        self.effort_belief: EffortBelief | None = None
        self._previous: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        # row duals of the last master solved: the next round's first master has the same
        # rows, and our interior point method starts from them
        self.master_duals: np.ndarray | None = None

    def elasticities(
        self,
        demand: np.ndarray,
        permits: np.ndarray,
        prices: np.ndarray,
        previous: tuple[np.ndarray, np.ndarray, np.ndarray] | None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Demand and permit-supply elasticities: assumed, or arc estimates from ``previous``."""
        n = prices.shape[0]
        eps_d = np.full(n, self.demand_elasticity)
        eps_p = np.full(n, self.permit_elasticity)
        if self.estimate_elasticities and previous is not None:
            old_d, old_s, old_p = previous
            eps_d = _secant(demand, old_d, prices, old_p, self.demand_elasticity, (-4.0, -0.25))
            eps_p = _secant(permits, old_s, prices, old_p, self.permit_elasticity, (0.05, 4.0))
        return eps_d, eps_p

    def observe(
        self, market: Market, prices: np.ndarray, proposals: Proposals
    ) -> tuple[np.ndarray, np.ndarray, tuple[np.ndarray, np.ndarray, np.ndarray] | None]:
        """Keep a round's worker proposals as columns (Cobb-Douglas councils) or what they
        say of their effort (linear councils), and its requests for elasticities."""
        if market.cobb_douglas is not None:  # linear councils enter as their techniques
            self.history.append(worker_columns(market, proposals))
        elif (
            self.learn_effort
            and market.linear is not None
            and proposals.linear_activity is not None
        ):
            belief = self.effort_belief or EffortBelief.prior(market.linear)
            self.effort_belief = belief.observe(
                market.linear, prices, proposals.linear_activity, proposals.stated_effort
            )
        requests = final_demand(proposals, market.n_items)
        permits = elastic_supply(market, proposals)
        previous = self._previous
        self._previous = (requests, permits, prices)
        return requests, permits, previous

    def take_round(
        self, market: Market, prices: np.ndarray, proposals: Proposals
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Remember a round (:meth:`observe`) and return its requests, offered permits and
        their elasticities (:meth:`elasticities`): what every way of solving it starts from."""
        requests, permits, previous = self.observe(market, prices, proposals)
        eps_d, eps_p = self.elasticities(requests, permits, prices, previous)
        return requests, permits, eps_d, eps_p

    def learn_from(self, market: Market, prices: np.ndarray, activity: np.ndarray) -> None:
        """Start from what an earlier plan showed of the linear councils: every technique's
        final activity at its final prices (next year's session from this year's plan),
        read as any round's proposals are (:class:`EffortBelief`)."""
        if self.learn_effort and market.linear is not None:
            belief = self.effort_belief or EffortBelief.prior(market.linear)
            self.effort_belief = belief.observe(market.linear, prices, activity)

    def expected_activity(self, market: Market, prices: np.ndarray) -> np.ndarray | None:
        """The activity the board expects of every linear council's technique next round
        at ``prices``: its belief (or prior) about the council, where it is heading and how
        far it will get."""
        if market.linear is None:
            return None
        belief = self.effort_belief or EffortBelief.prior(market.linear)
        return belief.expected_activity(market.linear, prices)
