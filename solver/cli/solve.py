"""``parplan solve`` and ``parplan check``: the social-cost LP of one round, and the production
graph's checks."""

from __future__ import annotations

import argparse
import sys

import numpy as np

from solver.cli.common import EXIT_BAD_INPUT, EXIT_INFEASIBLE, EXIT_OK, economy_of, fmt
from solver.economy.model import Economy
from solver.lp.results import RoundResult
from solver.lp.solve import ModelPath
from solver.status import Method, SolutionStatus
from solver.usecases import (
    check_economy,
    numeraire,
    prices_in,
    requests_anything,
    solve_round,
    to_json,
)

__all__ = ["print_result", "run_check", "run_solve"]


def print_result(eco: Economy, result: RoundResult, top: int) -> None:
    """Print one round's LP result for people to read."""
    print(
        f"economy      {eco.name}: {len(result.goods)} goods, {len(result.techniques)} techniques"
    )
    print(f"termination  {result.termination.value}")
    print(f"solution     {result.solution.value}")
    print(f"method       {result.method.value} ({result.path} path), {result.solve_seconds:.3f} s")
    if result.objective is not None:
        print(f"social cost  {result.objective:.10g} {numeraire(result.price_unit)}".rstrip())
    if result.price_unit:
        print(f"prices       {prices_in(result.price_unit, 'good')}")
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
    names, units = {g.id: g.name for g in eco.goods}, result.units
    print(f"\n{'good':<30} {'price':>12}  {'unit':<12}  name")
    for g, p in list(zip(result.goods, result.price.tolist(), strict=True))[:shown]:
        # + 0.0: never -0
        print(f"{g:<30} {p + 0.0:>12.6g}  {units.get(g, ''):<12}  {names.get(g, '')}".rstrip())
    if shown < n:
        print(f"... {n - shown} more goods (--top 0 shows all, --json gives everything)")
    print(f"\n{'primary input':<30} {'rent':>12}  unit")
    for p, r in result.rents.items():
        print(f"{p:<30} {r + 0.0:>12.6g}  {units.get(p, '')}".rstrip())
    if result.cap_rows:
        assert result.pollution_price is not None
        print(f"\n{'pollution cap':<30} {'price':>12}  unit")
        for (f, e), price in zip(result.cap_rows, result.pollution_price.tolist(), strict=True):
            print(f"{f + ' / ' + e:<30} {price + 0.0:>12.6g}  {units.get(e, '')}".rstrip())
    ratio = result.council_ratio
    if ratio is not None:
        active = ratio[~np.isnan(ratio)]
        print(
            f"\nworker councils: {len(result.councils)}, {active.size} active; "
            f"social benefit / social cost of the active ones: "
            f"min {fmt(float(active.min()) if active.size else None)}, "
            f"max {fmt(float(active.max()) if active.size else None)}"
        )


def run_solve(args: argparse.Namespace) -> int:
    """``parplan solve``: one round's social-cost LP."""
    eco = economy_of(args)
    if not requests_anything(eco):
        raise ValueError(
            f"solve: {eco.name} requests nothing (no consumer council or federation asks for "
            "any good), so the cheapest plan makes nothing and every price is 0; give it "
            "requests, or run a planning session, where councils propose from their "
            "preferences: parplan plan"
            + (f" --example {args.example}" if not args.economy else f" {args.economy}")
        )
    result = solve_round(
        eco,
        method=Method(args.method),
        path=ModelPath(args.path),
        time_limit=args.time_limit,
        elastic=not args.hard,
        check=not args.no_check,
        write_lp=args.write_lp,
    )
    if args.write_lp is not None:
        print(f"wrote the round's LP to {args.write_lp}", file=sys.stderr)
    if args.json:
        sys.stdout.write(to_json(result.to_dict(), indent=1) + "\n")
    else:
        print_result(eco, result, args.top)
    if result.solution is SolutionStatus.NO_SOLUTION or result.shortfalls():
        return EXIT_INFEASIBLE
    return EXIT_OK


def run_check(args: argparse.Namespace) -> int:
    """``parplan check``: validate an economy and its production graph."""
    eco = economy_of(args)
    report = check_economy(eco)
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
