"""Command line: ``parplan plan``, ``ledger``, ``review``, ``balance``, ``solve``, ``import-io``,
``check``, ``schema``, ``examples``.

Errors in the input are printed as one line per offending field and give exit status 2;
a round whose requests cannot be met, or a planning session that does not converge, prints
its report and gives exit status 1. No traceback reaches the user for bad input.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from solver.cli.common import EXIT_BAD_INPUT, print_problems
from solver.economy.io.readers import FORMAT_FILES, TABLE_FORMATS
from solver.economy.model import EconomyValidationError
from solver.scenarios.bundled import DEFAULT_PLANNING_EXAMPLE
from solver.status import Method, ModelPath
from solver.usecases import (
    configure_threads,
    count,
    positive_seconds,
    show_solver_output,
)

if TYPE_CHECKING:
    from solver.economy.production import ProductionError
    from solver.jobs.workplaces import WorkplaceValidationError

__all__ = ["main"]


class _Version(argparse.Action):
    """``--version``, looked up only when asked (importlib.metadata costs every command 40 ms)."""

    def __init__(self, option_strings: Sequence[str], dest: str, help: str | None = None) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, help=help)

    def __call__(self, parser: argparse.ArgumentParser, *_: object) -> None:
        from solver import __version__

        print(f"parplan {__version__}")
        parser.exit()


def _problem_errors() -> tuple[type[ProductionError], type[WorkplaceValidationError]]:
    """The errors that carry a list of problems, imported when one is raised."""
    from solver.economy.production import ProductionError
    from solver.jobs.workplaces import WorkplaceValidationError

    return (ProductionError, WorkplaceValidationError)


class _RuleNames:
    """``--rule``'s choices, read from the registry when argparse first asks (it imports every
    rule and the board's LP: 40 ms that only ``plan`` needs, and only ``plan`` asks)."""

    def __contains__(self, name: object) -> bool:
        return name in self._names()

    def __iter__(self) -> Iterator[str]:
        return iter(self._names())

    @staticmethod
    def _names() -> tuple[str, ...]:
        from solver.planning.rules.registry import PRICE_RULES

        return PRICE_RULES


@dataclass(frozen=True)
class _Command:
    """The command ``function`` of ``solver.cli.<module>``, imported when it runs: each
    command imports only what it needs, so that `parplan solve` on a small table does not
    first import the planning rules, pandas and Pyomo."""

    module: str
    function: str

    def __call__(self, args: argparse.Namespace) -> int:
        """Import the command's module and run the command."""
        command = getattr(importlib.import_module(f"solver.cli.{self.module}"), self.function)
        return int(command(args))


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="parplan",
        description="Participatory planning solver: planning sessions, the round's LP and "
        "its prices.",
    )
    p.add_argument("--threads", type=int, default=None, help="HiGHS threads for this process")
    p.add_argument(
        "--verbose", action="store_true", help="let HiGHS's banner and log through, on stderr"
    )
    p.add_argument("--version", action=_Version, help="show the version and exit")
    sub = p.add_subparsers(dest="command", required=True)

    def economy_args(sp: argparse.ArgumentParser, default: str = "germany-1995") -> None:
        sp.add_argument("economy", nargs="?", type=Path, help="economy JSON file")
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
    pl.add_argument(
        "--rule",
        choices=_RuleNames(),
        metavar="RULE",  # not {the choices}: argparse would read them building the parser
        default="lp",
        help="price rule: %(choices)s (default %(default)s)",
    )
    pl.add_argument("--tolerance", type=float, default=0.01, help="largest relative excess")
    pl.add_argument("--max-rounds", type=int, default=100)
    pl.add_argument(
        "--last-word",
        action="store_true",
        help="where prices have not cleared after --max-rounds, the board's last word: every "
        "council's part a mix of its own proposals (status 'settled' where that plan clears "
        "and every council approves)",
    )
    pl.add_argument("--json", action="store_true", help="print the plan and history as JSON")
    pl.add_argument(
        "--plot",
        type=Path,
        default=None,
        metavar="FILE.png",
        help="convergence plot (largest excess and price change per round)",
    )
    pl.add_argument(
        "--compare", action="store_true", help="also run tatonnement (or lp) and compare the prices"
    )
    pl.add_argument("--top", type=count, default=20, help="items to list (0: all)")
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
        "(repeatable; a wrong key lists the rule's options; see solver.planning.rules)",
    )
    pl.set_defaults(func=_Command("plan", "run_plan"))

    pl.add_argument(
        "--workplaces",
        type=Path,
        default=None,
        metavar="WORKPLACES.json",
        help="take consumer councils' budgets from the effort ratings of these workplaces' "
        "members (balanced across workplaces first)",
    )

    pl.add_argument(
        "--export",
        type=Path,
        default=None,
        metavar="PATH",
        help="write the plan's tables: PATH.xlsx (Excel), PATH.nc (NetCDF, xarray) or a "
        "folder of CSV files (any other PATH without a suffix, or PATH.csv)",
    )

    pl.add_argument(
        "--ledger",
        type=Path,
        default=None,
        metavar="DIR",
        help="publish every round (proposals, the board's reckoning, decisions) to DIR as a "
        "SHA-256 chain of JSON files (see `parplan ledger`)",
    )

    pl.add_argument(
        "--from",
        dest="last_year",
        type=Path,
        default=None,
        metavar="PLAN.json",
        help="start from an earlier plan of the same items (`parplan plan --json` output, "
        "e.g. last year's for `parplan next-year`): its final prices are the first round's "
        "and the board starts from what it learnt of the worker councils",
    )

    ny = sub.add_parser(
        "next-year",
        help="next year's economy from this year's plan: investments made, society grown",
        description="Every technique's capacity raised by the capacity investments this "
        "year's plan carried out; labour, requests and a fixed consumption budget grown by "
        "--growth. Plan it with `parplan plan NEXT.json --from PLAN.json`.",
    )
    ny.add_argument("plan", type=Path, metavar="PLAN.json", help="`parplan plan --json` output")
    ny.add_argument("--growth", type=float, default=0.05, help="growth of the society (0.05)")
    ny.add_argument(
        "--economy",
        type=Path,
        default=None,
        metavar="ECONOMY.json",
        help="the economy this year's plan planned, where PLAN.json holds none",
    )
    ny.add_argument("-o", "--output", type=Path, default=None, metavar="NEXT.json")
    ny.set_defaults(func=_Command("plan", "run_next_year"))

    lg = sub.add_parser("ledger", help="read a ledger that `parplan plan --ledger DIR` wrote")
    lg_sub = lg.add_subparsers(dest="ledger_command", required=True)
    lx = lg_sub.add_parser(
        "export", help="the ledger as tables: rounds, items, proposals, decisions, cap_votes"
    )
    lx.add_argument("folder", type=Path, metavar="DIR")
    lx.add_argument("--format", choices=["csv", "json"], default="csv")
    lx.add_argument("--out", type=Path, default=None, help="CSV folder (default DIR/export)")
    lx.set_defaults(func=_Command("ledger", "run_ledger_export"))
    lv = lg_sub.add_parser(
        "verify", help="exit 0 when every round's hash and link hold, 1 naming the first altered"
    )
    lv.add_argument("folder", type=Path, metavar="DIR")
    lv.set_defaults(func=_Command("ledger", "run_ledger_verify"))

    vw = sub.add_parser(
        "view",
        help="serve a read-only web page per session of ledgers that --ledger DIR wrote",
        description="The chain's state, the convergence plot (every ledger given, side by "
        "side), a round's items, decisions and proposals: http://HOST:PORT/session/K?round=N.",
    )
    vw.add_argument("ledgers", nargs="+", type=Path, metavar="LEDGER_DIR")
    vw.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    vw.add_argument("--port", type=int, default=8000, help="port (8000; 0: any free one)")
    vw.set_defaults(func=_Command("view", "run_view"))

    rv = sub.add_parser(
        "review",
        help="workplace review of a plan: benefit-cost ratios against the social average",
        description="Each worker council's social benefit over its social cost at the final "
        "prices, the cost-weighted social average, the councils below it by more than the "
        "threshold flagged, with the reasons the plan's data support.",
    )
    rv.add_argument("plan", type=Path, metavar="PLAN.json", help="`parplan plan --json` output")
    rv.add_argument(
        "--threshold",
        type=float,
        default=0.1,
        help="flag a council whose ratio is below (1 - threshold) x the social average",
    )
    rv.add_argument("--json", action="store_true", help="print the review as JSON")
    rv.set_defaults(func=_Command("review", "run_review"))

    b = sub.add_parser(
        "balance",
        help="balance job complexes in workplaces (and across them)",
        description="Assign task hours so that every member's job is equally empowering and "
        "equally desirable; report the spread before and after, every complex and the ratings.",
    )
    b.add_argument(
        "workplaces",
        nargs="?",
        type=Path,
        help="workplaces JSON file (default: the bundled planning-town workplaces)",
    )
    b.add_argument(
        "--alone", action="store_true", help="balance each workplace towards its own averages"
    )
    b.add_argument(
        "--tolerance",
        type=float,
        default=None,  # the default is the solver's, read when the command runs
        help="largest deviation, as a share of the rating scale",
    )
    b.add_argument(
        "--partners",
        type=int,
        default=None,
        help="other workplaces a member may join",
    )
    b.add_argument("--json", action="store_true", help="print everything as JSON")
    b.add_argument("--plot", type=Path, default=None, metavar="FILE.png", help="spread plot")
    b.add_argument("--top", type=count, default=10, help="complexes to list per workplace (0: all)")
    b.set_defaults(func=_Command("balance", "run_balance"))

    s = sub.add_parser("solve", help="solve the round's LP and print prices, rents and the plan")
    economy_args(s)
    s.add_argument("--json", action="store_true", help="print the whole result as JSON")
    s.add_argument("--method", choices=[m.value for m in Method], default=Method.AUTO.value)
    s.add_argument(
        "--path", choices=[m.value for m in ModelPath], default=ModelPath.VECTORISED.value
    )
    s.add_argument("--time-limit", type=positive_seconds, default=None, metavar="SECONDS")
    s.add_argument(
        "--hard", action="store_true", help="requests are hard constraints (no shortfall)"
    )
    s.add_argument("--no-check", action="store_true", help="skip the production-graph checks")
    s.add_argument("--top", type=count, default=30, help="goods to list (0: all)")
    s.add_argument(
        "--write-lp",
        type=Path,
        default=None,
        metavar="FILE",
        help="also write the round's LP for other solvers: FILE.mps (MPS) or FILE.lp (CPLEX LP)",
    )
    s.set_defaults(func=_Command("solve", "run_solve"))

    c = sub.add_parser("check", help="check the production graph (reachability, productivity)")
    economy_args(c)
    c.set_defaults(func=_Command("solve", "run_check"))

    i = sub.add_parser("import-io", help="build an economy from input-output table CSV files")
    i.add_argument("path", type=Path, help="folder with the table's CSV files")
    i.add_argument(
        "--format",
        choices=["auto", *TABLE_FORMATS],
        default="auto",
        help="table layout (default auto: the format whose files the folder holds); "
        + "; ".join(f"{name}: {', '.join(files)}" for name, files in FORMAT_FILES.items()),
    )
    i.add_argument("--primary", action="append", help="primary-input row to use (repeatable)")
    i.add_argument("--negative-demand", choices=["stock", "clip"], default="stock")
    i.add_argument("--negative-coefficients", choices=["byproduct", "clip"], default="byproduct")
    i.add_argument("--name", default=None, help="economy name")
    i.add_argument(
        "--simulate-councils",
        type=int,
        default=None,
        metavar="N",
        help="make a planning economy: N consumer councils, federations, public goods, "
        "capacities and a CO2 cap, as the bundled *-planning examples are made",
    )
    i.add_argument("--seed", type=int, default=0, help="with --simulate-councils: random seed")
    i.add_argument("--out", "-o", type=Path, default=None, help="output file (default stdout)")
    i.set_defaults(func=_Command("economies", "run_import_io"))

    gen = sub.add_parser(
        "generate",
        help="write a generated economy: synthetic (round LP) or technique-choice (planning)",
    )
    gen.add_argument(
        "kind",
        choices=["synthetic", "technique-choice"],
        help="synthetic: a sparse productive economy for the round LP; technique-choice: a "
        "planning economy whose councils choose between clean and dirty techniques",
    )
    gen.add_argument("--goods", type=int, required=True, help="number of goods (at least 4)")
    gen.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    gen.add_argument("--out", "-o", type=Path, default=None, help="output file (default stdout)")
    gen.set_defaults(func=_Command("economies", "run_generate"))

    sc = sub.add_parser("schema", help="print the JSON schema of an economy file")
    sc.set_defaults(func=_Command("economies", "run_schema"))

    ex = sub.add_parser("examples", help="list the bundled example economies")
    ex.set_defaults(func=_Command("economies", "run_examples"))
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """``parplan``: parse the command line and run the command; errors become one line and
    an exit status."""
    args: Any = _parser().parse_args(argv)
    try:
        if args.threads is not None:
            configure_threads(args.threads)
        show_solver_output(args.verbose)
        return int(args.func(args))
    except EconomyValidationError as err:
        print_problems(err.problems)
        return EXIT_BAD_INPUT
    except _problem_errors() as err:  # evaluated only when an exception reaches it
        for problem in err.problems:
            print(f"error: {problem}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as err:  # "nope.json: no such file or directory", not "[Errno 2] ..."
        where = f"{err.filename}: " if err.filename else ""
        print(f"error: {where}{(err.strerror or str(err)).lower()}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
