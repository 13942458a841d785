"""README is the user's guide: every Python block in it runs as pasted, and its layout section
names every module there is."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from server.api.planning.v1 import planning_pb2 as pb
from server.client import PlanningClient
from server.process import ServerProcess

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
BLOCKS = re.findall(r"```python\n(.*?)```", README, flags=re.S)
ADMIN = "readme-admin-token-of-at-least-32-characters"


def _run(code: str, names: dict[str, Any] | None = None) -> dict[str, Any]:
    scope: dict[str, Any] = dict(names or {})
    exec(compile(code, "README.md", "exec"), scope)
    return scope


def test_readme_is_a_guide_of_at_most_310_lines() -> None:
    assert len(README.splitlines()) <= 310
    assert len(BLOCKS) >= 3  # the quickstart, the client and a council from the protos alone


def test_every_python_block_is_one_the_tests_run() -> None:
    quickstart = [b for b in BLOCKS if b.startswith("import solver\n")]
    client = [b for b in BLOCKS if "PlanningClient" in b]
    councils = [b for b in BLOCKS if "def run_council(" in b]
    assert len(quickstart) + len(client) + len(councils) == len(BLOCKS)


@pytest.mark.parametrize("code", [b for b in BLOCKS if b.startswith("import solver\n")])
def test_the_python_quickstart_runs_as_pasted(
    code: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)  # it writes rounds.csv and convergence.png where it runs
    names = _run(code)
    result = names["result"]
    assert result.converged
    assert (tmp_path / "convergence.png").stat().st_size > 0
    rounds = (tmp_path / "rounds.csv").read_text().splitlines()
    assert rounds[0].startswith("round,max_excess")
    assert len(rounds) == 1 + len(result.rounds)
    # the labelled tables agree with the plan's JSON
    summary = result.to_dict()
    for item in summary["items"]:
        row = result.items.loc[item["item"]]
        assert row["price"] == item["price"] and row["relative_excess"] == item["relative_excess"]
    assert "north-cc" in capsys.readouterr().out


@pytest.mark.parametrize("code", [b for b in BLOCKS if "PlanningClient" in b])
def test_the_readme_client_example_runs(code: str, tmp_path: Path) -> None:
    database = tmp_path / "planning.db"
    token_file = tmp_path / "planning.db.admin-token"
    token_file.write_text(ADMIN + "\n")
    with ServerProcess(database, ADMIN, []) as server:
        code = code.replace('"127.0.0.1:50051"', repr(server.target))
        code = code.replace('"planning.db.admin-token"', repr(str(token_file)))
        code = code.replace('Path("solver/', f'Path("{ROOT}/solver/')
        names = _run(code)
    plan = names["plan"]
    assert isinstance(plan, dict) and plan["rounds"] == 1


COUNCIL = next(b for b in BLOCKS if "def run_council(" in b)


def test_the_readme_council_needs_only_the_protos_and_is_under_60_lines() -> None:
    imports = [line for line in COUNCIL.splitlines() if line.startswith(("import", "from"))]
    assert imports and all("solver" not in line for line in imports), imports
    assert all(line.split()[1] in ("grpc", "server.api.planning.v1") for line in imports)
    assert len(COUNCIL.splitlines()) < 60


@pytest.mark.parametrize(
    ("example", "live"),
    [
        ("planning_town.json", None),  # every council live
        ("germany_1995_planning.json", ["cpa_a", "cpa_c", "cpa_f", "cpa_g_i", "cpa_other"]),
    ],
)
def test_a_session_of_readme_councils_converges(
    example: str, live: list[str] | None, tmp_path: Path
) -> None:
    """Councils written against the stubs alone: worker councils that value their effort at
    each round's own input costs (not the board's model of them) and state it."""
    run_council = _run(COUNCIL)["run_council"]
    with (
        ServerProcess(tmp_path / "planning.db", ADMIN, []) as server,
        PlanningClient(server.target, ADMIN) as admin,
    ):
        economy = admin.create_economy(ROOT / "solver" / "scenarios" / "examples" / example)
        session, tokens = admin.create_session(
            economy.economy_id,
            live_councils=live or [],
            all_councils_live=live is None,
            max_rounds=30,
        )
        sid = session.session_id
        with ThreadPoolExecutor(len(tokens)) as pool:
            ends = [pool.submit(run_council, server.target, sid, c, t) for c, t in tokens.items()]
            last = {f.result(timeout=240) for f in ends}
        final = admin.get_session(sid)
    assert final.status == pb.SESSION_STATUS_CONVERGED
    assert last == {final.current_round} and final.current_round <= 10
    assert final.last_round.max_excess <= 0.01 and final.last_round.rejected == 0


def test_the_layout_section_names_every_module() -> None:
    layout = README.split("## Layout", 1)[1].split("```", 2)[1]
    named = set(re.findall(r"\b([a-z_]+\.py)\b", layout))
    modules = {
        p.name
        for folder in ("solver", "server", "proto", "tests")
        for p in (ROOT / folder).rglob("*.py")
        if "api" not in p.parts
        and p.name not in ("__main__.py",)
        and not (p.name == "__init__.py" and p.parent.name != "solver")
    }
    core = {p.name for f in ("solver", "server") for p in (ROOT / f).rglob("*.py")}
    assert (modules & core) - named == set(), "modules the layout does not name"
    assert named - modules == set(), "files the layout names that do not exist"
    for folder in re.findall(r"^ +([a-z_]+)/", layout, flags=re.M):
        assert (
            any(p.is_dir() and p.name == folder for p in (ROOT / "solver").rglob("*"))
            or (ROOT / "server" / folder).is_dir()
        ), f"no folder {folder}/"
