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
* ``technique-choice`` linear worker councils choosing between techniques (``parplan generate
               technique-choice``), 300 and 2,000 goods by default: rounds and seconds a round;
* ``large``    60,000 councils and 500 goods (pequod-plus): a few rounds of each rule, the
               councils' proposals timed apart from the board's work;
* ``huge``     10^5 goods and 10^6 consumer councils: economy generation, then each rule
               played to tolerance 0.01 or ``--huge-rounds`` rounds.

Every (economy, rule) run has a wall-time budget (``--max-seconds``); a run that exceeds it is
reported as *stopped*, and the LP's HiGHS time limit is set to what is left of the budget so
that a single round cannot overrun it by much. Each section writes its own block of the
output file, so sections run separately are merged into one report.

    python benchmarks/bench_planning.py --sections pequod scaling --max-seconds 300
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path as FilePath

from planning_examples import section_autonomy, section_pequod, section_robustness
from planning_runs import RULES, SECTIONS, write_block
from planning_tables import (
    section_huge,
    section_io,
    section_large,
    section_next_year,
    section_scaling,
)
from planning_techniques import section_technique_choice


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
    parser.add_argument(
        "--technique-goods",
        type=int,
        nargs="+",
        default=[300, 2000],
        help="technique-choice: goods of each economy",
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
        "--huge-rounds", type=int, default=10, help="most rounds of each rule in 'huge'"
    )
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
        args.technique_goods = [30, 100]
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
        "technique-choice": section_technique_choice,
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
