"""Seconds and ``google.protobuf.Duration``, both ways: the one conversion the service, its
client and the benchmarks share."""

from __future__ import annotations

from google.protobuf.duration_pb2 import Duration

__all__ = ["duration", "seconds_of"]


def duration(seconds: float) -> Duration:
    """Seconds as a ``google.protobuf.Duration`` (to the nanosecond)."""
    span = Duration()
    span.FromNanoseconds(round(seconds * 1e9))
    return span


def seconds_of(span: Duration) -> float:
    """A ``google.protobuf.Duration`` in seconds."""
    return span.seconds + span.nanos * 1e-9
