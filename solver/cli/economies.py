"""``parplan import-io``, ``examples`` and ``schema``: economies from input-output tables, the
bundled examples, and the economy file's JSON schema."""

from __future__ import annotations

import argparse
import sys

from solver.cli.common import EXIT_OK
from solver.economy.model import economy_json_schema, load_economy, save_economy
from solver.scenarios.bundled import bundled_examples
from solver.scenarios.io_examples import with_simulated_councils

__all__ = ["run_examples", "run_generate", "run_import_io", "run_schema"]


def run_import_io(args: argparse.Namespace) -> int:
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
    if args.simulate_councils is not None:
        if args.simulate_councils < 1:
            raise ValueError(
                f"simulate-councils: at least one consumer council, got {args.simulate_councils}"
            )
        eco = with_simulated_councils(
            eco, n_consumer_councils=args.simulate_councils, seed=args.seed
        )
        print(f"simulated councils: {eco.description.splitlines()[0]}", file=sys.stderr)
    if args.out:
        save_economy(eco, args.out)
        print(f"wrote {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(eco.model_dump_json(indent=1, exclude_defaults=True) + "\n")
    return EXIT_OK


def run_generate(args: argparse.Namespace) -> int:
    from solver.scenarios.synthetic import synthetic_economy
    from solver.scenarios.technique_choice import technique_choice_economy

    make = synthetic_economy if args.kind == "synthetic" else technique_choice_economy
    if args.goods < 4:
        raise ValueError(f"goods: at least 4, got {args.goods}")
    eco = make(args.goods, seed=args.seed)
    if args.out:
        save_economy(eco, args.out)
        print(f"wrote {args.out}: {eco.description.splitlines()[0]}", file=sys.stderr)
    else:
        sys.stdout.write(eco.model_dump_json(indent=1, exclude_defaults=True) + "\n")
    return EXIT_OK


def run_examples(args: argparse.Namespace) -> int:
    for name, path in sorted(bundled_examples().items()):
        eco = load_economy(path)
        summary = eco.description.splitlines()[0] if eco.description else ""
        print(f"{name:<20} {len(eco.goods):>5} goods  {summary}")
    return EXIT_OK


def run_schema(args: argparse.Namespace) -> int:
    sys.stdout.write(economy_json_schema())
    return EXIT_OK
