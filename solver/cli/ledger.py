"""``parplan ledger export|verify DIR``: read a ledger that ``parplan plan --ledger DIR``
wrote (:mod:`solver.planning.ledger`)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from solver.cli.common import EXIT_BAD_INPUT, EXIT_INFEASIBLE, EXIT_OK
from solver.planning.ledger import LedgerError
from solver.usecases import ledger_tables, to_json, verify_ledger

__all__ = ["run_ledger_export", "run_ledger_verify"]


def run_ledger_verify(args: argparse.Namespace) -> int:
    """Exit 0 with the chain's head where every round holds, 1 naming the first that does
    not, 2 where there is no ledger."""
    try:
        broken, detail = verify_ledger(args.folder)
    except LedgerError as err:
        print(str(err), file=sys.stderr)
        return EXIT_BAD_INPUT
    if broken is None:
        print(f"intact: head {detail}")
        return EXIT_OK
    print(f"altered: round {broken}: {detail}")
    return EXIT_INFEASIBLE


def run_ledger_export(args: argparse.Namespace) -> int:
    """The ledger as tables: CSV files in ``--out`` (default DIR/export), or JSON on stdout."""
    try:
        tables = ledger_tables(args.folder)
    except LedgerError as err:
        print(str(err), file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.format == "json":
        out = {name: json.loads(t.to_json(orient="records")) for name, t in tables.items()}
        sys.stdout.write(to_json(out, indent=1) + "\n")
        sys.stdout.write("\n")
        return EXIT_OK
    folder = Path(args.out) if args.out else Path(args.folder) / "export"
    folder.mkdir(parents=True, exist_ok=True)
    for name, table in tables.items():
        table.to_csv(folder / f"{name}.csv", index=False)
    print(f"wrote {', '.join(f'{n}.csv' for n in tables)} to {folder}")
    return EXIT_OK
