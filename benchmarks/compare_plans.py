"""Behaviour before and after a re-layout, field by field: plans of every bundled example by
every rule, single round LPs, the Pequod setting by each way the lp rule solves a round,
and worker councils by rules the board does not know.

Write the plans of a tree, then compare two such files::

    git worktree add /tmp/base <commit>
    (cd /tmp/base && PYTHONPATH=/tmp/base python /path/to/compare_plans.py base.json)
    PYTHONPATH=. python benchmarks/compare_plans.py head.json
    python benchmarks/compare_plans.py --diff base.json head.json

It imports only modules every layout since the use-case package has kept, so that an older
tree runs it too.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import sys
from pathlib import Path
from typing import Any

EXAMPLES = ("planning-town", "germany-1995-planning", "usa-2014-planning")
RULES = ("lp", "tatonnement", "hybrid", "newton")


def _entry(status: str, rounds: int, prices: Any, excess: float) -> dict[str, Any]:
    return {
        "status": status,
        "rounds": rounds,
        "prices": [float(p) for p in prices],
        "max_excess": float(excess),
    }


def plans() -> dict[str, dict[str, Any]]:
    """Every case (see the module) by name."""
    from solver.economy.model import load_economy
    from solver.lp.solve import solve_round
    from solver.planning.from_economy import market_from_economy
    from solver.planning.result import PlanStatus
    from solver.planning.session import PlanningSession
    from solver.scenarios.bundled import bundled_examples
    from solver.scenarios.council_rules import (
        PartialAdjustment,
        RoundPricedEffort,
        proposals_by_rule,
    )
    from solver.scenarios.pequod import pequod_economy, pequod_market

    out: dict[str, dict[str, Any]] = {}
    files = bundled_examples()
    for example in EXAMPLES:
        market = market_from_economy(load_economy(files[example]))
        for rule in RULES:
            r = PlanningSession(market, rule, tolerance=0.01, max_rounds=300).run()
            out[f"{example}/{rule}"] = _entry(
                r.status.value, len(r.rounds), r.final.prices, r.final.max_excess
            )
        for label, make in (("round-priced", RoundPricedEffort), ("half way", PartialAdjustment)):
            session = PlanningSession(market, "lp", tolerance=0.01, max_rounds=30)
            council = make()
            while session.status is PlanStatus.RUNNING:
                session.close_round(proposals_by_rule(market, session.prices, council))
            last = session.rounds[-1]
            out[f"{example}/lp, {label}"] = _entry(
                session.status.value, len(session.rounds), last.next_prices, last.max_excess
            )
    for example in ("germany-1995", "small-town", "hahnel-corn", "planning-town"):
        solved = solve_round(load_economy(files[example]))
        prices = [*solved.price, solved.objective or 0.0] if solved.price is not None else []
        out[f"solve/{example}"] = _entry(solved.termination.value, 0, prices, 0.0)
    pequod = pequod_market(pequod_economy(seed=1))
    for label, rule, options in (
        ("model columns", "lp", {}),
        ("stabilised centre", "lp", {"model_columns": False}),
        ("refined windows", "lp", {"model_columns": False, "stabilise": False}),
        ("hybrid", "hybrid", {}),
    ):
        r = PlanningSession(pequod, rule, tolerance=0.03, max_rounds=6, rule_options=options).run()
        out[f"pequod/{label}"] = _entry(
            r.status.value, len(r.rounds), r.final.prices, r.final.max_excess
        )
    return out


def diff(before: dict[str, Any], after: dict[str, Any]) -> int:
    """Print both sides of every case; 1 if any status, round count or price differs."""
    differs = 0
    for name in sorted(before.keys() | after.keys()):
        a, b = before.get(name), after.get(name)
        if a is None or b is None:
            print(f"{name}: only in {'after' if a is None else 'before'}")
            differs = 1
            continue
        pairs = zip(a["prices"], b["prices"], strict=False)  # lengths are compared below
        gap = max((abs(p - q) / max(abs(p), abs(q), 1e-300) for p, q in pairs), default=0.0)
        same = (a["status"], a["rounds"], len(a["prices"])) == (
            b["status"],
            b["rounds"],
            len(b["prices"]),
        ) and gap == 0.0
        differs |= not same
        print(
            f"{name:42} {a['status']:>10} {a['rounds']:>3} | {b['status']:>10} {b['rounds']:>3}"
            f" | largest relative price difference {gap:.1e}{'' if same else '  <-- differs'}"
        )
    return differs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", help="OUT.json, or with --diff BEFORE AFTER")
    parser.add_argument("--diff", action="store_true", help="compare two files")
    args = parser.parse_args(argv)
    if args.diff:
        before, after = (json.loads(Path(f).read_text()) for f in args.files[:2])
        return diff(before, after)
    with contextlib.redirect_stdout(io.StringIO()):  # HiGHS's banner
        found = plans()
    Path(args.files[0]).write_text(json.dumps(found))
    print(f"wrote {len(found)} cases to {args.files[0]}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
