"""What is wrong with an economy, said field by field.

A :class:`Problem` names the offending field by its path in the economy document, e.g.
``worker_councils[3].techniques[0].inputs['steel']``; :class:`EconomyValidationError`
carries every problem found, so that one answer lists them all.
"""

from __future__ import annotations

from collections.abc import Iterable

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


def pydantic_problems(err: ValidationError) -> list[Problem]:
    """One :class:`Problem` per pydantic error, its location written as a field path."""
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
