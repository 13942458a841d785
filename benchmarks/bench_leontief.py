"""Benchmark the round LP's Leontief path against a cold HiGHS interior point solve.

For each size a synthetic technique-choice economy (:func:`solver.scenarios.synthetic_economy`,
three single-output techniques per good) with every limit lifted
(:func:`solver.economy.edits.without_limits`) is built; its round LP is then solved by the
Leontief path (:mod:`solver.lp.leontief_path`: value iteration, Jacobi sweeps, a duality
certificate) and by HiGHS's IPM with crossover from a freshly loaded model. Reported side by
side, in one run: each solve's time, their ratio, the largest relative difference of the
prices, the objectives, and the time of the checks and the build that ``parplan solve``
runs before either.

    python benchmarks/bench_leontief.py --sizes 10000 100000
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
from bench_common import machine, peak_rss_gib, solver_version

from solver.economy.compiled import compile_economy
from solver.economy.edits import without_limits
from solver.economy.production import check_production
from solver.lp.build import build_round_lp
from solver.lp.solve import RoundSolver
from solver.scenarios.synthetic import synthetic_economy
from solver.status import Method, TerminationCondition


def _row(n_goods: int, seed: int, time_limit: float) -> str:
    started = time.perf_counter()
    economy = without_limits(synthetic_economy(n_goods, seed=seed))
    generated = time.perf_counter() - started
    started = time.perf_counter()
    compiled = compile_economy(economy)
    report = check_production(economy, compiled.tech, radius=False)  # as solve_round checks
    lp = build_round_lp(compiled)
    prepared = time.perf_counter() - started
    assert report.ok
    fast = RoundSolver(lp).solve(Method.LEONTIEF)
    assert fast.method is Method.LEONTIEF, fast.notes
    cold = RoundSolver(lp).solve(Method.IPM, time_limit)
    optimal = cold.termination is TerminationCondition.OPTIMAL
    assert fast.price is not None
    if cold.price is not None:
        scale = np.maximum(np.abs(cold.price), 1e-12)
        gap = f"{float(np.max(np.abs(fast.price - cold.price) / scale)):.1e}"
    else:
        gap = "-"
    ratio = cold.solve_seconds / fast.solve_seconds
    whole = (prepared + cold.solve_seconds) / (prepared + fast.solve_seconds)
    return (
        f"| {n_goods:,} | {lp.n_cols:,} | {generated:.1f} | {prepared:.2f} | "
        f"{fast.solve_seconds:.3f} | {cold.solve_seconds:.2f}"
        f"{'' if optimal else ' (' + cold.termination.value + ')'} | {ratio:,.0f}x | "
        f"{whole:,.1f}x | {gap} | "
        f"{fast.objective:.10g} | {cold.objective if cold.objective is not None else '-'} |"
    )


def main(argv: list[str] | None = None) -> int:
    """Run the sizes and write the table (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000, 100000])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--time-limit", type=float, default=900.0, help="seconds for HiGHS")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/leontief.md"))
    args = parser.parse_args(argv)
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    lines = [
        "# The round LP's Leontief path against a cold HiGHS IPM solve",
        "",
        f"`python benchmarks/bench_leontief.py --sizes {' '.join(map(str, args.sizes))}`, "
        f"{started}; {machine()}; {solver_version()}. One run, both solves of each size "
        "side by side on the same LP. Synthetic technique-choice economies, three "
        "single-output techniques per good, every limit lifted. Seconds.",
        "",
        "| goods | columns | generate | compile + check + build | Leontief | HiGHS IPM "
        "(cold) | ratio | ratio with compile + check + build | max rel. price gap | "
        "objective (Leontief) | objective (IPM) |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for n in args.sizes:
        lines.append(_row(n, args.seed, args.time_limit))
        print(lines[-1], flush=True)
    lines += ["", f"Peak memory of the run: {peak_rss_gib():.1f} GiB."]
    args.out.write_text("\n".join(lines) + "\n")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
