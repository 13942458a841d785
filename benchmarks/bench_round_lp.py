"""Benchmark the round LP: build, hand-over and HiGHS solve time by size, path and method.

For each size a synthetic economy (:func:`solver.scenarios.synthetic_economy`) is generated,
its technology matrices and round LP are built, and every (path, method) pair is solved from
a freshly built model:

* build     technology matrices + RoundLP (shared by both paths);
* hand-over vectorised: ``HighsRoundModel(lp)`` (``passModel``);
            Pyomo: ``PyomoRoundModel(lp)`` (``create_pyomo_model``) + the first solve's
            ``set_instance`` (from Pyomo's own timer);
* solve     HiGHS ``run()`` alone (Pyomo: its ``optimize`` timer).

Duals (prices, rents, pollution prices) are compared with the vectorised simplex solution of
the same size (or, where simplex did not finish, the vectorised IPM-with-crossover one).

    python benchmarks/bench_round_lp.py --sizes 1000 10000 --methods simplex ipm pdlp
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import highspy
import numpy as np

from solver.economy.compiled import compile_economy
from solver.lp.build import RoundLP, build_round_lp
from solver.lp.highs_model import HighsRoundModel
from solver.lp.pyomo_model import PyomoRoundModel
from solver.lp.results import RoundResult
from solver.lp.solve import ModelPath, RoundSolver
from solver.scenarios.synthetic import synthetic_economy
from solver.status import Method

METHODS = {"simplex": Method.SIMPLEX, "ipm": Method.IPM, "pdlp": Method.PDLP}


@dataclass
class Row:
    size: int
    path: str
    method: str
    rows: int = 0
    cols: int = 0
    gen: float = float("nan")
    build: float = float("nan")
    handover: float = float("nan")
    solve: float = float("nan")
    wall: float = float("nan")
    objective: float | None = None
    status: str = ""
    dual_diff: str = ""
    note: str = ""

    @property
    def ratio(self) -> float:
        return self.handover / self.solve if self.solve > 0 else float("nan")


def _duals(r: RoundResult) -> np.ndarray | None:
    if r.price is None or r.rent is None or r.pollution_price is None:
        return None
    return np.concatenate([r.price, r.rent, r.pollution_price])


def _run_vectorised(lp: RoundLP, method: Method, time_limit: float) -> tuple[float, RoundResult]:
    start = time.perf_counter()
    solver = RoundSolver(lp, ModelPath.VECTORISED)  # HighsRoundModel(lp): passModel
    handover = time.perf_counter() - start
    assert isinstance(solver.model, HighsRoundModel)
    return handover, solver.solve(method, time_limit)


def _run_pyomo(lp: RoundLP, method: Method, time_limit: float) -> tuple[float, float, RoundResult]:
    start = time.perf_counter()
    solver = RoundSolver(lp, ModelPath.PYOMO)  # create_pyomo_model + persistent solver
    construct = time.perf_counter() - start
    assert isinstance(solver.model, PyomoRoundModel)
    result = solver.solve(method, time_limit)
    timer = solver.model.solver._last_results_object.timing_info.timer
    set_instance = timer.get_total_time("set_instance")
    optimize = timer.get_total_time("optimize")
    return construct + set_instance, optimize, result


def _fmt(x: float | None, spec: str = ".3g") -> str:
    if x is None or (isinstance(x, float) and not np.isfinite(x)):
        return "–"
    return format(x, spec)


def _table(rows: list[Row], args: argparse.Namespace, started: str) -> str:
    head = (
        "| size (goods) | rows × cols | path | method | gen s | build s | hand-over s | solve s "
        "| overhead ratio | objective | status | max abs dual diff | note |\n"
        "|---:|---:|---|---|---:|---:|---:|---:|---:|---:|---|---:|---|\n"
    )
    body = "".join(
        f"| {r.size:,} | {r.rows:,} × {r.cols:,} | {r.path} | {r.method} | {_fmt(r.gen, '.2f')} "
        f"| {_fmt(r.build, '.2f')} | {_fmt(r.handover, '.3f')} | {_fmt(r.solve, '.2f')} "
        f"| {_fmt(r.ratio, '.3f')} | {_fmt(r.objective, '.10g')} | {r.status} | {r.dual_diff} "
        f"| {r.note} |\n"
        for r in rows
    )
    machine = (
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPU(s), "
        f"Python {platform.python_version()}, HiGHS {highspy.Highs().version()}"
    )
    return (
        "# Round LP benchmark\n\n"
        f"Started {started}; machine: {machine}.\n\n"
        f"Command: `python benchmarks/bench_round_lp.py {' '.join(sys.argv[1:])}`\n\n"
        "Synthetic economies (`solver.scenarios.synthetic_economy`, seed "
        f"{args.seed}): 3 techniques per good, 8 inputs per technique. *gen*: economy "
        "generation incl. pydantic validation; *build*: technology matrices + RoundLP; "
        "*hand-over*: vectorised `HighsRoundModel(lp)` (passModel), Pyomo "
        "`create_pyomo_model` + first solve's `set_instance`; *solve*: HiGHS run only; "
        "*overhead ratio* = hand-over / solve; *max abs dual diff*: prices, rents and "
        "pollution prices against the reference solution of the same size (vectorised "
        "simplex, or IPM where simplex did not finish). Time limit per solve (s): "
        + ", ".join(f"{m} {t:g}" for m, t in args.limits.items())
        + f". The Pyomo path is skipped above {args.pyomo_max_goods:,} "
        "goods (it takes minutes to build).\n\n" + head + body
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--methods", nargs="+", choices=list(METHODS), default=list(METHODS))
    parser.add_argument(
        "--paths",
        nargs="+",
        choices=[p.value for p in ModelPath],
        default=[p.value for p in ModelPath],
    )
    parser.add_argument("--time-limit", type=float, default=600.0, help="seconds per solve")
    parser.add_argument(
        "--method-time-limit",
        nargs="+",
        default=[],
        metavar="METHOD=SECONDS",
        help="per-method time limit overriding --time-limit, e.g. simplex=300",
    )
    parser.add_argument(
        "--pyomo-max-goods", type=int, default=10_000, help="skip the Pyomo path above this"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/round_lp.md"))
    args = parser.parse_args(argv)
    limits = {m: args.time_limit for m in METHODS}
    for item in args.method_time_limit:
        name, _, seconds = item.partition("=")
        if name not in METHODS or not seconds:
            parser.error(f"--method-time-limit: expected METHOD=SECONDS, got {item!r}")
        limits[name] = float(seconds)
    args.limits = limits
    started = time.strftime("%Y-%m-%d %H:%M:%S")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    rows: list[Row] = []

    def emit(row: Row) -> None:
        rows.append(row)
        args.out.write_text(_table(rows, args, started))
        print(
            f"{row.size} {row.path} {row.method}: hand-over {row.handover:.3f} s, "
            f"solve {row.solve:.2f} s, {row.status}, obj {row.objective}, dual diff "
            f"{row.dual_diff} {row.note}",
            flush=True,
        )

    # Simplex first: it is the reference for the duals.
    methods = sorted(args.methods, key=list(METHODS).index)
    paths = [ModelPath(p) for p in sorted(args.paths, key=[p.value for p in ModelPath].index)]
    for size in args.sizes:
        t0 = time.perf_counter()
        economy = synthetic_economy(size, seed=args.seed)
        t1 = time.perf_counter()
        lp = build_round_lp(compile_economy(economy))
        t2 = time.perf_counter()
        gen, build = t1 - t0, t2 - t1
        print(f"{size} goods: generated in {gen:.2f} s, built in {build:.2f} s", flush=True)
        reference: tuple[str, np.ndarray] | None = None
        for path in paths:
            for name in methods:
                row = Row(size, path.value, name, lp.n_rows, lp.n_cols, gen, build)
                if path is ModelPath.PYOMO and size > args.pyomo_max_goods:
                    row.status = "skipped"
                    row.note = f"Pyomo path skipped above {args.pyomo_max_goods:,} goods"
                    emit(row)
                    continue
                start = time.perf_counter()
                if path is ModelPath.VECTORISED:
                    row.handover, result = _run_vectorised(lp, METHODS[name], limits[name])
                    row.solve = result.solve_seconds
                else:
                    row.handover, row.solve, result = _run_pyomo(lp, METHODS[name], limits[name])
                row.wall = time.perf_counter() - start
                row.objective = result.objective
                row.status = result.termination.value
                if result.is_ok and result.shortfalls():
                    row.note = f"{len(result.shortfalls())} shortfalls"
                duals = _duals(result) if result.is_ok else None
                if (
                    duals is not None
                    and reference is None
                    and path is ModelPath.VECTORISED
                    and name in ("simplex", "ipm")
                ):
                    reference = (name, duals)
                if duals is not None and reference is not None:
                    diff = float(np.max(np.abs(duals - reference[1])))
                    row.dual_diff = f"{diff:.1e}" + (
                        "" if reference[0] == "simplex" else f" (vs {reference[0]})"
                    )
                elif duals is None:
                    row.dual_diff = "no duals" if not result.has_duals else "–"
                emit(row)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
