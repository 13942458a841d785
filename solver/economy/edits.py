"""Economies derived from an economy for one solve: councils' requests put in, techniques'
activities limited (what a caller of the round's LP states), or every limit lifted."""

from __future__ import annotations

import math
from collections.abc import Mapping

from solver.economy.model import Economy, EconomyValidationError, Problem, parse_economy

__all__ = ["with_activity_limits", "with_requests", "without_limits"]


def with_requests(economy: Economy, requests: Mapping[str, Mapping[str, float]]) -> Economy:
    """A validated copy of ``economy`` in which the named councils request other quantities.

    Parameters
    ----------
    economy
        The economy.
    requests
        Council id -> quantity by good: a consumer council's ``requests`` or a federation's
        ``public_requests``, replaced whole.

    Raises
    ------
    EconomyValidationError
        For an id that is neither a consumer council nor a federation, and for whatever the
        new requests break (unknown good, negative quantity), naming the field.
    """
    data = economy.model_dump(mode="json")
    consumers = {c["id"]: c for c in data["consumer_councils"]}
    federations = {f["id"]: f for f in data["federations"]}
    problems = []
    for council, quantities in requests.items():
        if council in consumers:
            consumers[council]["requests"] = dict(quantities)
        elif council in federations:
            federations[council]["public_requests"] = dict(quantities)
        else:
            problems.append(
                Problem(
                    field=f"requests[{council}]",
                    message=f"no consumer council or federation {council!r}",
                )
            )
    if problems:
        raise EconomyValidationError(problems)
    return parse_economy(data)


def with_activity_limits(economy: Economy, activities: Mapping[str, float]) -> Economy:
    """A validated copy of ``economy`` in which the named techniques run at most as much as
    their councils propose: each level replaces the technique's capacity.

    Raises
    ------
    EconomyValidationError
        For an unknown technique or a negative level, naming the field.
    """
    data = economy.model_dump(mode="json")
    techniques = {t["id"]: t for council in data["worker_councils"] for t in council["techniques"]}
    problems = []
    for name, level in activities.items():
        if name not in techniques:
            problems.append(Problem(field=f"activities[{name}]", message=f"no technique {name!r}"))
        elif not math.isfinite(level) or level < 0:
            problems.append(
                Problem(
                    field=f"activities[{name}]",
                    message=f"activity must be a finite number >= 0, got {level}",
                )
            )
    if problems:
        raise EconomyValidationError(problems)
    for name, level in activities.items():
        techniques[name]["capacity"] = level
    return parse_economy(data)


def without_limits(economy: Economy) -> Economy:
    """``economy`` with no availability, pollution cap or capacity: the plan it would have
    if nothing were scarce but the primary inputs' social cost (by the non-substitution
    theorem, each good's cheapest technique; :mod:`solver.lp.leontief_path`)."""
    return economy.model_copy(
        update={
            "primary_inputs": [
                p.model_copy(update={"availability": None}) for p in economy.primary_inputs
            ],
            "federations": [
                f.model_copy(update={"pollution_caps": {}, "preferred_caps": {}})
                for f in economy.federations
            ],
            "worker_councils": [
                w.model_copy(
                    update={
                        "techniques": [
                            t.model_copy(update={"capacity": None}) for t in w.techniques
                        ]
                    }
                )
                for w in economy.worker_councils
            ],
        }
    )
