"""Synthetic input-output economies for tests and benchmarks.

:func:`synthetic_economy` draws a sparse, productive economy of any size, deterministic by
seed:

* goods are ordered by upstreamness and a technique draws most of its inputs from the goods
  just upstream of its own, some from a set of widely traded upstream commodities, and many
  use the hub goods (energy, transport, steel, ...), which also supply each other: the
  input-output matrix is nearly triangular, as measured tables are, with its feedback loops
  running through the hubs;
* every good has ``techniques_per_good`` alternative single-output techniques; technique 0
  is *clean* (labour only, more of it), the others are cheaper in labour but may use a
  natural resource and emit a pollutant;
* each technique's input coefficients sum to between 0.2 and 0.6, so every choice of
  techniques is productive (column sums below one);
* every intermediate good is an input to all techniques of some requested good, and every
  private / public good is requested, so every good has a positive gross output at the
  optimum (no zero-activity balance rows: the optimum is non-degenerate for generic costs);
* limits are set from the *unconstrained* optimal plan (by the non-substitution theorem it
  is the cheapest technique per good at the fixed-point prices ``p = min_t (c_t + a_t p)``):
  the first resource at 80 % of its need, the pollution cap of one federation at 70 % of
  its subtree's emissions, capacities at 55 % of the activity of a few chosen dirty
  techniques. A half-and-half mix of that plan and the all-clean plan meets every demand
  within every limit, so the plan stays feasible (no shortfalls) while the limits bind.

The economy is built with full pydantic validation: about 14 s at 10^5 goods (3 x 10^5
techniques, 2.4 x 10^6 input coefficients) on a 2-core machine, of which pydantic takes 8 s
(5.8 s field validation, 2.4 s cross-references). ``model_construct`` is no faster at this
size (it builds the same 5 x 10^5 nested objects in Python), so there is no unvalidated path.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

from solver.economy.model import Economy, FederationLevel, GoodKind, PrimaryInputKind

__all__ = ["HUB_NAMES", "synthetic_economy"]

HUB_NAMES = (
    "energy",
    "transport",
    "steel",
    "chemicals",
    "machinery",
    "construction",
    "electronics",
    "plastics",
    "paper",
    "glass",
    "cement",
    "textiles",
)

_FAR_SHARE = 0.1  # inputs drawn from the widely traded (upstream) commodities
_COMMODITY_SHARE = 0.02  # goods used across the whole economy (besides the hubs)
_RESOURCE_LIMIT = 0.8  # first resource: share of the unconstrained need
_SECOND_RESOURCE_LIMIT = 1.5  # other limited resource: slack
_POLLUTION_CAP = 0.7  # capped federation: share of its unconstrained emissions
_CAPACITY = 0.55  # capacitated techniques: share of their unconstrained activity
_LABOUR_LIMIT = 1.5  # first labour kind: share of max(unconstrained, all-clean) need
_LEVELS = (
    FederationLevel.NATION,
    FederationLevel.REGION,
    FederationLevel.CITY,
    FederationLevel.NEIGHBOURHOOD,
)


def _fixed_point(step: Any, x0: np.ndarray, tol: float = 1e-13, max_iter: int = 500) -> np.ndarray:
    """Iterate ``x = step(x)`` (a contraction here) to a relative tolerance."""
    x = x0
    for _ in range(max_iter):
        nxt = step(x)
        if np.max(np.abs(nxt - x)) <= tol * max(1.0, float(np.max(np.abs(nxt)))):
            return nxt
        x = nxt
    return x


def _good_ids(n: int, n_hubs: int) -> list[str]:
    width = len(str(n - 1))
    ids = [f"g{i:0{width}d}" for i in range(n)]
    for h in range(n_hubs):
        ids[h] = HUB_NAMES[h] if h < len(HUB_NAMES) else f"hub{h}"
    return ids


def _quantities(keys: list[str], rows: np.ndarray, cols: np.ndarray, vals: np.ndarray, n: int):
    """One ``{key: value}`` dict per row index in ``range(n)`` (rows sorted ascending)."""
    starts = np.searchsorted(rows, np.arange(n + 1))
    cols_l, vals_l = cols.tolist(), vals.tolist()
    return [
        {keys[c]: v for c, v in zip(cols_l[a:b], vals_l[a:b], strict=True)}
        for a, b in zip(starts[:-1].tolist(), starts[1:].tolist(), strict=True)
    ]


def synthetic_economy(
    n_goods: int,
    *,
    techniques_per_good: int = 3,
    inputs_per_technique: int = 8,
    n_labour: int = 2,
    n_resources: int = 2,
    n_pollutants: int = 1,
    n_federations: int = 5,
    n_consumer_councils: int | None = None,
    seed: int = 0,
) -> Economy:
    """A random sparse productive economy (see the module docstring).

    Parameters
    ----------
    n_goods
        Number of goods (at least 4). There are ``n_goods * techniques_per_good`` techniques
        and one worker council per good.
    techniques_per_good
        Alternative single-output techniques of each good.
    inputs_per_technique
        Goods drawn as inputs of each technique (duplicates merge, so a few have fewer);
        intermediate goods add one input to every technique of their customer good.
    n_labour, n_resources, n_pollutants
        Kinds of labour, natural resources and pollutants.
    n_federations
        Federations, as a binary tree under a national root; 0 for none.
    n_consumer_councils
        Default ``max(1, min(1000, n_goods // 20))``.
    seed
        Seed of the ``numpy`` random generator: the same arguments give the same economy.
    """
    n, k_tech = int(n_goods), int(techniques_per_good)
    if n < 4:
        raise ValueError("n_goods: must be at least 4")
    if k_tech < 1 or n_labour < 1 or n_resources < 0 or n_pollutants < 0 or n_federations < 0:
        raise ValueError("techniques_per_good and n_labour must be >= 1, other counts >= 0")
    m_inputs = max(0, min(int(inputs_per_technique), n - 1))
    n_cc = max(1, min(1000, n // 20)) if n_consumer_councils is None else int(n_consumer_councils)
    if n_cc < 1:
        raise ValueError("n_consumer_councils: must be >= 1")
    rng = np.random.default_rng(seed)
    n_t = n * k_tech
    owner = np.repeat(np.arange(n), k_tech)  # good made by each technique (good-major order)
    slot = np.tile(np.arange(k_tech), n)  # technique number within its good
    dirty_ok = slot > 0 if k_tech > 1 else np.ones(n_t, dtype=bool)

    # Goods: hubs (intermediate) first; the rest private / public / intermediate.
    n_hubs = min(max(2, round(np.sqrt(n) / 5)), n // 4)
    hubs = np.arange(n_hubs)
    ids = _good_ids(n, n_hubs)
    kind = rng.choice(3, size=n, p=[0.55, 0.10, 0.35])  # 0 private, 1 public, 2 intermediate
    if n_federations == 0:
        kind[kind == 1] = 0
    kind[hubs] = 2
    if not np.any(kind == 0):
        kind[np.flatnonzero(kind != 2)[:1] if np.any(kind != 2) else [1]] = 0
    final = np.flatnonzero(kind != 2)

    # Inputs. Goods are ordered by upstreamness, hubs (the basic industries) first, and most
    # inputs come from the goods just upstream; offsets falling off the start are mirrored
    # downstream, which closes feedback loops among the basic industries. Input-output tables
    # are close to triangular in this order; the loops run through the hubs, which many
    # techniques use. Each intermediate good also goes into every technique of one
    # "customer" final good just downstream of it.
    off = 1 + rng.geometric(1 / 12, size=(n_t, m_inputs))
    cand = owner[:, None] - off
    cand = np.clip(np.where(cand < 0, owner[:, None] + off, cand), 0, n - 1)
    # Far inputs: a widely traded commodity upstream of the user (lower index).
    commodities = np.sort(
        rng.choice(n // 4, size=max(1, round(_COMMODITY_SHARE * n)), replace=False)
    )
    far = rng.random((n_t, m_inputs)) < _FAR_SHARE
    upstream = np.searchsorted(commodities, owner)  # commodities below each technique's good
    far &= (upstream > 0)[:, None]
    pick = np.floor(rng.random((n_t, m_inputs)) * upstream[:, None]).astype(np.int64)
    cand[far] = commodities[pick[far]]
    if m_inputs >= 1:
        cand[:, 0] = np.where(rng.random(n_t) < 0.8, hubs[0], cand[:, 0])
    if m_inputs >= 2:
        cand[:, 1] = np.where(rng.random(n_t) < 0.6, hubs[1], cand[:, 1])
    if m_inputs >= 3:
        cand[:, 2] = np.where(rng.random(n_t) < 0.4, rng.choice(hubs, size=n_t), cand[:, 2])
    weight = rng.lognormal(0.0, 0.8, size=(n_t, m_inputs))
    weight[:, :2] *= 2.0  # energy and transport weigh more
    inter = np.flatnonzero(kind == 2)
    pos = np.searchsorted(final, inter + rng.integers(1, 21, size=len(inter)))
    pos = np.where(pos < len(final), pos, np.searchsorted(final, inter) - 1)
    customer = final[pos]
    cust_t = (customer[:, None] * k_tech + np.arange(k_tech)).ravel()
    rows = np.concatenate([cand.ravel(), np.repeat(inter, k_tech)])
    cols = np.concatenate([np.repeat(np.arange(n_t), m_inputs), cust_t])
    vals = np.concatenate([weight.ravel(), rng.lognormal(0.0, 0.5, size=len(cust_t))])
    keep = rows != owner[cols]  # no technique uses its own output
    a_mat = sp.csc_array((vals[keep], (rows[keep], cols[keep])), shape=(n, n_t))
    a_mat.sum_duplicates()
    target = rng.uniform(0.2, 0.6, size=n_t)
    col_sum = np.asarray(a_mat.sum(axis=0)).ravel()
    a_mat = a_mat @ sp.diags_array(np.divide(target, col_sum, out=np.zeros(n_t), where=col_sum > 0))
    a_mat = sp.csc_array(a_mat)
    a_mat.sort_indices()

    # Primary inputs and emissions per technique.
    clean = ~dirty_ok
    lab_kind = rng.integers(0, n_labour, size=n_t)
    lab_coef = np.where(clean, rng.uniform(0.6, 1.6, n_t), rng.uniform(0.2, 1.0, n_t))
    second = (rng.random(n_t) < 0.4) & (n_labour > 1)
    lab2_kind = (lab_kind + rng.integers(1, max(n_labour, 2), size=n_t)) % n_labour
    lab2_coef = rng.uniform(0.05, 0.5, n_t)
    uses_res = dirty_ok & (rng.random(n_t) < 0.6) & (n_resources > 0)
    res_kind = rng.integers(0, max(n_resources, 1), size=n_t)
    res_coef = rng.uniform(0.1, 0.8, n_t)
    emits = dirty_ok & (rng.random(n_t) < np.where(uses_res, 0.7, 0.2)) & (n_pollutants > 0)
    pol_kind = rng.integers(0, max(n_pollutants, 1), size=n_t)
    pol_coef = rng.uniform(0.05, 0.5, n_t)

    n_prim = n_labour + n_resources
    t_all = np.arange(n_t)
    b_rows = np.concatenate([lab_kind, lab2_kind[second], n_labour + res_kind[uses_res]])
    b_cols = np.concatenate([t_all, t_all[second], t_all[uses_res]])
    b_vals = np.concatenate([lab_coef, lab2_coef[second], res_coef[uses_res]])
    b_mat = sp.csc_array((b_vals, (b_rows, b_cols)), shape=(n_prim, n_t))
    b_mat.sum_duplicates()
    e_mat = sp.csc_array(
        (pol_coef[emits], (pol_kind[emits], t_all[emits])), shape=(max(n_pollutants, 1), n_t)
    )
    prim_weight = np.concatenate(
        [1.0 + 0.25 * np.arange(n_labour), rng.uniform(0.3, 0.8, n_resources)]
    )
    pol_weight = np.full(n_pollutants, 0.2)
    cost = b_mat.T @ prim_weight + (e_mat.T @ pol_weight if n_pollutants else 0.0)

    # Requests: every private good by one or two consumer councils, every public good by one
    # federation; some final goods have a stock covering part of the request.
    federations = [f"fed{i}" for i in range(n_federations)]
    fed_parent = [None] + [federations[(i - 1) // 2] for i in range(1, n_federations)]
    depth = np.zeros(n_federations, dtype=np.int64)
    for i in range(1, n_federations):
        depth[i] = depth[(i - 1) // 2] + 1
    leaves = [i for i in range(n_federations) if 2 * i + 1 >= n_federations]
    private = np.flatnonzero(kind == 0)
    cc_of = rng.integers(0, n_cc, size=len(private))
    extra = rng.random(len(private)) < 0.3
    cc_rows = np.concatenate([cc_of, rng.integers(0, n_cc, size=int(extra.sum()))])
    cc_goods = np.concatenate([private, private[extra]])
    cc_qty = rng.lognormal(2.5, 1.0, size=len(cc_goods))
    public = np.flatnonzero(kind == 1)
    pub_fed = rng.integers(0, max(n_federations, 1), size=len(public))
    pub_qty = rng.lognormal(3.5, 1.0, size=len(public))
    demand = np.zeros(n)
    np.add.at(demand, cc_goods, cc_qty)
    np.add.at(demand, public, pub_qty)
    stock = np.zeros(n)
    stocked = final[rng.random(len(final)) < 0.1]
    stock[stocked] = demand[stocked] * rng.uniform(0.0, 0.5, len(stocked))
    net = demand - stock

    # The unconstrained optimum: prices p = min_t (c_t + a_t p), cheapest technique per good,
    # gross output x = y + A_chosen x (both contractions: column sums <= 0.6).
    a_t = sp.csr_array(a_mat.T)
    price = _fixed_point(lambda p: (cost + a_t @ p).reshape(n, k_tech).min(axis=1), np.zeros(n))
    chosen = (cost + a_t @ price).reshape(n, k_tech).argmin(axis=1) + np.arange(n) * k_tech
    a_chosen = sp.csr_array(a_mat[:, chosen])
    gross = _fixed_point(lambda x: net + a_chosen @ x, net.copy())
    clean_t = np.arange(n) * k_tech
    gross_clean = _fixed_point(lambda x: net + sp.csr_array(a_mat[:, clean_t]) @ x, net.copy())
    need = b_mat[:, chosen] @ gross
    need_clean = b_mat[:, clean_t] @ gross_clean

    # Limits from the unconstrained plan (feasible by the half-and-half mix, see above).
    availability: list[float | None] = [None] * n_prim
    availability[0] = _LABOUR_LIMIT * max(need[0], need_clean[0])
    if n_resources >= 1:
        availability[n_labour] = (_RESOURCE_LIMIT if k_tech > 1 else 1.25) * need[n_labour]
    if n_resources >= 2:
        availability[n_labour + 1] = _SECOND_RESOURCE_LIMIT * need[n_labour + 1]
    capacity: list[float | None] = [None] * n_t
    dirty_chosen: np.ndarray = (
        np.flatnonzero(dirty_ok[chosen] & (gross > 0))
        if k_tech > 1
        else np.zeros(0, dtype=np.int64)
    )
    n_cap = min(len(dirty_chosen), max(2, n // 200))
    for g in rng.choice(dirty_chosen, size=n_cap, replace=False) if n_cap else []:
        capacity[int(chosen[g])] = _CAPACITY * float(gross[g])
    council_fed = rng.integers(0, n_federations, size=n) if n_federations else np.full(n, -1)
    caps: dict[int, dict[str, float]] = {}
    if n_pollutants and n_federations:
        # Emissions of each federation's subtree in the unconstrained plan, pollutant 0.
        emitted = np.zeros(n_federations)
        np.add.at(emitted, council_fed, e_mat[[0], :][:, chosen].toarray().ravel() * gross)
        for i in range(n_federations - 1, 0, -1):
            emitted[(i - 1) // 2] += emitted[i]
        target_fed = 1 if n_federations > 1 and emitted[1] > 0 else 0
        if emitted[target_fed] > 0:
            factor = _POLLUTION_CAP if k_tech > 1 else 1.25
            caps[target_fed] = {"pol0": factor * float(emitted[target_fed])}

    # Assemble the plain data and validate it once.
    labour_ids = [f"labour{i}" for i in range(n_labour)]
    resource_ids = [f"resource{i}" for i in range(n_resources)]
    prim_ids = labour_ids + resource_ids
    pol_ids = [f"pol{i}" for i in range(n_pollutants)]
    b_csc = sp.csc_array(b_mat)
    b_csc.sort_indices()
    e_csc = sp.csc_array(e_mat)
    e_csc.sort_indices()

    def per_technique(mat: sp.csc_array, keys: list[str]) -> list[dict[str, float]]:
        coo_cols = np.repeat(np.arange(n_t), np.diff(mat.indptr))
        return _quantities(keys, coo_cols, mat.indices, mat.data, n_t)

    inputs = per_technique(a_mat, ids)
    prims = per_technique(b_csc, prim_ids)
    emissions = per_technique(e_csc, pol_ids) if n_pollutants else [{}] * n_t
    kinds = [GoodKind.PRIVATE.value, GoodKind.PUBLIC.value, GoodKind.INTERMEDIATE.value]
    fed_of = council_fed.tolist()
    stock_l = stock.tolist()
    goods = [
        {"id": g, "kind": kinds[k], "stock": s} if s else {"id": g, "kind": kinds[k]}
        for g, k, s in zip(ids, kind.tolist(), stock_l, strict=True)
    ]
    worker_councils = [
        {
            "id": f"wc-{ids[g]}",
            "federation": federations[fed_of[g]] if fed_of[g] >= 0 else None,
            "techniques": [
                {
                    "id": f"{ids[g]}/t{j}",
                    "outputs": {ids[g]: 1.0},
                    "inputs": inputs[t],
                    "primary_inputs": prims[t],
                    "emissions": emissions[t],
                    **({"capacity": capacity[t]} if capacity[t] is not None else {}),
                }
                for j, t in enumerate(range(g * k_tech, (g + 1) * k_tech))
            ],
        }
        for g in range(n)
    ]
    order = np.argsort(cc_rows, kind="stable")
    requests = _quantities(ids, cc_rows[order], cc_goods[order], cc_qty[order], n_cc)
    cc_fed = rng.choice(leaves, size=n_cc) if n_federations else np.full(n_cc, -1)
    consumer_councils = [
        {
            "id": f"cc{i}",
            "members": int(rng.integers(50, 500)),
            "effort_rating": float(rng.uniform(0.8, 1.2)),
            "federation": federations[f] if f >= 0 else None,
            "requests": requests[i],
        }
        for i, f in enumerate(cc_fed.tolist())
    ]
    order = np.argsort(pub_fed, kind="stable")
    pub_requests = _quantities(
        ids, pub_fed[order], public[order], pub_qty[order], max(n_federations, 1)
    )
    federation_data = [
        {
            "id": federations[i],
            "level": _LEVELS[min(int(depth[i]), 3)].value,
            "parent": fed_parent[i],
            "public_requests": pub_requests[i],
            "pollution_caps": caps.get(i, {}),
        }
        for i in range(n_federations)
    ]
    data = {
        "name": f"synthetic-{n}-seed{seed}",
        "description": f"synthetic sparse IO economy: {n} goods, {n_t} techniques, seed {seed}",
        "goods": goods,
        "primary_inputs": [
            {
                "id": p,
                "kind": (
                    PrimaryInputKind.LABOUR if i < n_labour else PrimaryInputKind.NATURAL_RESOURCE
                ).value,
                "availability": availability[i],
                "weight": float(prim_weight[i]),
            }
            for i, p in enumerate(prim_ids)
        ],
        "pollutants": [
            {"id": e, "weight": float(w)} for e, w in zip(pol_ids, pol_weight, strict=True)
        ],
        "worker_councils": worker_councils,
        "consumer_councils": consumer_councils,
        "federations": federation_data,
    }
    return Economy.model_validate(data)
