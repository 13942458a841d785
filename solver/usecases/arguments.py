"""The numbers a command line takes, checked before anything runs: shared by ``parplan``
and ``parplan-server`` as :mod:`argparse` types, so that both refuse the same way."""

from __future__ import annotations

import argparse
import math

__all__ = ["count", "port", "positive_count", "positive_seconds", "seconds"]


def _whole(text: str, at_least: int, words: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < at_least:
        raise argparse.ArgumentTypeError(f"{words}, got {value}")
    return value


def _seconds(text: str, positive: bool) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected seconds, got {text!r}") from None
    if not (value > 0 if positive else value >= 0) or math.isinf(value):
        words = "a positive number of seconds" if positive else "0 or more seconds"
        raise argparse.ArgumentTypeError(f"{words}, got {text}")
    return value


def count(text: str) -> int:
    """A count where 0 means all (``--top``)."""
    return _whole(text, 0, "0 (all) or more")


def positive_count(text: str) -> int:
    """A count of one or more (threads, watchers, MiB)."""
    return _whole(text, 1, "1 or more")


def port(text: str) -> int:
    """A TCP port, 0 for any free one."""
    value = _whole(text, 0, "a port is 0-65535")
    if value > 65535:
        raise argparse.ArgumentTypeError(f"a port is 0-65535, got {value}")
    return value


def seconds(text: str) -> float:
    """Seconds: a finite number, 0 or more."""
    return _seconds(text, positive=False)


def positive_seconds(text: str) -> float:
    """Seconds: a finite number above 0 (a time limit, a lease)."""
    return _seconds(text, positive=True)
