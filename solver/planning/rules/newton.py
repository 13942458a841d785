"""The ``newton`` rule: Newton's method on the board's model of the councils, fitted to their
proposals."""

from __future__ import annotations

from typing import Any

import numpy as np
from typing_extensions import override

from solver.planning.market import Market, Proposals
from solver.planning.rules.base import WIDEST_BOX, PriceRule, RuleStep
from solver.planning.rules.lp import LPRule, _HoldsLPRule

__all__ = ["Newton"]


class Newton(_HoldsLPRule, PriceRule):
    """Newton's method on the board's model of the councils, fitted to their proposals.

    Each round the board fits a constant-elasticity profit function to every worker
    council's proposal (:class:`~solver.planning.board.ProfitModel`: the elasticities are the
    proposal's values over its profit net of the stated effort, by Hotelling's lemma), takes
    final demand and offered permits with constant own-price elasticities (assumed ``-1``
    and ``permit_elasticity`` until two rounds give arc estimates, as in :class:`LPRule`),
    and publishes the prices that clear this model
    (:func:`~solver.planning.board.model_clearing_prices`), damped and within a trust region.
    The model is refitted to the newest proposals every round, so a model that is wrong
    costs rounds but does not bias the end point: at prices where the proposals clear, the
    model clears too. Worker councils that state techniques (linear councils) have the
    master LP's exact technique steps instead: on such markets the rule plays :class:`LPRule`.

    This is not the master LP's duals: the board solves the smooth model itself, where the
    ``lp`` rule runs column generation over it in its master LP (and so comes close to these
    prices on such economies, at the cost of up to 11 LP solves a round). The profit model
    is exact for Cobb-Douglas councils such as Pequod's, and the demand model for
    Cobb-Douglas consumers, so there one round of proposals reveals the economy. Elsewhere
    the rounds are those of a quasi-Newton method.

    Parameters
    ----------
    damping
        Weight of the model's clearing prices, in log prices.
    radius
        Largest log price move per round (``ln 8``, the widest trust region of
        :class:`LPRule`). It halves after a round whose largest excess grew (the
        model misled the board) and grows back by half after one where it fell.
    demand_elasticity, permit_elasticity
        Elasticities assumed before two rounds allow an estimate.
    **lp_options
        Options of the :class:`LPRule` rule played on markets with linear councils.

    Notes
    -----
    Measured on the published Pequod setting (3,000 + 3,000 councils, 50 goods, tolerance
    3 %), seeds 0-2: 2 rounds (``tatonnement``: 19), 3 with the pollutant
    (``tatonnement``: 31); with consumers of other CES elasticities (0.3, 0.5, 2) 2-3
    rounds (3 with the pollutant); with every stated effort cost halved or doubled (a wrong
    profit model) 3 rounds (5 and 3 with the pollutant). A ``radius`` of ``ln 4`` took 4
    rounds with the pollutant, whose permit price starts 8-9 times too high.
    """

    name = "newton"
    sets_lp_options = ("box",)  # its inner lp rule's box is ``radius``

    def __init__(
        self,
        *,
        damping: float = 1.0,
        radius: float = WIDEST_BOX,
        demand_elasticity: float = -1.0,
        permit_elasticity: float = 0.5,
        **lp_options: Any,
    ) -> None:
        if not 0.0 < damping <= 1.0:
            raise ValueError(f"damping: must be in (0, 1], got {damping}")
        if radius <= 0.0:
            raise ValueError(f"radius: must be positive, got {radius}")
        self.damping = damping
        self.radius = radius
        self._lp = LPRule(  # its box is the model's trust region (LPRule.model_target)
            demand_elasticity=demand_elasticity,
            permit_elasticity=permit_elasticity,
            box=radius,
            **lp_options,
        )

    @override
    def next_prices(
        self,
        market: Market,
        prices: np.ndarray,
        proposals: Proposals,
        supply: np.ndarray,
        demand: np.ndarray,
    ) -> RuleStep:
        if market.cobb_douglas is None:
            return self._lp.next_prices(market, prices, proposals, supply, demand)
        target = self._lp.model_target(market, prices, proposals, supply, demand).prices
        return RuleStep(prices=prices * (target / prices) ** self.damping)
