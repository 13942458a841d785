"""Benchmark the planning procedure: rounds to convergence and time per round, by rule and size.

Pequod-family economies (:func:`solver.scenarios.pequod.pequod_economy`) are planned with simulated
councils under each price rule (``tatonnement``, ``lp``, ``hybrid``, ``newton``). Sections:

* ``pequod``   the published setting (3,000 + 3,000 councils, 10 goods per category), several
               seeds, without and with pequod-plus's pollutant: rounds to < 5 % and < 3 %;
* ``robustness`` the published setting with the board's model of the councils wrong: every
               worker council's stated effort cost halved or doubled, or consumer councils
               with CES elasticities 0.5 and 2 instead of Cobb-Douglas: rounds by rule;
* ``autonomy`` the bundled linear-council examples with worker councils that follow rules of
               their own (:mod:`solver.scenarios.council_rules`): rounds by rule, and the
               lp rule without its belief about their effort;
* ``next-year`` the bundled linear-council examples planned, next year's economy derived
               (5 % growth), then planned cold and from this year's plan, by rule;
* ``scaling``  about 10, 100, 1,000 and 10,000 goods with about ten times as many councils:
               status, rounds, wall time, time per round, LP time;
* ``large``    60,000 councils and 500 goods (pequod-plus): a few rounds of each rule, the
               councils' proposals timed apart from the board's work;
* ``huge``     10^5 goods and 10^6 consumer councils: economy generation, then one round of
               tatonnement and one of lp.

Every (economy, rule) run has a wall-time budget (``--max-seconds``); a run that exceeds it is
reported as *stopped*, and the LP's HiGHS time limit is set to what is left of the budget so
that a single round cannot overrun it by much. Each section writes its own block of the
output file, so sections run separately are merged into one report.

    python benchmarks/bench_planning.py --sections pequod scaling --max-seconds 300
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import platform
import re
import resource
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path as FilePath
from typing import Any

import highspy
import numpy as np

from solver.economy.growth import next_year
from solver.economy.io import economy_from_io_table, read_io_table
from solver.economy.model import Economy, load_economy
from solver.planning.from_economy import market_from_economy
from solver.planning.market import Market, Proposals, simulated_proposals
from solver.planning.result import PlanStatus
from solver.planning.rules.hybrid import Hybrid
from solver.planning.rules.lp import LPRule
from solver.planning.rules.newton import Newton
from solver.planning.session import PlanningSession
from solver.scenarios.bundled import bundled_examples
from solver.scenarios.council_rules import (
    MisstatedEffort,
    PartialAdjustment,
    RoundPricedEffort,
    proposals_by_rule,
)
from solver.scenarios.io_examples import with_simulated_councils
from solver.scenarios.pequod import pequod_economy, pequod_market
from solver.usecases import LastYear, new_session

SECTIONS = ("pequod", "robustness", "autonomy", "next-year", "io", "scaling", "large", "huge")
RULES = ("tatonnement", "lp", "hybrid", "newton")
TOLERANCE = 0.03


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


def _set_lp_time_limit(rule: Any, seconds: float | None) -> None:
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
        _set_lp_time_limit(session.rule, max(limit, 1.0))
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


# --------------------------------------------------------------------------------------
# Formatting


def _fmt(x: float | int | None, spec: str = ".3g") -> str:
    if x is None or (isinstance(x, float) and not np.isfinite(x)):
        return "–"
    return format(x, spec)


def machine() -> str:
    model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
        memory = f", {mem:.0f} GiB RAM"
    except (ValueError, OSError):
        memory = ""
    return (
        f"{model}, nproc {len(os.sched_getaffinity(0))}{memory}, Python "
        f"{platform.python_version()}, NumPy {np.__version__}, HiGHS {highspy.Highs().version()}"
    )


def solver_version() -> str:
    """The commit of the checkout, and whether ``solver/`` differs from it (read-only git)."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "solver"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + (" with uncommitted changes in solver/" if dirty else "")


SOLVER_VERSION = solver_version()  # when the solver modules were imported


def header(started: str) -> str:
    return (
        f"Started {started}; machine: {machine()}; solver at commit {SOLVER_VERSION}.\n\n"
        f"Command: `python benchmarks/bench_planning.py {' '.join(sys.argv[1:])}`\n\n"
    )


def peak_rss_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


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


# --------------------------------------------------------------------------------------
# Sections


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
                run = play(
                    market,
                    rule,
                    max_rounds=args.max_rounds[rule],
                    budget=args.max_seconds,
                    rule_options=options_for(args, rule),
                    economy=market.name,
                    seed=seed,
                    progress=args.verbose,
                )
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
        f"| {r.economy} | {r.rule} | {r.seed} | {r.status} | {r.rounds} | {_fmt(r.to_5, 'd')} "
        f"| {_fmt(r.to_3, 'd')} | {r.final_excess:.4f} | {r.seconds:.2f} | {r.per_round:.3f} "
        f"| {_fmt(r.lp_seconds, '.2f')} | {r.note} |\n"
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
        "| ratio with / without (< 3 %, medians) |\n|---|---|---|---|---|---:|\n"
    )
    for rule in args.rules:
        sel = {
            p: [r for r in runs if r.rule == rule and (r.economy != "pequod") == p]
            for p in (False, True)
        }
        m3 = [
            np.median([r.to_3 for r in sel[p] if r.to_3 is not None] or [np.nan])
            for p in (False, True)
        ]
        summary += (
            f"| {rule} | {med([r.to_5 for r in sel[False]])} | {med([r.to_5 for r in sel[True]])} "
            f"| {med([r.to_3 for r in sel[False]])} | {med([r.to_3 for r in sel[True]])} "
            f"| {_fmt(m3[1] / m3[0], '.2f')} |\n"
        )
    return (
        "## Pequod published setting\n\n"
        + header(started)
        + f"{args.pequod_workers:,} worker + {args.pequod_workers:,} consumer councils, "
        f"{args.pequod_gpc} goods per category (5 categories; + 1 pollutant item with "
        f"pequod-plus), seeds {', '.join(map(str, args.seeds))}; max rounds "
        + ", ".join(f"{k} {v}" for k, v in args.max_rounds.items() if k in args.rules)
        + ". Published (Hahnel and Szczepanczyk): tatonnement about 41 rounds without the "
        "pollutant, 69–96 with it. Goal for lp: with the pollutant no more than twice the "
        "rounds without.\n\n"
        "Medians over seeds (min–max):\n\n" + summary + "\nEvery run:\n\n" + head + body
    )


ROBUSTNESS_CASES: dict[str, dict[str, float]] = {
    "stated effort cost halved": {"effort_cost": 0.5},
    "stated effort cost doubled": {"effort_cost": 2.0},
    "CES consumers, elasticity 0.5": {"elasticity": 0.5},
    "CES consumers, elasticity 2": {"elasticity": 2.0},
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


AUTONOMY_EXAMPLES = ("planning-town", "germany-1995-planning", "usa-2014-planning")
AUTONOMY_CASES: dict[str, Any] = {
    "simulated (the board's model)": None,
    "effort at the round's input costs": RoundPricedEffort,
    "partial adjustment, half way": lambda: PartialAdjustment(0.5),
    "states twice its effort cost": lambda: MisstatedEffort(1.0, 2.0),
    "states half its effort cost": lambda: MisstatedEffort(1.0, 0.5),
    "effort twice the prior, unstated": lambda: MisstatedEffort(2.0, float("nan")),
    "effort half the prior, stated": lambda: MisstatedEffort(0.5, 1.0),
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
        "effort cost, or an effort cost twice (unstated) or half (stated) the board's prior. "
        f"Tolerance {IO_TOLERANCE}; max rounds "
        + ", ".join(f"{k} {v}" for k, v in args.max_rounds.items() if k in args.rules)
        + ". `lp (no belief)` is the lp rule clearing its own model of the councils, as "
        "before the board learnt from their proposals.\n\n"
        "| economy | worker councils | rule | status | rounds | final excess | s total |\n"
        "|---|---|---|---|---:|---:|---:|\n" + rows
    )


NEXT_YEAR_GROWTH = 0.05


def section_next_year(args: argparse.Namespace, started: str) -> str:
    """Next year's plan from this year's: each bundled linear-council example planned by
    ``lp``, next year's economy derived (:func:`solver.economy.growth.next_year`), then
    planned by every rule cold (cost prices) and from this year's plan
    (:class:`solver.usecases.LastYear`)."""
    rows = ""
    economies = {e: load_economy(bundled_examples()[e]) for e in AUTONOMY_EXAMPLES}
    town = economies["planning-town"].model_dump(mode="json")
    for wc in town["worker_councils"]:
        for t in wc["techniques"]:
            if t["id"] == "bake":
                t["capital"] = {"steel": 0.2}
    for f in town["federations"]:
        if f["id"] == "north":
            f["capacity_investments"] = {"bake": 50.0}
    economies["planning-town, north invests in 50 loaves/year of bakery"] = Economy.model_validate(
        town
    )
    for example, economy in economies.items():
        this_year = new_session(economy, "lp", tolerance=IO_TOLERANCE)
        this_year.run()
        last = LastYear.from_session(this_year, "bench")
        following = next_year(economy, NEXT_YEAR_GROWTH)
        for rule in args.rules:
            counts = []
            for start in (None, last):
                session = new_session(
                    following,
                    rule,
                    tolerance=IO_TOLERANCE,
                    max_rounds=args.max_rounds[rule],
                    rule_options=options_for(args, rule),
                    last_year=start,
                )
                t0 = time.perf_counter()
                session.run()
                counts.append((session.status.value, len(session.rounds), time.perf_counter() - t0))
            (cold_status, cold, cold_s), (warm_status, warm, warm_s) = counts
            rows += (
                f"| {example} | {len(this_year.rounds)} | {rule} | {cold_status} {cold} "
                f"| {warm_status} {warm} | {cold_s:.2f} | {warm_s:.2f} |\n"
            )
            print(f"next-year {example} {rule}: cold {cold}, from last year {warm}", flush=True)
    return (
        "## Next year's plan from this year's\n\n"
        + header(started)
        + "Each bundled linear-council example planned by `lp` (this year), next year's "
        f"economy derived with growth {NEXT_YEAR_GROWTH:g} (labour, requests and budgets; "
        "capacities raised by federations' investments: in the last economy, 50 units of "
        "bakery capacity taking 0.2 t of steel each), then "
        "planned by each rule from cost prices (cold) and from this year's plan (its last "
        "prices, and the board's belief about the worker councils from their last "
        f"activities). Tolerance {IO_TOLERANCE}; simulated councils.\n\n"
        "| economy | rounds this year (lp) | rule | next year cold | from this year's plan "
        "| s cold | s from plan |\n|---|---:|---|---|---|---:|---:|\n" + rows
    )


IO_TABLES = {  # table folder in tests/data -> (format, primary input)
    "uk_ons_ioat_2010": ("ons-2010", "compensation"),
    "bea_2007_detail_389": ("bea-2007", "compensation"),
}
IO_TOLERANCE = 0.01


def io_economies() -> dict[str, Economy]:
    """The bundled IO planning examples, and the other tables in ``tests/data`` made into
    planning economies by the same recipe (``parplan import-io --simulate-councils 12``)."""
    examples = bundled_examples()
    economies = {
        name: load_economy(examples[name])
        for name in ("germany-1995-planning", "usa-2014-planning")
    }
    data = FilePath(__file__).resolve().parents[1] / "tests" / "data"
    for folder, (fmt, primary) in IO_TABLES.items():
        table = read_io_table(data / folder, format=fmt)
        economy = economy_from_io_table(table, [primary], name=folder)
        economies[folder] = with_simulated_councils(economy, n_consumer_councils=12, seed=0)
    return economies


def section_io(args: argparse.Namespace, started: str) -> str:
    """Real input-output tables with simulated linear councils, tolerance 0.01."""
    runs = []
    for name, economy in io_economies().items():
        market = market_from_economy(economy)
        for rule in args.rules:
            run = play(
                market,
                rule,
                max_rounds=args.max_rounds[rule],
                budget=args.max_seconds,
                economy=name,
                rule_options=options_for(args, rule),
                progress=args.verbose,
                tolerance=IO_TOLERANCE,
            )
            runs.append(run)
            print(
                f"io {name} {rule}: {run.status} {run.rounds} rounds {run.seconds:.2f} s",
                flush=True,
            )
    head = (
        "| economy | items | councils | rule | status | rounds | final excess | s total "
        "| s / round | LP s | note |\n|---|---:|---:|---|---|---:|---:|---:|---:|---:|---|\n"
    )
    body = "".join(
        f"| {r.economy} | {r.goods} | {r.councils:,} | {r.rule} | {r.status} | {r.rounds} "
        f"| {r.final_excess:.4f} | {r.seconds:.2f} | {r.per_round:.3f} "
        f"| {_fmt(r.lp_seconds, '.2f')} | {r.note} |\n"
        for r in runs
    )
    return (
        "## Real input-output tables with simulated councils\n\n"
        + header(started)
        + "The bundled `germany-1995-planning` and `usa-2014-planning`, and the UK ONS 2010 "
        "and US BEA 2007 detail tables of `tests/data` made into planning economies by the "
        "same recipe (`with_simulated_councils`, 12 consumer councils, seed 0): linear worker "
        "councils with capacities 1.3 x observed activity and a CO2 cap at 0.9 x observed "
        f"emissions. Tolerance {IO_TOLERANCE}; max rounds "
        + ", ".join(f"{k} {v}" for k, v in args.max_rounds.items() if k in args.rules)
        + ".\n\n"
        + head
        + body
    )


def scaling_sizes(args: argparse.Namespace) -> list[tuple[int, int, int]]:
    """(goods per category, worker councils, consumer councils) per size."""
    out = []
    for gpc in args.sizes:
        goods = 5 * gpc
        unit = 3 * gpc
        workers = max(unit, round(5 * goods / unit) * unit)
        out.append((gpc, workers, 5 * goods))
    return out


def section_scaling(args: argparse.Namespace, started: str) -> str:
    """Rounds and wall time by rule on Pequod economies of growing size."""
    runs: list[tuple[Run, float, str]] = []
    for gpc, n_workers, n_consumers in scaling_sizes(args):
        cg = args.consumer_goods if args.consumer_goods and args.consumer_goods < 2 * gpc else None
        t0 = time.perf_counter()
        eco = pequod_economy(n_workers, n_consumers, gpc, consumer_goods=cg, seed=args.seed)
        market = pequod_market(eco)
        gen = time.perf_counter() - t0
        desc = f"{n_workers:,} W + {n_consumers:,} C" + (f", {cg} goods per consumer" if cg else "")
        print(f"scaling {5 * gpc} goods ({desc}): generated in {gen:.2f} s", flush=True)
        for rule in args.rules:
            run = play(
                market,
                rule,
                max_rounds=args.max_rounds[rule],
                budget=args.max_seconds,
                rule_options=options_for(args, rule),
                economy=f"{5 * gpc} goods",
                seed=args.seed,
                progress=args.verbose,
            )
            runs.append((run, gen, desc))
            print(
                f"scaling {5 * gpc} goods {rule}: {run.status} {run.rounds} rounds, "
                f"{run.seconds:.2f} s ({run.per_round:.3f} s/round, "
                f"LP {_fmt(run.lp_seconds, '.2f')} s), "
                f"excess {run.final_excess:.4f} {run.note}",
                flush=True,
            )
    head = (
        "| goods | councils | gen s | rule | status | rounds | rounds to < 5 % | final excess "
        "| s total | s / round | proposals s | board s | LP s | slowest LP s | worker LP columns "
        "| note |\n"
        "|---:|---|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n"
    )
    body = "".join(
        f"| {r.goods:,} | {desc} | {gen:.2f} | {r.rule} | {r.status} | {r.rounds} "
        f"| {_fmt(r.to_5, 'd')} | {r.final_excess:.4f} | {r.seconds:.2f} | {r.per_round:.3f} "
        f"| {r.proposal_seconds:.2f} | {r.board_seconds:.2f} | {_fmt(r.lp_seconds, '.2f')} "
        f"| {_fmt(r.lp_max_seconds, '.2f')} | {_fmt(r.lp_cols, ',')} | {r.note} |\n"
        for r, gen, desc in runs
    )
    return (
        "## Scaling: rounds and time by size and rule\n\n"
        + header(started)
        + "Pequod economies, seed "
        f"{args.seed}, goods per category {', '.join(map(str, args.sizes))} (goods = 5 × "
        "that), worker councils the multiple of 3 × goods per category nearest 5 × goods, "
        "consumer councils 5 × goods"
        + (
            f"; where a consumer would weigh more than {args.consumer_goods} goods it weighs "
            f"{args.consumer_goods} (`consumer_goods`), so the largest economies stay sparse"
            if args.consumer_goods
            else ""
        )
        + ". Max rounds "
        + ", ".join(f"{k} {v}" for k, v in args.max_rounds.items() if k in args.rules)
        + f"; wall-time budget {args.max_seconds:g} s per run (*stopped*: budget exhausted; "
        "the LP's HiGHS time limit is what is left of it). *proposals*: simulated councils' "
        "proposals; *board*: aggregation, evaluation and price rule (incl. building and "
        "solving the LP); *LP s*: HiGHS solve time summed over rounds; *worker LP columns*: "
        "worker proposals the lp rule keeps as master-LP columns at the end.\n\n" + head + body
    )


def timed_rounds_table(runs: list[Run]) -> str:
    head = (
        "| rule | rounds | LP rounds | status | s / round | proposals s / round "
        "| board s / round | LP s / LP round | slowest LP s | excess after last round | note |\n"
        "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---|\n"
    )
    body = "".join(
        f"| {r.rule} | {r.rounds} | {r.lp_rounds} | {r.status} | {r.per_round:.3f} "
        f"| {r.proposal_seconds / max(r.rounds, 1):.3f} | {r.board_seconds / max(r.rounds, 1):.3f} "
        f"| {_fmt(r.lp_seconds / r.lp_rounds if r.lp_seconds is not None else None, '.3f')} "
        f"| {_fmt(r.lp_max_seconds, '.3f')} | {r.final_excess:.4f} | {r.note} |\n"
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


def section_large(args: argparse.Namespace, started: str) -> str:
    """Seconds per round at 60,000 councils and 500 goods (pequod-plus)."""
    gpc, nw, nc = args.large
    t0 = time.perf_counter()
    market = pequod_market(pequod_economy(nw, nc, gpc, pollutant=True, seed=args.seed))
    gen = time.perf_counter() - t0
    print(f"large: {market.n_items} items, {councils_of(market):,} councils, gen {gen:.2f} s")
    runs = []
    for rule in args.rules:
        extra = 10 if rule == "hybrid" else 0  # its first rounds (up to 10) are tatonnement
        run = timed_run(args, market, rule, "large", args.large_rounds + extra)
        runs.append(run)
        print(f"large {rule}: {run.per_round:.3f} s/round over {run.rounds} rounds", flush=True)
    return (
        "## 60,000 councils, 500 goods: seconds per round\n\n"
        + header(started)
        + f"Pequod-plus economy: {gpc} goods per category + pollutant ({market.n_items} items), "
        f"{nw:,} worker + {nc:,} consumer councils, seed {args.seed}; generated in {gen:.2f} s. "
        f"The first {args.large_rounds} rounds of tatonnement and lp and the first "
        f"{args.large_rounds} + 10 of hybrid (*timed*: stopped there on purpose; *converged*: "
        "converged earlier). "
        "Published Pequod-plus: about 120 s per iteration; goal: under 2 s. Note that the "
        "hybrid rule plays tatonnement in its first rounds (until the largest excess is below "
        "0.3, at most 10 rounds), so its *s / round* mixes both kinds of round. An lp round "
        "is up to 11 LP solves (column generation over the board's model of the councils); "
        "a round whose LP hit its time limit (what is left of the budget) keeps its prices."
        "\n\n" + timed_rounds_table(runs)
    )


def section_huge(args: argparse.Namespace, started: str) -> str:
    """One round at 10^5 goods and 10^6 consumer councils."""
    gpc, nw, nc, cg = args.huge
    t0 = time.perf_counter()
    eco = pequod_economy(nw, nc, gpc, consumer_goods=cg, seed=args.seed)
    market = pequod_market(eco)
    gen = time.perf_counter() - t0
    print(
        f"huge: {market.n_items:,} items, {councils_of(market):,} councils, gen {gen:.2f} s, "
        f"peak RSS {peak_rss_gib():.2f} GiB",
        flush=True,
    )
    runs = []
    for rule in args.huge_rules:
        run = timed_run(args, market, rule, "huge", 1)
        runs.append(run)
        print(
            f"huge {rule}: {run.seconds:.2f} s ({run.note}), peak RSS {peak_rss_gib():.2f} GiB",
            flush=True,
        )
    return (
        "## 10^5 goods, 10^6 consumer councils: one round\n\n"
        + header(started)
        + f"Pequod economy: {gpc:,} goods per category ({market.n_items:,} items), {nw:,} worker "
        f"+ {nc:,} consumer councils weighing {cg} goods each, seed {args.seed}, drawn by "
        f"`pequod_economy` in {gen:.2f} s. One round of each rule from the initial prices "
        "(for the lp rule a master LP seeded with 6 columns per worker council, then column "
        "generation). Goal: under 30 s on 2 cores. "
        f"Peak resident memory of the process: {peak_rss_gib():.2f} GiB.\n\n"
        + timed_rounds_table(runs)
    )


# --------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sections", nargs="+", choices=SECTIONS, default=list(SECTIONS))
    parser.add_argument("--rules", nargs="+", choices=RULES, default=list(RULES))
    parser.add_argument("--quick", action="store_true", help="small sizes only (< 1 minute)")
    parser.add_argument(
        "--max-seconds", type=float, default=300.0, help="wall-time budget per (economy, rule) run"
    )
    parser.add_argument(
        "--max-rounds",
        nargs="+",
        default=[],
        metavar="RULE=N",
        help="override max rounds (defaults: tatonnement 200, lp, hybrid and newton 60)",
    )
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[2, 20, 200, 2000], help="goods per category"
    )
    parser.add_argument(
        "--consumer-goods",
        type=int,
        default=400,
        help="scaling: goods each consumer weighs where there are more (0: all); note that "
        "pequod_economy's sparse draw rejects rows with a repeat, so keep it near sqrt(goods)",
    )
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument(
        "--seed", type=int, default=0, help="seed of the scaling/large/huge economies"
    )
    parser.add_argument("--pequod-workers", type=int, default=3000, help="and as many consumers")
    parser.add_argument("--pequod-gpc", type=int, default=10)
    parser.add_argument(
        "--large",
        type=int,
        nargs=3,
        default=[100, 30000, 30000],
        metavar=("GPC", "WORKERS", "CONSUMERS"),
    )
    parser.add_argument("--large-rounds", type=int, default=3)
    parser.add_argument(
        "--huge",
        type=int,
        nargs=4,
        default=[20000, 60000, 1_000_000, 20],
        metavar=("GPC", "WORKERS", "CONSUMERS", "CONSUMER_GOODS"),
    )
    parser.add_argument("--huge-rules", nargs="+", choices=RULES, default=["tatonnement", "lp"])
    parser.add_argument(
        "--lp-option",
        nargs="+",
        default=[],
        metavar="KEY=VALUE",
        help="LPRule options for lp and hybrid, e.g. damping=0.3 grid_steps=20",
    )
    parser.add_argument(
        "--label", default="", help="suffix of the output blocks, to keep variants side by side"
    )
    parser.add_argument("--verbose", action="store_true", help="print every round")
    parser.add_argument("--out", type=FilePath, default=FilePath("benchmarks/results/planning.md"))
    args = parser.parse_args(argv)
    max_rounds = {"tatonnement": 200, "lp": 60, "hybrid": 60, "newton": 60}
    for item in args.max_rounds:
        name, _, n = item.partition("=")
        if name not in max_rounds or not n.isdigit():
            parser.error(f"--max-rounds: expected RULE=N, got {item!r}")
        max_rounds[name] = int(n)
    args.max_rounds = max_rounds
    args.lp_options = {}
    for item in args.lp_option:
        key, _, value = item.partition("=")
        if not value:
            parser.error(f"--lp-option: expected KEY=VALUE, got {item!r}")
        lowered = value.lower()
        if lowered in ("true", "false"):
            args.lp_options[key] = lowered == "true"
        elif lowered == "none":
            args.lp_options[key] = None
        else:
            try:
                args.lp_options[key] = int(value)
            except ValueError:
                args.lp_options[key] = float(value)
    if args.lp_options and not args.label:
        parser.error("--lp-option needs --label, so the default blocks are not overwritten")
    if args.quick:
        args.sizes = [2, 20]
        args.seeds = args.seeds[:1]
        args.pequod_workers, args.pequod_gpc = 150, 10
        args.large, args.large_rounds = [20, 3000, 3000], 2
        args.huge = [200, 6000, 10_000, 20]
        args.max_seconds = min(args.max_seconds, 10.0)
    started = time.strftime("%Y-%m-%d %H:%M:%S")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    runners = {
        "pequod": section_pequod,
        "robustness": section_robustness,
        "autonomy": section_autonomy,
        "next-year": section_next_year,
        "io": section_io,
        "scaling": section_scaling,
        "large": section_large,
        "huge": section_huge,
    }
    for section in dict.fromkeys(args.sections):  # in the order given
        text = runners[section](args, started)
        if args.lp_options:
            settings = ", ".join(f"`{k}={v}`" for k, v in args.lp_options.items())
            title, _, rest = text.partition("\n")
            text = f"{title} (lp options {settings})\n{rest}"
        write_block(args.out, section + (f"-{args.label}" if args.label else ""), text)
        print(f"wrote section {section} to {args.out}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
