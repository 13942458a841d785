"""What a user of the solver does, step by step: load -> ratings -> market -> session -> result.

The one front door for every flow: the command line (:mod:`solver.cli`) and the gRPC
service (``server/``) call operations only through this package (``tests/test_layering.py``
holds them to it), so that a plan made from the shell and one made over the API take the
same steps; the service adds only translation and persistence.

* :mod:`~solver.usecases.economies`: bundled examples, economy files, IO tables, generators;
* :mod:`~solver.usecases.jobs`: balanced job complexes, effort ratings, rated economies;
* :mod:`~solver.usecases.planning`: planning sessions with simulated councils, next year;
* :mod:`~solver.usecases.sessions`: a session round by round with live councils (closing,
  replay, feedback, the ledger);
* :mod:`~solver.usecases.rounds`: one round's social-cost LP alone.

>>> import solver
>>> result = solver.plan(solver.load_example("planning-town"), rule="lp")
>>> result.converged
True
"""

from solver.economy.units import numeraire, prices_in
from solver.planning.ledger import LedgerWriter, ledger_tables, verify_ledger
from solver.planning.ledger_view import ledger_page
from solver.plots import close_figure, plot_balance, plot_convergence
from solver.strict_json import json_ready, to_json
from solver.usecases.arguments import count, port, positive_count, positive_seconds, seconds
from solver.usecases.economies import (
    bundled_examples,
    bundled_workplaces,
    check_economy,
    economy_file_summary,
    economy_json_schema,
    economy_problems,
    economy_summary,
    example_commands,
    import_io_table,
    load_economy,
    load_example,
    parse_economy,
    pequod_economy,
    pequod_market,
    requests_anything,
    save_economy,
    synthetic_economy,
    technique_choice_economy,
    with_simulated_councils,
)
from solver.usecases.jobs import (
    DEFAULT_PARTNERS,
    DEFAULT_TOLERANCE,
    balance_society,
    balance_workplace,
    load_society,
    member_budgets,
    parse_society,
    rate_economy,
    society_ratings,
    spread,
    workplace_ratings,
)
from solver.usecases.planning import (
    LastYear,
    compare_prices,
    export_format,
    export_plan,
    new_session,
    next_year,
    next_year_economy,
    plan,
    planning_market,
)
from solver.usecases.rounds import (
    configure_threads,
    show_solver_output,
    solve_document_round,
    solve_round,
)
from solver.usecases.sessions import (
    LEDGER_GENESIS,
    MissingProposalsError,
    RoundAbandoned,
    check_rule,
    close_live_round,
    council_feedback,
    council_record,
    held_items,
    replay_round,
    round_evaluation,
    round_proposals,
    session_items,
    session_ledger,
    simulated_council_proposal,
)

__all__ = [
    "DEFAULT_PARTNERS",
    "DEFAULT_TOLERANCE",
    "LEDGER_GENESIS",
    "LastYear",
    "LedgerWriter",
    "MissingProposalsError",
    "RoundAbandoned",
    "balance_society",
    "balance_workplace",
    "bundled_examples",
    "bundled_workplaces",
    "check_economy",
    "check_rule",
    "close_figure",
    "close_live_round",
    "compare_prices",
    "configure_threads",
    "council_feedback",
    "council_record",
    "count",
    "economy_file_summary",
    "economy_json_schema",
    "economy_problems",
    "economy_summary",
    "example_commands",
    "export_format",
    "export_plan",
    "held_items",
    "import_io_table",
    "json_ready",
    "ledger_page",
    "ledger_tables",
    "load_economy",
    "load_example",
    "load_society",
    "member_budgets",
    "new_session",
    "next_year",
    "next_year_economy",
    "numeraire",
    "parse_economy",
    "parse_society",
    "pequod_economy",
    "pequod_market",
    "plan",
    "planning_market",
    "plot_balance",
    "plot_convergence",
    "port",
    "positive_count",
    "positive_seconds",
    "prices_in",
    "rate_economy",
    "replay_round",
    "requests_anything",
    "round_evaluation",
    "round_proposals",
    "save_economy",
    "seconds",
    "session_items",
    "session_ledger",
    "show_solver_output",
    "simulated_council_proposal",
    "society_ratings",
    "solve_document_round",
    "solve_round",
    "spread",
    "synthetic_economy",
    "technique_choice_economy",
    "to_json",
    "verify_ledger",
    "with_simulated_councils",
    "workplace_ratings",
]
