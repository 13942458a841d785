"""Consumer councils' and federations' budgets: income earned by effort and sacrifice.

A consumer council's budget is its share of the consumption budget (the value of what the
economy can make for final use), in proportion to its members' effort ratings; federations
spend their neighbourhoods' public-goods share of it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from solver.economy.model import Economy, EconomyValidationError, PrimaryInputKind, Problem

__all__ = ["DEFAULT_FEDERATION_SHARE", "Budgets", "consumer_budgets"]

DEFAULT_FEDERATION_SHARE = 0.1


@dataclass(frozen=True)
class Budgets:
    """What each consumer council and federation may spend at indicative prices.

    Attributes
    ----------
    income
        Each consumer council's income from its members' effort ratings.
    private
        The part of its income a council spends on private goods.
    federation
        What each federation spends on public goods.
    federation_share
        The share of its members' incomes each federation spends.
    """

    income: np.ndarray
    private: np.ndarray
    federation: np.ndarray
    federation_share: np.ndarray


def consumption_budget(economy: Economy) -> float:
    """Value of the social product available for consumption, in the unit of prices."""
    if economy.consumption_budget is not None:
        return economy.consumption_budget
    hours = sum(
        p.availability or 0.0 for p in economy.primary_inputs if p.kind is PrimaryInputKind.LABOUR
    )
    return hours if hours > 0 else float(sum(cc.members for cc in economy.consumer_councils))


def consumer_budgets(economy: Economy) -> Budgets:
    """Budgets from effort and sacrifice ratings (see the module docstring)."""
    ccs = economy.consumer_councils
    rated = np.array([cc.effort_rating * cc.members for cc in ccs], dtype=float)
    if not ccs or rated.sum() <= 0:
        raise EconomyValidationError(
            [
                Problem(
                    field="consumer_councils",
                    message="planning needs consumer councils with a positive effort rating",
                )
            ]
        )
    income = rated * consumption_budget(economy) / rated.sum()
    fed_index = {f.id: i for i, f in enumerate(economy.federations)}
    share = np.array(
        [
            f.budget_share
            if f.budget_share is not None
            else (DEFAULT_FEDERATION_SHARE if (f.public_preferences or f.public_requests) else 0.0)
            for f in economy.federations
        ],
        dtype=float,
    )
    ancestors = economy.federation_ancestors()
    paid = np.zeros(len(ccs))
    federation = np.zeros(len(economy.federations))
    problems = []
    for c, cc in enumerate(ccs):
        if cc.federation is None:
            continue
        chain = [fed_index[f] for f in ancestors[cc.federation]]
        paid[c] = share[chain].sum()
        federation[chain] += share[chain] * income[c]
        if paid[c] >= 1.0:
            problems.append(
                Problem(
                    field=f"consumer_councils[{c}].federation",
                    message=f"the federations above this council take {paid[c]:.0%} of its "
                    "income (budget_share must sum to less than 1)",
                )
            )
    if problems:
        raise EconomyValidationError(problems)
    return Budgets(
        income=income, private=income * (1.0 - paid), federation=federation, federation_share=share
    )
