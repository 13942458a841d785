"""``parplan review PLAN.json``: the workplace review of a plan that ``parplan plan --json``
wrote, flagged at a threshold of one's choosing."""

from __future__ import annotations

import argparse
import json
import sys

from solver.cli.common import EXIT_BAD_INPUT, EXIT_OK
from solver.planning.board.review import WorkplaceReview
from solver.usecases import to_json

__all__ = ["run_review"]


def run_review(args: argparse.Namespace) -> int:
    """``parplan review``: workplaces reviewed against the social average."""
    try:
        plan = json.loads(args.plan.read_text())
    except (OSError, json.JSONDecodeError) as err:
        why = err.strerror.lower() if isinstance(err, OSError) and err.strerror else err
        print(f"plan: cannot read {args.plan}: {why}", file=sys.stderr)
        return EXIT_BAD_INPUT
    data = plan.get("workplace_review") if isinstance(plan, dict) else None
    if data is None:
        print(
            f"plan: {args.plan} has no workplace_review (`parplan plan --json` writes it for "
            "plans of up to 1,000 councils)",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    review = WorkplaceReview.from_dict(data).at_threshold(args.threshold)
    if args.json:
        sys.stdout.write(to_json(review.to_dict(), indent=1) + "\n")
        return EXIT_OK
    average = review.social_average
    print(f"economy         {plan.get('economy', '')}")
    print(
        "social average  "
        + (f"{average:.4g}" if average is not None else "none (nothing produced)")
        + f" (benefit / cost, cost-weighted); flagged below {1 - args.threshold:.0%} of it"
    )
    print(f"\n{'council':<28} {'ratio':>8}  flagged  reasons")
    for c in review.councils:
        ratio = f"{c.benefit_cost_ratio:.4g}" if c.benefit_cost_ratio is not None else "–"
        mark = "yes" if c.flagged else ""
        print(f"{c.id[:28]:<28} {ratio:>8}  {mark:<7}  {'; '.join(c.reasons)}")
    return EXIT_OK
