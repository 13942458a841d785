"""Price rules by name, with their options checked against what each rule takes."""

from __future__ import annotations

import inspect
from typing import Any

from solver.planning.rules.base import PriceRule
from solver.planning.rules.hybrid import Hybrid
from solver.planning.rules.lp import LPRule
from solver.planning.rules.newton import Newton
from solver.planning.rules.tatonnement import Tatonnement

__all__ = ["PRICE_RULES", "make_rule", "rule_options"]

_RULES: dict[str, type] = {
    "lp": LPRule,
    "tatonnement": Tatonnement,
    "hybrid": Hybrid,
    "newton": Newton,
}
PRICE_RULES = tuple(_RULES)


def rule_options(name: str) -> list[str]:
    """The keyword options of the rule called ``name`` (rules that hand other options on to
    an inner ``lp`` rule list those too)."""
    cls = _rule_class(name)
    own = inspect.signature(cls).parameters.values()
    names = [p.name for p in own if p.kind is inspect.Parameter.KEYWORD_ONLY]
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in own):
        covered = set(names) | set(getattr(cls, "sets_lp_options", ()))
        names += [n for n in rule_options("lp") if n not in covered]
    return names


def _rule_class(name: str) -> type:
    if name not in _RULES:
        raise ValueError(
            f"rule: unknown price rule {name!r}; choose one of {', '.join(PRICE_RULES)}"
        )
    return _RULES[name]


def make_rule(name: str, **options: Any) -> PriceRule:
    """A fresh price rule by name (see :data:`PRICE_RULES`).

    Raises
    ------
    ValueError
        ``rule: ...`` for an unknown rule, ``rule_options: ...`` for an option the rule does
        not take (naming the options it does take) or a value it refuses.
    """
    cls = _rule_class(name)
    known = rule_options(name)
    unknown = [key for key in options if key not in known]
    if unknown:
        takes = f"its options: {', '.join(known)}" if known else "it takes none"
        raise ValueError(
            f"rule_options: the {name} rule has no option {', '.join(map(repr, unknown))}; {takes}"
        )
    try:
        rule: PriceRule = cls(**options)
    except TypeError as err:  # a value of the wrong type, e.g. damping="abc"
        raise ValueError(f"rule_options: the {name} rule refused {options}: {err}") from err
    return rule
