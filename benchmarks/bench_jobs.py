"""Benchmark balanced job complexes: one large workplace, and a society of many.

    python benchmarks/bench_jobs.py                       # both sections, default sizes
    python benchmarks/bench_jobs.py --workplace 1000 200 --society 1000 10 10

*workplace*: one workplace of M members and T tasks (``solver.scenarios.synthetic_society``),
balanced towards its own averages. *society*: W workplaces of M members and T tasks each,
balanced across workplaces towards the society's averages (and each alone, for the
comparison). Times are wall-clock seconds in one process: model building in Pyomo, HiGHS,
and the reports. Results go to ``benchmarks/results/jobs.md``.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from bench_common import machine, solver_version

from solver.jobs.balance import balance_society, balance_workplace
from solver.scenarios.societies import synthetic_society

RESULTS = Path(__file__).resolve().parent / "results" / "jobs.md"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workplace", nargs=2, type=int, default=[1000, 200], metavar=("M", "T"))
    parser.add_argument(
        "--society", nargs=3, type=int, default=[1000, 10, 10], metavar=("W", "M", "T")
    )
    parser.add_argument("--sections", nargs="+", default=["workplace", "society"])
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    started = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Job balancing benchmark\n\n",
        f"Started {started}; machine: {machine()}; commit {solver_version()}.\n\n",
        f"Command: `python benchmarks/bench_jobs.py {' '.join(sys.argv[1:])}`\n\n",
        "Synthetic workplaces (`solver.scenarios.synthetic_society`, seed 0): task hours 5-40, "
        "ratings drawn around a mean per workplace, a fifth of the tasks needing one of five "
        "qualifications that half the members hold, members offering 5 % more hours than "
        "the tasks need. Tolerance 0.05 of the rating scale.\n\n",
        "| case | members | tasks | generate s | balance s | status | largest deviation | "
        "alone | hours away |\n|---|---:|---:|---:|---:|---|---:|---:|---:|\n",
    ]
    if "workplace" in args.sections:
        m, t = args.workplace
        start = time.perf_counter()
        society = synthetic_society(1, m, t)
        made = time.perf_counter() - start
        start = time.perf_counter()
        report = balance_workplace(society.workplaces[0])
        took = time.perf_counter() - start
        r = report.result
        row = (
            f"| one workplace | {m:,} | {t:,} | {made:.2f} | {took:.2f} | {r.status.value} | "
            f"{r.largest_deviation if r.largest_deviation is not None else float('nan'):.4f} "
            "| – | – |\n"
        )
        print(row, end="", flush=True)
        lines.append(row)
    if "society" in args.sections:
        w, m, t = args.society
        start = time.perf_counter()
        society = synthetic_society(w, m, t)
        made = time.perf_counter() - start
        start = time.perf_counter()
        result = balance_society(society)
        took = time.perf_counter() - start
        statuses = sorted({x.result.status.value for x in result.workplaces})
        row = (
            f"| {w:,} workplaces across (groups of 8) | {w * m:,} | {w * t:,} | {made:.2f} | "
            f"{took:.2f} | {', '.join(statuses)} | {result.largest_deviation():.4f} | "
            f"{result.largest_deviation(result.alone):.4f} | "
            f"{result.away_hours:,.0f} |\n"
        )
        print(row, end="", flush=True)
        lines.append(row)
    lines.append(
        "\n*balance s* for the society includes balancing every workplace alone as well (for "
        "the *alone* column and the 'before' of the reports).\n"
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("".join(lines))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
