"""What the commands share: exit statuses and the economy a command works on."""

from __future__ import annotations

import argparse

from solver.economy.model import Economy
from solver.usecases import load_economy, load_example

__all__ = ["EXIT_BAD_INPUT", "EXIT_INFEASIBLE", "EXIT_OK", "economy_of", "fmt"]

EXIT_OK = 0
EXIT_INFEASIBLE = 1
EXIT_BAD_INPUT = 2


def economy_of(args: argparse.Namespace) -> Economy:
    """The economy file the command names, else the bundled example of ``--example``."""
    if args.economy is not None:
        return load_economy(args.economy)
    return load_example(args.example)


def fmt(v: float | None) -> str:
    """A number in six significant digits, ``-`` for none."""
    return "-" if v is None else f"{v:.6g}"
