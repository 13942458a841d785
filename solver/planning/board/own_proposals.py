"""Every council's own proposals as rows, and mixes of them.

The board's last word (:mod:`solver.planning.board.last_word`) plans only with what each
council has itself proposed: here each council's supply and demand of every item is one row
(:func:`council_rows`, councils in the order of :func:`council_ids`), and a plan is a
weighted mix of each council's rows over rounds (:func:`mix_proposals`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

from solver.planning.councils import WorkerProposals
from solver.planning.market import Market, Proposals

__all__ = ["council_ids", "council_rows", "mix_proposals"]


def council_ids(market: Market) -> list[str]:
    """Every council in the order of :func:`council_rows`: consumers, federations, worker
    councils, permit suppliers (``permits:<owner>#<i>``)."""
    ids = market.consumer_names() + market.federation_names() + market.worker_names()
    if market.permits is not None:
        owners = market.consumer_names()
        ids += [f"permits:{owners[o]}#{i}" for i, o in enumerate(market.permits.owner)]
    return ids


def council_rows(market: Market, proposals: Proposals) -> tuple[sp.csr_array, sp.csr_array]:
    """Each council's supply and demand of every item, ``(N, n_items)`` each, councils in
    the order of :func:`council_ids`. With the fixed supplies they add up to
    :func:`~solver.planning.market.supply_and_demand`."""
    n = market.n_items
    supply: list[sp.csr_array] = []
    demand: list[sp.csr_array] = []

    def none(rows: int) -> sp.csr_array:
        return sp.csr_array((rows, n))

    supply.append(none(market.consumers.n))
    demand.append(sp.csr_array(proposals.consumer_requests))
    if market.federations is not None:
        requests = proposals.federation_requests
        supply.append(none(market.federations.n))
        demand.append(
            sp.csr_array(requests) if requests is not None else none(market.federations.n)
        )
    w = market.n_workers
    if market.cobb_douglas is not None:
        cd, prop = market.cobb_douglas, proposals.cobb_douglas
        if prop is None:
            raise ValueError("proposals: Cobb-Douglas worker councils made no proposal")
        supply.append(sp.csr_array((prop.output, (np.arange(cd.n), cd.product)), shape=(w, n)))
        demand.append(sp.csr_array(prop.inputs))
    elif market.linear is not None:
        lin, x = market.linear, proposals.linear_activity
        if x is None:
            raise ValueError("proposals: linear_activity is missing")
        by_council = sp.csr_array(
            (np.asarray(x, dtype=float), (lin.council, np.arange(lin.n))), shape=(w, lin.n)
        )
        supply.append(sp.csr_array(by_council @ lin.outputs))
        demand.append(sp.csr_array(by_council @ lin.inputs))
    if market.permits is not None:
        p = market.permits.item.size
        offered = proposals.permits if proposals.permits is not None else np.zeros(p)
        supply.append(sp.csr_array((offered, (np.arange(p), market.permits.item)), shape=(p, n)))
        demand.append(none(p))
    return sp.vstack(supply, format="csr"), sp.vstack(demand, format="csr")


def mix_proposals(market: Market, history: Sequence[Proposals], weights: np.ndarray) -> Proposals:
    """Every council's mix of its own proposals: ``weights`` is ``(councils, rounds)`` in
    the order of :func:`council_ids`."""
    c = market.consumers.n
    f = market.federations.n if market.federations is not None else 0
    w = market.n_workers
    blocks = np.cumsum([0, c, f, w])

    def rows(matrices: list[sp.csr_array], start: int, stop: int) -> sp.csr_array:
        total = sp.csr_array(matrices[0].shape)
        for r, m in enumerate(matrices):
            total = total + sp.diags_array(weights[start:stop, r]) @ m
        return sp.csr_array(total)

    def vectors(values: list[np.ndarray], per_row: np.ndarray) -> np.ndarray:
        return sum(
            (per_row[:, r] * np.asarray(x, dtype=float) for r, x in enumerate(values)),
            start=np.zeros(np.asarray(values[0]).shape),
        )

    consumers = rows([p.consumer_requests for p in history], blocks[0], blocks[1])
    federations = None
    if market.federations is not None:
        federations = rows(
            [
                sp.csr_array(p.federation_requests)
                for p in history
                if p.federation_requests is not None
            ]
            or [sp.csr_array((f, market.n_items))],
            blocks[1],
            blocks[2],
        )
    worker_weights = weights[blocks[2] : blocks[3]]
    cobb_douglas = linear = permits = None
    if market.cobb_douglas is not None:
        props = [p.cobb_douglas for p in history]
        if any(p is None for p in props):
            raise ValueError("history: Cobb-Douglas worker councils made no proposal")
        cobb_douglas = WorkerProposals(
            output=vectors([p.output for p in props if p is not None], worker_weights),
            inputs=rows([p.inputs for p in props if p is not None], blocks[2], blocks[3]),
            effort=vectors([p.effort for p in props if p is not None], worker_weights),
        )
    if market.linear is not None:
        per_technique = worker_weights[market.linear.council]
        linear = vectors([np.asarray(p.linear_activity) for p in history], per_technique)
    if market.permits is not None:
        per_supplier = weights[blocks[3] :]
        permits = vectors(
            [
                p.permits if p.permits is not None else np.zeros(per_supplier.shape[0])
                for p in history
            ],
            per_supplier,
        )
    return Proposals(
        consumer_requests=consumers,
        federation_requests=federations,
        cobb_douglas=cobb_douglas,
        linear_activity=linear,
        permits=permits,
    )
