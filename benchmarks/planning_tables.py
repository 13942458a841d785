"""The planning benchmark's sections on next year's plan, the input-output tables and size:
next-year, io, scaling, large and huge."""

from __future__ import annotations

import argparse
import time
from pathlib import Path as FilePath

from bench_common import fmt, peak_rss_gib
from planning_runs import (
    AUTONOMY_EXAMPLES,
    IO_TOLERANCE,
    Run,
    councils_of,
    header,
    options_for,
    play,
    session_run,
    timed_rounds_table,
    timed_run,
)

from solver.economy.growth import next_year
from solver.economy.io import economy_from_io_table, read_io_table
from solver.economy.model import Economy, load_economy
from solver.planning.from_economy import market_from_economy
from solver.scenarios.bundled import bundled_examples
from solver.scenarios.io_examples import with_simulated_councils
from solver.scenarios.pequod import pequod_economy, pequod_market
from solver.usecases import LastYear, new_session

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


def io_economies() -> dict[str, Economy]:
    """The bundled IO planning examples, and the other tables in ``tests/data`` made into
    planning economies by the same recipe (``parplan import-io --simulate-councils 12``)."""
    examples = bundled_examples()
    economies = {
        name: load_economy(examples[name])
        for name in ("germany-1995-planning", "usa-2014-planning")
    }
    data = FilePath(__file__).resolve().parents[1] / "tests" / "data"
    for folder, (table_format, primary) in IO_TABLES.items():
        table = read_io_table(data / folder, format=table_format)
        economy = economy_from_io_table(table, [primary], name=folder)
        economies[folder] = with_simulated_councils(economy, n_consumer_councils=12, seed=0)
    return economies


def section_io(args: argparse.Namespace, started: str) -> str:
    """Real input-output tables with simulated linear councils, tolerance 0.01."""
    runs = []
    for name, economy in io_economies().items():
        market = market_from_economy(economy)
        for rule in args.rules:
            run = session_run(args, market, rule, name, tolerance=IO_TOLERANCE)
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
        f"| {fmt(r.lp_seconds, '.2f')} | {r.note} |\n"
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
            run = session_run(args, market, rule, f"{5 * gpc} goods")
            runs.append((run, gen, desc))
            print(
                f"scaling {5 * gpc} goods {rule}: {run.status} {run.rounds} rounds, "
                f"{run.seconds:.2f} s ({run.per_round:.3f} s/round, "
                f"LP {fmt(run.lp_seconds, '.2f')} s), "
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
        f"| {fmt(r.to_5, 'd')} | {r.final_excess:.4f} | {r.seconds:.2f} | {r.per_round:.3f} "
        f"| {r.proposal_seconds:.2f} | {r.board_seconds:.2f} | {fmt(r.lp_seconds, '.2f')} "
        f"| {fmt(r.lp_max_seconds, '.2f')} | {fmt(r.lp_cols, ',')} | {r.note} |\n"
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
    """10^5 goods and 10^6 consumer councils: each rule to tolerance 0.01 or
    ``--huge-rounds`` rounds."""
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
        run = play(
            market,
            rule,
            max_rounds=args.huge_rounds,
            budget=args.max_seconds,
            rule_options=options_for(args, rule),
            economy="huge",
            seed=args.seed,
            stop_at_max_rounds_label="timed",
            tolerance=IO_TOLERANCE,
        )
        runs.append(run)
        print(
            f"huge {rule}: {run.status} in {run.rounds} rounds, {run.seconds:.2f} s, "
            f"peak RSS {peak_rss_gib():.2f} GiB",
            flush=True,
        )
    return (
        "## 10^5 goods, 10^6 consumer councils: the plan\n\n"
        + header(started)
        + f"Pequod economy: {gpc:,} goods per category ({market.n_items:,} items), {nw:,} worker "
        f"+ {nc:,} consumer councils weighing {cg} goods each, seed {args.seed}, drawn by "
        f"`pequod_economy` in {gen:.2f} s. Each rule from the initial prices to tolerance "
        f"{IO_TOLERANCE} (*converged*), or stopped after {args.huge_rounds} rounds (*timed*) "
        f"or the wall-time budget of {args.max_seconds:g} s (*stopped*); for the lp rule a "
        "round is a master LP with a convexity row per product's worker councils, centred on "
        "the model's clearing prices, then column generation. Goals for lp: a round under "
        "30 s, every LP optimal, the plan within 10 minutes, on 2 cores. *slowest round*: "
        "proposals and board. Peak resident memory of the process: "
        f"{peak_rss_gib():.2f} GiB.\n\n" + plan_table(runs)
    )


def plan_table(runs: list[Run]) -> str:
    """Rounds, seconds in all and per round, and the LP's seconds and status of each run."""
    head = (
        "| rule | status | rounds | s in all | s / round | slowest round s | proposals s / round "
        "| board s / round | LP s / LP round | slowest LP s | LPs not optimal "
        "| excess after last round |\n"
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
    )
    body = "".join(
        f"| {r.rule} | {r.status} | {r.rounds} | {r.seconds:.1f} | {r.per_round:.2f} "
        f"| {max(r.round_seconds, default=float('nan')):.2f} "
        f"| {r.proposal_seconds / max(r.rounds, 1):.2f} | {r.board_seconds / max(r.rounds, 1):.2f} "
        f"| {fmt(r.lp_seconds / r.lp_rounds if r.lp_seconds is not None else None, '.2f')} "
        f"| {fmt(r.lp_max_seconds, '.2f')} | {r.lp_not_optimal if r.lp_rounds else '–'} "
        f"| {r.final_excess:.4f} |\n"
        for r in runs
    )
    return head + body
