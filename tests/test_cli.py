"""Command line: real processes, exit codes, no tracebacks for bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "solver" / "scenarios" / "examples"


def parplan(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "solver.cli", *args], capture_output=True, text=True, timeout=120
    )


def test_solve_json_is_clean_json_with_prices() -> None:
    run = parplan("solve", str(EXAMPLES / "small_town.json"), "--json")
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)  # nothing but JSON on stdout
    assert result["termination"] == "optimal"
    assert result["prices"] == pytest.approx({"bread": 1.3, "steel": 3.0, "park": 8.0})
    assert result["pollution_prices"] == [
        {"federation": "city", "pollutant": "smoke", "price": pytest.approx(1.0)}
    ]


def test_solve_human_readable() -> None:
    run = parplan("solve", "--example", "hahnel-corn")
    assert run.returncode == 0, run.stderr
    assert "termination  optimal" in run.stdout
    assert "seed-corn" in run.stdout and "feasible     every request is met" in run.stdout


def test_invalid_economy_names_the_field_without_traceback(tmp_path: Path) -> None:
    data = json.loads((EXAMPLES / "small_town.json").read_text())
    data["worker_councils"][1]["techniques"][0]["inputs"]["steal"] = 1
    data["primary_inputs"][0]["availability"] = -3
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data))
    run = parplan("solve", str(bad))
    assert run.returncode == 2
    assert "Traceback" not in run.stderr
    assert "primary_inputs[0].availability" in run.stderr


def test_infeasible_hard_round_prints_the_report(tmp_path: Path) -> None:
    data = json.loads((EXAMPLES / "small_town.json").read_text())
    data["primary_inputs"][0]["availability"] = 200
    path = tmp_path / "short.json"
    path.write_text(json.dumps(data))
    run = parplan("solve", str(path), "--hard")
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert "termination  proven_infeasible" in run.stdout
    assert "FEASIBILITY:" in run.stdout


def test_missing_file_and_unknown_example() -> None:
    run = parplan("solve", "no-such-file.json")
    assert run.returncode == 2 and "no-such-file.json" in run.stderr
    run = parplan("solve", "--example", "atlantis")
    assert run.returncode == 2 and "unknown example 'atlantis'" in run.stderr
    assert "did you mean" not in run.stderr  # nothing near it
    typo = parplan("solve", "--example", "germany-1996")
    assert "unknown example 'germany-1996'; did you mean 'germany-1995'?" in typo.stderr


def test_schema_and_check() -> None:
    run = parplan("schema")
    assert run.returncode == 0 and json.loads(run.stdout)["title"] == "Economy"
    run = parplan("check", str(EXAMPLES / "small_town.json"))
    assert run.returncode == 0 and "every requested good can be produced" in run.stdout


def miller_blair_table(tmp_path: Path, flows: str = "code,a,b\na,150,500\nb,200,100\n") -> Path:
    """Miller & Blair table 2.3 in the generic layout, labour coefficients 0.30 and 0.25."""
    folder = tmp_path / "table"
    folder.mkdir()
    (folder / "flows.csv").write_text(flows)
    (folder / "final_demand.csv").write_text("code,households\na,350\nb,1700\n")
    (folder / "gross_output.csv").write_text("code,value\na,1000\nb,2000\n")
    (folder / "primary_inputs.csv").write_text("name,a,b\nlabour,300,500\n")  # l * x
    return folder


def test_import_io_then_solve_reproduces_labour_values(tmp_path: Path) -> None:
    folder = miller_blair_table(tmp_path)
    out = tmp_path / "eco.json"
    run = parplan("import-io", str(folder), "--primary", "labour", "-o", str(out))
    assert run.returncode == 0, run.stderr
    run = parplan("solve", str(out), "--json")
    assert run.returncode == 0, run.stderr
    prices = json.loads(run.stdout)["prices"]
    assert prices == pytest.approx({"a": 0.442244, "b": 0.379538}, rel=1e-5)


def test_import_io_simulates_councils_as_the_bundled_planning_examples_are_made(
    tmp_path: Path,
) -> None:
    table = Path(__file__).resolve().parent / "data" / "eurostat_germany_1995"
    out = tmp_path / "germany.json"
    run = parplan(
        "import-io", str(table), "--format", "eurostat-beutel", "--primary", "employment",
        "--name", "germany-1995", "--simulate-councils", "12", "--seed", "0", "-o", str(out),
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    made = json.loads(out.read_text())
    bundled = json.loads((EXAMPLES / "germany_1995_planning.json").read_text())
    made.pop("description"), bundled.pop("description")
    assert made == bundled  # the same recipe, the same seed: the same economy
    plan = parplan("plan", str(out), "--quiet", "--json")
    assert plan.returncode == 0 and json.loads(plan.stdout)["converged"]
    other = tmp_path / "other.json"
    run = parplan(
        "import-io", str(table), "--format", "eurostat-beutel", "--primary", "employment",
        "--simulate-councils", "5", "--seed", "3", "-o", str(other),
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert len(json.loads(other.read_text())["consumer_councils"]) == 5
    run = parplan(
        "import-io", str(table), "--format", "eurostat-beutel", "--simulate-councils", "0"
    )
    assert run.returncode == 2 and "simulate-councils: at least one" in run.stderr


def test_import_io_bad_cell_is_named(tmp_path: Path) -> None:
    folder = miller_blair_table(tmp_path, flows="code,a,b\na,150,lots\nb,200,100\n")
    run = parplan("import-io", str(folder))
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert "flows.csv" in run.stderr and "lots" in run.stderr


def test_plan_runs_a_session_to_convergence_with_plot_and_comparison(tmp_path: Path) -> None:
    plot = tmp_path / "convergence.png"
    run = parplan("plan", "--quiet", "--json", "--compare", "--plot", str(plot))
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    assert out["economy"] == "planning-town" and out["rule"] == "lp"
    assert out["converged"] and out["max_excess"] <= 0.01
    assert out["comparison"]["rules"] == ["lp", "tatonnement"]
    assert out["comparison"]["max_relative_difference"] < 0.02
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_plan_progress_goes_to_stderr_and_the_report_to_stdout() -> None:
    run = parplan("plan", "--rule", "tatonnement", "--max-rounds", "300")
    assert run.returncode == 0, run.stderr
    assert "round    1/300" in run.stderr and "max excess" in run.stderr
    assert "status       converged" in run.stdout


def test_plan_that_does_not_converge_says_so_and_exits_1() -> None:
    run = parplan("plan", "--rule", "tatonnement", "--max-rounds", "3", "--quiet")
    assert run.returncode == 1
    assert "status       max_rounds after 3 round(s)" in run.stdout


def test_plan_refuses_an_economy_it_cannot_plan(tmp_path: Path) -> None:
    path = tmp_path / "no_capacity.json"
    path.write_text((EXAMPLES / "small_town.json").read_text())
    run = parplan("plan", str(path))
    assert run.returncode == 2
    said = "error: planning needs a finite capacity (supply rises with effort up to it): 4 fields"
    assert said in run.stderr and "(worker_councils[0].techniques[0].capacity, " in run.stderr
    assert "Traceback" not in run.stderr


def test_plan_takes_rule_options_and_names_a_wrong_one() -> None:
    run = parplan(
        "plan", "--quiet", "--rule-option", "damping=0.7", "--rule-option", "grid_ratio=1.01"
    )
    assert run.returncode == 0, run.stderr
    run = parplan("plan", "--quiet", "--rule-option", "dumping=0.7")
    assert run.returncode == 2
    # issue #16: the option named, the nearest suggested, the known ones listed
    said = "rule_options[dumping]: the lp rule has no option 'dumping'; did you mean 'damping'?"
    assert said in run.stderr and "(its options: damping, grid_ratio," in run.stderr
    assert "Traceback" not in run.stderr


def _balance_exit(report: dict[str, object]) -> int:
    """The exit status `parplan balance` owes this report: 1 where some workplace is left
    outside the tolerance, else 0."""
    workplaces = report["workplaces"]
    assert isinstance(workplaces, list)
    return 1 if any(w["status"] != "balanced" for w in workplaces) else 0


def test_balance_reports_the_spread_every_complex_and_the_ratings(tmp_path: Path) -> None:
    run = parplan("balance", "--json", "--plot", str(tmp_path / "spread.png"))
    report = json.loads(run.stdout)
    assert run.returncode == _balance_exit(report), run.stderr
    assert report["mode"] == "across"
    assert report["largest_deviation"] < report["largest_deviation_balancing_alone"]
    members = [c["member"] for w in report["workplaces"] for c in w["complexes"]]
    assert len(members) == 20 and set(report["ratings"]) == set(members)
    assert (tmp_path / "spread.png").stat().st_size > 0
    alone = parplan("balance", "--alone")
    assert "balanced alone" in alone.stdout and "Gini" in alone.stdout


def test_balance_names_the_bad_field(tmp_path: Path) -> None:
    bad = tmp_path / "w.json"
    bad.write_text(json.dumps({"id": "x", "tasks": [], "members": [{"id": "a", "hours": 1}]}))
    run = parplan("balance", str(bad))
    assert run.returncode == 2
    assert "workplaces[0].tasks" in run.stderr and "Traceback" not in run.stderr


def test_plan_takes_budgets_from_the_workplaces_ratings() -> None:
    plain = parplan("plan", "--json", "--quiet")
    rated = parplan(
        "plan", "--json", "--quiet", "--workplaces",
        str(EXAMPLES / "workplaces" / "planning_town.json"),
    )  # fmt: skip
    assert plain.returncode == 0 and rated.returncode == 0, rated.stderr
    budgets = [
        {f["council"]: f for f in json.loads(r.stdout)["feedback"] if f["kind"] == "consumer"}
        for r in (plain, rated)
    ]
    consumption = [json.loads(r.stdout)["plan"]["consumption"] for r in (plain, rated)]
    assert consumption[0] != consumption[1]  # the ratings moved the budgets, and the plan
    assert set(budgets[0]) == set(budgets[1]) == {"north-cc", "south-cc"}


def test_balance_json_has_null_where_a_member_states_no_current_tasks(tmp_path: Path) -> None:
    data = json.loads((EXAMPLES / "workplaces" / "planning_town.json").read_text())
    data["workplaces"][0]["members"][0]["current_tasks"] = {"furnace": 10}  # only one member
    path = tmp_path / "w.json"
    path.write_text(json.dumps(data))
    run = parplan("balance", str(path), "--json", "--alone")
    report = json.loads(run.stdout)  # valid JSON: NaN became null
    assert run.returncode == _balance_exit(report), run.stderr
    assert report["workplaces"][0]["before"]["kind"] == "current"


def test_review_flags_a_plan_at_any_threshold(tmp_path: Path) -> None:
    """The review `parplan plan --json` writes, flagged again by `parplan review`: ratios
    below (1 - threshold) x the social average; a bad threshold or file names the field."""
    run = parplan("plan", "--example", "planning-town", "--json", "--quiet")
    assert run.returncode == 0, run.stderr
    plan = tmp_path / "plan.json"
    plan.write_text(run.stdout)
    written = json.loads(run.stdout)["workplace_review"]
    for threshold in (0.0, 0.1, 0.3):
        out = parplan("review", str(plan), "--threshold", str(threshold), "--json")
        assert out.returncode == 0, out.stderr
        review = json.loads(out.stdout)
        average = review["social_average"]
        assert average == pytest.approx(written["social_average"])
        for council in review["councils"]:
            below = council["benefit_cost_ratio"] < (1 - threshold) * average
            assert council["flagged"] is below
    bad = parplan("review", str(plan), "--threshold", "1.5")
    assert bad.returncode == 2 and "threshold" in bad.stderr
    missing = parplan("review", str(tmp_path / "none.json"))
    assert missing.returncode == 2 and "plan:" in missing.stderr


def test_quiet_by_default_the_solver_banner_only_with_verbose_and_a_version() -> None:
    """Issue #16: HiGHS's banner ("Running HiGHS ...") printed with --quiet and --json, in
    check and balance; now nothing of it unless --verbose, and then on stderr only."""
    for args in (
        ("solve", "--example", "germany-1995", "--json"),
        ("check", "--example", "germany-1995"),
        ("plan", "--quiet"),
        ("balance", str(EXAMPLES / "workplaces" / "planning_town.json")),
    ):
        run = parplan(*args)
        assert run.returncode in (0, 1), run.stderr  # balance: 1 where it does not balance
        assert "HiGHS" not in run.stdout + run.stderr, args
    # a table's round is one Leontief solve, without HiGHS: ask for HiGHS's simplex
    loud = parplan(
        "--verbose", "solve", "--example", "germany-1995", "--method", "simplex", "--json"
    )
    assert loud.returncode == 0 and "Running HiGHS" in loud.stderr
    assert json.loads(loud.stdout)["termination"] == "optimal"  # stdout still only JSON
    version = parplan("--version")
    assert version.returncode == 0 and version.stdout.startswith("parplan ")
    assert version.stdout.split()[1][0].isdigit()


def test_each_example_says_which_command_it_suits_and_a_wrong_one_says_the_fix() -> None:
    """Issue #16: `solve --example planning-town` printed social cost 0 and every price -0
    with exit 0; `plan --example small-town` a wall of capacity errors, one per technique."""
    listing = parplan("examples")
    assert listing.returncode == 0
    suits = {line.split()[0]: line[30:42].strip() for line in listing.stdout.splitlines()[1:7]}
    assert suits["planning-town"] == "plan" and suits["germany-1995"] == "solve"
    assert suits["usa-2014-planning"] == "solve, plan"
    empty = parplan("solve", "--example", "planning-town")
    assert empty.returncode == 2 and empty.stdout == ""
    (line,) = empty.stderr.strip().splitlines()
    assert "planning-town requests nothing" in line
    assert line.endswith("parplan plan --example planning-town")
    bare = parplan("plan", "--example", "small-town")
    assert bare.returncode == 2
    capacity = [x for x in bare.stderr.splitlines() if "finite capacity" in x]
    assert (
        len(capacity) == 1
        and ": 4 fields (worker_councils[0].techniques[0].capacity" in (capacity[0])
    )
    assert "parplan import-io --simulate-councils" in capacity[0]


def test_top_lists_the_same_items_in_the_same_order_in_text_and_json_and_marks_free_ones() -> None:
    """Issue #16: --top sorted by file order in text and by excess in JSON; land showed an
    excess of 0.62 under a header of max excess 0.008 with nothing saying it is free."""
    text = parplan("plan", "--example", "planning-town", "--quiet", "--top", "7")
    shown = json.loads(parplan("plan", "--example", "planning-town", "--json", "--top", "7").stdout)
    rows = [line.split() for line in text.stdout.split("\nitem", 1)[1].splitlines()[1:8]]
    assert [r[0] for r in rows] == [i["item"] for i in shown["items"]]
    land = next(i for i in shown["items"] if i["item"] == "land")
    assert land["free"] and land["relative_excess"] > 0.5 and land == shown["items"][-1]
    assert rows[-1][0] == "land" and rows[-1][-1] == "free"
    assert "-0 " not in text.stdout and '"price": -0.0' not in json.dumps(shown)
    excess = [i["relative_excess"] for i in shown["items"] if not i["free"]]
    assert excess == sorted(excess, reverse=True)


def test_import_io_finds_the_format_itself_and_lists_the_formats() -> None:
    run = parplan("import-io", str(EXAMPLES.parents[2] / "tests" / "data" / "uk_ons_ioat_2010"))
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["goods"]
    helped = parplan("import-io", "--help")
    for name in ("auto", "eurostat-beutel", "ons-2010", "wiod-2014", "bea-2007", "generic"):
        assert name in helped.stdout


def test_progress_is_a_bar_on_a_terminal_and_a_line_per_round_elsewhere(
    capsys: pytest.CaptureFixture[str],
) -> None:
    import io

    from rich.console import Console

    from solver import load_example, plan
    from solver.cli.plan import Progress

    rounds = plan(load_example("planning-town")).rounds
    terminal = Console(file=io.StringIO(), force_terminal=True, width=140)
    bar = Progress(100, 0.01, True, console=terminal)
    for record in rounds:
        bar(record)
    bar.close()
    drawn = terminal.file.getvalue()  # type: ignore[attr-defined]
    assert f"round {len(rounds):>4}/100" in drawn and "━" in drawn
    assert f"max excess {rounds[-1].max_excess:8.4f}" in drawn
    assert capsys.readouterr().err == ""  # the bar went to its console only

    log = Progress(100, 0.01, True, console=Console(file=io.StringIO(), force_terminal=False))
    for record in rounds:
        log(record)
    log.close()
    lines = capsys.readouterr().err.splitlines()
    assert [line.split()[1] for line in lines] == [f"{r.round}/100" for r in rounds]
    quiet = Progress(100, 0.01, False, console=terminal)
    quiet(rounds[0])
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("solve", "--example", "small-town", "--time-limit", "-1"), "--time-limit: a positive"),
        (("solve", "--example", "small-town", "--time-limit", "inf"), "--time-limit: a positive"),
        (("plan", "--top", "-3"), "--top: 0 (all) or more, got -3"),
        (("solve", "nope.json"), "error: nope.json: no such file or directory"),
    ],
)
def test_option_values_are_checked_before_anything_runs(
    args: tuple[str, ...], message: str
) -> None:
    run = parplan(*args)
    assert run.returncode == 2 and message in run.stderr
    assert "Traceback" not in run.stderr and "Errno" not in run.stderr


def test_a_number_written_as_text_is_refused_naming_the_field(tmp_path: Path) -> None:
    data = json.loads((EXAMPLES / "small_town.json").read_text())
    data["goods"][0]["stock"] = "5"
    path = tmp_path / "text.json"
    path.write_text(json.dumps(data))
    run = parplan("solve", str(path))
    assert run.returncode == 2
    assert "goods[0].stock: Input should be a valid number, not text ('5'" in run.stderr


@pytest.mark.parametrize(
    ("flag", "value", "message"),
    [
        ("--solve-workers", "0", "--solve-workers: 1 or more, got 0"),
        ("--grace", "-3", "--grace: 0 or more seconds"),
        ("--port", "70000", "--port: a port is 0-65535"),
        ("--close-lease-seconds", "0", "--close-lease-seconds: a positive number of seconds"),
        ("--max-message-mb", "x", "--max-message-mb: expected a whole number"),
    ],
)
def test_server_flags_are_checked_naming_the_flag(
    tmp_path: Path, flag: str, value: str, message: str
) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "server.cli", "serve", "--db", str(tmp_path / "p.db"), "--init",
         flag, value],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert run.returncode == 2 and message in run.stderr
    assert not (tmp_path / "p.db").exists()  # refused before anything is made


def test_a_malformed_file_is_named_in_its_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"name": "x", "goods": [')
    run = parplan("solve", str(path))
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert f"error: {path}: Invalid JSON" in run.stderr and "line 1" in run.stderr
