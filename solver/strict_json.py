"""JSON as strict parsers read it: no ``NaN``, no ``Infinity``.

Python's :mod:`json` writes non-finite floats as ``NaN`` and ``Infinity`` by default, which
JSON does not have and strict parsers (JavaScript's ``JSON.parse``, Go's ``encoding/json``)
reject. Everything this project writes as JSON goes through :func:`to_json`, which writes a
non-finite number as ``null`` ("no value").
"""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np

__all__ = ["json_ready", "to_json"]


def json_ready(value: Any) -> Any:
    """``value`` (nested dicts, lists and tuples) with NaN and infinities as ``None``,
    ``-0.0`` as ``0.0``, and numpy scalars and arrays as Python numbers and lists, for
    JSON."""
    if isinstance(value, np.ndarray):
        return json_ready(value.tolist())
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        # NaN and infinities have no JSON; -0.0 reads as a sign that means nothing
        return value + 0.0 if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_ready(v) for v in value]
    return value


def to_json(value: Any, **options: Any) -> str:
    """``json.dumps`` of :func:`json_ready` ``(value)``, refusing what JSON cannot hold."""
    return json.dumps(json_ready(value), allow_nan=False, **options)
