"""The economy as the facilitation board sees it: items, councils' proposals, their sums.

Every priced thing is an *item* in one flat vector: goods (private, public, intermediate),
primary inputs (labour, natural resources) and pollution permits (one per pollution cap,
or one per pollutant where consumer councils sell permissions). Councils are held as arrays
(see :mod:`solver.planning.councils`), so a round with a million councils is a few sparse products.

A :class:`Proposals` is what all councils proposed in one round; it is also the exchange
format for councils that are not simulated (requests of consumer councils, activity levels
of worker councils' techniques).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from solver.economy.cap_votes import CapVote
from solver.economy.growth import Investment
from solver.planning.councils import (
    CobbDouglasWorkers,
    Consumers,
    LinearWorkers,
    PermitSuppliers,
    WorkerProposals,
    ces_demand,
    cobb_douglas_supply,
    linear_supply,
    permit_supply,
)

__all__ = [
    "ITEM_KINDS",
    "Market",
    "ProposalError",
    "Proposals",
    "check_proposals",
    "elastic_supply",
    "final_demand",
    "permit_income",
    "simulated_proposals",
    "supply_and_demand",
]

ITEM_KINDS = ("private", "public", "intermediate", "labour", "natural_resource", "permit")


@dataclass(frozen=True)
class Market:
    """Items, fixed supplies and the councils of an economy, ready for planning rounds.

    Attributes
    ----------
    name
        Name of the economy.
    labels, kinds
        Label and kind (one of :data:`ITEM_KINDS`) of every item.
    fixed_supply
        Supply that no council proposes: stocks of goods, availability of primary inputs,
        pollution caps.
    initial_prices
        Indicative prices of the first round (all positive).
    consumers
        Consumer councils; their requests are for private goods (and public goods in the
        Pequod layout, where every council pays its share of a public good).
    federations
        Federations as buyers of public goods, or ``None``.
    cobb_douglas, linear
        Worker councils of either form (``linear`` holds techniques, several per council).
    permits
        Consumer councils selling pollution permissions, or ``None``.
    consumer_ids, federation_ids, worker_ids
        Ids of the councils, for feedback; ``None`` means numbered.
    technique_ids
        Ids of linear worker councils' techniques; ``None`` means numbered.
    units
        Unit of every item (``""`` where the economy names none), or ``None``.
    cap_votes
        How each pollution cap left to a vote was decided (published with the plan and in
        the ledger).
    fixed_demand
        Demand that no council proposes round by round: federations' capacity investments
        (:mod:`solver.economy.growth`), or ``None``.
    investments
        The capacity investments behind ``fixed_demand``, one per federation and technique.
    price_unit
        What prices and budgets are measured in, in words (the numeraire), or ``""``.
    """

    name: str
    labels: list[str]
    kinds: list[str]
    fixed_supply: np.ndarray
    initial_prices: np.ndarray
    consumers: Consumers
    federations: Consumers | None = None
    cobb_douglas: CobbDouglasWorkers | None = None
    linear: LinearWorkers | None = None
    permits: PermitSuppliers | None = None
    consumer_ids: list[str] | None = None
    federation_ids: list[str] | None = None
    worker_ids: list[str] | None = None
    technique_ids: list[str] | None = field(default=None, repr=False)
    units: list[str] | None = field(default=None, repr=False)
    cap_votes: tuple[CapVote, ...] = field(default=(), repr=False)
    fixed_demand: np.ndarray | None = field(default=None, repr=False)
    investments: tuple[Investment, ...] = field(default=(), repr=False)
    price_unit: str = field(default="", repr=False)

    @property
    def net_fixed_supply(self) -> np.ndarray:
        """Fixed supply less fixed demand: what the councils' proposals must balance."""
        fixed = np.asarray(self.fixed_supply, dtype=float)
        return fixed if self.fixed_demand is None else fixed - self.fixed_demand

    def __post_init__(self) -> None:
        n = len(self.labels)
        if len(self.kinds) != n or self.fixed_supply.shape != (n,):
            raise ValueError("labels, kinds and fixed_supply must have one entry per item")
        if self.initial_prices.shape != (n,) or not np.all(self.initial_prices > 0):
            raise ValueError("initial_prices: one positive price per item")
        if self.units is not None and len(self.units) != n:
            raise ValueError("units: one unit per item")
        if (self.cobb_douglas is None) == (self.linear is None):
            raise ValueError("a market has worker councils of exactly one form")

    @property
    def n_items(self) -> int:
        """Number of items: goods, primary inputs, permits."""
        return len(self.labels)

    @property
    def n_workers(self) -> int:
        """Number of worker councils (not techniques)."""
        if self.cobb_douglas is not None:
            return self.cobb_douglas.n
        assert self.linear is not None
        if self.worker_ids is not None:
            return len(self.worker_ids)
        return int(self.linear.council.max()) + 1 if self.linear.n else 0

    def consumer_names(self) -> list[str]:
        """Consumer council ids, in row order."""
        return _names(self.consumer_ids, "cc", self.consumers.n)

    def federation_names(self) -> list[str]:
        """Federation ids, in row order."""
        n = self.federations.n if self.federations is not None else 0
        return _names(self.federation_ids, "fed", n)

    def worker_names(self) -> list[str]:
        """Worker council ids, in row order."""
        return _names(self.worker_ids, "wc", self.n_workers)

    def technique_names(self) -> list[str]:
        """Technique ids, in column order."""
        return _names(self.technique_ids, "t", self.linear.n if self.linear is not None else 0)

    def items_of(self, *kinds: str) -> np.ndarray:
        """Indices of the items of the given kinds."""
        return np.flatnonzero(np.isin(np.asarray(self.kinds), kinds))


def _names(given: list[str] | None, prefix: str, n: int) -> list[str]:
    """Council ids, or ``prefix0, prefix1, ...`` for councils without ids."""
    return given if given is not None else [f"{prefix}{i}" for i in range(n)]


@dataclass(frozen=True)
class Proposals:
    """What every council proposes in one round.

    Attributes
    ----------
    consumer_requests
        ``(C, n_items)`` CSR array of consumer councils' requests.
    federation_requests
        ``(F, n_items)`` CSR array of federations' public-good requests, or ``None``.
    cobb_douglas
        Proposals of Cobb-Douglas worker councils, or ``None``.
    linear_activity
        Activity level of every technique of linear worker councils, or ``None``.
    permits
        Pollution permissions offered by each permit supplier, or ``None``.
    stated_effort
        Linear worker councils: the marginal effort cost each council states for each of
        its techniques at the proposed activity, ``NaN`` where it states none; ``None``:
        no council states any. The board takes it over its own model of the council.
    """

    consumer_requests: sp.csr_array
    federation_requests: sp.csr_array | None = None
    cobb_douglas: WorkerProposals | None = None
    linear_activity: np.ndarray | None = None
    permits: np.ndarray | None = None
    stated_effort: np.ndarray | None = None


class ProposalError(ValueError):
    """Proposals that the board cannot take: ``problems`` lists ``(field, message)`` pairs."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{f}: {m}" for f, m in problems))


def check_proposals(market: Market, proposals: Proposals) -> None:
    """Refuse proposals of the wrong shape, negative quantities or activity beyond capacity.

    Raises
    ------
    ProposalError
        Naming the field and, for the first few offenders, the council or technique.
    """
    problems: list[tuple[str, str]] = []
    n = market.n_items

    def requests(field: str, matrix: sp.csr_array | None, councils: int, ids: list[str]) -> None:
        if matrix is None:
            if councils:
                problems.append((field, f"missing ({councils} councils must propose)"))
            return
        if matrix.shape != (councils, n):
            problems.append(
                (field, f"shape {matrix.shape}, expected ({councils} councils, {n} items)")
            )
            return
        if not np.all(np.isfinite(matrix.data)):
            problems.append((field, "requests must be finite numbers"))
        rows = np.repeat(np.arange(councils), np.diff(matrix.indptr))
        for r in np.unique(rows[matrix.data < 0])[:5]:
            problems.append((f"{field}[{ids[r]}]", "negative request"))

    requests(
        "consumer_requests",
        proposals.consumer_requests,
        market.consumers.n,
        market.consumer_names(),
    )
    if market.federations is not None:
        requests(
            "federation_requests",
            proposals.federation_requests,
            market.federations.n,
            market.federation_names(),
        )
    if market.linear is not None:
        x = proposals.linear_activity
        lin = market.linear
        names = market.technique_names()
        if x is None or np.shape(x) != (lin.n,):
            problems.append(
                ("linear_activity", f"expected one activity level for each of {lin.n} techniques")
            )
        elif not np.all(np.isfinite(x)):
            problems.append(("linear_activity", "activity levels must be finite numbers"))
        else:
            for t in np.flatnonzero(x < 0)[:5]:
                problems.append((f"linear_activity[{names[t]}]", f"negative activity {x[t]:g}"))
            over = np.flatnonzero(x > lin.capacity * (1 + 1e-9))
            for t in over[:5]:
                problems.append(
                    (
                        f"linear_activity[{names[t]}]",
                        f"activity {x[t]:g} exceeds the capacity {lin.capacity[t]:g}",
                    )
                )
        stated = proposals.stated_effort
        if stated is not None:
            if np.shape(stated) != (lin.n,):
                problems.append(
                    ("stated_effort", f"expected one value (or NaN) for each of {lin.n} techniques")
                )
            else:
                bad = np.flatnonzero(np.isinf(stated) | (stated < 0))
                for t in bad[:5]:
                    problems.append(
                        (
                            f"stated_effort[{names[t]}]",
                            f"marginal effort cost must be a finite number >= 0, got {stated[t]:g}",
                        )
                    )
    elif proposals.stated_effort is not None:
        problems.append(("stated_effort", "only linear worker councils state effort costs"))
    if market.cobb_douglas is not None and proposals.cobb_douglas is None:
        problems.append(("cobb_douglas", "missing"))
    if problems:
        raise ProposalError(problems)


def permit_income(market: Market, permits: np.ndarray | None, prices: np.ndarray) -> np.ndarray:
    """Income each consumer council earns by selling pollution permissions at ``prices``."""
    if market.permits is None or permits is None:
        return np.zeros(market.consumers.n)
    value = permits * prices[market.permits.item]
    return np.bincount(market.permits.owner, value, minlength=market.consumers.n)


def simulated_proposals(market: Market, prices: np.ndarray) -> Proposals:
    """Every simulated council's best proposal at ``prices`` (vectorised, no loop per council)."""
    permits = permit_supply(market.permits, prices) if market.permits is not None else None
    extra = permit_income(market, permits, prices) if permits is not None else None
    return Proposals(
        consumer_requests=ces_demand(market.consumers, prices, extra),
        federation_requests=(
            ces_demand(market.federations, prices) if market.federations is not None else None
        ),
        cobb_douglas=(
            cobb_douglas_supply(market.cobb_douglas, prices)
            if market.cobb_douglas is not None
            else None
        ),
        linear_activity=linear_supply(market.linear, prices) if market.linear is not None else None,
        permits=permits,
    )


def _column_sums(matrix: sp.csr_array | None, n: int) -> np.ndarray:
    if matrix is None:
        return np.zeros(n)
    return np.asarray(matrix.sum(axis=0)).ravel()


def final_demand(proposals: Proposals, n_items: int) -> np.ndarray:
    """Total request of every item by consumer councils and federations."""
    return _column_sums(proposals.consumer_requests, n_items) + _column_sums(
        proposals.federation_requests, n_items
    )


def elastic_supply(market: Market, proposals: Proposals) -> np.ndarray:
    """Permits offered by consumer councils, per item."""
    if market.permits is None or proposals.permits is None:
        return np.zeros(market.n_items)
    return np.bincount(market.permits.item, proposals.permits, minlength=market.n_items)


def supply_and_demand(market: Market, proposals: Proposals) -> tuple[np.ndarray, np.ndarray]:
    """Total supply and total demand of every item, as the board aggregates the proposals."""
    n = market.n_items
    supply = market.fixed_supply.astype(float) + elastic_supply(market, proposals)
    demand = final_demand(proposals, n)
    if market.fixed_demand is not None:
        demand = demand + market.fixed_demand
    if market.cobb_douglas is not None and proposals.cobb_douglas is not None:
        supply += np.bincount(
            market.cobb_douglas.product, proposals.cobb_douglas.output, minlength=n
        )
        demand += _column_sums(proposals.cobb_douglas.inputs, n)
    if market.linear is not None and proposals.linear_activity is not None:
        x = proposals.linear_activity
        supply += market.linear.outputs.T @ x
        demand += market.linear.inputs.T @ x
    return supply, demand
