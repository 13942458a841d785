"""One council's proposal, as a live council submits it, and its place in a round's proposals.

The board works on :class:`~solver.planning.Proposals`, which hold every council's proposal as
rows of arrays. A council that proposes for itself (over the network, say) sends only its own
row: the quantities it requests by item id, or the activity of its techniques by technique id.
This module checks such a proposal against the market, naming the field of anything wrong,
and writes a set of them into a round's proposals in one vectorised step.

Only markets with linear worker councils (those built from an
:class:`~solver.economy.Economy`) can take live worker councils: Cobb-Douglas councils'
proposals are not a choice among techniques.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

import numpy as np
import scipy.sparse as sp

from solver.economy.parts import MAX_QUANTITY
from solver.planning.market import Market, ProposalError, Proposals

__all__ = [
    "CouncilDirectory",
    "CouncilKind",
    "CouncilProposal",
    "council_proposal",
    "named_proposals",
    "with_council_proposals",
]

GOOD_KINDS = ("private", "public", "intermediate")


class CouncilKind(StrEnum):
    """Which kind of council sends a proposal."""

    CONSUMER = "consumer"
    FEDERATION = "federation"
    WORKER = "worker"


@dataclass(frozen=True)
class CouncilProposal:
    """What one council proposes in one round.

    Attributes
    ----------
    council_id
        The council.
    requests
        Consumer councils and federations: quantity requested of each good, by item label;
        goods left out are requested at zero.
    activities
        Worker councils: activity level of each of the council's techniques, by technique id;
        techniques left out run at zero.
    stated_effort
        Worker councils, optional: the marginal effort cost the council states for each of
        its techniques at the proposed activity, by technique id (in the unit of prices;
        techniques left out state nothing). The board takes it over its own model of the
        council (:class:`~solver.planning.board.effort_belief.EffortBelief`).
    """

    council_id: str
    requests: Mapping[str, float] | None = None
    activities: Mapping[str, float] | None = None
    stated_effort: Mapping[str, float] | None = None


@dataclass(frozen=True)
class CouncilDirectory:
    """Where every council, item and technique of a market sits in the board's arrays."""

    market: Market
    kinds: dict[str, CouncilKind] = field(init=False)
    rows: dict[str, int] = field(init=False)
    items: dict[str, int] = field(init=False)
    techniques: dict[str, int] = field(init=False)
    techniques_of: dict[str, np.ndarray] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        market = self.market
        kinds: dict[str, CouncilKind] = {}
        rows: dict[str, int] = {}
        groups = [
            (CouncilKind.CONSUMER, market.consumer_names()),
            (CouncilKind.FEDERATION, market.federation_names()),
            (CouncilKind.WORKER, market.worker_names()),
        ]
        for kind, names in groups:
            for row, name in enumerate(names):
                if name in kinds:
                    raise ValueError(f"council id {name!r} names two councils")
                kinds[name], rows[name] = kind, row
        techniques: dict[str, int] = {}
        techniques_of: dict[str, np.ndarray] = {}
        if market.linear is not None:
            techniques = {t: i for i, t in enumerate(market.technique_names())}
            order = np.argsort(market.linear.council, kind="stable")
            bounds = np.searchsorted(market.linear.council[order], np.arange(market.n_workers + 1))
            for row, name in enumerate(market.worker_names()):
                techniques_of[name] = order[bounds[row] : bounds[row + 1]]
        object.__setattr__(self, "kinds", kinds)
        object.__setattr__(self, "rows", rows)
        object.__setattr__(self, "items", {label: i for i, label in enumerate(market.labels)})
        object.__setattr__(self, "techniques", techniques)
        object.__setattr__(self, "techniques_of", techniques_of)

    def kind(self, council_id: str) -> CouncilKind:
        """The kind of a council; :class:`ProposalError` for an unknown id."""
        try:
            return self.kinds[council_id]
        except KeyError:
            raise ProposalError([("council_id", f"no council {council_id!r}")]) from None

    def check(self, proposal: CouncilProposal) -> None:
        """Refuse a proposal that the council cannot make, naming the field.

        Raises
        ------
        ProposalError
            Unknown council, item or technique; a request for something that is not a good;
            a worker council proposing for another council's technique; a negative or
            non-finite quantity; activity beyond capacity; the wrong kind of proposal.
        """
        kind = self.kind(proposal.council_id)
        problems: list[tuple[str, str]] = []
        if kind is CouncilKind.WORKER:
            if proposal.requests is not None or proposal.activities is None:
                raise ProposalError(
                    [("proposal", f"worker council {proposal.council_id!r} proposes activities")]
                )
            linear = self.market.linear
            if linear is None:
                raise ProposalError(
                    [("proposal", "this market's worker councils are simulated only")]
                )
            own = set(self.techniques_of[proposal.council_id].tolist())

            def owned(field: str, name: str) -> int | None:
                """The technique's index if the council has it, else a problem noted."""
                t = self.techniques.get(name)
                if t is None:
                    problems.append((f"{field}[{name}]", f"no technique {name!r}"))
                elif t not in own:
                    owner = self.market.worker_names()[int(linear.council[t])]
                    problems.append(
                        (f"{field}[{name}]", f"technique {name!r} belongs to council {owner!r}")
                    )
                else:
                    return t
                return None

            for name, level in proposal.activities.items():
                where = f"activities[{name}]"
                if (t := owned("activities", name)) is None:
                    continue
                if not _bounded(level):
                    problems.append(
                        (
                            where,
                            _out_of_range("activity", level),
                        )
                    )
                elif level > linear.capacity[t] * (1 + 1e-9):
                    problems.append(
                        (where, f"activity {level:g} exceeds the capacity {linear.capacity[t]:g}")
                    )
            for name, cost in (proposal.stated_effort or {}).items():
                if owned("stated_effort", name) is not None and not _bounded(cost):
                    problems.append(
                        (
                            f"stated_effort[{name}]",
                            _out_of_range("marginal effort cost", cost),
                        )
                    )
        else:
            if proposal.stated_effort:
                problems.append(
                    (
                        "stated_effort",
                        f"only worker councils state effort costs, not a {kind.value}",
                    )
                )
            if proposal.activities is not None or proposal.requests is None:
                raise ProposalError(
                    [("proposal", f"{kind.value} council {proposal.council_id!r} requests goods")]
                )
            wanted, why = (
                ("private", "consumer councils request private goods (federations public ones)")
                if kind is CouncilKind.CONSUMER
                else ("public", "federations request public goods (consumer councils private ones)")
            )
            for name, quantity in proposal.requests.items():
                where = f"requests[{name}]"
                i = self.items.get(name)
                if i is None:
                    problems.append((where, f"no item {name!r}"))
                elif self.market.kinds[i] not in GOOD_KINDS:
                    problems.append(
                        (where, f"{name!r} is a {self.market.kinds[i]} item, not a good")
                    )
                elif self.market.kinds[i] != wanted:
                    problems.append((where, f"{name!r} is a {self.market.kinds[i]} good; {why}"))
                elif not _bounded(quantity):
                    problems.append(
                        (
                            where,
                            _out_of_range("quantity", quantity),
                        )
                    )
        if problems:
            raise ProposalError(problems)


def council_proposal(
    directory: CouncilDirectory, proposals: Proposals, council_id: str
) -> CouncilProposal:
    """One council's row of ``proposals`` (what a simulated council would submit)."""
    kind = directory.kind(council_id)
    row = directory.rows[council_id]
    labels = directory.market.labels
    if kind is CouncilKind.WORKER:
        if proposals.linear_activity is None:
            raise ProposalError([("proposal", "this market's worker councils are simulated only")])
        names = directory.market.technique_names()
        own = directory.techniques_of[council_id]
        stated = proposals.stated_effort
        return CouncilProposal(
            council_id,
            activities={names[t]: float(proposals.linear_activity[t]) for t in own},
            stated_effort=(
                None
                if stated is None or not np.isfinite(stated[own]).any()
                else {names[t]: float(stated[t]) for t in own if np.isfinite(stated[t])}
            ),
        )
    matrix = (
        proposals.consumer_requests
        if kind is CouncilKind.CONSUMER
        else proposals.federation_requests
    )
    assert matrix is not None
    start, stop = matrix.indptr[row], matrix.indptr[row + 1]
    return CouncilProposal(
        council_id,
        requests={
            labels[int(i)]: float(q)
            for i, q in zip(matrix.indices[start:stop], matrix.data[start:stop], strict=True)
            if q != 0
        },
    )


def _replace_rows(
    matrix: sp.csr_array, rows: dict[int, Mapping[int, float]], shape: tuple[int, int]
) -> sp.csr_array:
    """``matrix`` with the given rows replaced (entries by column index)."""
    coo = matrix.tocoo()
    keep = ~np.isin(coo.row, np.fromiter(rows, dtype=np.int64, count=len(rows)))
    new_rows = [np.full(len(cols), r, dtype=np.int64) for r, cols in rows.items()]
    new_cols = [np.fromiter(cols, dtype=np.int64, count=len(cols)) for cols in rows.values()]
    new_vals = [np.fromiter(cols.values(), dtype=float, count=len(cols)) for cols in rows.values()]
    return sp.csr_array(
        (
            np.concatenate([coo.data[keep], *new_vals]),
            (
                np.concatenate([coo.row[keep], *new_rows]),
                np.concatenate([coo.col[keep], *new_cols]),
            ),
        ),
        shape=shape,
    )


def with_council_proposals(
    directory: CouncilDirectory,
    base: Proposals,
    submitted: Mapping[str, CouncilProposal],
    *,
    check: bool = True,
) -> Proposals:
    """``base`` with the rows of the councils in ``submitted`` replaced by their proposals.

    Every proposal is checked first (:meth:`CouncilDirectory.check`) unless ``check`` is
    off, for proposals checked when they arrived; nothing is returned if one fails, and
    ``base`` is never modified.
    """
    if check:
        for proposal in submitted.values():
            directory.check(proposal)
    by_kind: dict[CouncilKind, dict[int, Mapping[int, float]]] = {k: {} for k in CouncilKind}
    activity = None if base.linear_activity is None else base.linear_activity.copy()
    stated = None if base.stated_effort is None else base.stated_effort.copy()
    for council_id, proposal in submitted.items():
        kind = directory.kinds[council_id]
        row = directory.rows[council_id]
        if kind is CouncilKind.WORKER:
            assert activity is not None and proposal.activities is not None
            own = directory.techniques_of[council_id]
            activity[own] = 0.0
            for name, level in proposal.activities.items():
                activity[directory.techniques[name]] = level
            # what the council states replaces what it stated before (NaN: nothing)
            if stated is not None:
                stated[own] = np.nan
            if proposal.stated_effort:
                if stated is None:
                    stated = np.full(activity.size, np.nan)
                for name, cost in proposal.stated_effort.items():
                    stated[directory.techniques[name]] = cost
        else:
            assert proposal.requests is not None
            by_kind[kind][row] = {directory.items[i]: q for i, q in proposal.requests.items()}
    consumers = base.consumer_requests
    if by_kind[CouncilKind.CONSUMER]:
        consumers = _replace_rows(consumers, by_kind[CouncilKind.CONSUMER], consumers.shape)
    federations = base.federation_requests
    if by_kind[CouncilKind.FEDERATION]:
        assert federations is not None
        federations = _replace_rows(federations, by_kind[CouncilKind.FEDERATION], federations.shape)
    return replace(
        base,
        consumer_requests=consumers,
        federation_requests=federations,
        linear_activity=activity,
        stated_effort=stated,
    )


def _named_rows(matrix: sp.csr_array | None, names: list[str], labels: list[str]) -> dict[str, Any]:
    """Each row of ``matrix`` as ``{label: quantity}`` (its nonzeros), by row name."""
    if matrix is None:
        return {}
    csr = sp.csr_array(matrix)
    out = {}
    for i, name in enumerate(names):
        lo, hi = csr.indptr[i], csr.indptr[i + 1]
        pairs = zip(csr.indices[lo:hi], csr.data[lo:hi], strict=True)
        out[name] = {labels[j]: float(v) for j, v in pairs}
    return out


def named_proposals(market: Market, proposals: Proposals) -> dict[str, dict[str, Any]]:
    """Every council's proposal by council id, as a council reads it (the inverse of
    :func:`with_council_proposals`): ``consumer`` and ``federation`` requests by item;
    ``worker`` activity by technique (linear councils) or ``output`` and ``inputs`` by item
    (Cobb-Douglas councils); ``permits`` offered, by ``<owner>:<permit item>``, where the
    market has permit sellers."""
    labels = market.labels
    out: dict[str, dict[str, Any]] = {
        "consumer": _named_rows(proposals.consumer_requests, market.consumer_names(), labels),
        "federation": _named_rows(proposals.federation_requests, market.federation_names(), labels),
    }
    workers: dict[str, Any] = {}
    if market.linear is not None and proposals.linear_activity is not None:
        names, councils = market.technique_names(), market.worker_names()
        for t, (w, x) in enumerate(
            zip(market.linear.council, proposals.linear_activity, strict=True)
        ):
            workers.setdefault(councils[int(w)], {})[names[t]] = float(x)
    elif market.cobb_douglas is not None and proposals.cobb_douglas is not None:
        cd, prop = market.cobb_douglas, proposals.cobb_douglas
        inputs = _named_rows(prop.inputs, market.worker_names(), labels)
        for w, name in enumerate(market.worker_names()):
            workers[name] = {
                "output": {labels[int(cd.product[w])]: float(prop.output[w])},
                "inputs": inputs[name],
            }
    out["worker"] = workers
    if market.permits is not None and proposals.permits is not None:
        owners = market.consumer_names()
        out["permits"] = {
            f"{owners[int(o)]}:{labels[int(i)]}": float(q)
            for o, i, q in zip(
                market.permits.owner, market.permits.item, proposals.permits, strict=True
            )
        }
    return out


def _bounded(value: float) -> bool:
    """A finite number in ``[0, MAX_QUANTITY]`` (beyond it, totals could overflow)."""
    return math.isfinite(value) and 0.0 <= value <= MAX_QUANTITY


def _out_of_range(what: str, value: float) -> str:
    return f"{what} must be a finite number >= 0 and <= {MAX_QUANTITY:g}, got {value}"
