"""A package's exported names, each imported from its module on first use (PEP 562).

Importing every subpackage eagerly made ``python -m solver.cli`` spend 0.9 s importing pandas,
networkx, Pyomo and SciPy before it did any work, longer than ``import-io`` and ``solve`` take
on a table of 400 sectors. A package that exports lazily keeps its exports as ordinary imports
in ``__init__.pyi``, which type checkers and editors read; at run time :func:`lazy_exports`
reads the same file, so the two cannot drift apart, and imports a name's module only when the
name is first used. ``tests/test_lazy_exports.py`` resolves every exported name.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import sys
import types
from collections.abc import Callable
from pathlib import Path

__all__ = ["lazy_exports"]


class _ExportsOverSubmodules(types.ModuleType):
    """A package whose exports keep their name when a submodule of the same name is imported.

    The import system sets each submodule as an attribute of its package once loaded; where an
    export shares the submodule's name (``solver.economy.cap_votes`` the function, from the
    module of that name) the export must win, as it did when the package imported it eagerly.
    """

    def __setattr__(self, name: str, value: object) -> None:
        shadowed: frozenset[str] = self.__dict__.get("_exports_over_submodules", frozenset())
        if name in shadowed and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


def lazy_exports(
    package: str, init_file: str
) -> tuple[Callable[[str], object], Callable[[], list[str]], list[str]]:
    """The ``__getattr__``, ``__dir__`` and ``__all__`` of a package that exports lazily.

    Parameters
    ----------
    package
        The package's name (its ``__name__``).
    init_file
        Its ``__init__.py`` (its ``__file__``); the exports are read from ``__init__.pyi``
        beside it: every ``from module import name`` there, absolute or relative.

    Returns
    -------
    tuple
        ``__getattr__`` (imports a name's module on first use and keeps the value on the
        package), ``__dir__`` and ``__all__`` (the exported names, sorted).

    Raises
    ------
    FileNotFoundError
        Where the package has no ``__init__.pyi``.
    """
    stub = Path(init_file).with_suffix(".pyi")
    origins: dict[str, tuple[str, str]] = {}
    for node in ast.parse(stub.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.ImportFrom) and node.module is not None:
            module = importlib.util.resolve_name("." * node.level + node.module, package)
            for alias in node.names:
                origins[alias.asname or alias.name] = (module, alias.name)
    exported = sorted(origins)

    def __getattr__(name: str) -> object:
        try:
            module, attribute = origins[name]
        except KeyError:
            raise AttributeError(f"module {package!r} has no attribute {name!r}") from None
        value = getattr(importlib.import_module(module), attribute)
        vars(sys.modules[package])[name] = value  # later reads skip __getattr__
        return value

    def __dir__() -> list[str]:
        return sorted(set(exported) | set(vars(sys.modules[package])))

    this = sys.modules[package]
    shadowed = frozenset(
        name
        for name in exported
        if (stub.parent / f"{name}.py").is_file() or (stub.parent / name).is_dir()
    )
    if shadowed and type(this) is types.ModuleType:
        vars(this)["_exports_over_submodules"] = shadowed
        this.__class__ = _ExportsOverSubmodules
    return __getattr__, __dir__, exported
