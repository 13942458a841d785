"""JSON as strict parsers read it: non-finite numbers become null, numpy values plain ones."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from solver.strict_json import json_ready, to_json


def _strict(text: str) -> object:
    def refuse(constant: str) -> object:
        raise ValueError(f"not JSON: {constant}")

    return json.loads(text, parse_constant=refuse)


def test_non_finite_numbers_become_null_at_any_depth() -> None:
    value = {
        "nan": float("nan"),
        "inf": [math.inf, (-math.inf, 1.5)],
        "numpy": np.array([1.0, np.nan, np.inf]),
        "scalar": np.float64("-inf"),
        "int": np.int64(3),
    }
    text = to_json(value)
    assert _strict(text) == {
        "nan": None,
        "inf": [None, [None, 1.5]],
        "numpy": [1.0, None, None],
        "scalar": None,
        "int": 3,
    }


def test_python_json_would_have_written_what_strict_parsers_refuse() -> None:
    with pytest.raises(ValueError, match="not JSON: NaN"):
        _strict(json.dumps({"x": float("nan")}))
    assert json_ready([float("nan")]) == [None]


def test_negative_zero_is_written_as_zero() -> None:
    """Issue #16: prices of 0 came out as -0 (a dual's sign that means nothing)."""
    assert to_json({"price": -0.0, "prices": np.array([-0.0, 1.5])}) == (
        '{"price": 0.0, "prices": [0.0, 1.5]}'
    )
