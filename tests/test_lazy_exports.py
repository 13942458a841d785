"""Packages that export lazily: every name in their stubs resolves to the object its module
defines, and a command imports only what it needs."""

from __future__ import annotations

import argparse
import ast
import importlib
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import solver
from solver.lazy_exports import lazy_exports

ROOT = Path(__file__).resolve().parent.parent
STUBS = sorted((ROOT / "solver").rglob("__init__.pyi"))
PACKAGES = [".".join(p.parent.relative_to(ROOT).parts) for p in STUBS]


def _stub_imports(stub: Path) -> dict[str, tuple[str, str]]:
    names: dict[str, tuple[str, str]] = {}
    for node in ast.parse(stub.read_text()).body:
        if isinstance(node, ast.ImportFrom):
            assert node.module is not None and node.level == 0, "absolute imports only"
            for alias in node.names:
                names[alias.asname or alias.name] = (node.module, alias.name)
    return names


def test_the_packages_that_export_lazily_are_found() -> None:
    assert {"solver", "solver.economy", "solver.usecases", "solver.planning"} <= set(PACKAGES)


@pytest.mark.parametrize("stub", STUBS, ids=PACKAGES)
def test_every_exported_name_is_the_object_its_module_defines(stub: Path) -> None:
    package = importlib.import_module(".".join(stub.parent.relative_to(ROOT).parts))
    names = _stub_imports(stub)
    declared = next(
        ast.literal_eval(node.value)
        for node in ast.parse(stub.read_text()).body
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "__all__"
    )
    assert sorted(declared) == sorted(names) == package.__all__
    for name, (module, attribute) in names.items():
        assert getattr(package, name) is getattr(importlib.import_module(module), attribute)
    assert set(names) <= set(dir(package))


def test_an_unknown_name_raises_attribute_error_naming_it() -> None:
    with pytest.raises(AttributeError, match="'solver' has no attribute 'plann'"):
        _ = solver.plann  # type: ignore[attr-defined]
    assert not hasattr(solver, "plann")


def test_an_export_keeps_its_name_over_a_submodule_of_the_same_name() -> None:
    # solver.economy.cap_votes is a function and the module that defines it; importing the
    # module (as any user of it does) must not turn the package's export into the module
    code = textwrap.dedent(
        """
        import importlib, types
        import solver.economy.cap_votes as module
        import solver.economy
        from solver.economy import cap_votes
        assert isinstance(module, types.ModuleType) or callable(module)
        assert callable(cap_votes) and not isinstance(cap_votes, types.ModuleType), cap_votes
        assert solver.economy.cap_votes is importlib.import_module(
            "solver.economy.cap_votes").cap_votes
        """
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_a_stub_that_is_missing_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        lazy_exports("solver", str(tmp_path / "__init__.py"))


UNNEEDED_BY_A_TABLE = [
    "pandas",
    "networkx",
    "pyomo",
    "solver.planning",
    "solver.scenarios.pequod",
    "solver.jobs",
    "cvxopt",
]


@pytest.mark.parametrize(
    ("argv", "absent"),
    [
        (["--version"], [*UNNEEDED_BY_A_TABLE, "solver.lp.solve"]),
        # scipy.linalg (0.06 s) only where a sparse LU or an eigenvalue is needed
        (["solve", "{economy}", "--json"], [*UNNEEDED_BY_A_TABLE, "scipy.linalg"]),
        (["import-io", "{table}", "-o", "{out}"], UNNEEDED_BY_A_TABLE),
    ],
    ids=["version", "solve", "import-io"],
)
def test_a_command_on_a_small_table_imports_only_what_it_runs(
    argv: list[str], absent: list[str], tmp_path: Path
) -> None:
    # pandas, networkx and Pyomo cost 0.1-1 s at start-up, the planning rules (with our
    # interior point method's CHOLMOD), the scenarios and the job complexes 0.05-0.1 s
    # together: more than either command's work on a table of 400 sectors
    table = tmp_path / "table"
    table.mkdir()
    (table / "flows.csv").write_text("code,a,b\na,1,2\nb,3,1\n")
    (table / "final_demand.csv").write_text("code,final\na,10\nb,20\n")
    (table / "gross_output.csv").write_text("code,value\na,20\nb,30\n")
    (table / "primary_inputs.csv").write_text("name,a,b\nlabour,5,6\n")
    economy = tmp_path / "economy.json"
    subprocess.run(
        [sys.executable, "-m", "solver.cli", "import-io", str(table), "-o", str(economy)],
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    args = [a.format(economy=economy, table=table, out=tmp_path / "again.json") for a in argv]
    code = textwrap.dedent(
        f"""
        import contextlib, io, sys
        from solver.cli.main import main
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            try:
                status = main({args!r})
            except SystemExit as stop:  # --version
                status = stop.code
        loaded = [m for m in {absent!r} if m in sys.modules]
        assert status == 0 and not loaded, (status, loaded)
        """
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_every_command_names_a_function_that_exists() -> None:
    # commands are imported when they run; a wrong name would fail only then
    from solver.cli.main import _Command, _parser

    def commands(parser: argparse.ArgumentParser) -> list[_Command]:
        found = [parser.get_default("func")] if parser.get_default("func") else []
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for sub in action.choices.values():
                    found += commands(sub)
        return found

    found = commands(_parser())
    assert len(found) == 13
    for command in found:
        module = importlib.import_module(f"solver.cli.{command.module}")
        assert callable(getattr(module, command.function)), command
