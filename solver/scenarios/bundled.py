"""The example economies and workplaces shipped with the package, by name."""

from __future__ import annotations

from importlib import resources
from pathlib import Path as FsPath

__all__ = ["DEFAULT_PLANNING_EXAMPLE", "bundled_examples", "bundled_workplaces"]
DEFAULT_PLANNING_EXAMPLE = "planning-town"


def bundled_examples() -> dict[str, FsPath]:
    """Name -> path of the example economies shipped with the package."""
    folder = resources.files("solver.scenarios") / "examples"
    return {
        FsPath(str(p)).stem.replace("_", "-"): FsPath(str(p))
        for p in folder.iterdir()
        if str(p).endswith(".json")
    }


def bundled_workplaces() -> FsPath:
    """The workplaces of planning-town, shipped with the package."""
    return FsPath(
        str(resources.files("solver.scenarios") / "examples" / "workplaces" / "planning_town.json")
    )
