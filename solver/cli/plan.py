"""``parplan plan``: a planning session with simulated councils, to convergence."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, TextColumn, TimeElapsedColumn
from rich.progress import Progress as RichProgress

from solver.cli.common import EXIT_INFEASIBLE, EXIT_OK, economy_of
from solver.economy.model import Economy
from solver.planning.market import Market
from solver.planning.result import PlanResult, RoundRecord
from solver.usecases import (
    LastYear,
    LedgerWriter,
    close_figure,
    compare_prices,
    export_format,
    export_plan,
    load_economy,
    new_session,
    next_year_economy,
    pequod_economy,
    pequod_market,
    plan,
    plot_convergence,
    prices_in,
    to_json,
)

__all__ = [
    "Progress",
    "parse_rule_options",
    "planned",
    "print_plan",
    "read_plan",
    "run_next_year",
    "run_plan",
]


class Progress:
    """Progress of a session on stderr: on a terminal a rich progress bar over
    ``max_rounds`` with the largest excess; elsewhere (a log, a pipe) one line per round.

    ``console`` is where the bar goes (tests give one that records); by default stderr,
    and the bar only where stderr is a terminal.
    """

    def __init__(
        self, max_rounds: int, tolerance: float, enabled: bool, console: Console | None = None
    ) -> None:
        self.max_rounds, self.tolerance, self.enabled = max_rounds, tolerance, enabled
        self.console = console or Console(stderr=True)
        self.bar: RichProgress | None = None
        if enabled and self.console.is_terminal:
            self.bar = RichProgress(
                TextColumn("round {task.completed:>4.0f}/{task.total:.0f}"),
                BarColumn(),
                TextColumn("{task.description}"),
                TimeElapsedColumn(),
                console=self.console,
                transient=False,
            )
            self.task = self.bar.add_task(f"tolerance {tolerance:g}", total=max_rounds)
            self.bar.start()

    def __call__(self, record: RoundRecord) -> None:
        """Show one closed round."""
        if not self.enabled:
            return
        text = (
            f"max excess {record.max_excess:8.4f} ({record.worst_item})  price change "
            f"{record.price_change:7.4f}  rejected {record.rejected}"
        )
        if self.bar is not None:
            self.bar.update(self.task, completed=record.round, description=text[:100])
            return
        line = f"round {record.round:>4}/{self.max_rounds}  {text}  {record.seconds:.2f} s"
        print(line[:160], file=sys.stderr, flush=True)

    def close(self) -> None:
        """Stop showing progress."""
        if self.bar is not None:
            self.bar.stop()


def planned(args: argparse.Namespace) -> Economy | Market:
    """What the command plans: the Pequod setting's market, or an economy."""
    if args.pequod:
        if args.workplaces is not None:
            raise ValueError("workplaces: the Pequod economy has no consumer councils to rate")
        return pequod_market(pequod_economy(pollutant=args.pollutant, seed=args.seed))
    return economy_of(args)


def print_plan(result: PlanResult, top: int) -> None:
    """Print a plan for people to read: status, prices, the worst items."""
    summary = result.to_dict(top=None)
    last = result.final
    print(f"economy      {summary['economy']}: {result.market.n_items} items")
    print(f"rule         {result.rule}")
    print(
        f"status       {result.status.value} after {len(result.rounds)} round(s)"
        f" (tolerance {result.tolerance:g})"
    )
    print(f"max excess   {last.max_excess:.4g} ({last.worst_item})")
    if result.market.price_unit:
        print(f"prices       {prices_in(result.market.price_unit, 'item')}")
    word = result.last_word
    if word is not None:
        rejected = f"; rejected by {', '.join(word.rejected[:5])}" if word.rejected else ""
        print(
            f"last word    after round {word.round}: {len(word.mixed)} council(s) given a mix "
            f"of their proposals of rounds {word.rounds[0]}-{word.rounds[-1]}; max excess "
            f"{word.max_excess:.4g} ({word.worst_item}){rejected}"
        )
    for vote in summary.get("cap_votes") or []:
        print(
            f"cap vote     {vote['pollutant']} in {vote['federation']}: {vote['cap']:.4g} by "
            f"members x exposure ({len(vote['voters'])} voters; headcount "
            f"{vote['headcount_cap']:.4g})"
            if vote["basis"] == "exposure"
            else f"cap vote     {vote['pollutant']} in {vote['federation']}: "
            f"{vote['cap']:.4g} by headcount (no voter exposed)"
        )
    review = summary.get("workplace_review")
    if review is not None and review["social_average"] is not None:
        flagged = [c["id"] for c in review["councils"] if c["flagged"]]
        print(
            f"review       social average {review['social_average']:.4g} (benefit / cost); "
            f"below {1 - review['threshold']:.0%} of it: {', '.join(flagged) or 'none'}"
        )
    seconds = sum(r.seconds for r in result.rounds)
    print(f"time         {seconds:.2f} s")
    c = summary["councils"]
    print(
        f"councils     {c['consumer']} consumer, {c['federation']} federation, "
        f"{c['worker']} worker; {c['rejected']} proposal(s) not approved"
    )
    # the same items, in the same order, as --json: the economy's order, or with --top N
    # the N whose excess counts most
    shown = result.item_rows(None if top <= 0 else top)
    order = "in the economy's order" if top <= 0 else "largest excess first"
    print(
        f"\n{'item':<28} {'kind':<17} {'price':>11} {'supply':>12} {'demand':>12} {'excess':>8}"
        f"  {'unit':<12}  ({order}; free: in excess supply at a price near 0, its excess does "
        "not count)"
    )
    for d in shown:
        print(
            (
                f"{d['item'][:28]:<28} {d['kind']:<17} {d['price']:>11.5g} {d['supply']:>12.6g} "
                f"{d['demand']:>12.6g} {d['relative_excess']:>8.4f}  {d['unit']:<12}"
                + ("  free" if d["free"] else "")
            ).rstrip()
        )
    if len(shown) < result.market.n_items:
        more = result.market.n_items - len(shown)
        print(f"... {more} more items (--top 0 shows all, --json gives all)")
    for f in summary["rejected_proposals"][: top if top > 0 else None]:
        print(f"not approved: {f['kind']} council {f['council']}: {f['reason']}")


def parse_rule_options(pairs: list[str] | None) -> dict[str, Any]:
    """``KEY=VALUE`` settings of the price rule, values read as JSON (else as text); the rule
    itself checks them (:func:`~solver.planning.rules.make_rule`)."""
    options: dict[str, Any] = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise ValueError(f"rule-option: expected KEY=VALUE, got {pair!r}")
        try:
            options[key.replace("-", "_")] = json.loads(value)
        except json.JSONDecodeError:
            options[key.replace("-", "_")] = value
    return options


def read_plan(path: Path, field: str) -> dict[str, Any]:
    """A plan that ``parplan plan --json`` wrote (``field: ...`` where it cannot be read)."""
    try:
        data = json.loads(path.read_text())
    except OSError as err:
        raise ValueError(f"{field}: cannot read {path}: {err.strerror or err}") from err
    except json.JSONDecodeError as err:
        raise ValueError(f"{field}: {path} is not JSON: {err}") from err
    if not isinstance(data, dict):
        raise ValueError(f"{field}: {path} is not a plan (`parplan plan --json` output)")
    return data


def run_next_year(args: argparse.Namespace) -> int:
    """``parplan next-year``: next year's economy from this year's plan."""
    economy = load_economy(args.economy) if args.economy is not None else None
    following = next_year_economy(read_plan(args.plan, "plan"), args.growth, economy)
    text = following.model_dump_json(indent=1, exclude_defaults=True) + "\n"
    if args.output is None:
        sys.stdout.write(text)
    else:
        args.output.write_text(text)
        print(
            f"next year    {args.output} (growth {args.growth:g}); plan it with "
            f"`parplan plan {args.output} --from {args.plan}`"
        )
    return EXIT_OK


def run_plan(args: argparse.Namespace) -> int:
    """``parplan plan``: plan an economy by iteration."""
    if args.export is not None:
        export_format(args.export)  # a format we cannot write is refused before planning
    planning = planned(args)
    last_year = (
        LastYear.from_plan(read_plan(args.last_year, "--from"), "--from")
        if args.last_year is not None
        else None
    )
    session = new_session(
        planning,
        args.rule,
        tolerance=args.tolerance,
        max_rounds=args.max_rounds,
        workplaces=args.workplaces,
        rule_options=parse_rule_options(args.rule_option),
        last_word=args.last_word,
        last_year=last_year,
    )
    market = session.market
    progress = Progress(args.max_rounds, args.tolerance, not args.quiet)
    writer = LedgerWriter(args.ledger) if args.ledger is not None else None

    def each_round(record: RoundRecord) -> None:
        progress(record)
        if writer is not None:
            assert session.last_proposals is not None and session.last_evaluation is not None
            writer.write(market, record, session.last_proposals, session.last_evaluation)

    try:
        result = session.run(each_round)
    finally:
        progress.close()
    out: dict[str, Any] = result.to_dict(top=None if args.top <= 0 else args.top)
    if isinstance(planning, Economy):  # what `parplan next-year` derives next year's from
        out["economy_document"] = planning.model_dump(mode="json", exclude_defaults=True)
    if args.compare:
        other_rule = "tatonnement" if args.rule != "tatonnement" else "lp"
        other = plan(
            market, other_rule, tolerance=args.tolerance, max_rounds=max(args.max_rounds, 300)
        )
        comparison = compare_prices(result, other)
        out["comparison"] = comparison
    if args.plot:
        close_figure(plot_convergence(result, path=args.plot))
    if args.export is not None:
        written = export_plan(result, args.export)
        print(f"exported     {', '.join(str(p) for p in written)}", file=sys.stderr)
    if args.json:
        sys.stdout.write(to_json(out, indent=1) + "\n")
    else:
        print_plan(result, args.top)
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
    return EXIT_OK if result.converged or result.settled else EXIT_INFEASIBLE
