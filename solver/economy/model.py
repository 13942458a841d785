"""The economy: goods, primary inputs, pollutants, councils and federations.

Plain pydantic v2 data classes with validation. Every cross-reference (a good named in a
technique, a federation named by a council, ...) is checked when the economy is built, and
every problem is reported with the path of the offending field, e.g.
``worker_councils[3].techniques[0].inputs['steel']: unknown good``.

The mathematics (matrices, LPs) live elsewhere; this module only describes and validates.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

__all__ = [
    "VOTE",
    "ConsumerCouncil",
    "Economy",
    "EconomyValidationError",
    "Federation",
    "FederationLevel",
    "Good",
    "GoodKind",
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

Identifier = Annotated[
    str,
    Field(
        min_length=1,
        max_length=200,
        pattern=r"^[^\s].*$",
        description="Identifier, unique within its kind; must not start with whitespace.",
    ),
]
NonNegative = Annotated[float, Field(ge=0.0, allow_inf_nan=False)]
Quantities = dict[str, NonNegative]

VOTE = "vote"
"""A pollution cap left to the federations below (:mod:`solver.economy.cap_votes`)."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False, validate_assignment=False)


class GoodKind(StrEnum):
    """What a good is for."""

    PRIVATE = "private"
    """Consumed by consumer councils."""
    PUBLIC = "public"
    """Requested by federations and consumed jointly by their members."""
    INTERMEDIATE = "intermediate"
    """Used only as an input to production."""


class PrimaryInputKind(StrEnum):
    """A primary input is not produced in the plan period."""

    LABOUR = "labour"
    NATURAL_RESOURCE = "natural_resource"


class FederationLevel(StrEnum):
    """Nesting levels of federations of neighbourhood councils."""

    NEIGHBOURHOOD = "neighbourhood"
    CITY = "city"
    REGION = "region"
    NATION = "nation"


class Good(_Model):
    """A produced good."""

    id: Identifier
    name: str = ""
    kind: GoodKind = GoodKind.PRIVATE
    unit: str = ""
    stock: NonNegative = Field(
        0.0,
        description="Quantity available this period without production (inventories, "
        "imports already contracted). It lowers the net output the plan must provide.",
    )
    shortfall_penalty: Annotated[float, Field(gt=0.0, allow_inf_nan=False)] | None = Field(
        None,
        description="Social cost per unit of unmet demand. None: the economy's default.",
    )


class PrimaryInput(_Model):
    """Labour of one kind, or a natural resource."""

    id: Identifier
    name: str = ""
    kind: PrimaryInputKind = PrimaryInputKind.LABOUR
    unit: str = ""
    availability: NonNegative | None = Field(
        None, description="Total available this period; None means not limited."
    )
    weight: NonNegative = Field(
        1.0, description="Social cost of one unit (e.g. 1 for an hour of labour)."
    )


class Pollutant(_Model):
    """An emission whose total may be capped by federations."""

    id: Identifier
    name: str = ""
    unit: str = ""
    weight: NonNegative = Field(
        0.0, description="Social damage per unit emitted, charged in the objective."
    )


class Technique(_Model):
    """One way of producing: coefficients per unit of activity."""

    id: Identifier
    outputs: Quantities = Field(description="Good -> output per unit of activity.")
    inputs: Quantities = Field(
        default_factory=dict, description="Good -> input per unit of activity."
    )
    primary_inputs: Quantities = Field(
        default_factory=dict, description="Primary input -> use per unit of activity."
    )
    emissions: Quantities = Field(
        default_factory=dict, description="Pollutant -> emission per unit of activity."
    )
    capacity: NonNegative | None = Field(
        None, description="Largest activity this period; None means not limited."
    )
    capital: Quantities = Field(
        default_factory=dict,
        description="Good -> quantity that one unit of new capacity takes (what a "
        "federation's capacity investment in this technique asks of this year's output).",
    )


class WorkerCouncil(_Model):
    """A workplace and the techniques it can operate."""

    id: Identifier
    name: str = ""
    federation: str | None = Field(
        None, description="Federation in which the workplace is located (for pollution caps)."
    )
    techniques: list[Technique] = Field(min_length=1)
    effort_cost_share: Annotated[float, Field(gt=0.0, allow_inf_nan=False)] = Field(
        0.5,
        description="Planning simulation: marginal cost of effort when a technique runs at "
        "capacity, as a share of its unit social cost. The council runs each technique where "
        "that rising effort cost meets the margin at indicative prices.",
    )


class ConsumerCouncil(_Model):
    """A neighbourhood consumer council and its consumption requests."""

    id: Identifier
    name: str = ""
    members: Annotated[int, Field(ge=1)] = 1
    effort_rating: NonNegative = Field(
        1.0, description="Mean effort and sacrifice rating of the members (1 = average)."
    )
    federation: str | None = None
    requests: Quantities = Field(default_factory=dict, description="Good -> quantity requested.")
    preferences: Quantities = Field(
        default_factory=dict,
        description="Planning simulation: private good -> utility weight. Empty means the "
        "requests serve as weights.",
    )
    substitution_elasticity: Annotated[float, Field(gt=0.0, allow_inf_nan=False)] = Field(
        1.0, description="Planning simulation: CES elasticity of substitution (1 = Cobb-Douglas)."
    )


class Federation(_Model):
    """A federation of neighbourhood councils, nested in a tree."""

    id: Identifier
    name: str = ""
    level: FederationLevel = FederationLevel.NEIGHBOURHOOD
    parent: str | None = None
    public_requests: Quantities = Field(
        default_factory=dict, description="Public good -> quantity requested."
    )
    pollution_caps: dict[str, NonNegative | Literal["vote"]] = Field(
        default_factory=dict,
        description="Pollutant -> cap on emissions of the worker councils located in this "
        'federation or any federation below it; "vote" leaves the cap to the federations '
        "below that state preferred_caps: the median of their preferred caps weighted by "
        "members x exposure to the pollutant.",
    )
    preferred_caps: Quantities = Field(
        default_factory=dict,
        description="Pollutant -> the cap this federation votes for where a federation above "
        "it leaves that cap to a vote.",
    )
    exposure_decay: Annotated[float, Field(gt=0.0, le=1.0, allow_inf_nan=False)] = Field(
        0.5,
        description="In this federation's cap votes: how much less an emitter one level "
        "further up the federation tree exposes a voter (per level).",
    )
    public_preferences: Quantities = Field(
        default_factory=dict,
        description="Planning simulation: public good -> utility weight. Empty means the "
        "public requests serve as weights.",
    )
    capacity_investments: Quantities = Field(
        default_factory=dict,
        description="Technique -> capacity to add for next year, built from this year's "
        "output (the technique's capital per unit of capacity), as part of the federation's "
        "public requests.",
    )
    budget_share: Annotated[float, Field(ge=0.0, lt=1.0)] | None = Field(
        None,
        description="Share of its members' incomes that the federation spends on public goods. "
        "None means 0.1 when it wants public goods, else 0.",
    )


class Problem(_Model):
    """One validation problem: where it is and what is wrong."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


class EconomyValidationError(ValueError):
    """The economy is invalid; ``problems`` names every offending field."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"invalid economy ({len(self.problems)} problem(s)):\n{lines}")


class Economy(_Model):
    """A whole economy for one planning period."""

    name: str = "economy"
    description: str = ""
    goods: list[Good] = Field(min_length=1)
    primary_inputs: list[PrimaryInput] = Field(min_length=1)
    pollutants: list[Pollutant] = Field(default_factory=list)
    worker_councils: list[WorkerCouncil] = Field(min_length=1)
    consumer_councils: list[ConsumerCouncil] = Field(default_factory=list)
    federations: list[Federation] = Field(default_factory=list)
    default_shortfall_penalty: Annotated[float, Field(gt=0.0, allow_inf_nan=False)] = Field(
        1e6,
        description="Social cost per unit of unmet demand for goods without their own "
        "penalty. Must exceed every sensible price: a price equal to it signals a shortfall.",
    )
    consumption_budget: Annotated[float, Field(gt=0.0, allow_inf_nan=False)] | None = Field(
        None,
        description="Planning: value of the social product available for consumption, shared "
        "among consumer councils by effort rating x members; it fixes the unit of prices. None "
        "means the total labour availability (one unit per hour).",
    )

    @model_validator(mode="after")
    def _check_references(self) -> Economy:
        problems = list(_reference_problems(self))
        if problems:
            raise EconomyValidationError(problems)
        return self

    # Convenience look-ups -------------------------------------------------------------
    def good_ids(self) -> list[str]:
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


def _duplicates(ids: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    dup: list[str] = []
    for i in ids:
        if i in seen and i not in dup:
            dup.append(i)
        seen.add(i)
    return dup


def _unknown(
    field: str, quantities: Mapping[str, object], known: set[str], what: str
) -> Iterable[Problem]:
    for key in quantities:
        if key not in known:
            yield Problem(field=f"{field}[{key!r}]", message=f"unknown {what} {key!r}")


def _reference_problems(eco: Economy) -> Iterable[Problem]:
    """Every cross-reference problem in ``eco``; field-level checks are pydantic's."""
    for field, ids in (
        ("goods", [g.id for g in eco.goods]),
        ("primary_inputs", [p.id for p in eco.primary_inputs]),
        ("pollutants", [p.id for p in eco.pollutants]),
        ("worker_councils", [w.id for w in eco.worker_councils]),
        ("consumer_councils", [c.id for c in eco.consumer_councils]),
        ("federations", [f.id for f in eco.federations]),
        ("worker_councils[*].techniques", [t.id for _, t in eco.techniques()]),
    ):
        for d in _duplicates(ids):
            yield Problem(field=field, message=f"duplicate id {d!r}")
    clash = {g.id for g in eco.goods} & {p.id for p in eco.primary_inputs}
    for c in sorted(clash):
        yield Problem(field="primary_inputs", message=f"id {c!r} is also a good's id")

    goods = {g.id for g in eco.goods}
    kind = {g.id: g.kind for g in eco.goods}
    primaries = {p.id for p in eco.primary_inputs}
    pollutants = {p.id for p in eco.pollutants}
    feds = {f.id for f in eco.federations}
    techniques = {t.id: t for _, t in eco.techniques()}

    for i, wc in enumerate(eco.worker_councils):
        if wc.federation is not None and wc.federation not in feds:
            yield Problem(
                field=f"worker_councils[{i}].federation",
                message=f"unknown federation {wc.federation!r}",
            )
        for j, t in enumerate(wc.techniques):
            base = f"worker_councils[{i}].techniques[{j}]"
            yield from _unknown(f"{base}.outputs", t.outputs, goods, "good")
            yield from _unknown(f"{base}.inputs", t.inputs, goods, "good")
            yield from _unknown(
                f"{base}.primary_inputs", t.primary_inputs, primaries, "primary input"
            )
            yield from _unknown(f"{base}.emissions", t.emissions, pollutants, "pollutant")
            yield from _unknown(f"{base}.capital", t.capital, goods, "good")
            if not any(v > 0 for v in t.outputs.values()):
                yield Problem(field=f"{base}.outputs", message="a technique must output some good")

    for i, cc in enumerate(eco.consumer_councils):
        if cc.federation is not None and cc.federation not in feds:
            yield Problem(
                field=f"consumer_councils[{i}].federation",
                message=f"unknown federation {cc.federation!r}",
            )
        for name, why in (
            ("requests", "request private goods (public goods are requested by federations)"),
            ("preferences", "weigh private goods (public goods are weighed by federations)"),
        ):
            quantities = getattr(cc, name)
            yield from _unknown(f"consumer_councils[{i}].{name}", quantities, goods, "good")
            yield from _wrong_kind(
                f"consumer_councils[{i}].{name}",
                quantities,
                kind,
                GoodKind.PRIVATE,
                f"; consumer councils {why}",
            )

    for i, f in enumerate(eco.federations):
        if f.parent is not None and f.parent not in feds:
            yield Problem(
                field=f"federations[{i}].parent", message=f"unknown federation {f.parent!r}"
            )
        for name in ("public_requests", "public_preferences"):
            quantities = getattr(f, name)
            yield from _unknown(f"federations[{i}].{name}", quantities, goods, "good")
            yield from _wrong_kind(
                f"federations[{i}].{name}", quantities, kind, GoodKind.PUBLIC, ", not public"
            )
        yield from _unknown(
            f"federations[{i}].pollution_caps", f.pollution_caps, pollutants, "pollutant"
        )
        yield from _unknown(
            f"federations[{i}].preferred_caps", f.preferred_caps, pollutants, "pollutant"
        )
        for tid in f.capacity_investments:
            field = f"federations[{i}].capacity_investments[{tid!r}]"
            invested = techniques.get(tid)
            if invested is None:
                yield Problem(field=field, message=f"unknown technique {tid!r}")
            elif invested.capacity is None:
                yield Problem(
                    field=field, message=f"technique {tid!r} has no capacity limit to raise"
                )
            elif not any(q > 0 for q in invested.capital.values()):
                yield Problem(
                    field=field,
                    message=f"technique {tid!r} states no capital (what a unit of new "
                    "capacity takes)",
                )

    cycles = list(_federation_cycles(eco))
    yield from cycles
    if not cycles and all(f.parent is None or f.parent in feds for f in eco.federations):
        yield from _vote_problems(eco)


def _vote_problems(eco: Economy) -> Iterable[Problem]:
    """A cap left to a vote needs voters, and emitters whose exposure can be measured."""
    ancestors = eco.federation_ancestors()
    for i, f in enumerate(eco.federations):
        for pollutant, cap in f.pollution_caps.items():
            if cap != VOTE:
                continue
            field = f"federations[{i}].pollution_caps[{pollutant!r}]"
            if not any(
                g.id != f.id and f.id in ancestors[g.id] and pollutant in g.preferred_caps
                for g in eco.federations
            ):
                yield Problem(
                    field=field,
                    message=f"left to a vote, but no federation below {f.id!r} states "
                    f"preferred_caps[{pollutant!r}]",
                )
            root = ancestors[f.id][-1]
            for j, wc in enumerate(eco.worker_councils):
                if wc.federation is None or ancestors[wc.federation][-1] != root:
                    continue
                for k, t in enumerate(wc.techniques):
                    if t.emissions.get(pollutant, 0.0) > 0 and t.capacity is None:
                        yield Problem(
                            field=f"worker_councils[{j}].techniques[{k}].capacity",
                            message=f"unlimited, but it emits {pollutant!r} and {field} is "
                            "left to a vote: a voter's exposure is measured by capacity",
                        )


def _wrong_kind(
    field: str,
    quantities: Mapping[str, float],
    kind: Mapping[str, GoodKind],
    expected: GoodKind,
    why: str,
) -> Iterable[Problem]:
    for g in quantities:
        if g in kind and kind[g] is not expected:
            yield Problem(field=f"{field}[{g!r}]", message=f"good {g!r} is {kind[g].value}{why}")


def _federation_cycles(eco: Economy) -> Iterable[Problem]:
    parent = {f.id: f.parent for f in eco.federations}
    index = {f.id: i for i, f in enumerate(eco.federations)}
    reported: set[str] = set()
    for start in parent:
        path: list[str] = []
        node: str | None = start
        while node is not None and node in parent and node not in path:
            path.append(node)
            node = parent[node]
        if node is not None and node in path:
            cycle = path[path.index(node) :]
            if not reported.intersection(cycle):
                reported.update(cycle)
                first = min(cycle, key=index.__getitem__)
                yield Problem(
                    field=f"federations[{index[first]}].parent",
                    message="federation tree has a cycle: " + " -> ".join([*cycle, cycle[0]]),
                )


def _pydantic_problems(err: ValidationError) -> list[Problem]:
    problems: list[Problem] = []
    for e in err.errors():
        ctx_error = e.get("ctx", {}).get("error")
        if isinstance(ctx_error, EconomyValidationError):
            problems.extend(ctx_error.problems)
            continue
        field = ""
        for part in e["loc"]:
            if isinstance(part, int):
                field += f"[{part}]"
            elif field and isinstance(part, str) and not part.isidentifier():
                field += f"[{part!r}]"
            else:
                field += ("." if field else "") + str(part)
        problems.append(Problem(field=field, message=e["msg"]))
    return problems


def parse_economy(data: Mapping[str, Any] | str | bytes) -> Economy:
    """Build an economy from a mapping or JSON text.

    Raises
    ------
    EconomyValidationError
        With one :class:`Problem` per offending field.
    """
    try:
        if isinstance(data, (str, bytes)):
            return Economy.model_validate_json(data)
        return Economy.model_validate(data)
    except ValidationError as err:
        raise EconomyValidationError(_pydantic_problems(err)) from None


def load_economy(path: str | Path) -> Economy:
    """Read an economy from a JSON file (see :func:`parse_economy`)."""
    return parse_economy(Path(path).read_bytes())


def save_economy(economy: Economy, path: str | Path) -> None:
    """Write an economy as indented JSON, leaving out fields at their defaults."""
    Path(path).write_text(economy.model_dump_json(indent=1, exclude_defaults=True) + "\n")


def economy_json_schema() -> str:
    """The JSON schema of an economy file."""
    return json.dumps(Economy.model_json_schema(), indent=2) + "\n"
