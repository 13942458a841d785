"""Cobb-Douglas worker councils grouped by product in the master LP: one convexity row per
group, its columns the group's summed proposals at common prices.

Every council of a group faces the same prices, so the sum of their proposals (or of their
model's predictions) at one price vector is a point of the group's aggregate production set,
the Minkowski sum of theirs; and the sum of the councils' best answers at the duals is the
group's best answer there. Column generation over groups thus converges to the same master
optimum as over councils (Dantzig-Wolfe with aggregated blocks), with a master of
``items + groups`` rows instead of ``items + councils``: 80 rows instead of 3,050 on the
Pequod setting, 801 instead of 30,501 on Pequod-plus with 60,000 councils.

What a group master lacks is the councils' variety: with a few summed columns per group the
duals of items that no demand step prices (labour, natural resources) are left anywhere in
a range. The ``lp`` rule stabilises them near the model's clearing prices
(:mod:`~solver.planning.board.stabilisation`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from solver.planning.board.master_blocks import WorkerColumns
from solver.planning.board.profit_model import ProfitModel
from solver.planning.market import Market

__all__ = ["CouncilGroups", "columns_apart"]


@dataclass(frozen=True)
class CouncilGroups:
    """Cobb-Douglas worker councils in groups, each group one convexity row of the master.

    Attributes
    ----------
    group
        ``(W,)`` group of each council.
    n_groups
        Number of groups.
    summing
        ``(n_groups, W)``: 1 where a council is in a group.
    held_use, held_cost
        ``(n_groups, n_items)`` and ``(n_groups,)``: the summed proposals of each group's
        councils that the model holds at their word (no positive profit to extrapolate),
        added to every column the model predicts for the group.
    """

    group: np.ndarray
    n_groups: int
    summing: sp.csr_array
    held_use: sp.csr_array
    held_cost: np.ndarray

    @classmethod
    def of(
        cls,
        market: Market,
        proposals: WorkerColumns,
        model: ProfitModel,
        *,
        by_product: bool = True,
    ) -> CouncilGroups:
        """The councils grouped by product (else each council its own group), with the
        proposals of the round the model is fitted to."""
        cd = market.cobb_douglas
        if cd is None:
            raise ValueError("market: council groups need Cobb-Douglas worker councils")
        if by_product:
            _, group = np.unique(cd.product, return_inverse=True)
        else:
            group = np.arange(cd.n)
        n_groups = int(group.max(initial=-1)) + 1
        summing = sp.csr_array((np.ones(cd.n), (group, np.arange(cd.n))), shape=(n_groups, cd.n))
        held = sp.diags_array((model.profit <= 0.0).astype(float))
        return cls(
            group=group,
            n_groups=n_groups,
            summing=summing,
            held_use=sp.csr_array(summing @ held @ proposals.use),
            held_cost=summing @ held @ proposals.cost,
        )

    def summed(self, columns: WorkerColumns) -> WorkerColumns:
        """One column per group: the sum of its councils' columns (one per council)."""
        return WorkerColumns(
            use=sp.csr_array(self.summing @ columns.use),
            cost=self.summing @ columns.cost,
            unit=np.arange(self.n_groups),
            n_units=self.n_groups,
        )

    def model_columns(self, model: ProfitModel, prices: np.ndarray) -> WorkerColumns:
        """Each group's answer at ``prices`` as the model predicts it (held councils as
        they proposed)."""
        predicted = self.summed(model.columns(prices))
        return WorkerColumns(
            use=sp.csr_array(predicted.use + self.held_use),
            cost=predicted.cost + self.held_cost,
            unit=predicted.unit,
            n_units=self.n_groups,
        )

    def gain(self, columns: WorkerColumns, prices: np.ndarray, values: np.ndarray) -> float:
        """How much the groups' ``columns`` (one per group) beat the master's ``values`` of
        the groups at ``prices``, summed."""
        worth = -(columns.use @ prices) - columns.cost
        return float(np.maximum(worth - values, 0.0).sum())


def columns_apart(columns: WorkerColumns, reference: WorkerColumns, share: float) -> WorkerColumns:
    """The columns of ``columns`` (one per group) that lie farther than ``share`` from the
    same group's column of ``reference``, relative to their own size.

    Each column is taken with its cost, as the vector ``(use, cost)``, and its distance
    measured in the Euclidean norm; the columns kept keep their groups.
    """
    if columns.unit is None or reference.unit is None:
        raise ValueError("columns, reference: one column per group, with their groups")
    if not np.array_equal(columns.unit, reference.unit):
        raise ValueError("columns, reference: the same groups in the same order")
    gap = columns.use - reference.use
    distance = np.asarray(gap.multiply(gap).sum(axis=1)).ravel()
    distance += (columns.cost - reference.cost) ** 2
    size = np.asarray(columns.use.multiply(columns.use).sum(axis=1)).ravel() + columns.cost**2
    keep = np.flatnonzero(distance > share**2 * size)
    return WorkerColumns(
        use=sp.csr_array(columns.use[keep]),
        cost=columns.cost[keep],
        unit=columns.unit[keep],
        n_units=columns.n_units,
    )
