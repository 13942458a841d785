"""Price rules by name."""

from __future__ import annotations

from typing import Any

from solver.planning.rules.base import (
    PriceRule,
)
from solver.planning.rules.hybrid import (
    Hybrid,
)
from solver.planning.rules.lp import (
    BoardLP,
)
from solver.planning.rules.newton import (
    Newton,
)
from solver.planning.rules.tatonnement import (
    Tatonnement,
)

__all__ = ["PRICE_RULES", "make_rule"]


PRICE_RULES = ("lp", "tatonnement", "hybrid", "newton")


def make_rule(name: str, **options: Any) -> PriceRule:
    """A fresh price rule by name (see :data:`PRICE_RULES`)."""
    if name == "tatonnement":
        return Tatonnement(**options)
    if name == "lp":
        return BoardLP(**options)
    if name == "hybrid":
        return Hybrid(**options)
    if name == "newton":
        return Newton(**options)
    raise ValueError(f"rule: unknown price rule {name!r}; choose one of {', '.join(PRICE_RULES)}")
