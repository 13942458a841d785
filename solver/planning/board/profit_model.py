"""The board's smooth model of the councils, fitted to their proposals, and its clearing prices.

The master LP (:mod:`solver.planning.board.master`) knows a worker council only through the
proposals it has made, so with few rounds its duals are poorly determined. A proposal says
more than its quantities: by Hotelling's lemma a profit-maximising council's net supply is
the gradient of its profit function, so the proposal and the effort cost the council states fix the
elasticities of its profit with respect to every price. :class:`ProfitModel` extrapolates
each council's proposal with those elasticities (a constant-elasticity profit function), and
:func:`model_clearing_prices` finds the prices that clear this model together with
constant-elasticity final demand and permit supply, by Newton's method on the model's dual
function. Only what a board sees enters: proposals, stated effort costs, fixed supplies.
The ``newton`` rule publishes those prices; the ``lp`` rule centres its master LP on them
with the model's predicted proposals there and generates more columns from the model
(:meth:`ProfitModel.columns`).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import cg

from solver.planning.board.master_blocks import WorkerColumns
from solver.planning.market import Market

__all__ = [
    "DIRECT_UP_TO",
    "ProfitModel",
    "income_adjusted_demand",
    "model_clearing_prices",
    "permit_sellers_spending",
]

DIRECT_UP_TO = 2000  # items: Newton steps by a dense solve up to here, conjugate gradients beyond


@dataclass(frozen=True)
class ProfitModel:
    """Each worker council's profit as a function of prices, fitted to one proposal.

    ``pi_w(p) = pi_w0 prod_j (p_j / p0_j) ** theta_wj`` with ``theta_wj = p0_j y_wj / pi_w0``,
    where ``y_w`` is the proposal's net supply (outputs minus inputs) at prices ``p0`` and
    ``pi_w0`` its value net of the effort cost the council states. By Hotelling's lemma the
    net supply is the gradient of the profit function, ``y_wj = theta_wj pi_w(p) / p_j``,
    so the model reproduces the proposal at ``p0`` and extrapolates it with the elasticities
    the proposal itself reveals (cost shares over profit). It is exact for councils with
    Cobb-Douglas technology and effort disutility (their profit function has this form) and
    a first-order model of any other profit-maximising council. Councils whose proposal
    nets no positive profit keep their proposal (``theta = 0``).

    Attributes
    ----------
    theta
        ``(W, n_items)`` CSR: elasticity of each council's profit with respect to each price.
    profit
        ``(W,)`` profit ``pi_w0`` at ``prices`` (0 where not positive).
    prices
        The prices ``p0`` of the proposals.
    held
        ``(n_items,)`` net supply of the councils held at their proposal.
    """

    theta: sp.csr_array
    profit: np.ndarray
    prices: np.ndarray
    held: np.ndarray

    @classmethod
    def fit(cls, columns: WorkerColumns, prices: np.ndarray) -> ProfitModel:
        """The model through the proposals of one round (``columns`` made at ``prices``)."""
        value = sp.csr_array(-columns.use @ sp.diags_array(prices))  # p_j y_wj
        profit = np.asarray(value.sum(axis=1)).ravel() - columns.cost
        positive = profit > 1e-12 * np.maximum(1.0, np.abs(columns.cost))
        scale = np.divide(1.0, profit, out=np.zeros_like(profit), where=positive)
        theta = sp.csr_array(sp.diags_array(scale) @ value)
        theta.eliminate_zeros()
        # a proposal that nets no profit is no profit maximum (increasing returns): nothing
        # to extrapolate from, so the council is taken at its word
        held = -np.asarray(columns.use[~positive].sum(axis=0)).ravel()
        return cls(theta=theta, profit=np.where(positive, profit, 0.0), prices=prices, held=held)

    def profits(self, prices: np.ndarray) -> np.ndarray:
        """Each council's profit at ``prices``."""
        return self.profit * np.exp(self.theta @ np.log(prices / self.prices))

    def columns(self, prices: np.ndarray) -> WorkerColumns:
        """The councils' proposals at ``prices`` as the model predicts them, as LP columns.

        Use is minus the net supply; the cost is what the proposal is worth beyond its
        profit, ``p . y - pi``, the effort the council would state.
        """
        pi = self.profits(prices)
        supply = sp.csr_array(sp.diags_array(pi) @ self.theta @ sp.diags_array(1.0 / prices))
        cost = np.asarray(supply.multiply(prices[None, :]).sum(axis=1)).ravel() - pi
        return WorkerColumns(use=sp.csr_array(-supply), cost=cost)


def permit_sellers_spending(
    market: Market, requests: sp.csr_array
) -> tuple[np.ndarray | None, float]:
    """What the councils that sell permits request of every item, and their budgets before
    permit income (``None, 0`` where no council sells permits): the part of demand that
    moves with permit prices, for :func:`model_clearing_prices`."""
    if market.permits is None:
        return None, 0.0
    sellers = np.unique(market.permits.owner)
    earned = np.asarray(requests[sellers].sum(axis=0)).ravel()
    return earned, float(market.consumers.budget[sellers].sum())


def income_adjusted_demand(
    demand: np.ndarray,
    earned_demand: np.ndarray | None,
    budget: float,
    permits: np.ndarray,
    permit_elasticity: np.ndarray,
    p0: np.ndarray,
    prices: np.ndarray,
) -> np.ndarray:
    """Final demand at ``p0`` with the permit sellers' part scaled to their income at
    ``prices``: their budget plus the permits they would sell there (constant elasticity).

    ``earned_demand`` and ``budget`` as :func:`permit_sellers_spending` gives them;
    ``demand`` itself where nobody sells permits.
    """
    if earned_demand is None or not np.any(permits > 0):
        return demand
    income0 = budget + float(p0 @ permits)
    income = budget + float((p0 * permits) @ (prices / p0) ** (1.0 + permit_elasticity))
    return demand + (income / income0 - 1.0) * earned_demand


def model_clearing_prices(
    model: ProfitModel,
    market: Market,
    demand: np.ndarray,
    demand_elasticity: np.ndarray,
    permits: np.ndarray,
    permit_elasticity: np.ndarray,
    radius: np.ndarray,
    *,
    earned_demand: np.ndarray | None = None,
    budget: float = 0.0,
    iterations: int = 50,
) -> np.ndarray:
    """Prices that clear the board's smooth model of the economy, within ``radius``.

    Worker councils follow ``model``; each item's final demand and offered permits respond
    to its own price with constant elasticities from their levels at ``model.prices``; fixed
    supplies stay. The clearing prices minimise the model's dual function (the profits, the
    value of the fixed supplies, the consumers' and permit sellers' surplus), which is
    convex in the prices; Newton's method in log prices with a backtracking line search
    finds them in a few steps. The Hessian, ``Theta' diag(pi) Theta`` plus a diagonal, is
    sparse (two items are coupled only through councils that use both); the Newton step is
    a dense solve up to :data:`DIRECT_UP_TO` items and preconditioned conjugate gradients
    beyond. Log price moves are limited to ``radius`` per item.

    Parameters
    ----------
    model
        The worker councils, fitted at ``model.prices``.
    market
        For the fixed supplies.
    demand, permits
        Final demand and offered permits per item at ``model.prices``.
    demand_elasticity, permit_elasticity
        Their own-price elasticities.
    radius
        Largest log price move per item.
    earned_demand, budget
        The part of ``demand`` bought by councils that also sell permits, and those
        councils' budgets before permit income: that part of demand moves in proportion to
        their income (budget plus the permits' value) as permit prices move. Its effect has
        no dual function, so the model is solved again for the income of its last solution
        until the income settles.
    iterations
        Most Newton steps per solve.
    """
    p0 = model.prices
    log_p0 = np.log(p0)
    n = p0.shape[0]
    fixed = market.net_fixed_supply + model.held
    theta = model.theta
    a = 1.0 + demand_elasticity
    b = 1.0 + permit_elasticity
    unit = np.abs(a) < 1e-9
    a_safe = np.where(unit, 1.0, a)
    active = (demand > 0) | (permits > 0) | (fixed != 0)
    active |= np.diff(theta.tocsc().indptr) > 0
    lo, hi = log_p0 - radius, log_p0 + radius

    def solve(level: np.ndarray, u: np.ndarray) -> np.ndarray:
        """Newton's method on the dual function with final demand ``level`` at ``p0``."""

        def value(u: np.ndarray) -> float:
            r = u - log_p0
            consumers = np.where(unit, -level * p0 * r, -level * p0 * np.expm1(a * r) / a_safe)
            return float(
                model.profit @ np.exp(theta @ r)
                + np.exp(u) @ fixed
                + consumers.sum()
                + (permits * p0 * np.exp(b * r) / b).sum()
            )

        for _ in range(iterations):
            r = u - log_p0
            p = np.exp(u)
            pi = model.profit * np.exp(theta @ r)
            d = level * np.exp(demand_elasticity * r)
            z = permits * np.exp(permit_elasticity * r)
            # gradient in log prices: the value of each item's excess supply
            grad = theta.T @ pi + p * (fixed + z - d)
            # sparse: two items are coupled only through the councils that use both
            rooted = sp.csr_array(sp.diags_array(np.sqrt(pi)) @ theta[:, active])
            diagonal = (p * fixed + b * p * z - a * p * d)[active]
            scale = np.abs(np.asarray((rooted.multiply(rooted)).sum(axis=0)).ravel() + diagonal)
            hess = sp.csr_array(
                rooted.T @ rooted + sp.diags_array(diagonal + 1e-12 * scale.max(initial=1.0))
            )
            step = np.zeros(n)
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")  # a singular Hessian gives no finite step
                if hess.shape[0] <= DIRECT_UP_TO:
                    try:
                        step[active] = -np.linalg.solve(hess.toarray(), grad[active])
                    except np.linalg.LinAlgError:
                        step[:] = np.nan
                else:  # inexact Newton: conjugate gradients, Jacobi-preconditioned
                    jacobi = sp.diags_array(1.0 / np.maximum(scale, 1e-300))
                    step[active] = -cg(hess, grad[active], M=jacobi, rtol=1e-3, maxiter=200)[0]
            if not (np.all(np.isfinite(step)) and float(grad @ step) < 0.0):
                # in log prices the dual function need not be convex (demand less elastic
                # than -1): where Newton's direction climbs, a scaled gradient step descends
                step[active] = -grad[active] / np.maximum(scale, 1e-300)
            step = np.clip(u + np.clip(step, -0.5, 0.5), lo, hi) - u  # at most 65 % a step
            start, slope, t = value(u), float(grad @ step), 1.0
            while t > 1e-4 and value(u + t * step) > start + 1e-4 * t * slope:
                t *= 0.5
            u = u + t * step
            if np.max(np.abs(t * step), initial=0.0) < 1e-8:
                break
        return u

    u = solve(demand, log_p0.copy())
    if earned_demand is None or not np.any(permits > 0) or not np.any(earned_demand > 0):
        return np.exp(u)
    for _ in range(20):
        level = income_adjusted_demand(
            demand, earned_demand, budget, permits, permit_elasticity, p0, np.exp(u)
        )
        u_next = solve(level, u)
        settled = np.max(np.abs(u_next - u), initial=0.0) < 1e-9
        u = u_next
        if settled:
            break
    return np.exp(u)
