"""README is the user's guide: every Python block in it runs as pasted, and its layout section
names every module there is."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from server.process import ServerProcess

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
BLOCKS = re.findall(r"```python\n(.*?)```", README, flags=re.S)
ADMIN = "readme-admin-token"


def _run(code: str, names: dict[str, Any] | None = None) -> dict[str, Any]:
    scope: dict[str, Any] = dict(names or {})
    exec(compile(code, "README.md", "exec"), scope)
    return scope


def test_readme_is_a_guide_of_at_most_250_lines() -> None:
    assert len(README.splitlines()) <= 250
    assert len(BLOCKS) >= 2  # the quickstart and the client


def test_every_python_block_is_one_the_tests_run() -> None:
    quickstart = [b for b in BLOCKS if b.startswith("import solver\n")]
    client = [b for b in BLOCKS if "PlanningClient" in b]
    assert len(quickstart) + len(client) == len(BLOCKS)


@pytest.mark.parametrize("code", [b for b in BLOCKS if "PlanningClient" not in b])
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
