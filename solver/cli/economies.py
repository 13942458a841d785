"""``parplan import-io``, ``examples`` and ``schema``: economies from input-output tables, the
bundled examples, and the economy file's JSON schema."""

from __future__ import annotations

import argparse
import sys

from solver.cli.common import EXIT_OK
from solver.usecases import import_io_table, save_economy

# The other commands' names are imported in them: `from solver.usecases import` imports each
# name's module, and the generators and examples cost import-io ~0.05 s it does not need.

__all__ = ["run_examples", "run_generate", "run_import_io", "run_schema"]


def run_import_io(args: argparse.Namespace) -> int:
    """``parplan import-io``: an economy from an input-output table."""
    eco, summary = import_io_table(
        args.path,
        format=args.format,
        primary=args.primary,
        negative_demand=args.negative_demand,
        negative_coefficients=args.negative_coefficients,
        name=args.name,
    )
    print(summary, file=sys.stderr)
    if args.simulate_councils is not None:
        if args.simulate_councils < 1:
            raise ValueError(
                f"simulate-councils: at least one consumer council, got {args.simulate_councils}"
            )
        from solver.usecases import with_simulated_councils

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
    """``parplan generate``: a synthetic economy of a given size."""
    from solver.usecases import synthetic_economy, technique_choice_economy

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
    """``parplan examples``: the bundled examples, or write one out."""
    from solver.usecases import bundled_examples, example_commands, load_economy

    print(f"{'example':<22} {'goods':>5}  {'suits':<11} description")
    for name, path in sorted(bundled_examples().items()):
        eco = load_economy(path)
        summary = eco.description.splitlines()[0] if eco.description else ""
        suits = ", ".join(example_commands(eco)) or "-"
        print(f"{name:<22} {len(eco.goods):>5}  {suits:<11} {summary}")
    print(
        "\nsolve: one round's social-cost LP, it needs requests (parplan solve --example "
        "NAME); plan: a planning session, it needs capacities and preferences (parplan plan "
        "--example NAME)"
    )
    return EXIT_OK


def run_schema(args: argparse.Namespace) -> int:
    """``parplan schema``: the JSON schema of an economy file."""
    from solver.usecases import economy_json_schema

    sys.stdout.write(economy_json_schema())
    return EXIT_OK
