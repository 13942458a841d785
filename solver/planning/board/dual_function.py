"""The Lagrangian dual function of the planning problem, read from one round's proposals:
what the ``lp`` rule's stabilised centre must lower."""

from __future__ import annotations

import numpy as np

from solver.planning.board.master_blocks import WorkerColumns, worker_columns
from solver.planning.market import Market, Proposals, elastic_supply, final_demand

__all__ = ["dual_value"]


def dual_value(
    market: Market,
    proposals: Proposals,
    prices: np.ndarray,
    permit_elasticity: np.ndarray,
    columns: WorkerColumns | None = None,
) -> float:
    """The Lagrangian dual of the planning problem at ``prices``, from the proposals made there.

    ``L(p) = sum_w profit_w(p) + p . fixed + sum_j S_j (ln S_j - ln p_j - 1) + permit rents``:
    worker councils' profits net of their stated effort cost, the value of the fixed supplies,
    and the consumers' surplus under the board's Cobb-Douglas model of demand (spending
    ``S_j`` on good ``j``). Each council's proposal is its best answer at ``p``, so ``L`` is
    the dual function of the welfare problem the master LP approximates; it is convex, its
    gradient is the excess supply, and the equilibrium prices minimise it. The ``lp`` rule
    moves its centre only to prices that lower ``L``. ``columns``, the proposals as
    :func:`worker_columns` gives them, saves making them again.
    """
    cols = worker_columns(market, proposals) if columns is None else columns
    value = float(prices @ market.net_fixed_supply)
    value += float(-(cols.use @ prices).sum() - cols.cost.sum())
    spending = prices * final_demand(proposals, market.n_items)
    bought = spending > 0
    value += float((spending[bought] * (np.log(spending[bought] / prices[bought]) - 1.0)).sum())
    permits = elastic_supply(market, proposals)
    value += float((prices * permits / (1.0 + permit_elasticity)).sum())
    return value
