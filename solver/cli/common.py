"""What the commands share: exit statuses and the economy a command works on."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable

from solver.economy.model import Economy
from solver.usecases import load_economy

__all__ = ["EXIT_BAD_INPUT", "EXIT_INFEASIBLE", "EXIT_OK", "economy_of", "fmt", "print_problems"]

EXIT_OK = 0
EXIT_INFEASIBLE = 1
EXIT_BAD_INPUT = 2


def economy_of(args: argparse.Namespace) -> Economy:
    """The economy file the command names, else the bundled example of ``--example``."""
    if args.economy is not None:
        return load_economy(args.economy)
    from solver.usecases import load_example  # here: a file needs none of the examples' imports

    return load_example(args.example)


# what to do where an economy cannot be planned, by the start of the problem's message
FIXES = {
    "planning needs a finite capacity": "give each technique a capacity, or import the table "
    "with `parplan import-io --simulate-councils` (capacities from observed activity); "
    "`parplan solve` solves it as one LP without them",
    "planning needs a finite availability": "give each primary input an availability",
}
SHOWN_FIELDS = 3


def print_problems(problems: Iterable[object]) -> None:
    """Each problem on a line of its own, ``error: field: message``; problems that say the
    same of many fields on one line, naming the first few and the count, with the fix where
    one is known."""
    by_message: dict[str, list[str]] = {}
    for problem in problems:
        field, message = (
            str(getattr(problem, "field", "")),
            str(getattr(problem, "message", problem)),
        )
        by_message.setdefault(message, []).append(field)
    for message, fields in by_message.items():
        fix = next((f for start, f in FIXES.items() if message.startswith(start)), None)
        if len(fields) == 1:
            line = f"{fields[0]}: {message}" if fields[0] else message
        else:
            shown = ", ".join(fields[:SHOWN_FIELDS])
            more = f" and {len(fields) - SHOWN_FIELDS} more" if len(fields) > SHOWN_FIELDS else ""
            line = f"{message}: {len(fields)} fields ({shown}{more})"
        print(f"error: {line}" + (f"; {fix}" if fix else ""), file=sys.stderr)


def fmt(v: float | None) -> str:
    """A number in six significant digits, ``-`` for none."""
    return "-" if v is None else f"{v:.6g}"
