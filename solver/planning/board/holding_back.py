"""Which councils keep which items from clearing, by how much, and what the board expects.

After a round the board knows every item's excess and every council's part in it: a worker
council's net supply of an item (outputs minus inputs), a consumer council's or federation's
request. A council whose part lies on the side of an item's excess (it supplies an item in
excess supply, or asks for or uses one in excess demand) is told so: the item, the item's
relative excess, the council's own part, and for worker councils the net supply the board
expects of it at the next prices (:attr:`~solver.planning.result.RoundRecord.expected_activity`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

from solver.planning.board.excess import clearing_excess
from solver.planning.market import Market, Proposals

__all__ = ["MOST_ITEMS", "holding_back"]

MOST_ITEMS = 3
"""Items named per council, the largest relative excesses first."""


def holding_back(
    market: Market,
    proposals: Proposals,
    prices: np.ndarray,
    supply: np.ndarray,
    demand: np.ndarray,
    tolerance: float,
    expected_activity: np.ndarray | None = None,
    only: str | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """Per council id, the items out of tolerance that its proposal pushes further out
    (``only``: for that council alone, which spares listing millions of councils).

    Each entry: ``item``, ``relative_excess`` (as the session measures it), ``excess``
    (supply minus demand), ``part`` (the council's net supply of the item, negative for what
    it asks for or uses) and, for linear worker councils when the rule has an expectation,
    ``expected`` (the net supply the board expects of it next round).
    """
    excess = clearing_excess(supply, demand, prices, tolerance)
    out_of = np.flatnonzero(excess > tolerance)
    if not out_of.size:
        return {}
    side = np.sign(supply - demand)[out_of]  # +1: too much supplied, -1: too much asked
    parts: list[tuple[list[str], sp.csr_array, sp.csr_array | None]] = []
    consumers = sp.csr_array(proposals.consumer_requests)[:, out_of]
    parts.append((market.consumer_names(), -consumers, None))
    if proposals.federation_requests is not None:
        federations = sp.csr_array(proposals.federation_requests)[:, out_of]
        parts.append((market.federation_names(), -federations, None))
    lin = market.linear
    if lin is not None and proposals.linear_activity is not None:
        per_unit = sp.csr_array(lin.outputs - lin.inputs)[:, out_of]
        owner = sp.csr_array(
            (np.ones(lin.n), (lin.council, np.arange(lin.n))), shape=(market.n_workers, lin.n)
        )
        net = owner @ sp.diags_array(proposals.linear_activity) @ per_unit
        expected = (
            None
            if expected_activity is None
            else owner @ sp.diags_array(expected_activity) @ per_unit
        )
        parts.append(
            (
                market.worker_names(),
                sp.csr_array(net),
                None if expected is None else sp.csr_array(expected),
            )
        )
    elif market.cobb_douglas is not None and proposals.cobb_douglas is not None:
        cd = proposals.cobb_douglas
        outputs = sp.csr_array(
            (cd.output, (np.arange(market.cobb_douglas.n), market.cobb_douglas.product)),
            shape=(market.cobb_douglas.n, market.n_items),
        )
        net = sp.csr_array(outputs - cd.inputs)[:, out_of]
        parts.append((market.worker_names(), net, None))
    relative, gap = excess[out_of], (supply - demand)[out_of]
    found: dict[str, list[dict[str, Any]]] = {}
    for names, net, expected in parts:
        pushing = sp.csr_array(net @ sp.diags_array(side))
        pushing.data[pushing.data <= 0] = 0.0
        pushing.eliminate_zeros()
        rows = np.flatnonzero(np.diff(pushing.indptr))
        if only is not None:
            rows = rows[rows == names.index(only)] if only in names else rows[:0]
        for row in rows:
            cols = pushing.indices[pushing.indptr[row] : pushing.indptr[row + 1]]
            cols = cols[np.argsort(-relative[cols], kind="stable")][:MOST_ITEMS]
            entries = []
            for c in cols:
                entry: dict[str, Any] = {
                    "item": market.labels[int(out_of[c])],
                    "relative_excess": float(relative[c]),
                    "excess": float(gap[c]),
                    "part": float(net[int(row), int(c)]),
                }
                if expected is not None:
                    entry["expected"] = float(expected[int(row), int(c)])
                entries.append(entry)
            found[names[int(row)]] = entries
    return found
