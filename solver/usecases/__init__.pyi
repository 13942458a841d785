# What this package exports. Type checkers read this stub; at run time
# solver.lazy_exports reads it too and imports each name's module on first use.

from solver.economy.growth import next_year
from solver.economy.model import economy_json_schema, load_economy, parse_economy, save_economy
from solver.economy.units import numeraire, prices_in
from solver.highs import configure_threads, show_solver_output
from solver.jobs.balance import balance_society, balance_workplace
from solver.jobs.problem import DEFAULT_PARTNERS, DEFAULT_TOLERANCE
from solver.jobs.remuneration import member_budgets
from solver.jobs.reports import spread
from solver.jobs.workplaces import load_society, parse_society
from solver.lp.solve import solve_round
from solver.planning.comparison import compare_prices
from solver.planning.export import export_format
from solver.planning.feedback import council_feedback
from solver.planning.ledger import LedgerWriter, ledger_tables, verify_ledger
from solver.planning.ledger_view import ledger_page
from solver.plots import close_figure, plot_balance, plot_convergence
from solver.scenarios.bundled import bundled_examples, bundled_workplaces
from solver.scenarios.io_examples import with_simulated_councils
from solver.scenarios.pequod import pequod_economy, pequod_market
from solver.scenarios.synthetic import synthetic_economy
from solver.scenarios.technique_choice import technique_choice_economy
from solver.strict_json import json_ready, to_json
from solver.usecases.arguments import count, port, positive_count, positive_seconds, seconds
from solver.usecases.economies import (
    check_economy,
    economy_file_summary,
    economy_problems,
    economy_summary,
    example_commands,
    import_io_table,
    load_example,
    requests_anything,
)
from solver.usecases.jobs import rate_economy, society_ratings, workplace_ratings
from solver.usecases.planning import (
    LastYear,
    export_plan,
    new_session,
    next_year_economy,
    plan,
    planning_market,
)
from solver.usecases.rounds import solve_document_round
from solver.usecases.sessions import (
    LEDGER_GENESIS,
    MissingProposalsError,
    RoundAbandoned,
    check_rule,
    close_live_round,
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
