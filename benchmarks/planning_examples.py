"""The planning benchmark's sections on the published and bundled examples: the Pequod
setting, the board's model of the councils wrong (robustness), and councils that follow
rules of their own (autonomy)."""

from __future__ import annotations

import argparse
import dataclasses
import time
from typing import Any

import numpy as np
from bench_common import fmt
from planning_runs import (
    AUTONOMY_EXAMPLES,
    IO_TOLERANCE,
    TOLERANCE,
    Run,
    header,
    options_for,
    session_run,
)

from solver.economy.model import load_economy
from solver.planning.from_economy import market_from_economy
from solver.planning.market import Market, Proposals, simulated_proposals
from solver.planning.result import PlanStatus
from solver.planning.session import PlanningSession
from solver.scenarios.bundled import bundled_examples
from solver.scenarios.council_rules import (
    MisstatedEffort,
    PartialAdjustment,
    RoundPricedEffort,
    proposals_by_rule,
)
from solver.scenarios.pequod import pequod_economy, pequod_market


def section_pequod(args: argparse.Namespace, started: str) -> str:
    """Published setting: rounds to < 5 % and < 3 % by rule, without and with the pollutant."""
    runs: list[Run] = []
    for pollutant in (False, True):
        for seed in args.seeds:
            eco = pequod_economy(
                args.pequod_workers,
                args.pequod_workers,
                args.pequod_gpc,
                pollutant=pollutant,
                seed=seed,
            )
            market = pequod_market(eco)
            for rule in args.rules:
                run = session_run(args, market, rule, market.name, seed=seed)
                runs.append(run)
                print(
                    f"pequod {market.name} seed {seed} {rule}: {run.status} {run.rounds} rounds "
                    f"(<5 %: {run.to_5}, <3 %: {run.to_3}) {run.seconds:.2f} s",
                    flush=True,
                )
    head = (
        "| economy | rule | seed | status | rounds | rounds to < 5 % | rounds to < 3 % "
        "| final excess | s total | s / round | LP s | note |\n"
        "|---|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---|\n"
    )
    body = "".join(
        f"| {r.economy} | {r.rule} | {r.seed} | {r.status} | {r.rounds} | {fmt(r.to_5, 'd')} "
        f"| {fmt(r.to_3, 'd')} | {r.final_excess:.4f} | {r.seconds:.2f} | {r.per_round:.3f} "
        f"| {fmt(r.lp_seconds, '.2f')} | {r.note} |\n"
        for r in runs
    )

    def med(values: list[int | None]) -> str:
        got = [v for v in values if v is not None]
        if not got:
            return "–"
        missing = len(values) - len(got)
        text = f"{np.median(got):g} ({min(got)}–{max(got)})"
        return text + (f", {missing} never" if missing else "")

    summary = (
        "| rule | < 5 % without | < 5 % with pollutant | < 3 % without | < 3 % with pollutant "
        "| ratio with / without (< 3 %, medians) | s / round without; with | "
        "a round / a newton round, without; with |\n|---|---|---|---|---|---:|---:|---:|\n"
    )

    def per_round(rule: str, pollutant: bool) -> float:
        chosen = [
            r.per_round for r in runs if r.rule == rule and (r.economy != "pequod") == pollutant
        ]
        return float(np.median(chosen)) if chosen else float("nan")

    for rule in args.rules:
        sel = {
            p: [r for r in runs if r.rule == rule and (r.economy != "pequod") == p]
            for p in (False, True)
        }
        secs = [per_round(rule, p) for p in (False, True)]
        times = [secs[p] / per_round("newton", bool(p)) for p in (0, 1)]
        m3 = [
            np.median([float(r.to_3) for r in sel[p] if r.to_3 is not None] or [np.nan])
            for p in (False, True)
        ]
        summary += (
            f"| {rule} | {med([r.to_5 for r in sel[False]])} | {med([r.to_5 for r in sel[True]])} "
            f"| {med([r.to_3 for r in sel[False]])} | {med([r.to_3 for r in sel[True]])} "
            f"| {fmt(m3[1] / m3[0], '.2f')} | {secs[0]:.3f}; {secs[1]:.3f} "
            f"| {times[0]:.1f}; {times[1]:.1f} |\n"
        )
    return (
        "## Pequod published setting\n\n"
        + header(started)
        + f"{args.pequod_workers:,} worker + {args.pequod_workers:,} consumer councils, "
        f"{args.pequod_gpc} goods per category (5 categories; + 1 pollutant item with "
        f"pequod-plus), seeds {', '.join(map(str, args.seeds))}; max rounds "
        + ", ".join(f"{k} {v}" for k, v in args.max_rounds.items() if k in args.rules)
        + ". Published (Hahnel and Szczepanczyk): tatonnement about 41 rounds without the "
        "pollutant, 69–96 with it. Goals for lp: with the pollutant no more than twice the "
        "rounds without; a round at most 5 times a newton round (seconds a round: medians "
        "over seeds, proposals and board together).\n\n"
        "Medians over seeds (min–max):\n\n" + summary + "\nEvery run:\n\n" + head + body
    )


ROBUSTNESS_CASES: dict[str, dict[str, float]] = {
    "stated effort cost halved": {"effort_cost": 0.5},
    "stated effort cost doubled": {"effort_cost": 2.0},
    "CES consumers, elasticity 0.3": {"elasticity": 0.3},
    "CES consumers, elasticity 0.5": {"elasticity": 0.5},
    "CES consumers, elasticity 2": {"elasticity": 2.0},
    "CES consumers, elasticity 3": {"elasticity": 3.0},
}


def misstated(market: Market, proposals: Proposals, effort_cost: float) -> Proposals:
    """``proposals`` with every Cobb-Douglas council stating ``effort_cost`` times its
    effort cost (``s e^k``): the board's fitted profit model is then wrong."""
    cd, prop = market.cobb_douglas, proposals.cobb_douglas
    if effort_cost == 1.0 or cd is None or prop is None:
        return proposals
    effort = prop.effort * effort_cost ** (1.0 / cd.k)
    return dataclasses.replace(proposals, cobb_douglas=dataclasses.replace(prop, effort=effort))


def section_robustness(args: argparse.Namespace, started: str) -> str:
    """Rounds on the published setting when the model-based rules' model of the councils is
    wrong: the councils misstate their effort cost, or consumers are not Cobb-Douglas."""
    rows = ""
    for label, case in ROBUSTNESS_CASES.items():
        for seed in args.seeds:
            market = pequod_market(
                pequod_economy(args.pequod_workers, args.pequod_workers, args.pequod_gpc, seed=seed)
            )
            if "elasticity" in case:
                consumers = dataclasses.replace(
                    market.consumers, elasticity=np.full(market.consumers.n, case["elasticity"])
                )
                market = dataclasses.replace(market, consumers=consumers)
            for rule in args.rules:
                session = PlanningSession(
                    market,
                    rule,
                    tolerance=TOLERANCE,
                    max_rounds=args.max_rounds[rule],
                    rule_options=options_for(args, rule),
                )
                start = time.perf_counter()
                while session.status is PlanStatus.RUNNING:
                    if time.perf_counter() - start > args.max_seconds:
                        break
                    proposals = simulated_proposals(market, session.prices)
                    session.close_round(misstated(market, proposals, case.get("effort_cost", 1.0)))
                seconds = time.perf_counter() - start
                status = session.status.value if session.rounds else "stopped"
                if session.status is PlanStatus.RUNNING:
                    status = "stopped"
                last = session.rounds[-1].max_excess if session.rounds else float("nan")
                rows += (
                    f"| {label} | {rule} | {seed} | {status} | {len(session.rounds)} "
                    f"| {last:.4f} | {seconds:.2f} |\n"
                )
                print(
                    f"robustness {label} seed {seed} {rule}: {status} "
                    f"{len(session.rounds)} rounds {seconds:.2f} s",
                    flush=True,
                )
    return (
        "## Robustness: the board's model of the councils wrong\n\n"
        + header(started)
        + f"Pequod, {args.pequod_workers:,} worker + {args.pequod_workers:,} consumer "
        f"councils, {args.pequod_gpc} goods per category, seeds "
        f"{', '.join(map(str, args.seeds))}, no pollutant. The lp rule's column generation "
        "and the newton rule fit a Cobb-Douglas-form profit model to each worker council's "
        "proposal and stated effort cost, and take consumers' demand with a constant "
        "elasticity: here the stated effort cost is misreported by every council (so the "
        "fitted model is wrong), or consumers have CES utility.\n\n"
        "| case | rule | seed | status | rounds | final excess | s total |\n"
        "|---|---|---:|---|---:|---:|---:|\n" + rows
    )


AUTONOMY_CASES: dict[str, Any] = {
    "simulated (the board's model)": None,
    "effort at the round's input costs": RoundPricedEffort,
    "partial adjustment, half way": lambda: PartialAdjustment(0.5),
    "states twice its effort cost": lambda: MisstatedEffort(1.0, 2.0),
    "states half its effort cost": lambda: MisstatedEffort(1.0, 0.5),
    "effort twice the prior, unstated": lambda: MisstatedEffort(2.0, float("nan")),
    "effort half the prior, stated": lambda: MisstatedEffort(0.5, 1.0),
    "effort 1.5 times the prior, states twice it": lambda: MisstatedEffort(1.5, 2.0),
    "effort half the prior, states twice it": lambda: MisstatedEffort(0.5, 2.0),
    "effort twice the prior, states four times it": lambda: MisstatedEffort(2.0, 4.0),
}


def section_autonomy(args: argparse.Namespace, started: str) -> str:
    """Worker councils that follow rules of their own, which the board does not know
    (:mod:`solver.scenarios.council_rules`), on the bundled linear-council examples; the
    lp rule also without its belief about the councils' effort (``learn_effort=false``)."""
    rows = ""
    variants = [(rule, options_for(args, rule)) for rule in args.rules]
    if "lp" in args.rules:
        variants.insert(
            args.rules.index("lp") + 1,
            ("lp", {**(options_for(args, "lp") or {}), "learn_effort": False}),
        )
    for example in AUTONOMY_EXAMPLES:
        market = market_from_economy(load_economy(bundled_examples()[example]))
        for label, make in AUTONOMY_CASES.items():
            for rule, options in variants:
                session = PlanningSession(
                    market,
                    rule,
                    tolerance=IO_TOLERANCE,
                    max_rounds=args.max_rounds[rule],
                    rule_options=options,
                )
                council_rule = make() if make is not None else None
                start = time.perf_counter()
                while session.status is PlanStatus.RUNNING:
                    if time.perf_counter() - start > args.max_seconds:
                        break
                    proposals = (
                        session.simulated_proposals()
                        if council_rule is None
                        else proposals_by_rule(market, session.prices, council_rule)
                    )
                    session.close_round(proposals)
                seconds = time.perf_counter() - start
                status = session.status.value
                if session.status is PlanStatus.RUNNING:
                    status = "stopped"
                last = session.rounds[-1].max_excess if session.rounds else float("nan")
                name = rule + (
                    " (no belief)" if options and options.get("learn_effort") is False else ""
                )
                rows += (
                    f"| {example} | {label} | {name} | {status} | {len(session.rounds)} "
                    f"| {last:.4f} | {seconds:.2f} |\n"
                )
                print(
                    f"autonomy {example} / {label} / {name}: {status} "
                    f"{len(session.rounds)} rounds {seconds:.2f} s",
                    flush=True,
                )
    return (
        "## Councils that are not the board's model\n\n"
        + header(started)
        + "The bundled linear-council examples; consumer councils and federations simulated, "
        "worker councils by a rule of their own (`solver/scenarios/council_rules.py`): "
        "effort valued at the round's input costs (so it moves with every price), moving "
        "half way to the best answer each round, stating twice or half the true marginal "
        "effort cost, an effort cost twice (unstated) or half (stated) the board's prior, or "
        "an effort cost other than the prior stated wrongly (1.5 or 0.5 times the prior, "
        "stating twice the true marginal effort cost; twice the prior, stating four times). "
        f"Tolerance {IO_TOLERANCE}; max rounds "
        + ", ".join(f"{k} {v}" for k, v in args.max_rounds.items() if k in args.rules)
        + ". `lp (no belief)` is the lp rule clearing its own model of the councils, as "
        "before the board learnt from their proposals.\n\n"
        "| economy | worker councils | rule | status | rounds | final excess | s total |\n"
        "|---|---|---|---|---:|---:|---:|\n" + rows
    )
