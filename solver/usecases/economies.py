"""Economies: the bundled examples, economy files, input-output tables, generated economies."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from solver.economy.io.readers import read_io_table
from solver.economy.io.to_economy import economy_from_io_table, io_table_summary
from solver.economy.model import (
    Economy,
    EconomyValidationError,
    Problem,
    economy_json_schema,
    load_economy,
    parse_economy,
    save_economy,
)
from solver.economy.production import ProductionReport, check_production, technology_matrices
from solver.suggest import did_you_mean

# The planning market and the scenarios are imported where used: `parplan solve` and
# `import-io` on a table need neither, and they cost every such command ~0.1 s.
__all__ = [
    "check_economy",
    "economy_file_summary",
    "economy_json_schema",
    "economy_problems",
    "economy_summary",
    "example_commands",
    "import_io_table",
    "load_economy",
    "load_example",
    "parse_economy",
    "requests_anything",
    "save_economy",
]


def economy_summary(document: bytes | str) -> dict[str, Any]:
    """Validate an economy document and say what it holds, as plain data (so that a process
    of its own can run it: a large document's objects then never fill the caller's memory,
    nor hold its interpreter).

    Returns
    -------
    dict
        ``name`` and the counts of ``goods``, ``worker_councils``, ``consumer_councils`` and
        ``federations``; or ``problems``, a list of ``(field, message)`` pairs (raise them
        with :func:`economy_problems`).
    """
    if isinstance(document, bytes):
        try:
            document = document.decode("utf-8")
        except UnicodeDecodeError as err:
            return {"problems": [("economy_json", f"the document is not UTF-8 ({err})")]}
    try:
        economy = parse_economy(document)
    except EconomyValidationError as err:
        return {"problems": [(p.field, p.message) for p in err.problems]}
    return {
        "name": economy.name,
        "goods": len(economy.goods),
        "worker_councils": len(economy.worker_councils),
        "consumer_councils": len(economy.consumer_councils),
        "federations": len(economy.federations),
    }


def economy_file_summary(path: str) -> dict[str, Any]:
    """:func:`economy_summary` of the document in the file ``path`` (read here, so that a
    process of its own reads it, not its caller)."""
    return economy_summary(Path(path).read_bytes())


def economy_problems(problems: list[tuple[str, str]]) -> EconomyValidationError:
    """The validation error of an :func:`economy_summary` that found ``problems``."""
    return EconomyValidationError(Problem(field=f, message=m) for f, m in problems)


def load_example(name: str) -> Economy:
    """A bundled example economy by name (``parplan examples`` lists them).

    Raises
    ------
    ValueError
        ``example: ...`` naming the examples there are.
    """
    from solver.scenarios.bundled import bundled_examples

    examples = bundled_examples()
    if name not in examples:
        raise ValueError(
            f"example: unknown example {name!r}{did_you_mean(name, examples)} "
            f"(the examples: {', '.join(sorted(examples))})"
        )
    return load_economy(examples[name])


def requests_anything(economy: Economy) -> bool:
    """Whether any consumer council or federation requests a positive quantity (without
    requests the cheapest plan of one round's LP makes nothing)."""
    wanted = [*economy.consumer_councils, *economy.federations]
    return any(
        q > 0
        for council in wanted
        for q in (
            getattr(council, "requests", None) or getattr(council, "public_requests", {})
        ).values()
    )


def example_commands(economy: Economy) -> list[str]:
    """The commands an economy suits: ``solve`` (one round's LP) where it requests
    something, ``plan`` (a planning session) where its councils can be simulated (every
    technique has a capacity, every primary input an availability, every consumer council
    preferences or requests)."""
    from solver.planning.from_economy import market_from_economy

    commands = ["solve"] if requests_anything(economy) else []
    try:
        market_from_economy(economy)
    except EconomyValidationError:
        return commands
    return [*commands, "plan"]


def check_economy(economy: Economy) -> ProductionReport:
    """The production graph's checks: every good reachable, the input matrix productive."""
    return check_production(economy, technology_matrices(economy))


def import_io_table(
    path: str | Path,
    *,
    format: str = "generic",
    primary: list[str] | None = None,
    negative_demand: Literal["stock", "clip"] = "stock",
    negative_coefficients: Literal["byproduct", "clip"] = "byproduct",
    name: str | None = None,
) -> tuple[Economy, str]:
    """The Leontief economy of an input-output table folder
    (:func:`~solver.economy.io.to_economy.economy_from_io_table`; ``primary`` default: the
    table's first primary-input row; ``name`` default: the folder's name, the table's
    source staying in the description), and a summary of the table read.

    Raises
    ------
    ValueError
        Naming the file or field that cannot be read.
    """
    table = read_io_table(path, format=format)
    economy = economy_from_io_table(
        table,
        primary or [next(iter(table.primary))],
        negative_demand=negative_demand,
        negative_coefficients=negative_coefficients,
        name=name or Path(path).resolve().name,
    )
    return economy, io_table_summary(table)
