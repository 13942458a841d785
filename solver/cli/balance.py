"""``parplan balance``: balanced job complexes in workplaces, and across them."""

from __future__ import annotations

import argparse
from typing import Any

from solver.cli.common import EXIT_INFEASIBLE, EXIT_OK
from solver.jobs.reports import BalanceStatus, WorkplaceReport
from solver.usecases import (
    DEFAULT_PARTNERS,
    DEFAULT_TOLERANCE,
    bundled_workplaces,
    close_figure,
    load_society,
    plot_balance,
    society_ratings,
    spread,
    to_json,
    workplace_ratings,
)

__all__ = ["print_balance", "run_balance"]


def run_balance(args: argparse.Namespace) -> int:
    """``parplan balance``: rate and balance a society's job complexes."""
    society = load_society(args.workplaces or bundled_workplaces())
    tolerance = DEFAULT_TOLERANCE if args.tolerance is None else args.tolerance
    partners = DEFAULT_PARTNERS if args.partners is None else args.partners
    if args.alone:
        reports, ratings = workplace_ratings(society, tolerance=tolerance)
        summary: dict[str, Any] = {
            "society": society.name,
            "mode": "alone",
            "workplaces": [r.to_dict() for r in reports],
        }
        statuses = [r.result.status for r in reports]
        complexes = [c for r in reports for c in r.result.complexes]
        befores = [c for r in reports for c in (r.before or [])]
        target_of = {r.workplace: r.result.target for r in reports}
    else:
        together, ratings = society_ratings(society, tolerance=tolerance, partners=partners)
        reports = together.workplaces
        summary = {"society": society.name, "mode": "across"} | together.to_dict()
        statuses = [r.result.status for r in reports]
        complexes = together.complexes
        befores = [c for r in together.alone for c in (r.before or [])]
        target_of = {r.workplace: together.target for r in reports}
    summary["ratings"] = ratings
    if args.plot is not None:
        close_figure(plot_balance(befores, complexes, name=society.name, path=args.plot))
    if args.json:
        print(to_json(summary, indent=2))
    else:
        print_balance(summary, reports, ratings, target_of, args.top)
    return EXIT_OK if all(s is BalanceStatus.BALANCED for s in statuses) else EXIT_INFEASIBLE


def print_balance(
    summary: dict[str, Any],
    reports: list[WorkplaceReport],
    ratings: dict[str, float],
    target_of: dict[str, tuple[float, float]],
    top: int,
) -> None:
    """Print a balance report for people to read."""
    mode = summary["mode"]
    print(f"society      {summary['society']}: {len(reports)} workplace(s), balanced {mode}")
    if summary["mode"] == "across":
        t = summary["target"]
        print(
            f"target       empowerment {t['empowerment']:.3f}, desirability "
            f"{t['desirability']:.3f} (society-wide, on 0-1)"
        )
        print(
            f"largest dev  {summary['largest_deviation']:.3f} across workplaces, "
            f"{summary['largest_deviation_balancing_alone']:.3f} balancing each alone; "
            f"{summary['away_hours']:.1f} hours worked away from home"
        )
    for report in reports:
        r = report.result
        worst = "-" if r.largest_deviation is None else f"{r.largest_deviation:.3f}"
        line = f"{report.workplace:<12} {r.status.value:<10} largest deviation {worst}"
        if report.before is not None:
            before = spread(report.before, target_of[report.workplace])
            after = r.spread() if r.complexes else None
            line += (
                f"; empowerment Gini {before['empowerment_gini']:.3f} ({report.before_kind})"
                + (f" -> {after['empowerment_gini']:.3f}" if after else "")
            )
        print(line)
        for reason in r.reasons:
            print(f"             reason: {reason}")
        shown = r.complexes if top <= 0 else r.complexes[:top]
        for c in shown:
            tasks = ", ".join(
                f"{t} {h:.1f} h" + ("" if w == report.workplace else f" at {w}")
                for (w, t), h in c.tasks.items()
                if h >= 0.05
            )
            print(
                f"  {c.member:<10} {c.hours:6.1f} h  empowerment {c.empowerment:.3f}  "
                f"desirability {c.desirability:.3f}  rating {ratings.get(c.member, 0):.3f}  "
                f"{tasks}"
            )
        if len(shown) < len(r.complexes):
            print(f"  ... {len(r.complexes) - len(shown)} more (--top 0 lists all)")
