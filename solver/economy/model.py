"""The economy: goods, primary inputs, pollutants, councils and federations, as one document.

Every cross-reference (a good named in a technique, a federation named by a council, ...) is
checked when the economy is built, and every problem is reported with the path of the
offending field, e.g. ``worker_councils[3].techniques[0].inputs['steel']: unknown good``.
The parts are :mod:`solver.economy.parts`, the checks :mod:`solver.economy.references`;
both are re-exported here, the module callers import the economy from.

The mathematics (matrices, LPs) live elsewhere; this module only describes and validates.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from solver.economy.parts import (
    VOTE,
    ConsumerCouncil,
    Federation,
    FederationLevel,
    Good,
    GoodKind,
    Identifier,
    Pollutant,
    Positive,
    PrimaryInput,
    PrimaryInputKind,
    Technique,
    WorkerCouncil,
)
from solver.economy.problems import EconomyValidationError, Problem, pydantic_problems
from solver.economy.references import reference_problems

__all__ = [
    "VOTE",
    "ConsumerCouncil",
    "Economy",
    "EconomyValidationError",
    "Federation",
    "FederationLevel",
    "Good",
    "GoodKind",
    "Identifier",
    "Pollutant",
    "PrimaryInput",
    "PrimaryInputKind",
    "Problem",
    "Technique",
    "WorkerCouncil",
    "economy_json_schema",
    "load_economy",
    "parse_economy",
    "save_economy",
]


class Economy(BaseModel):
    """A whole economy for one planning period."""

    model_config = ConfigDict(extra="forbid")

    name: str = "economy"
    description: str = ""
    goods: list[Good] = Field(min_length=1)
    primary_inputs: list[PrimaryInput] = Field(min_length=1)
    pollutants: list[Pollutant] = Field(default_factory=list)
    worker_councils: list[WorkerCouncil] = Field(min_length=1)
    consumer_councils: list[ConsumerCouncil] = Field(default_factory=list)
    federations: list[Federation] = Field(default_factory=list)
    default_shortfall_penalty: Positive = Field(
        1e6,
        description="Social cost per unit of unmet demand for goods without their own "
        "penalty. Must exceed every sensible price: a price equal to it signals a shortfall.",
    )
    consumption_budget: Positive | None = Field(
        None,
        description="Planning: value of the social product available for consumption, shared "
        "among consumer councils by effort rating x members; it fixes the unit of prices. None "
        "means the total labour availability (one unit per hour).",
    )

    @model_validator(mode="after")
    def _check_references(self) -> Economy:
        problems = list(reference_problems(self))
        if problems:
            raise EconomyValidationError(problems)
        return self

    # Convenience look-ups -------------------------------------------------------------
    def good_ids(self) -> list[str]:
        """Every good's id, in declaration order."""
        return [g.id for g in self.goods]

    def techniques(self) -> list[tuple[WorkerCouncil, Technique]]:
        """Every (council, technique) pair, in declaration order."""
        return [(wc, t) for wc in self.worker_councils for t in wc.techniques]

    def federation_ancestors(self) -> dict[str, list[str]]:
        """Federation id -> itself followed by its ancestors up to the root."""
        parent = {f.id: f.parent for f in self.federations}
        chains: dict[str, list[str]] = {}
        for fid in parent:
            chain = [fid]
            while (up := parent[chain[-1]]) is not None:
                chain.append(up)
            chains[fid] = chain
        return chains


def parse_economy(data: Mapping[str, Any] | str | bytes) -> Economy:
    """Build an economy from a mapping or JSON text (``str``, or UTF-8 ``bytes``).

    Raises
    ------
    EconomyValidationError
        With one :class:`Problem` per offending field.
    """
    try:
        if isinstance(data, str | bytes):
            return Economy.model_validate_json(data)
        return Economy.model_validate(data)
    except ValidationError as err:
        raise EconomyValidationError(pydantic_problems(err, Economy)) from None


def load_economy(path: str | Path) -> Economy:
    """Read an economy from a JSON file (see :func:`parse_economy`); a problem with the
    whole document (not JSON at all, say) names the file."""
    try:
        return parse_economy(Path(path).read_bytes())
    except EconomyValidationError as err:
        raise EconomyValidationError(
            [p if p.field else Problem(field=str(path), message=p.message) for p in err.problems]
        ) from None


def save_economy(economy: Economy, path: str | Path) -> None:
    """Write an economy as indented JSON, leaving out fields at their defaults."""
    Path(path).write_text(economy.model_dump_json(indent=1, exclude_defaults=True) + "\n")


def economy_json_schema() -> str:
    """The JSON schema of an economy file."""
    return json.dumps(Economy.model_json_schema(), indent=2) + "\n"
