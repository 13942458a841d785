"""Command line: ``parplan plan``, ``balance``, ``solve``, ``import-io``, ``check``, ``schema``,
``examples``.

Errors in the input are printed as one line per offending field and give exit status 2;
a round whose requests cannot be met, or a planning session that does not converge, prints
its report and gives exit status 1. No traceback reaches the user for bad input.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path as FsPath
from typing import Any

import numpy as np

from solver.economy.model import (
    Economy,
    EconomyValidationError,
    economy_json_schema,
    load_economy,
    save_economy,
)
from solver.economy.production import ProductionError, check_production
from solver.highs import configure_threads
from solver.jobs.balance import balance_society, balance_workplace
from solver.jobs.problem import DEFAULT_TOLERANCE
from solver.jobs.remuneration import economy_with_ratings, effort_ratings
from solver.jobs.reports import BalanceStatus, MemberComplex, WorkplaceReport, finite, spread
from solver.jobs.workplaces import WorkplaceValidationError, load_society
from solver.lp.results import RoundResult
from solver.lp.solve import Path, solve_round
from solver.planning.from_economy import market_from_economy
from solver.planning.market import Market
from solver.planning.result import (
    PlanResult,
    RoundRecord,
    compare_prices,
)
from solver.planning.rules.registry import PRICE_RULES, make_rule
from solver.planning.session import (
    PlanningSession,
    run_planning,
)
from solver.scenarios.bundled import (
    DEFAULT_PLANNING_EXAMPLE,
    bundled_examples,
    bundled_workplaces,
)
from solver.status import Method, SolutionStatus

__all__ = ["main"]

EXIT_OK, EXIT_INFEASIBLE, EXIT_BAD_INPUT = 0, 1, 2


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


class _Progress:
    """One line per round on stderr: a bar over ``max_rounds`` and the largest excess."""

    def __init__(self, max_rounds: int, tolerance: float, enabled: bool) -> None:
        self.max_rounds, self.tolerance, self.enabled = max_rounds, tolerance, enabled
        self.tty = sys.stderr.isatty()

    def __call__(self, record: RoundRecord) -> None:
        if not self.enabled:
            return
        width = 20
        done = min(width, round(width * record.round / self.max_rounds))
        bar = "#" * done + "." * (width - done)
        line = (
            f"[{bar}] round {record.round:>4}/{self.max_rounds}  max excess "
            f"{record.max_excess:8.4f} ({record.worst_item})  price change "
            f"{record.price_change:7.4f}  rejected {record.rejected}  {record.seconds:.2f} s"
        )
        end = "\r" if self.tty else "\n"
        print(line[:160].ljust(160 if self.tty else 0), end=end, file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.enabled and self.tty:
            print(file=sys.stderr)


def _planning_market(args: argparse.Namespace) -> Market:
    if args.pequod:
        if args.workplaces is not None:
            raise ValueError("workplaces: the Pequod economy has no consumer councils to rate")
        from solver.scenarios.pequod import pequod_economy, pequod_market

        return pequod_market(pequod_economy(pollutant=args.pollutant, seed=args.seed))
    economy = _load(args)
    if args.workplaces is not None:
        society = load_society(args.workplaces)
        ratings = effort_ratings(society, balance_society(society))
        economy = economy_with_ratings(economy, society, ratings)
    return market_from_economy(economy)


def _cmd_balance(args: argparse.Namespace) -> int:
    society = load_society(args.workplaces or bundled_workplaces())
    if args.alone:
        reports = [balance_workplace(w, tolerance=args.tolerance) for w in society.workplaces]
        ratings = effort_ratings(society, [r.result for r in reports])
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
        together = balance_society(society, tolerance=args.tolerance, partners=args.partners)
        reports = together.workplaces
        ratings = effort_ratings(society, together)
        summary = {"society": society.name, "mode": "across"} | together.to_dict()
        statuses = [r.result.status for r in reports]
        complexes = together.complexes
        befores = [c for r in together.alone for c in (r.before or [])]
        target_of = {r.workplace: together.target for r in reports}
    summary["ratings"] = ratings
    if args.plot is not None:
        _plot_balance(args.plot, befores, complexes, society.name)
    if args.json:
        print(json.dumps(finite(summary), indent=2, allow_nan=False))
    else:
        _print_balance(summary, reports, ratings, target_of, args.top)
    return EXIT_OK if all(s is BalanceStatus.BALANCED for s in statuses) else EXIT_INFEASIBLE


def _print_balance(
    summary: dict[str, Any],
    reports: list[WorkplaceReport],
    ratings: dict[str, float],
    target_of: dict[str, tuple[float, float]],
    top: int,
) -> None:
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


def _plot_balance(
    path: FsPath, before: list[MemberComplex], after: list[MemberComplex], name: str
) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as err:
        raise ValueError("plot: needs matplotlib (pip install -e '.[plot]')") from err
    fig, axes = plt.subplots(1, 2, figsize=(10, 4), sharey=True)
    bins = np.linspace(0.0, 1.0, 21)
    for ax, rating in zip(axes, ("empowerment", "desirability"), strict=True):
        for label, complexes in (("before", before), ("after", after)):
            values = [getattr(c, rating) for c in complexes if np.isfinite(getattr(c, rating))]
            ax.hist(values, bins=bins, alpha=0.6, label=label)
        ax.set_xlabel(f"{rating} of a member's complex (0-1)")
        ax.legend()
    axes[0].set_ylabel("members")
    fig.suptitle(f"{name}: job complexes before and after balancing")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def _print_plan(result: PlanResult, top: int) -> None:
    summary = result.to_dict(top=None)
    last = result.final
    print(f"economy      {summary['economy']}: {result.market.n_items} items")
    print(f"rule         {result.rule}")
    print(
        f"status       {result.status.value} after {len(result.rounds)} round(s)"
        f" (tolerance {result.tolerance:g})"
    )
    print(f"max excess   {last.max_excess:.4g} ({last.worst_item})")
    seconds = sum(r.seconds for r in result.rounds)
    print(f"time         {seconds:.2f} s")
    c = summary["councils"]
    print(
        f"councils     {c['consumer']} consumer, {c['federation']} federation, "
        f"{c['worker']} worker; {c['rejected']} proposal(s) not approved"
    )
    items = summary["items"]
    shown = items if top <= 0 else items[:top]
    print(f"\n{'item':<28} {'kind':<17} {'price':>11} {'supply':>12} {'demand':>12} {'excess':>8}")
    for d in shown:
        print(
            f"{d['item'][:28]:<28} {d['kind']:<17} {d['price']:>11.5g} {d['supply']:>12.6g} "
            f"{d['demand']:>12.6g} {d['relative_excess']:>8.4f}"
        )
    if len(shown) < len(items):
        print(f"... {len(items) - len(shown)} more items (--top 0 shows all, --json gives all)")
    for f in summary["rejected_proposals"][: top if top > 0 else None]:
        print(f"not approved: {f['kind']} council {f['council']}: {f['reason']}")


def _plot(result: PlanResult, path: FsPath) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as err:  # the plot extra is optional
        raise ValueError("plot: needs matplotlib (pip install 'parplan[plot]')") from err
    rounds = [r.round for r in result.rounds]
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.semilogy(
        rounds,
        [max(r.max_excess, 1e-12) for r in result.rounds],
        "o-",
        label="largest relative excess",
    )
    ax.semilogy(
        rounds,
        [max(r.price_change, 1e-12) for r in result.rounds],
        "s--",
        label="largest relative price change",
    )
    ax.axhline(
        result.tolerance, color="grey", lw=0.8, ls=":", label=f"tolerance {result.tolerance:g}"
    )
    ax.set_xlabel("round")
    ax.set_ylabel("relative value (log scale)")
    ax.set_title(f"{result.market.name}: rule {result.rule}, {result.status.value}")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def _rule_options(pairs: list[str] | None, rule: str) -> dict[str, Any]:
    """``KEY=VALUE`` settings of the price rule, values read as JSON (else as text)."""
    options: dict[str, Any] = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise ValueError(f"rule-option: expected KEY=VALUE, got {pair!r}")
        try:
            options[key.replace("-", "_")] = json.loads(value)
        except json.JSONDecodeError:
            options[key.replace("-", "_")] = value
    if options and rule == "tatonnement":
        raise ValueError(
            "rule-option: the tatonnement rule has no options (it is the published one)"
        )
    return options


def _cmd_plan(args: argparse.Namespace) -> int:
    market = _planning_market(args)
    try:
        rule = make_rule(args.rule, **_rule_options(args.rule_option, args.rule))
    except TypeError as err:  # an option the rule does not take
        raise ValueError(f"rule-option: {err}") from err
    session = PlanningSession(market, rule, tolerance=args.tolerance, max_rounds=args.max_rounds)
    progress = _Progress(args.max_rounds, args.tolerance, not args.quiet)
    try:
        result = session.run(progress)
    finally:
        progress.close()
    out: dict[str, Any] = result.to_dict(top=None if args.top <= 0 else args.top)
    if args.compare:
        other_rule = "tatonnement" if args.rule != "tatonnement" else "lp"
        other = run_planning(
            market, other_rule, tolerance=args.tolerance, max_rounds=max(args.max_rounds, 300)
        )
        comparison = compare_prices(result, other)
        out["comparison"] = comparison
    if args.plot:
        _plot(result, args.plot)
    if args.json:
        json.dump(out, sys.stdout, indent=1, allow_nan=False)
        sys.stdout.write("\n")
    else:
        _print_plan(result, args.top)
        if args.compare:
            c = out["comparison"]
            print(
                f"\ncompare      {c['rules'][0]} ({c['rounds'][0]} rounds, converged "
                f"{c['converged'][0]}) vs {c['rules'][1]} ({c['rounds'][1]} rounds, converged "
                f"{c['converged'][1]}): prices differ by at most "
                f"{c['max_relative_difference']:.3%} ({c['worst_item']}), "
                f"{c['mean_relative_difference']:.3%} on average"
            )
        if args.plot:
            print(f"plot         {args.plot}")
    return EXIT_OK if result.converged else EXIT_INFEASIBLE


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
    from solver.economy.io.readers import read_io_table
    from solver.economy.io.to_economy import economy_from_io_table, io_table_summary

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
        description="Participatory planning solver: planning sessions, the round's LP and "
        "its prices.",
    )
    p.add_argument("--threads", type=int, default=None, help="HiGHS threads for this process")
    sub = p.add_subparsers(dest="command", required=True)

    def economy_args(sp: argparse.ArgumentParser, default: str = "germany-1995") -> None:
        sp.add_argument("economy", nargs="?", type=FsPath, help="economy JSON file")
        sp.add_argument(
            "--example",
            default=default,
            help=f"bundled example to use when no file is given (default: {default}; "
            "see `parplan examples`)",
        )

    pl = sub.add_parser(
        "plan",
        help="run a planning session with simulated councils to convergence",
        description="Rounds of indicative prices and proposals until supply meets demand.",
    )
    economy_args(pl, default=DEFAULT_PLANNING_EXAMPLE)
    pl.add_argument("--rule", choices=list(PRICE_RULES), default="lp", help="price rule")
    pl.add_argument("--tolerance", type=float, default=0.01, help="largest relative excess")
    pl.add_argument("--max-rounds", type=int, default=100)
    pl.add_argument("--json", action="store_true", help="print the plan and history as JSON")
    pl.add_argument(
        "--plot",
        type=FsPath,
        default=None,
        metavar="FILE.png",
        help="convergence plot (largest excess and price change per round)",
    )
    pl.add_argument(
        "--compare", action="store_true", help="also run tatonnement (or lp) and compare the prices"
    )
    pl.add_argument("--top", type=int, default=20, help="items to list (0: all)")
    pl.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    pl.add_argument(
        "--pequod",
        action="store_true",
        help="the published Pequod setting (3,000 + 3,000 councils, 50 goods) "
        "instead of an economy file",
    )
    pl.add_argument("--pollutant", action="store_true", help="with --pequod: add the pollutant")
    pl.add_argument("--seed", type=int, default=0, help="with --pequod: random seed")
    pl.add_argument(
        "--rule-option",
        action="append",
        metavar="KEY=VALUE",
        help="a setting of the lp, hybrid or newton rule, e.g. damping=0.7 or grid_ratio=1.01 "
        "(see solver.price_rules.BoardLP and Newton; repeatable)",
    )
    pl.set_defaults(func=_cmd_plan)

    pl.add_argument(
        "--workplaces",
        type=FsPath,
        default=None,
        metavar="WORKPLACES.json",
        help="take consumer councils' budgets from the effort ratings of these workplaces' "
        "members (balanced across workplaces first)",
    )

    b = sub.add_parser(
        "balance",
        help="balance job complexes in workplaces (and across them)",
        description="Assign task hours so that every member's job is equally empowering and "
        "equally desirable; report the spread before and after, every complex and the ratings.",
    )
    b.add_argument(
        "workplaces",
        nargs="?",
        type=FsPath,
        help="workplaces JSON file (default: the bundled planning-town workplaces)",
    )
    b.add_argument(
        "--alone", action="store_true", help="balance each workplace towards its own averages"
    )
    b.add_argument(
        "--tolerance",
        type=float,
        default=DEFAULT_TOLERANCE,
        help="largest deviation, as a share of the rating scale",
    )
    b.add_argument("--partners", type=int, default=3, help="other workplaces a member may join")
    b.add_argument("--json", action="store_true", help="print everything as JSON")
    b.add_argument("--plot", type=FsPath, default=None, metavar="FILE.png", help="spread plot")
    b.add_argument("--top", type=int, default=10, help="complexes to list per workplace (0: all)")
    b.set_defaults(func=_cmd_balance)

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
    except (ProductionError, WorkplaceValidationError) as err:
        for problem in err.problems:
            print(f"error: {problem}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (OSError, ValueError) as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
