"""What is wrong with an economy, said field by field.

A :class:`Problem` names the offending field by its path in the economy document, e.g.
``worker_councils[3].techniques[0].inputs['steel']``; :class:`EconomyValidationError`
carries every problem found, so that one answer lists them all.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

__all__ = ["EconomyValidationError", "Problem", "pydantic_problems"]


class Problem(BaseModel):
    """One validation problem: where it is and what is wrong."""

    model_config = ConfigDict(extra="forbid")

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


def pydantic_problems(err: ValidationError, model: type[BaseModel] | None = None) -> list[Problem]:
    """One :class:`Problem` per pydantic error, its location written as a field path.

    With the ``model`` validated, a mapping's key is written as in the cross-reference
    checks, ``primary_inputs['labour']``, and the tags pydantic adds for the members of a
    union are left out; without it, keys that are identifiers read like fields.
    """
    problems: list[Problem] = []
    for e in err.errors():
        ctx_error = e.get("ctx", {}).get("error")
        if isinstance(ctx_error, EconomyValidationError):
            problems.extend(ctx_error.problems)
            continue
        field = _typed_path(e["loc"], model) if model is not None else _plain_path(e["loc"])
        last = problems[-1] if problems else None
        if last is not None and last.field == field and model is not None:
            # each member of a union refused the value: one problem, every way it could be
            last.message = f"{last.message}, or {e['msg'][0].lower()}{e['msg'][1:]}"
            continue
        message = e["msg"]
        if e["type"] in ("float_type", "int_type") and isinstance(e.get("input"), str):
            message += f", not text ({_short(e['input'])}: write it without quotes)"
        problems.append(Problem(field=field, message=message))
    return problems


def _short(text: str, at_most: int = 40) -> str:
    """``text`` quoted, cut to ``at_most`` characters (an error never echoes a whole input)."""
    return repr(text if len(text) <= at_most else text[:at_most] + "...")


def _plain_path(loc: tuple[int | str, ...]) -> str:
    field = ""
    for part in loc:
        if isinstance(part, int):
            field += f"[{part}]"
        elif field and isinstance(part, str) and not part.isidentifier():
            field += f"[{part!r}]"
        else:
            field += ("." if field else "") + str(part)
    return field


def _unwrapped(annotation: Any) -> Any:
    """``X`` of ``Annotated[X, ...]`` and of ``X | None``; a union of several kept."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            members = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(members) != 1:
                return annotation
            annotation = members[0]
        else:
            return annotation


def _typed_path(loc: tuple[int | str, ...], model: type[BaseModel]) -> str:
    """The field path of ``loc`` read against the annotations of ``model``."""
    field = ""
    current: Any = model
    for part in loc:
        current = _unwrapped(current)
        origin = typing.get_origin(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            if part not in current.model_fields:
                field += ("." if field else "") + str(part)  # e.g. a validator's own field
                current = None
                continue
            field += ("." if field else "") + str(part)
            current = current.model_fields[str(part)].annotation
        elif origin is dict:
            field += f"[{part!r}]"
            current = typing.get_args(current)[1]
        elif origin in (list, tuple) or isinstance(part, int):
            field += f"[{part}]"
            args = typing.get_args(current)
            current = args[0] if args else None
        elif origin in (typing.Union, types.UnionType):
            continue  # pydantic's tag of the union member it tried
        else:
            field += ("." if field else "") + str(part)
    return field
