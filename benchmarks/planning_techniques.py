"""The planning benchmark's technique-choice section: economies of linear worker councils that
choose between techniques (:func:`solver.scenarios.technique_choice.technique_choice_economy`,
what ``parplan generate technique-choice`` writes), read back through the public economy JSON
and planned by every rule side by side."""

from __future__ import annotations

import argparse
import json
import time

from bench_common import fmt
from planning_runs import IO_TOLERANCE, header, session_run

from solver.economy.model import parse_economy
from solver.planning.from_economy import market_from_economy
from solver.scenarios.technique_choice import technique_choice_economy


def section_technique_choice(args: argparse.Namespace, started: str) -> str:
    """Rounds and seconds a round by rule on technique-choice economies of growing size."""
    rows = ""
    for goods in args.technique_goods:
        t0 = time.perf_counter()
        document = technique_choice_economy(goods, seed=args.seed).model_dump_json(
            exclude_defaults=True
        )
        made = time.perf_counter()
        market = market_from_economy(parse_economy(json.loads(document)))
        gen, read = made - t0, time.perf_counter() - made
        lin = market.linear
        techniques = lin.n if lin is not None else 0
        desc = (
            f"{techniques:,} techniques, {market.consumers.n:,} consumer councils, "
            f"{len(document) / 1e3:,.0f} kB of JSON"
        )
        print(
            f"technique choice, {goods:,} goods ({desc}): generated in {gen:.2f} s, "
            f"read in {read:.2f} s",
            flush=True,
        )
        for rule in args.rules:
            run = session_run(args, market, rule, f"{goods} goods", tolerance=IO_TOLERANCE)
            lp_round = run.lp_seconds / run.lp_rounds if run.lp_seconds is not None else None
            rows += (
                f"| {goods:,} | {desc} | {gen:.2f} | {read:.2f} | {rule} | {run.status} "
                f"| {run.rounds} "
                f"| {run.final_excess:.4f} | {run.seconds:.2f} | {run.per_round:.3f} "
                f"| {run.proposal_seconds / max(run.rounds, 1):.3f} "
                f"| {fmt(lp_round, '.2f')} | {fmt(run.lp_max_seconds, '.2f')} | {run.note} |\n"
            )
            print(
                f"technique choice {goods} goods {rule}: {run.status} {run.rounds} rounds, "
                f"{run.seconds:.2f} s ({run.per_round:.3f} s/round), "
                f"excess {run.final_excess:.4f} {run.note}",
                flush=True,
            )
    return (
        "## Technique choice: seconds a round by size and rule\n\n"
        + header(started)
        + "`technique_choice_economy(goods, seed="
        f"{args.seed})` (what `parplan generate technique-choice` writes), read back from its "
        "JSON: three techniques a good (clean and labour-using, or cheaper with a scarce "
        "resource and emissions), a fifth of the goods also made by a second council, CES "
        "consumer councils (elasticities 0.5-1.5) and pollution caps. Linear worker councils "
        "state their techniques, so `newton` plays the lp rule here and `hybrid` plays "
        f"tatonnement, then lp. Tolerance {IO_TOLERANCE}; max rounds "
        + ", ".join(f"{k} {v}" for k, v in args.max_rounds.items() if k in args.rules)
        + f"; wall-time budget {args.max_seconds:g} s per run (*stopped*: budget exhausted). "
        "*s / round*: proposals and board together; *LP s / LP round*: the master's HiGHS "
        "solves of a round together (three or more). *generate s*: drawing the economy, "
        "calibrating its councils and writing its JSON; *read s*: parsing that JSON and "
        "building the planning market. Goal for lp: under 5 s a round at 2,000 "
        "goods; at 10,000 goods at most 5 rounds of under 30 s.\n\n"
        "| goods | economy | generate s | read s | rule | status | rounds | final excess "
        "| s total | s / round | proposals s / round | LP s / LP round | slowest LP round s "
        "| note |\n"
        "|---:|---|---:|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---|\n" + rows
    )
