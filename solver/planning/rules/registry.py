"""Price rules by name, with their options checked against what each rule takes."""

from __future__ import annotations

import inspect
import math
import typing
from collections.abc import Sequence
from types import UnionType
from typing import Any, Union

from solver.planning.rules.base import PriceRule
from solver.planning.rules.hybrid import Hybrid
from solver.planning.rules.lp import LPRule
from solver.planning.rules.newton import Newton
from solver.planning.rules.tatonnement import Tatonnement
from solver.suggest import did_you_mean

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
            f"rule: unknown price rule {name!r}{did_you_mean(name, PRICE_RULES)} "
            f"(the rules: {', '.join(PRICE_RULES)})"
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
        first = unknown[0]
        raise ValueError(
            f"rule_options[{first}]: the {name} rule has no option "
            f"{', '.join(map(repr, unknown))}{did_you_mean(first, known)} ({takes})"
        )
    for key, value in options.items():
        _check_type(name, key, value, _option_type(name, key))
    try:
        rule: PriceRule = cls(**options)
    except (TypeError, ValueError) as err:
        said = str(err)
        named = next((key for key in options if said.startswith(f"{key}:")), None)
        if named is not None:
            raise ValueError(f"rule_options[{named}]{said[len(named) :]}") from err
        where = f"rule_options[{next(iter(options))}]" if len(options) == 1 else "rule_options"
        raise ValueError(f"{where}: the {name} rule refused it: {said}") from err
    return rule


def _option_type(name: str, key: str) -> Any:
    """The annotated type of option ``key`` of the rule ``name`` (or of the ``lp`` rule it
    hands the option on to)."""
    cls = _rule_class(name)
    hints = typing.get_type_hints(cls.__init__)  # type: ignore[misc]
    if key in hints:
        return hints[key]
    return typing.get_type_hints(LPRule.__init__).get(key, Any)


def _check_type(rule: str, key: str, value: Any, hint: Any) -> None:
    """Refuse a value of the wrong type for its option before the rule sees it, naming the
    option (``damping="abc"`` would otherwise fail deep inside the rule)."""
    allowed = (
        set(typing.get_args(hint)) if typing.get_origin(hint) in (Union, UnionType) else {hint}
    )
    if value is None and type(None) in allowed:
        return
    field = f"rule_options[{key}]"
    if float in allowed or int in allowed:
        real = isinstance(value, int | float) and not isinstance(value, bool)
        if not real or not math.isfinite(value):
            raise ValueError(f"{field}: the {rule} rule takes a finite number, got {value!r}")
        if int in allowed and float not in allowed and value != int(value):
            raise ValueError(f"{field}: the {rule} rule takes a whole number, got {value!r}")
    elif bool in allowed and not isinstance(value, bool):
        raise ValueError(f"{field}: the {rule} rule takes true or false, got {value!r}")
    elif any(typing.get_origin(h) in (Sequence, list, tuple) for h in allowed):
        items = value if isinstance(value, list | tuple) else None
        if items is None or not all(
            isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
            for v in items
        ):
            raise ValueError(f"{field}: the {rule} rule takes a list of numbers, got {value!r}")
