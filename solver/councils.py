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
    "CobbDouglasConsumers",
    "CobbDouglasWorkers",
    "WorkerProposals",
    "cobb_douglas_demand",
    "cobb_douglas_supply",
]


@dataclass(frozen=True)
class CobbDouglasConsumers:
    """Consumer councils with Cobb-Douglas utility over private and public goods.

    Attributes
    ----------
    income
        Budget of each council, shape ``(C,)``.
    private_weights, public_weights
        Utility exponents, shapes ``(C, n_private)`` and ``(C, n_public)``; they need not sum
        to one (demand divides by their sum).
    """

    income: np.ndarray
    private_weights: np.ndarray
    public_weights: np.ndarray

    @property
    def n(self) -> int:
        return int(self.income.shape[0])


def cobb_douglas_demand(
    consumers: CobbDouglasConsumers, private_prices: np.ndarray, public_prices: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Total demand for private goods and for public goods.

    A council spends the share ``w_j / sum(w)`` of its income on good ``j``. A public good's
    price is shared by all ``N`` councils (each pays ``p / N``), so each council asks for
    ``I w_j / sum(w) / (p_j / N)`` and the board compares supply with the mean of those
    requests, which is the total spending on the good divided by its full price.

    Returns
    -------
    private, public
        Total private demand ``(n_private,)`` and public demand ``(n_public,)``.
    """
    total_weight = consumers.private_weights.sum(axis=1) + consumers.public_weights.sum(axis=1)
    share = consumers.income / total_weight  # money per unit of weight, per council
    private_spending = share @ consumers.private_weights
    public_spending = share @ consumers.public_weights
    return private_spending / private_prices, public_spending / public_prices


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
