"""The package layout is the architecture: subpackages in layers, imports going one way only,
no cycle, few modules left at the top of ``solver/``, and ``solver`` free of gRPC."""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parents[1]
# lower layers first; a module may import its own layer and the ones before it
LAYERS = [
    ["solver.status", "solver.highs", "solver.strict_json", "solver.interior_point"],
    ["solver.economy"],
    ["solver.lp"],
    ["solver.planning", "solver.jobs"],
    ["solver.scenarios"],
    ["solver.plots", "solver.usecases"],
    ["solver.cli"],
]


def _module(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return found


def _graph() -> nx.DiGraph:
    modules = {_module(p): p for p in (ROOT / "solver").rglob("*.py")}
    graph = nx.DiGraph()
    for name, path in modules.items():
        graph.add_node(name)
        for target in _imports(path) & set(modules):
            graph.add_edge(name, target)
    return graph


def _layer(module: str) -> int | None:
    for i, layer in enumerate(LAYERS):
        if any(module == top or module.startswith(top + ".") for top in layer):
            return i
    return None  # the package's front door, solver/__init__.py


def test_no_import_cycle() -> None:
    assert list(nx.simple_cycles(_graph())) == []


def test_nothing_below_imports_upward() -> None:
    upward = [
        (a, b)
        for a, b in _graph().edges
        if (la := _layer(a)) is not None and (lb := _layer(b)) is not None and lb > la
    ]
    assert upward == []


def test_at_most_eight_modules_at_the_top_of_solver() -> None:
    top = sorted(p.name for p in (ROOT / "solver").glob("*.py"))
    assert len(top) <= 8, top


def test_the_solver_knows_nothing_of_grpc_or_the_server() -> None:
    for path in (ROOT / "solver").rglob("*.py"):
        bad = {m for m in _imports(path) if m.split(".")[0] in ("grpc", "server", "google")}
        assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"


def test_services_translate_and_the_server_plans_through_the_use_case_layer() -> None:
    services = sorted(p.stem for p in (ROOT / "server" / "services").glob("*.py"))
    assert services == ["__init__", "common", "economy", "jobs", "planning", "round"]
    sessions = _imports(ROOT / "server" / "sessions.py")
    assert "solver.usecases" in sessions
    # the steps the use-case layer owns (rating an economy, assembling a round's proposals)
    # are not repeated in the server
    owned = {
        "solver.jobs.balance",
        "solver.jobs.remuneration",
        "solver.planning.live_proposals.with_council_proposals",
        "solver.planning.live_proposals.council_proposal",
    }
    assert not owned & sessions


# Callers that reach the solver through its front door: the command line and the service.
FRONT_DOOR_CALLERS = sorted(
    [
        *(ROOT / "solver" / "cli").glob("*.py"),
        *(ROOT / "server").glob("*.py"),
        *(ROOT / "server" / "services").glob("*.py"),
    ]
)


def _operations_from_behind_the_door(path: Path) -> list[str]:
    """``module.name`` of every function (or module) ``path`` imports from ``solver`` other
    than through :mod:`solver.usecases`; classes, enums, errors and constants may come from
    where they live."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.split(".")[0] == "solver"]
        if not (isinstance(node, ast.ImportFrom) and node.level == 0 and node.module):
            continue
        module = node.module
        if module.split(".")[0] != "solver" or module.startswith(("solver.usecases", "solver.cli")):
            continue
        imported = importlib.import_module(module)
        for alias in node.names:
            value = getattr(imported, alias.name)
            if inspect.ismodule(value) or (callable(value) and not inspect.isclass(value)):
                found.append(f"{module}.{alias.name}")
    return found


@pytest.mark.parametrize("path", FRONT_DOOR_CALLERS, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_cli_and_the_service_call_operations_only_through_the_front_door(path: Path) -> None:
    assert _operations_from_behind_the_door(path) == []


def test_the_front_door_check_catches_a_function_from_behind_it(tmp_path: Path) -> None:
    caller = tmp_path / "caller.py"
    caller.write_text(
        "from solver.lp.solve import ModelPath, solve_round\n"
        "from solver.usecases import plan\nimport solver.economy\n"
    )
    assert sorted(_operations_from_behind_the_door(caller)) == [
        "solver.economy",
        "solver.lp.solve.solve_round",
    ]


def test_highs_is_reached_through_solver_highs() -> None:
    """HiGHS is called from solver/highs.py (and the round LP's vectorised path, which hands
    its arrays to HiGHS as they are): statuses, options, retries and interruption in one
    place."""
    allowed = {ROOT / "solver" / "highs.py", ROOT / "solver" / "lp" / "highs_model.py"}
    calling = sorted(
        str(p.relative_to(ROOT))
        for p in (ROOT / "solver").rglob("*.py")
        if p not in allowed and any(m.split(".")[0] == "highspy" for m in _imports(p))
    )
    assert calling == []


def test_no_module_of_the_packages_or_benchmarks_over_400_lines() -> None:
    """One job per module (issue #26): a module that grows past 400 lines holds two."""
    long = {
        str(path.relative_to(ROOT)): n
        for folder in ("solver", "server", "benchmarks")
        for path in (ROOT / folder).rglob("*.py")
        if "api" not in path.relative_to(ROOT).parts
        and (n := len(path.read_text().splitlines())) > 400
    }
    assert long == {}
