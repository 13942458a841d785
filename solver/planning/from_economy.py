"""From an :class:`~solver.economy.Economy` to the market that a planning session runs on.

Items are the economy's goods, its primary inputs and one pollution permit per federation
cap (a worker council needs a permit of every cap whose territory contains it). Worker
councils run their techniques against a rising effort cost; consumer councils and
federations maximise CES utility within budgets that come from effort ratings:

    income_c = rating_c x members_c x (consumption budget / sum of rating x members)

where the consumption budget is the value of the social product available for consumption
(``Economy.consumption_budget``; by default the total labour availability, so that prices
are in hours). A federation spends the share ``budget_share`` of its members' incomes on
public goods, and its members keep the rest for private goods.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import scipy.sparse as sp

from solver.economy.budgets import consumer_budgets
from solver.economy.compiled import compile_economy
from solver.economy.model import Economy, EconomyValidationError, Problem
from solver.economy.production import TechnologyMatrices, stack_quantities
from solver.economy.units import budget_unit
from solver.lp.build import build_round_lp
from solver.lp.solve import RoundSolver
from solver.planning.councils import Consumers, LinearWorkers
from solver.planning.market import Market

__all__ = ["market_from_economy"]


def _planning_problems(economy: Economy, tech: TechnologyMatrices) -> list[Problem]:
    problems = [
        Problem(
            field=f"primary_inputs[{i}].availability",
            message="planning needs a finite availability (the supply councils can draw on)",
        )
        for i, p in enumerate(economy.primary_inputs)
        if p.availability is None
    ]
    t = 0
    for w, wc in enumerate(economy.worker_councils):
        for j, _technique in enumerate(wc.techniques):
            if not np.isfinite(tech.capacity[t]):
                problems.append(
                    Problem(
                        field=f"worker_councils[{w}].techniques[{j}].capacity",
                        message="planning needs a finite capacity (supply rises with effort "
                        "up to it)",
                    )
                )
            t += 1
    for c, cc in enumerate(economy.consumer_councils):
        if not (cc.preferences or cc.requests):
            problems.append(
                Problem(
                    field=f"consumer_councils[{c}].preferences",
                    message="planning needs preferences (or requests to serve as weights)",
                )
            )
    return problems


def market_from_economy(economy: Economy, *, initial_prices: str = "cost") -> Market:
    """The planning market of ``economy``, with simulated councils.

    Parameters
    ----------
    economy
        A validated economy; planning also needs finite availabilities and capacities, and
        consumer councils with preferences (or requests).
    initial_prices
        ``"cost"``: the first prices are the shadow prices of the economy's round LP for its
        stated requests (labour values plus rents), or for one unit of every good when it
        states none or they cannot be met; ``"uniform"``: every price is 1. Either way a
        technique's effort cost at capacity is ``effort_cost_share`` times the cost of its
        goods and primary inputs at the prices for one unit of every good.

    Raises
    ------
    EconomyValidationError
        Naming every field that planning cannot work with.
    """
    compiled = compile_economy(economy)
    tech, caps = compiled.tech, compiled.caps
    problems = _planning_problems(economy, tech)
    if problems:
        raise EconomyValidationError(problems)
    budgets = consumer_budgets(economy)
    lp = build_round_lp(compiled)  # its duals are the cost prices below
    n_goods, n_primary, n_caps = len(tech.goods), len(tech.primary_inputs), len(caps.rows)
    n = n_goods + n_primary + n_caps
    labels = (
        list(tech.goods) + list(tech.primary_inputs) + [f"permit:{e}@{f}" for f, e in caps.rows]
    )
    kinds = (
        [g.kind.value for g in economy.goods]
        + [p.kind.value for p in economy.primary_inputs]
        + ["permit"] * n_caps
    )
    fixed = np.concatenate(
        [
            np.array([g.stock for g in economy.goods], dtype=float),
            np.array([p.availability for p in economy.primary_inputs], dtype=float),
            caps.limits,
        ]
    )

    # Technique coefficients in item space: goods | primary inputs | pollution permits.
    resource_use = sp.vstack([tech.primary_use, caps.emissions(tech)])
    outputs = sp.vstack([tech.outputs, sp.csc_array((n_primary + n_caps, tech.outputs.shape[1]))])
    inputs = sp.vstack([tech.inputs, resource_use])
    damage = np.array([p.weight for p in economy.pollutants], dtype=float)
    unit_cost = tech.emissions.T @ damage if damage.size else np.zeros(len(tech.techniques))

    if initial_prices not in ("cost", "uniform"):
        raise ValueError(f"initial_prices: 'cost' or 'uniform', got {initial_prices!r}")
    solver = RoundSolver(lp)
    social_cost = np.array([p.weight for p in economy.primary_inputs], dtype=float)

    def cost_prices(requests: np.ndarray) -> np.ndarray | None:
        solver.update(replace(lp.bounds, net_requests=requests))
        result = solver.solve()
        if not result.has_duals or result.shortfalls():
            return None
        assert result.price is not None and result.rent is not None
        caps = result.pollution_price if result.pollution_price is not None else np.zeros(n_caps)
        prices = np.concatenate([result.price, social_cost + result.rent, caps])
        return np.maximum(prices, _floor_of(prices))

    # One unit of every good: the cost prices of all goods (labour values plus the rents of
    # whatever binds even then). They scale each technique's effort cost, which must not
    # depend on the first prices chosen nor on the unit a pollutant is measured in.
    unit_costs = cost_prices(np.ones(n_goods))
    if unit_costs is None:
        unit_costs = np.ones(n)
    start = np.ones(n)
    if initial_prices == "cost":
        # The duals at the stated requests also carry the rents of the limits that bind
        # there (a pollution cap, scarce land).
        at_requests = cost_prices(lp.bounds.net_requests) if lp.bounds.net_requests.any() else None
        start = at_requests if at_requests is not None else unit_costs

    effort_share = np.array([wc.effort_cost_share for wc in economy.worker_councils], dtype=float)[
        tech.council
    ]
    out_csr, in_csr = sp.csr_array(outputs.T), sp.csr_array(inputs.T)
    work = in_csr[:, : n_goods + n_primary] @ unit_costs[: n_goods + n_primary]
    workers = LinearWorkers(
        outputs=out_csr,
        inputs=in_csr,
        unit_cost=np.asarray(unit_cost, dtype=float),
        capacity=tech.capacity.astype(float),
        effort_at_capacity=effort_share * np.maximum(work, _floor_of(unit_costs)),
        council=np.asarray(tech.council),
    )

    index = {label: i for i, label in enumerate(labels)}
    ccs = economy.consumer_councils
    consumers = Consumers(
        budget=budgets.private,
        preferences=sp.csr_array(
            stack_quantities(index, [cc.preferences or cc.requests for cc in ccs]).T
        ),
        elasticity=np.array([cc.substitution_elasticity for cc in ccs], dtype=float),
    )
    feds = economy.federations
    pollutant_unit = {e.id: e.unit for e in economy.pollutants}
    federations = None
    if feds:
        federations = Consumers(
            budget=budgets.federation,
            preferences=sp.csr_array(
                stack_quantities(index, [f.public_preferences or f.public_requests for f in feds]).T
            ),
            elasticity=np.ones(len(feds)),
        )
    return Market(
        name=economy.name,
        labels=labels,
        kinds=kinds,
        fixed_supply=fixed,
        initial_prices=start,
        consumers=consumers,
        federations=federations,
        linear=workers,
        consumer_ids=[cc.id for cc in ccs],
        federation_ids=[f.id for f in feds],
        worker_ids=[wc.id for wc in economy.worker_councils],
        technique_ids=list(tech.techniques),
        units=[g.unit for g in economy.goods]
        + [p.unit for p in economy.primary_inputs]
        + [pollutant_unit[e] for _, e in caps.rows],
        cap_votes=compiled.cap_votes,
        fixed_demand=_investment_demand(compiled.investment, n) if compiled.investments else None,
        investments=compiled.investments,
        price_unit=budget_unit(economy),
    )


def _investment_demand(investment: np.ndarray, n_items: int) -> np.ndarray:
    """The federations' capacity investments (per good) as a fixed demand on items."""
    demand = np.zeros(n_items)
    demand[: investment.size] = investment  # goods come first among items
    return demand


def _floor_of(prices: np.ndarray) -> float:
    """A small positive price, a thousandth of the mean, for costs that would be zero."""
    return 1e-3 * max(float(np.mean(np.abs(prices))), 1e-12)
