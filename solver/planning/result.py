"""The outcome of a planning session: the last round's plan, the board's feedback to every
council and the history of rounds, as JSON and as labelled pandas tables."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from solver.planning.board.evaluation import Evaluation
from solver.planning.board.excess import free_items, relative_excess
from solver.planning.board.holding_back import holding_back
from solver.planning.board.last_word import LastWord
from solver.planning.board.review import DEFAULT_THRESHOLD, WorkplaceReview, review_workplaces
from solver.planning.export import plan_dataset, write_plan
from solver.planning.feedback import council_feedback
from solver.planning.market import Market, Proposals
from solver.status import TerminationCondition

if TYPE_CHECKING:
    import xarray as xr

__all__ = ["PlanResult", "PlanStatus", "RoundRecord"]


HISTORY_PRICES_UP_TO = 1000  # items; larger economies keep prices out of the JSON history
FEEDBACK_UP_TO = 1000  # councils; larger economies list only the rejected proposals


@dataclass(frozen=True)
class PlanResult:
    """The final plan and the history of a planning session.

    The plan is the last round's: the proposals made at its indicative prices, their totals
    and the board's verdict on each; or, where the session was settled by the board's last
    word (:attr:`PlanStatus.SETTLED`), every council's mix of its own proposals
    (:attr:`last_word`), at the last round's prices.
    """

    market: Market
    rule: str
    status: PlanStatus
    tolerance: float
    rounds: list[RoundRecord]
    proposals: Proposals
    evaluation: Evaluation
    last_word: LastWord | None = None

    @property
    def settled(self) -> bool:
        """Whether the plan is the board's last word, which every council approved."""
        return self.status is PlanStatus.SETTLED

    def review(self, threshold: float = DEFAULT_THRESHOLD) -> WorkplaceReview:
        """Every worker council's benefit-cost ratio at the final prices against the social
        average, flagged below it by more than ``threshold``, with the reasons the data
        support (:mod:`~solver.planning.board.review`)."""
        return review_workplaces(self.market, self.proposals, self.final.prices, threshold)

    def _settling_word(self) -> LastWord | None:
        """The last word where it settled the session (the plan is then its mix)."""
        return self.last_word if self.settled else None

    def _totals(self) -> tuple[np.ndarray, np.ndarray]:
        """Supply and demand of the plan: the last word's where it settled the session."""
        word = self._settling_word()
        return (word.supply, word.demand) if word else (self.final.supply, self.final.demand)

    @property
    def converged(self) -> bool:
        """Whether the last round cleared within the tolerance."""
        return self.status is PlanStatus.CONVERGED

    @property
    def final(self) -> RoundRecord:
        """The last round."""
        return self.rounds[-1]

    @property
    def prices(self) -> pd.Series:
        """The last round's indicative price of every item, indexed by item id."""
        return pd.Series(self.final.prices, index=self._item_index(), name="price")

    def _item_index(self) -> pd.Index:
        return pd.Index(self.market.labels, name="item")

    @property
    def items(self) -> pd.DataFrame:
        """Every item of the last round, indexed by id.

        Columns: ``kind``, ``unit``, ``price``, ``supply`` and ``demand`` (the proposals'
        totals, supply including fixed supplies), ``excess`` (supply minus demand),
        ``relative_excess`` (``2 |S - D| / (S + D)``) and ``free`` (in excess supply at a
        negligible price: cleared by disposal, so not counted against convergence).
        """
        last, market = self.final, self.market
        supply, demand = self._totals()
        return pd.DataFrame(
            {
                "kind": market.kinds,
                "unit": market.units if market.units is not None else [""] * market.n_items,
                "price": last.prices,
                "supply": supply,
                "demand": demand,
                "excess": supply - demand,
                "relative_excess": relative_excess(supply, demand),
                "free": free_items(supply, demand, last.prices, self.tolerance),
            },
            index=self._item_index(),
        )

    @property
    def consumption(self) -> pd.DataFrame:
        """What every consumer council and federation requests in the plan: a council x item
        table (sparse columns, so that a million councils fit), items that nobody requests
        left out."""
        p, market = self.proposals, self.market
        blocks = [p.consumer_requests]
        names = list(market.consumer_names())  # a copy: the market's own list stays as it is
        if p.federation_requests is not None:
            blocks.append(p.federation_requests)
            names.extend(market.federation_names())
        matrix = sp.csr_array(sp.vstack(blocks)) if len(blocks) > 1 else blocks[0]
        return _council_table(matrix, names, market.labels)

    @property
    def activity(self) -> pd.Series:
        """Activity level of every technique in the plan, indexed by technique id (empty for
        worker councils that propose quantities rather than techniques, as in Pequod; see
        :attr:`production`)."""
        x = self.proposals.linear_activity
        if x is None:
            return pd.Series([], index=pd.Index([], name="technique"), name="activity")
        names = self.market.technique_names()
        return pd.Series(x, index=pd.Index(names, name="technique"), name="activity")

    @property
    def production(self) -> pd.DataFrame:
        """Net supply of every worker council in the plan (outputs positive, inputs
        negative): a council x item table with sparse columns."""
        market, p = self.market, self.proposals
        n = market.n_items
        if market.linear is not None and p.linear_activity is not None:
            lin = market.linear
            per_tech = sp.diags_array(p.linear_activity) @ (lin.outputs - lin.inputs)
            owner = sp.csr_array(
                (np.ones(lin.n), (lin.council, np.arange(lin.n))), shape=(market.n_workers, lin.n)
            )
            net = sp.csr_array(owner @ per_tech)
        elif market.cobb_douglas is not None and p.cobb_douglas is not None:
            w = market.cobb_douglas
            made = sp.csr_array(
                (p.cobb_douglas.output, (np.arange(w.n), w.product)), shape=(w.n, n)
            )
            net = sp.csr_array(made - p.cobb_douglas.inputs)
        else:
            net = sp.csr_array((market.n_workers, n))
        return _council_table(net, market.worker_names(), market.labels)

    @property
    def history(self) -> pd.DataFrame:
        """One row per round, indexed by round number: ``max_excess``, ``worst_item``,
        ``price_change``, ``rejected``, ``lp_status``, ``lp_seconds``, ``seconds``."""
        rows = [r.summary() for r in self.rounds]
        return pd.DataFrame(rows).set_index("round")

    def price_history(self) -> pd.DataFrame:
        """Indicative prices of every round: a round x item table."""
        return pd.DataFrame(
            np.vstack([r.prices for r in self.rounds]),
            index=pd.Index([r.round for r in self.rounds], name="round"),
            columns=self._item_index(),
        )

    def to_xarray(self) -> xr.Dataset:
        """The plan as an xarray Dataset (:func:`~solver.planning.export.plan_dataset`)."""
        return plan_dataset(self)

    def export(self, path: str | Path) -> list[Path]:
        """Write the plan's tables to a folder of CSV files (a path without a suffix), an
        Excel workbook (``.xlsx``) or a NetCDF file (``.nc``); the files written
        (:mod:`~solver.planning.export`)."""
        return write_plan(self, path)

    def rounds_to(self, threshold: float) -> int | None:
        """First round whose largest relative excess is at most ``threshold``."""
        for r in self.rounds:
            if r.max_excess <= threshold:
                return r.round
        return None

    def item_rows(self, top: int | None = None) -> list[dict[str, Any]]:
        """:attr:`items` (less ``excess``) as JSON rows: in the economy's order, or the
        ``top`` items whose excess counts most (a free item's does not)."""
        table = self.items
        counted = np.where(table["free"], 0.0, table["relative_excess"])
        order = np.argsort(-counted, kind="stable")[:top] if top is not None else slice(None)
        rows = table.iloc[order].drop(columns=["excess"]).reset_index()
        rows["price"] += 0.0  # never -0
        return [
            {k: bool(v) if k == "free" else v for k, v in row.items()}
            for row in rows.to_dict(orient="records")
        ]

    def to_dict(self, top: int | None = None) -> dict[str, Any]:
        """A JSON-ready summary: status, history, prices and quantities of every item."""
        market, last = self.market, self.final
        supply, demand = self._totals()
        word = self._settling_word()
        items = self.item_rows(top)
        ev = self.evaluation
        councils = ev.consumer_approved.size + ev.federation_approved.size
        councils += ev.worker_approved.size
        held = (  # named per council, so only where every council gets its feedback
            holding_back(
                market,
                self.proposals,
                last.prices,
                supply,
                demand,
                self.tolerance,
                last.expected_activity,
            )
            if councils <= FEEDBACK_UP_TO
            else None
        )
        consumption = np.asarray(self.proposals.consumer_requests.sum(axis=0)).ravel()
        public = (
            np.asarray(self.proposals.federation_requests.sum(axis=0)).ravel()
            if self.proposals.federation_requests is not None
            else np.zeros(market.n_items)
        )
        plan: dict[str, Any] = {
            "consumption": {
                market.labels[i]: float(consumption[i]) for i in np.flatnonzero(consumption)
            },
            "public_goods": {market.labels[i]: float(public[i]) for i in np.flatnonzero(public)},
        }
        if councils <= FEEDBACK_UP_TO:  # what each council gets, beside the totals
            plan["consumption_by_council"] = _by_council(
                self.proposals.consumer_requests, market.consumer_names(), market.labels
            )
            if self.proposals.federation_requests is not None:
                plan["public_goods_by_federation"] = _by_council(
                    self.proposals.federation_requests, market.federation_names(), market.labels
                )
        if self.proposals.linear_activity is not None and market.technique_ids is not None:
            plan["activities"] = {
                t: float(x)
                for t, x in zip(market.technique_ids, self.proposals.linear_activity, strict=True)
            }
        return {
            "economy": market.name,
            "rule": self.rule,
            "status": self.status.value,
            "converged": self.converged,
            "rounds": len(self.rounds),
            "tolerance": self.tolerance,
            "price_unit": market.price_unit,
            "max_excess": word.max_excess if word else last.max_excess,
            "worst_item": word.worst_item if word else last.worst_item,
            "last_word": self.last_word.to_dict(market) if self.last_word is not None else None,
            "workplace_review": self.review().to_dict() if councils <= FEEDBACK_UP_TO else None,
            "cap_votes": [vote.to_dict() for vote in market.cap_votes],
            "investments": [
                {
                    "federation": i.federation,
                    "technique": i.technique,
                    "capacity": i.capacity,
                    "goods": i.goods,
                    "cost": float(
                        sum(q * last.prices[market.labels.index(g)] for g, q in i.goods.items())
                    ),
                }
                for i in market.investments
            ],
            "councils": {
                "consumer": int(ev.consumer_approved.size),
                "federation": int(ev.federation_approved.size),
                "worker": int(ev.worker_approved.size),
                "rejected": ev.rejected,
            },
            "items": items,
            "plan": plan,
            "rejected_proposals": council_feedback(market, ev, only_rejected=True, held=held)[:100],
            "feedback": (
                council_feedback(market, ev, held=held) if councils <= FEEDBACK_UP_TO else None
            ),
            "history": [
                r.summary(prices=market.labels if market.n_items <= HISTORY_PRICES_UP_TO else None)
                for r in self.rounds
            ],
        }


def _by_council(
    matrix: sp.csr_array, councils: list[str], items: list[str]
) -> dict[str, dict[str, float]]:
    """Each council's non-zero quantities, by item."""
    coo = sp.coo_array(sp.csr_array(matrix))
    out: dict[str, dict[str, float]] = {council: {} for council in councils}
    for k, j, q in zip(coo.row.tolist(), coo.col.tolist(), coo.data.tolist(), strict=True):
        if q != 0:
            out[councils[k]][items[j]] = q
    return out


def _council_table(matrix: sp.csr_array, councils: list[str], items: list[str]) -> pd.DataFrame:
    """A council x item sparse table of ``matrix``, items that are zero throughout left out."""
    used = np.flatnonzero(np.asarray(abs(matrix).sum(axis=0)).ravel())
    return pd.DataFrame.sparse.from_spmatrix(
        sp.csc_matrix(matrix[:, used]),
        index=pd.Index(councils, name="council"),
        columns=pd.Index([items[i] for i in used], name="item"),
    )


class PlanStatus(StrEnum):
    """How a planning session ended."""

    CONVERGED = "converged"
    # prices did not clear within max_rounds; the board's last word (every council's part a
    # mix of its own proposals) did, and every council approved its part
    SETTLED = "settled"
    # the board gave its last word and waits for the councils that answer for themselves
    AWAITING_ANSWERS = "awaiting_answers"
    MAX_ROUNDS = "max_rounds"  # stopped without converging; the last plan is reported
    RUNNING = "running"


@dataclass(frozen=True)
class RoundRecord:
    """What happened in one round.

    Attributes
    ----------
    round
        Round number, from 1.
    prices
        Indicative prices the proposals were made against.
    supply, demand
        Totals of the proposals (supply includes fixed supplies).
    max_excess
        Largest relative excess ``2|S - D| / (S + D)`` over items that are not free.
    worst_item
        The item with that excess.
    price_change
        Largest relative change from these prices to the next ones.
    rejected
        Number of proposals the board did not approve.
    lp_status, lp_seconds
        Termination of the board's master LP and its solve time (``None`` when the rule solved
        none).
    seconds
        Wall time of the round (proposals, evaluation and price rule).
    next_prices
        The prices the board answers with.
    expected_activity
        Linear worker councils: the activity of each technique the board expects next
        round at ``next_prices`` (its belief about the councils), or ``None`` where the rule
        has no expectation.
    """

    round: int
    prices: np.ndarray
    supply: np.ndarray
    demand: np.ndarray
    max_excess: float
    worst_item: str
    price_change: float
    rejected: int
    lp_status: TerminationCondition | None
    lp_seconds: float | None
    seconds: float
    next_prices: np.ndarray = field(repr=False)
    expected_activity: np.ndarray | None = field(default=None, repr=False)

    def summary(self, prices: list[str] | None = None) -> dict[str, Any]:
        """The round as JSON-ready numbers; with item labels, its prices too."""
        out: dict[str, Any] = {
            "round": self.round,
            "max_excess": self.max_excess,
            "worst_item": self.worst_item,
            "price_change": self.price_change,
            "rejected": self.rejected,
            "lp_status": None if self.lp_status is None else self.lp_status.value,
            "lp_seconds": self.lp_seconds,
            "seconds": self.seconds,
        }
        if prices is not None:
            out["prices"] = dict(zip(prices, self.prices.tolist(), strict=True))
        return out
