"""Simulated councils: each behaviour is a small pure function, vectorised across councils.

Prices, quantities and parameters are numpy arrays (councils along the first axis), so that a
round with a million councils costs a few array operations and no Python loop per council.
The forms follow the published Pequod simulations (Hahnel & Szczepanczyk; see
``benchmarks/reference/pequod_model.md``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

__all__ = [
    "CobbDouglasWorkers",
    "Consumers",
    "LinearWorkers",
    "PermitSuppliers",
    "WorkerProposals",
    "ces_demand",
    "cobb_douglas_effort_cost",
    "cobb_douglas_supply",
    "linear_supply",
    "permit_supply",
    "unit_margin",
]


@dataclass(frozen=True)
class Consumers:
    """Consumer councils (or federations) with CES utility ``sum_j w_j x_j^((s-1)/s)``.

    Attributes
    ----------
    budget
        What each council may spend at indicative prices, shape ``(C,)``.
    preferences
        ``(C, n_items)`` sparse CSR matrix of the CES preference weights ``w`` over the flat
        item vector; a council only asks for the items it has a preference for.
    elasticity
        Elasticity of substitution of each council, shape ``(C,)``; 1 is Cobb-Douglas.
    """

    budget: np.ndarray
    preferences: sp.csr_array
    elasticity: np.ndarray

    @property
    def n(self) -> int:
        """Number of councils (or techniques)."""
        return int(self.budget.shape[0])


def ces_demand(
    consumers: Consumers, prices: np.ndarray, extra_income: np.ndarray | None = None
) -> sp.csr_array:
    """Every council's utility-maximising request at ``prices``, a ``(C, n_items)`` CSR array.

    With weights ``w``, elasticity ``sigma`` and budget ``I`` a council asks for::

        x_j = I w_j^sigma p_j^-sigma / sum_k w_k^sigma p_k^(1 - sigma)

    so it spends its whole budget; with ``sigma = 1`` (Cobb-Douglas) it spends the share
    ``w_j / sum(w)`` on good ``j``. A public good enters like any other: a federation's
    request is what its budget buys at the good's full price, and Pequod's rule (each of
    ``N`` councils pays ``p / N`` and the board compares supply with the mean request) gives
    the same total.
    """
    w = consumers.preferences
    rows = np.repeat(np.arange(consumers.n), np.diff(w.indptr))
    sigma = consumers.elasticity[rows]
    p = prices[w.indices]
    numerator = w.data**sigma * p ** (-sigma)
    denominator = np.bincount(rows, numerator * p, minlength=consumers.n)
    income = consumers.budget if extra_income is None else consumers.budget + extra_income
    scale = np.divide(income, denominator, out=np.zeros(consumers.n), where=denominator > 0)
    return sp.csr_array((numerator * scale[rows], w.indices.copy(), w.indptr.copy()), shape=w.shape)


@dataclass(frozen=True)
class CobbDouglasWorkers:
    """Worker councils with the production function of Hahnel's simulations.

    Output ``q = a e^c prod_i x_i^b_i`` from inputs ``x_i`` (intermediate goods, natural
    resources, labour types) and effort ``e``; the council maximises
    ``lambda q - sum_i p_i x_i - s e^k`` at its output price ``lambda``.

    Attributes
    ----------
    product
        Index of each council's output in the flat price vector, shape ``(W,)``.
    exponents
        ``(W, n_items)`` sparse CSR matrix of input exponents ``b_i`` (columns index the
        same flat price vector).
    a, c, s, k
        Productivity, effort elasticity, disutility coefficient and disutility exponent,
        each shape ``(W,)``. Supply is well defined when ``sum(b) < 1 - c / k``.
    """

    product: np.ndarray
    exponents: sp.csr_array
    a: np.ndarray
    c: np.ndarray
    s: np.ndarray
    k: np.ndarray

    @property
    def n(self) -> int:
        """Number of councils (or techniques)."""
        return int(self.product.shape[0])

    @property
    def returns_to_scale(self) -> np.ndarray:
        """``sum(b) + c / k``: below 1 the council's supply rises with its price."""
        return np.asarray(self.exponents.sum(axis=1)).ravel() + self.c / self.k


@dataclass(frozen=True)
class WorkerProposals:
    """What the worker councils propose at given prices.

    Attributes
    ----------
    output
        Output of each council, ``(W,)``.
    inputs
        ``(W, n_items)`` sparse CSR matrix of input quantities.
    effort
        Effort of each council, ``(W,)``.
    """

    output: np.ndarray
    inputs: sp.csr_array
    effort: np.ndarray


def cobb_douglas_effort_cost(workers: CobbDouglasWorkers, effort: np.ndarray) -> np.ndarray:
    """Disutility ``s e^k`` of each council's effort, in the unit of prices."""
    return workers.s * effort**workers.k


def cobb_douglas_supply(workers: CobbDouglasWorkers, prices: np.ndarray) -> WorkerProposals:
    """Each council's profit-maximising proposal at ``prices`` (closed form).

    First-order conditions: ``x_j = b_j lambda q / p_j`` and ``s k e^k = lambda c q``.
    Substituting into the production function gives, with ``B = sum(b)`` and
    ``D = c - k + k B`` (negative under decreasing returns)::

        ln q = [-k ln a - k sum b ln b - c ln c + c ln k + c ln s + k sum b ln p
                - (c + k B) ln lambda] / D
    """
    b = workers.exponents
    a, c, s, k = workers.a, workers.c, workers.s, workers.k
    lam = prices[workers.product]
    rows = np.repeat(np.arange(workers.n), np.diff(b.indptr))
    log_p = np.log(prices)[b.indices]
    bsum = np.asarray(b.sum(axis=1)).ravel()
    b_log_b = np.bincount(rows, b.data * np.log(b.data), minlength=workers.n)
    b_log_p = np.bincount(rows, b.data * log_p, minlength=workers.n)
    denom = c - k + k * bsum
    log_q = (
        -k * np.log(a)
        - k * b_log_b
        - c * np.log(c)
        + c * np.log(k)
        + c * np.log(s)
        + k * b_log_p
        - (c + k * bsum) * np.log(lam)
    ) / denom
    q = np.exp(log_q)
    x = b.data * (lam * q)[rows] / prices[b.indices]
    inputs = sp.csr_array((x, b.indices.copy(), b.indptr.copy()), shape=b.shape)
    effort = (lam * c * q / (s * k)) ** (1.0 / k)
    return WorkerProposals(output=q, inputs=inputs, effort=effort)


@dataclass(frozen=True)
class LinearWorkers:
    """Worker councils' techniques, each run at a level chosen against an effort cost.

    A technique turns inputs into outputs in fixed proportions, up to its capacity ``K``.
    Running it at level ``x`` costs its council effort ``E x^2 / (2 K)``: the marginal cost
    of effort rises linearly from zero to ``E`` at full capacity. The council runs it where
    that marginal effort cost meets the unit margin (revenue minus social cost at indicative
    prices), so supply responds smoothly to prices between idle and full capacity.

    Attributes
    ----------
    outputs, inputs
        ``(T, n_items)`` sparse CSR arrays per unit of activity; inputs include primary
        inputs and pollution permits.
    unit_cost
        ``(T,)`` social cost per unit of activity that the board does not price (emissions
        of pollutants valued at their damage per unit).
    capacity
        ``(T,)`` largest activity level, finite.
    effort_at_capacity
        ``(T,)`` marginal cost of effort ``E`` at full capacity, in the unit of prices.
    council
        ``(T,)`` index of the worker council that runs each technique.
    """

    outputs: sp.csr_array
    inputs: sp.csr_array
    unit_cost: np.ndarray
    capacity: np.ndarray
    effort_at_capacity: np.ndarray
    council: np.ndarray

    @property
    def n(self) -> int:
        """Number of councils (or techniques)."""
        return int(self.capacity.shape[0])

    def effort_cost(self, activity: np.ndarray) -> np.ndarray:
        """Effort cost ``E x^2 / (2 K)`` of running each technique at ``activity``."""
        return self.effort_at_capacity * activity**2 / (2.0 * self.capacity)


def unit_margin(workers: LinearWorkers, prices: np.ndarray) -> np.ndarray:
    """Each technique's revenue minus its priced inputs and unpriced social cost, per unit
    of activity: ``outputs.p - inputs.p - unit_cost``."""
    return workers.outputs @ prices - workers.inputs @ prices - workers.unit_cost


def linear_supply(workers: LinearWorkers, prices: np.ndarray) -> np.ndarray:
    """The activity level each council proposes for each technique at ``prices``.

    ``x = K clip(margin / E, 0, 1)`` with the :func:`unit_margin`; a technique without
    effort cost runs at capacity as soon as its margin is positive.
    """
    margin = unit_margin(workers, prices)
    effort = workers.effort_at_capacity
    share = np.divide(margin, effort, out=np.where(margin > 0, 1.0, 0.0), where=effort > 0)
    return workers.capacity * np.clip(share, 0.0, 1.0)


@dataclass(frozen=True)
class PermitSuppliers:
    """Consumer councils that sell permissions to pollute (the pequod-plus model).

    Each supplier maximises ``(p z)^j - z^k / 5``: income from selling ``z`` permits at the
    pollutant's price ``p`` against the disutility of the exposure, ``k > j``. The income
    ``p z`` is added to the owner's budget.

    Attributes
    ----------
    item
        ``(P,)`` index of the pollutant in the flat item vector.
    owner
        ``(P,)`` index of the consumer council that sells.
    j, k
        ``(P,)`` utility of income and disutility of exposure exponents.
    """

    item: np.ndarray
    owner: np.ndarray
    j: np.ndarray
    k: np.ndarray


def permit_supply(suppliers: PermitSuppliers, prices: np.ndarray) -> np.ndarray:
    """Permits each supplier offers at ``prices``: ``z = (5 j p^j / k)^(1 / (k - j))``."""
    j, k = suppliers.j, suppliers.k
    return (5.0 * j * prices[suppliers.item] ** j / k) ** (1.0 / (k - j))
