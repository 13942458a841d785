"""The parts an economy is made of: goods, primary inputs, pollutants, councils, federations.

Plain pydantic v2 data classes; each checks its own fields. Checks that read across parts
(a good named in a technique, a federation named by a council) are
:mod:`solver.economy.references`'.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, Strict

__all__ = [
    "MAX_QUANTITY",
    "VOTE",
    "ConsumerCouncil",
    "Federation",
    "FederationLevel",
    "Good",
    "GoodKind",
    "Identifier",
    "NonNegative",
    "Pollutant",
    "Positive",
    "PrimaryInput",
    "PrimaryInputKind",
    "Technique",
    "WorkerCouncil",
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
MAX_QUANTITY = 1e15
"""The largest number an economy or a proposal may state (a quantity, a capacity, a cost).

A national account needs about 1e14 (world output in US dollars), with room left for finer
units; yet sums and products of a million such numbers stay far from overflow, so that no
excess, price or total becomes infinite."""

# Strict: a number written as text ("5") is refused, not read as 5; an integer is a number.
NonNegative = Annotated[float, Strict(), Field(ge=0.0, le=MAX_QUANTITY, allow_inf_nan=False)]
Positive = Annotated[float, Strict(), Field(gt=0.0, le=MAX_QUANTITY, allow_inf_nan=False)]
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
    shortfall_penalty: Positive | None = Field(
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
    effort_cost_share: Positive = Field(
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
    substitution_elasticity: Positive = Field(
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
    exposure_decay: Annotated[float, Strict(), Field(gt=0.0, le=1.0, allow_inf_nan=False)] = Field(
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
    budget_share: Annotated[float, Strict(), Field(ge=0.0, lt=1.0)] | None = Field(
        None,
        description="Share of its members' incomes that the federation spends on public goods. "
        "None means 0.1 when it wants public goods, else 0.",
    )
