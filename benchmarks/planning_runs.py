"""One planning benchmark run: an economy planned by a rule within a wall-time budget, what
it is reported as, and the report's blocks (one per section, merged into one file)."""

from __future__ import annotations

import argparse
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path as FilePath
from typing import Any

from bench_common import SOLVER_VERSION, fmt, machine

from solver.planning.market import Market
from solver.planning.result import PlanStatus
from solver.planning.rules.hybrid import Hybrid
from solver.planning.rules.lp import LPRule
from solver.planning.rules.newton import Newton
from solver.planning.session import PlanningSession

SECTIONS = (
    "pequod",
    "robustness",
    "autonomy",
    "next-year",
    "io",
    "scaling",
    "technique-choice",
    "large",
    "huge",
)
RULES = ("tatonnement", "lp", "hybrid", "newton")
TOLERANCE = 0.03
IO_TOLERANCE = 0.01  # the io, autonomy and next-year sections
AUTONOMY_EXAMPLES = ("planning-town", "germany-1995-planning", "usa-2014-planning")


@dataclass
class Run:
    """One planning session (or a few timed rounds of one) and what it cost."""

    economy: str
    rule: str
    goods: int = 0
    councils: int = 0
    seed: int = 0
    status: str = ""
    rounds: int = 0
    seconds: float = float("nan")
    proposal_seconds: float = 0.0
    board_seconds: float = 0.0
    lp_seconds: float | None = None
    lp_max_seconds: float | None = None
    lp_rows: int | None = None
    lp_cols: int | None = None
    final_excess: float = float("nan")
    rejected: int = 0
    to_5: int | None = None
    to_3: int | None = None
    to_1: int | None = None
    lp_not_optimal: int = 0
    lp_rounds: int = 0
    note: str = ""
    excess: list[float] = field(default_factory=list)
    round_seconds: list[float] = field(default_factory=list)

    @property
    def per_round(self) -> float:
        return self.seconds / self.rounds if self.rounds else float("nan")


# --------------------------------------------------------------------------------------
# Economies


def options_for(args: argparse.Namespace, rule: str) -> dict[str, Any] | None:
    """The ``--lp-option`` settings for the lp and hybrid rules (``None`` for tatonnement)."""
    return dict(args.lp_options) if rule in ("lp", "hybrid") and args.lp_options else None


def councils_of(market: Market) -> int:
    return market.consumers.n + market.n_workers


# --------------------------------------------------------------------------------------
# Playing rounds


def set_lp_time_limit(rule: Any, seconds: float | None) -> None:
    """Cap the HiGHS time of the next LP (the benchmark's budget, not a tuning choice)."""
    lp = (
        rule
        if isinstance(rule, LPRule)
        else rule._lp
        if isinstance(rule, Hybrid | Newton)
        else None
    )
    if lp is not None:
        lp.time_limit = seconds


def play(
    market: Market,
    rule: str,
    *,
    max_rounds: int,
    budget: float,
    economy: str,
    seed: int = 0,
    lp_time_limit: float | None = None,
    stop_at_max_rounds_label: str = "max_rounds",
    rule_options: dict[str, Any] | None = None,
    progress: bool = True,
    tolerance: float = TOLERANCE,
) -> Run:
    """Play rounds with simulated councils until convergence, ``max_rounds`` or the budget.

    Returns
    -------
    Run
        Status ``converged``, ``max_rounds`` (or ``stop_at_max_rounds_label``) or ``stopped``
        (the wall-time budget ran out first); proposals, board and LP seconds summed over rounds.
    """
    session = PlanningSession(
        market, rule, tolerance=tolerance, max_rounds=max_rounds, rule_options=rule_options
    )
    run = Run(economy=economy, rule=rule, goods=market.n_items, councils=councils_of(market))
    run.seed = seed
    start = time.perf_counter()
    stopped = False
    while session.status is PlanStatus.RUNNING:
        left = budget - (time.perf_counter() - start)
        if left <= 0:
            stopped = True
            break
        limit = left if lp_time_limit is None else min(left, lp_time_limit)
        set_lp_time_limit(session.rule, max(limit, 1.0))
        t0 = time.perf_counter()
        proposals = session.simulated_proposals()
        t1 = time.perf_counter()
        record = session.close_round(proposals)
        t2 = time.perf_counter()
        run.proposal_seconds += t1 - t0
        run.board_seconds += t2 - t1
        if record.lp_seconds is not None:
            run.lp_seconds = (run.lp_seconds or 0.0) + record.lp_seconds
            run.lp_max_seconds = max(run.lp_max_seconds or 0.0, record.lp_seconds)
            run.lp_rounds += 1
            if record.lp_status != "optimal":
                run.lp_not_optimal += 1
        run.excess.append(record.max_excess)
        run.round_seconds.append(t2 - t0)
        if progress:
            print(
                f"  {economy} {rule} round {record.round}: excess {record.max_excess:.4f} "
                f"({record.worst_item}), rejected {record.rejected}, "
                f"proposals {t1 - t0:.2f} s, board {t2 - t1:.2f} s"
                + (
                    f" (LP {record.lp_seconds:.2f} s, {record.lp_status})"
                    if record.lp_seconds is not None
                    else ""
                ),
                flush=True,
            )
    run.seconds = time.perf_counter() - start
    lp = getattr(session.rule, "_lp", session.rule)
    if isinstance(lp, LPRule) and lp.history:
        run.lp_cols = sum(h.use.shape[0] for h in lp.history)  # worker columns only
    if session.rounds:
        result = session.result()
        run.rounds = len(result.rounds)
        run.final_excess = result.final.max_excess
        run.rejected = result.final.rejected
        run.to_5 = result.rounds_to(0.05)
        run.to_3 = result.rounds_to(TOLERANCE)
        run.to_1 = result.rounds_to(0.01)
    if stopped:
        run.status = "stopped"
        run.note = f"wall-time budget {budget:g} s exhausted"
    elif session.status is PlanStatus.MAX_ROUNDS:
        run.status = stop_at_max_rounds_label
    else:
        run.status = session.status.value
    if run.lp_not_optimal:
        sep = "; " if run.note else ""
        run.note += f"{sep}{run.lp_not_optimal} LP round(s) not optimal (prices kept)"
    return run


def session_run(
    args: argparse.Namespace,
    market: Market,
    rule: str,
    economy: str,
    *,
    seed: int | None = None,
    tolerance: float = TOLERANCE,
) -> Run:
    """:func:`play` with the command line's max rounds, budget, lp options and verbosity
    (``seed``: what the run records, default ``--seed``)."""
    return play(
        market,
        rule,
        max_rounds=args.max_rounds[rule],
        budget=args.max_seconds,
        rule_options=options_for(args, rule),
        economy=economy,
        seed=args.seed if seed is None else seed,
        progress=args.verbose,
        tolerance=tolerance,
    )


def header(started: str) -> str:
    return (
        f"Started {started}; machine: {machine()}; solver at commit {SOLVER_VERSION}.\n\n"
        f"Command: `python benchmarks/bench_planning.py {' '.join(sys.argv[1:])}`\n\n"
    )


def write_block(path: FilePath, section: str, text: str) -> None:
    """Replace the section's block in ``path`` (or append it), keeping the other sections."""
    begin, end = f"<!-- section:{section} -->", f"<!-- /section:{section} -->"
    block = f"{begin}\n{text.rstrip()}\n{end}"
    current = path.read_text() if path.exists() else ""
    if not current.startswith("# Planning benchmark"):
        current = (
            "# Planning benchmark\n\n"
            "Generated by `benchmarks/bench_planning.py`; each section below records the "
            "command and machine that produced it. Tolerance 0.03 (relative excess "
            "`2|S - D| / (S + D)` of every non-free item, no rejected proposal, prices moving "
            "less than 3 %). Times are wall-clock seconds in one process; compare ratios "
            "within a run rather than absolute numbers across machines.\n"
        )
    blocks = {
        m.group(1): m.group(0)
        for m in re.finditer(r"<!-- section:([\w-]+) -->.*?<!-- /section:\1 -->", current, re.S)
    }
    blocks[section] = block
    intro = re.split(r"<!-- section:", current, maxsplit=1)[0].rstrip()
    ordered = [
        blocks[key]
        for s in SECTIONS
        for key in sorted(k for k in blocks if k == s or k.startswith(s + "-"))
    ]
    path.write_text(intro + "\n\n" + "\n\n".join(ordered) + "\n")


def timed_rounds_table(runs: list[Run]) -> str:
    head = (
        "| rule | rounds | LP rounds | status | s / round | proposals s / round "
        "| board s / round | LP s / LP round | slowest LP s | excess after last round | note |\n"
        "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---|\n"
    )
    body = "".join(
        f"| {r.rule} | {r.rounds} | {r.lp_rounds} | {r.status} | {r.per_round:.3f} "
        f"| {r.proposal_seconds / max(r.rounds, 1):.3f} | {r.board_seconds / max(r.rounds, 1):.3f} "
        f"| {fmt(r.lp_seconds / r.lp_rounds if r.lp_seconds is not None else None, '.3f')} "
        f"| {fmt(r.lp_max_seconds, '.3f')} | {r.final_excess:.4f} | {r.note} |\n"
        for r in runs
    )
    return head + body


def timed_run(
    args: argparse.Namespace, market: Market, rule: str, economy: str, rounds: int
) -> Run:
    """The first ``rounds`` rounds of ``rule``, stopped there on purpose ("timed")."""
    return play(
        market,
        rule,
        max_rounds=rounds,
        budget=args.max_seconds,
        rule_options=options_for(args, rule),
        economy=economy,
        seed=args.seed,
        stop_at_max_rounds_label="timed",
        progress=True,
    )
