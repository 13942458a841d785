"""The numbers a command line takes: what each type accepts and how it refuses."""

from __future__ import annotations

import argparse
from collections.abc import Callable

import pytest

from solver.usecases import count, port, positive_count, positive_seconds, seconds


@pytest.mark.parametrize(
    ("kind", "text", "value"),
    [
        (count, "0", 0),
        (count, "20", 20),
        (positive_count, "1", 1),
        (port, "0", 0),
        (port, "65535", 65535),
        (seconds, "0", 0.0),
        (seconds, "2.5", 2.5),
        (positive_seconds, "1e-3", 1e-3),
    ],
)
def test_what_each_accepts(kind: Callable[[str], float], text: str, value: float) -> None:
    assert kind(text) == value


@pytest.mark.parametrize(
    ("kind", "text", "words"),
    [
        (count, "-1", "0 (all) or more, got -1"),
        (count, "2.5", "expected a whole number, got '2.5'"),
        (positive_count, "0", "1 or more, got 0"),
        (port, "65536", "a port is 0-65535, got 65536"),
        (port, "-1", "a port is 0-65535, got -1"),
        (seconds, "-3", "0 or more seconds, got -3"),
        (seconds, "inf", "0 or more seconds, got inf"),
        (seconds, "nan", "0 or more seconds, got nan"),
        (positive_seconds, "0", "a positive number of seconds, got 0"),
        (positive_seconds, "soon", "expected seconds, got 'soon'"),
    ],
)
def test_how_each_refuses(kind: Callable[[str], float], text: str, words: str) -> None:
    with pytest.raises(
        argparse.ArgumentTypeError, match=words.replace("(", r"\(").replace(")", r"\)")
    ):
        kind(text)
