"""The economy of Hahnel and Szczepanczyk's published planning simulations (pequod-cljs).

Five categories of goods with the same number of goods in each: private goods, intermediate
goods, natural resources, labour types and public goods, laid out in that order in one flat
price vector. Worker councils are Cobb-Douglas producers of private, intermediate or public
goods (a third of the councils each, the same number per product); consumer councils have
Cobb-Douglas utility and a fixed income; natural resources and labour are in fixed supply.
Parameter draws follow the source as summarised in ``benchmarks/reference/pequod_model.md``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from solver.planning.councils import CobbDouglasWorkers, Consumers, PermitSuppliers, WorkerProposals
from solver.planning.market import Market, simulated_proposals
from solver.planning.market import supply_and_demand as market_supply_and_demand

__all__ = ["CATEGORIES", "PequodEconomy", "pequod_economy", "pequod_market", "supply_and_demand"]

CATEGORIES = ("private", "intermediate", "nature", "labour", "public")


@dataclass(frozen=True)
class PequodEconomy:
    """A Pequod economy: councils as arrays, fixed supplies, the flat price layout.

    Attributes
    ----------
    goods_per_category
        Number of goods in each of the five categories.
    consumers, workers
        The councils; consumers weigh private and public goods in the flat item vector.
    permits
        With a pollutant (pequod-plus): every consumer council sells pollution permissions,
        the last item of the flat vector.
    fixed_supply
        Supply of each natural resource and labour type.
    initial_price
        Every price starts here (700 in the published runs).
    """

    goods_per_category: int
    consumers: Consumers
    workers: CobbDouglasWorkers
    permits: PermitSuppliers | None = None
    fixed_supply: float = 1000.0
    initial_price: float = 700.0

    @property
    def n_items(self) -> int:
        """Number of items."""
        return 5 * self.goods_per_category + (1 if self.permits is not None else 0)

    def category(self, name: str) -> slice:
        """The slice of the flat price vector that holds a category."""
        i = CATEGORIES.index(name)
        n = self.goods_per_category
        return slice(i * n, (i + 1) * n)

    def labels(self) -> list[str]:
        """Item labels."""
        labels = [f"{cat}-{j + 1}" for cat in CATEGORIES for j in range(self.goods_per_category)]
        return labels + (["pollutant-1"] if self.permits is not None else [])


_DENSE_DRAW_LIMIT = 20_000_000


def _random_subsets(rng: np.random.Generator, rows: int, k: int, n: int) -> np.ndarray:
    """``(rows, k)`` distinct indices below ``n`` per row, in random order.

    Small draws argsort a ``(rows, n)`` random matrix, the draw of the published settings.
    Large ones take bounded memory: when ``k^2`` is small against ``n`` (a repeat is rare),
    ``k`` indices per row, redrawing the rows with a repeat; otherwise the argsort in blocks
    of rows, none holding more than ``_DENSE_DRAW_LIMIT`` numbers.
    """
    if rows * n <= _DENSE_DRAW_LIMIT:
        return rng.random((rows, n)).argsort(axis=1)[:, :k]
    if 4 * k * k <= n:
        out = rng.integers(0, n, size=(rows, k))
        while True:
            repeated = np.flatnonzero((np.diff(np.sort(out, axis=1), axis=1) == 0).any(axis=1))
            if not repeated.size:
                return out
            out[repeated] = rng.integers(0, n, size=(repeated.size, k))
    block = max(1, _DENSE_DRAW_LIMIT // n)
    return np.vstack(
        [
            rng.random((min(block, rows - start), n)).argsort(axis=1)[:, :k]
            for start in range(0, rows, block)
        ]
    )


def pequod_economy(
    n_workers: int = 3000,
    n_consumers: int = 3000,
    goods_per_category: int = 10,
    *,
    near_increasing_returns_share: float = 0.0,
    pollutant: bool = False,
    consumer_goods: int | None = None,
    seed: int = 0,
) -> PequodEconomy:
    """Draw a Pequod economy as in the published runs (3,000 + 3,000 councils, 10 goods each).

    Parameters
    ----------
    n_workers
        Worker councils; a third produce each of private, intermediate and public goods,
        the same number per product (``n_workers`` must be a multiple of ``3 * goods``).
    n_consumers
        Consumer councils, each of 10 members with income 5000.
    goods_per_category
        Goods in each of the five categories.
    near_increasing_returns_share
        Share of worker councils whose every exponent is raised by 0.1 (the source's stress
        case, "toothaches").
    pollutant
        Add pequod-plus's pollutant: every worker council uses it as one more input (its
        exponent a tenth of the others') and every consumer council sells permissions.
        Unlike the source, which compares demand with the *mean* permissions per council,
        the board compares it with their total.
    consumer_goods
        Private and public goods each consumer council weighs (``None``: all of them, as
        published); fewer make sparse requests for very large economies.
    seed
        Seed of the random generator.
    """
    n = goods_per_category
    if n_workers % (3 * n):
        raise ValueError(f"n_workers: must be a multiple of 3 x {n} goods, got {n_workers}")
    rng = np.random.default_rng(seed)
    layout = {cat: i * n for i, cat in enumerate(CATEGORIES)}

    # Which good each council produces: industry 0 private, 1 intermediate, 2 public.
    per_product = n_workers // (3 * n)
    product = np.concatenate(
        [
            np.repeat(layout[cat] + np.arange(n), per_product)
            for cat in ("private", "intermediate", "public")
        ]
    )

    # Inputs: 1-4 intermediate goods, 1-2 natural resources, 1-2 labour types, distinct.
    def subsets(count_max: int, offset: int) -> list[np.ndarray]:
        sizes = rng.integers(1, count_max + 1, size=n_workers)
        keys = _random_subsets(rng, n_workers, min(count_max, n), n)
        return [np.sort(keys[w, : sizes[w]]) + offset for w in range(n_workers)]

    groups = [
        subsets(4, layout["intermediate"]),
        subsets(2, layout["nature"]),
        subsets(2, layout["labour"]),
    ]
    if pollutant:
        groups.append([np.array([5 * n])] * n_workers)
    chosen = [np.concatenate(parts) for parts in zip(*groups, strict=True)]
    counts = np.array([len(c) for c in chosen])
    indptr = np.concatenate([[0], np.cumsum(counts)])
    indices = np.concatenate(chosen)
    per_input_n = np.repeat(counts, counts)
    exps = rng.uniform(0.75 / per_input_n, 0.85 / per_input_n)
    if pollutant:
        exps[indices == 5 * n] /= 10.0
    stressed = rng.random(n_workers) < near_increasing_returns_share
    exps = exps + 0.1 * np.repeat(stressed, counts)
    n_items = 5 * n + (1 if pollutant else 0)
    exponents = sp.csr_array((exps, indices, indptr), shape=(n_workers, n_items))

    workers = CobbDouglasWorkers(
        product=product,
        exponents=exponents,
        a=rng.uniform(4.0, 6.0, n_workers),
        c=rng.uniform(0.05, 0.1, n_workers),
        s=np.ones(n_workers),
        k=rng.uniform(3.0, 4.0, n_workers),
    )
    final = np.r_[layout["private"] + np.arange(n), layout["public"] + np.arange(n)]
    if consumer_goods is None or consumer_goods >= 2 * n:
        cols = np.tile(final, (n_consumers, 1))
    else:
        cols = np.sort(_random_subsets(rng, n_consumers, consumer_goods, 2 * n), axis=1)
        cols = final[cols]
    weights = sp.csr_array(
        (
            rng.uniform(0.025, 0.05, cols.size),
            cols.ravel(),
            np.arange(0, cols.size + 1, cols.shape[1]),
        ),
        shape=(n_consumers, n_items),
    )
    consumers = Consumers(
        budget=np.full(n_consumers, 5000.0), preferences=weights, elasticity=np.ones(n_consumers)
    )
    permits = None
    if pollutant:
        permits = PermitSuppliers(
            item=np.full(n_consumers, 5 * n),
            owner=np.arange(n_consumers),
            j=rng.choice([0.11, 0.13, 0.15, 0.17, 0.19], n_consumers),
            k=rng.choice([1.11, 1.13, 1.15, 1.17, 1.19], n_consumers),
        )
    return PequodEconomy(
        goods_per_category=n, consumers=consumers, workers=workers, permits=permits
    )


def supply_and_demand(
    economy: PequodEconomy, prices: np.ndarray
) -> tuple[np.ndarray, np.ndarray, WorkerProposals]:
    """Supply and demand of every item at ``prices``, as the board aggregates them.

    Produced goods are supplied by their producers; intermediate goods, natural resources,
    labour (and the pollutant) are demanded as inputs by every worker council; private and
    public goods by the consumer councils; natural resources and labour are in fixed supply,
    pollution permissions are sold by consumer councils, whose income grows by their value.
    Returns the worker councils' proposals too.
    """
    market = pequod_market(economy)
    proposals = simulated_proposals(market, prices)
    supply, demand = market_supply_and_demand(market, proposals)
    assert proposals.cobb_douglas is not None
    return supply, demand, proposals.cobb_douglas


def pequod_market(economy: PequodEconomy) -> Market:
    """The Pequod economy as a :class:`~solver.planning.market.Market` for planning sessions."""
    kinds = {
        "private": "private",
        "intermediate": "intermediate",
        "nature": "natural_resource",
        "labour": "labour",
        "public": "public",
    }
    item_kinds = [kinds[cat] for cat in CATEGORIES for _ in range(economy.goods_per_category)]
    if economy.permits is not None:
        item_kinds.append("permit")
    fixed = np.zeros(economy.n_items)
    fixed[economy.category("nature")] = economy.fixed_supply
    fixed[economy.category("labour")] = economy.fixed_supply
    return Market(
        name="pequod" + ("-pollutant" if economy.permits is not None else ""),
        labels=economy.labels(),
        kinds=item_kinds,
        fixed_supply=fixed,
        initial_prices=np.full(economy.n_items, economy.initial_price),
        price_unit="income units; consumer councils' incomes add up to "
        f"{float(economy.consumers.budget.sum()):g}",
        consumers=economy.consumers,
        cobb_douglas=economy.workers,
        permits=economy.permits,
    )
