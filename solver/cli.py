"""Command line: ``parplan solve``, ``parplan import-io``, ``parplan check``, ``parplan schema``.

Errors in the input are printed as one line per offending field and give exit status 2;
a round whose requests cannot be met prints its feasibility report and gives exit status 1.
No traceback reaches the user for bad input.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from importlib import resources
from pathlib import Path as FsPath
from typing import Any

import numpy as np

from .economy import (
    Economy,
    EconomyValidationError,
    economy_json_schema,
    load_economy,
    save_economy,
)
from .highs_backend import configure_threads
from .production import ProductionError, check_production
from .results import RoundResult
from .solve import Path, solve_round
from .status import Method, SolutionStatus

__all__ = ["main"]

EXIT_OK, EXIT_INFEASIBLE, EXIT_BAD_INPUT = 0, 1, 2


def bundled_examples() -> dict[str, FsPath]:
    """Name -> path of the example economies shipped with the package."""
    folder = resources.files("solver") / "examples"
    return {
        FsPath(str(p)).stem.replace("_", "-"): FsPath(str(p))
        for p in folder.iterdir()
        if str(p).endswith(".json")
    }


def _load(args: argparse.Namespace) -> Economy:
    if args.economy is not None:
        return load_economy(args.economy)
    examples = bundled_examples()
    if args.example not in examples:
        raise ValueError(
            f"example: unknown example {args.example!r}; choose from {', '.join(sorted(examples))}"
        )
    return load_economy(examples[args.example])


def _fmt(v: float | None) -> str:
    return "-" if v is None else f"{v:.6g}"


def _print_result(eco: Economy, result: RoundResult, top: int) -> None:
    print(
        f"economy      {eco.name}: {len(result.goods)} goods, {len(result.techniques)} techniques"
    )
    print(f"termination  {result.termination.value}")
    print(f"solution     {result.solution.value}")
    print(f"method       {result.method.value} ({result.path} path), {result.solve_seconds:.3f} s")
    if result.objective is not None:
        print(f"social cost  {result.objective:.10g}")
    for note in result.notes:
        print(f"note         {note}")
    short = result.shortfalls()
    if result.has_solution or short:
        if short:
            print(f"\nFEASIBILITY: {len(short)} request(s) cannot be met")
            print(f"  {'good':<30} {'required':>14} {'shortfall':>14}")
            for s in short:
                print(f"  {s.good:<30} {s.required:>14.6g} {s.shortfall:>14.6g}")
        else:
            print("feasible     every request is met")
    if not result.has_duals:
        print("\nno prices: the solver returned no dual solution")
        return
    assert result.price is not None and result.activity is not None
    n = len(result.goods)
    shown = n if top <= 0 else min(top, n)
    names = {g.id: g.name for g in eco.goods}
    print(f"\n{'good':<30} {'price':>12}  name")
    for g, p in list(zip(result.goods, result.price.tolist(), strict=True))[:shown]:
        print(f"{g:<30} {p:>12.6g}  {names.get(g, '')}")
    if shown < n:
        print(f"... {n - shown} more goods (--top 0 shows all, --json gives everything)")
    print(f"\n{'primary input':<30} {'rent':>12}")
    for p, r in result.rents().items():
        print(f"{p:<30} {r:>12.6g}")
    if result.cap_rows:
        assert result.pollution_price is not None
        print(f"\n{'pollution cap':<30} {'price':>12}")
        for (f, e), price in zip(result.cap_rows, result.pollution_price.tolist(), strict=True):
            print(f"{f + ' / ' + e:<30} {price:>12.6g}")
    ratio = result.council_ratio
    if ratio is not None:
        active = ratio[~np.isnan(ratio)]
        print(
            f"\nworker councils: {len(result.councils)}, {active.size} active; "
            f"social benefit / social cost of the active ones: "
            f"min {_fmt(float(active.min()) if active.size else None)}, "
            f"max {_fmt(float(active.max()) if active.size else None)}"
        )


def _cmd_solve(args: argparse.Namespace) -> int:
    eco = _load(args)
    result = solve_round(
        eco,
        method=Method(args.method),
        path=Path(args.path),
        time_limit=args.time_limit,
        elastic=not args.hard,
        check=not args.no_check,
    )
    if args.json:
        json.dump(result.to_dict(), sys.stdout, indent=1, allow_nan=False)
        sys.stdout.write("\n")
    else:
        _print_result(eco, result, args.top)
    if result.solution is SolutionStatus.NO_SOLUTION or result.shortfalls():
        return EXIT_INFEASIBLE
    return EXIT_OK


def _cmd_check(args: argparse.Namespace) -> int:
    eco = _load(args)
    report = check_production(eco)
    radius = (
        "n/a (not a square Leontief system)"
        if report.spectral_radius is None
        else f"{report.spectral_radius:.6g}"
    )
    print(f"economy          {eco.name}")
    print(f"spectral radius  {radius}")
    if report.ok:
        print("production       every requested good can be produced, sustainably")
        return EXIT_OK
    for p in report.problems():
        print(f"error: {p}", file=sys.stderr)
    return EXIT_BAD_INPUT


def _cmd_import_io(args: argparse.Namespace) -> int:
    from .io_tables import economy_from_io_table, io_table_summary, read_io_table

    table = read_io_table(args.path, format=args.format)
    primaries: list[str] = args.primary or [next(iter(table.primary))]
    eco = economy_from_io_table(
        table,
        primaries,
        negative_demand=args.negative_demand,
        negative_coefficients=args.negative_coefficients,
        name=args.name,
    )
    print(io_table_summary(table), file=sys.stderr)
    if args.out:
        save_economy(eco, args.out)
        print(f"wrote {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(eco.model_dump_json(indent=1, exclude_defaults=True) + "\n")
    return EXIT_OK


def _cmd_examples(args: argparse.Namespace) -> int:
    for name, path in sorted(bundled_examples().items()):
        eco = load_economy(path)
        summary = eco.description.splitlines()[0] if eco.description else ""
        print(f"{name:<20} {len(eco.goods):>5} goods  {summary}")
    return EXIT_OK


def _cmd_schema(args: argparse.Namespace) -> int:
    sys.stdout.write(economy_json_schema())
    return EXIT_OK


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="parplan",
        description="Participatory planning solver: the round's social-cost LP and its prices.",
    )
    p.add_argument("--threads", type=int, default=None, help="HiGHS threads for this process")
    sub = p.add_subparsers(dest="command", required=True)

    def economy_args(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("economy", nargs="?", type=FsPath, help="economy JSON file")
        sp.add_argument(
            "--example",
            default="germany-1995",
            help="bundled example to use when no file is given (default: germany-1995; "
            "see `parplan examples`)",
        )

    s = sub.add_parser("solve", help="solve the round's LP and print prices, rents and the plan")
    economy_args(s)
    s.add_argument("--json", action="store_true", help="print the whole result as JSON")
    s.add_argument("--method", choices=[m.value for m in Method], default=Method.AUTO.value)
    s.add_argument("--path", choices=[m.value for m in Path], default=Path.VECTORISED.value)
    s.add_argument("--time-limit", type=float, default=None, metavar="SECONDS")
    s.add_argument(
        "--hard", action="store_true", help="requests are hard constraints (no shortfall)"
    )
    s.add_argument("--no-check", action="store_true", help="skip the production-graph checks")
    s.add_argument("--top", type=int, default=30, help="goods to list (0: all)")
    s.set_defaults(func=_cmd_solve)

    c = sub.add_parser("check", help="check the production graph (reachability, productivity)")
    economy_args(c)
    c.set_defaults(func=_cmd_check)

    i = sub.add_parser("import-io", help="build an economy from input-output table CSV files")
    i.add_argument("path", type=FsPath, help="folder with the table's CSV files")
    i.add_argument("--format", default="generic", help="table layout (see README; default generic)")
    i.add_argument("--primary", action="append", help="primary-input row to use (repeatable)")
    i.add_argument("--negative-demand", choices=["stock", "clip"], default="stock")
    i.add_argument("--negative-coefficients", choices=["byproduct", "clip"], default="byproduct")
    i.add_argument("--name", default=None, help="economy name")
    i.add_argument("--out", "-o", type=FsPath, default=None, help="output file (default stdout)")
    i.set_defaults(func=_cmd_import_io)

    sc = sub.add_parser("schema", help="print the JSON schema of an economy file")
    sc.set_defaults(func=_cmd_schema)

    ex = sub.add_parser("examples", help="list the bundled example economies")
    ex.set_defaults(func=_cmd_examples)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args: Any = _parser().parse_args(argv)
    try:
        if args.threads is not None:
            configure_threads(args.threads)
        return int(args.func(args))
    except EconomyValidationError as err:
        for problem in err.problems:
            print(f"error: {problem}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except ProductionError as err:
        for problem in err.problems:
            print(f"error: {problem}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (OSError, ValueError) as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
