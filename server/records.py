"""What the service stores, as records: economies, sessions and closed rounds, a round's
proposals as compressed bytes, and the errors the store raises (see :mod:`server.store`)."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import scipy.sparse as sp

from solver.planning.market import Proposals

__all__ = [
    "EconomyRecord",
    "NotFoundError",
    "RoundBeingClosed",
    "RoundClosedError",
    "RoundRow",
    "Row",
    "SessionRecord",
    "StaleSessionError",
    "economy_from_row",
    "proposals_from_bytes",
    "proposals_to_bytes",
    "round_from_row",
    "session_from_row",
]


class Row(Protocol):
    """A row as either database's driver gives it: its columns by name."""

    def __getitem__(self, column: str, /) -> Any: ...


class NotFoundError(KeyError):
    """No such economy or session; the message names it."""

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True)
class EconomyRecord:
    """A stored economy: its id, name, sizes and, where asked for, its document."""

    economy_id: str
    name: str
    goods: int
    worker_councils: int
    consumer_councils: int
    federations: int
    document_bytes: int
    created: float
    document: str = ""


@dataclass(frozen=True)
class SessionRecord:
    """A stored session: its economy, rule and settings, and when it was created."""

    session_id: str
    economy_id: str
    settings: dict[str, Any]
    status: str
    current_round: int
    round_opened: float
    created: float


@dataclass(frozen=True)
class RoundRow:
    """A closed round as stored: its summary, prices, next prices and proposals."""

    round: int
    summary: dict[str, Any]
    prices: np.ndarray
    next_prices: np.ndarray
    proposals: Proposals


def _array_bytes(values: np.ndarray) -> bytes:
    return np.ascontiguousarray(values, dtype="<f8").tobytes()


def _array_from(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype="<f8").copy()


def proposals_to_bytes(proposals: Proposals) -> bytes:
    """A round's proposals as a compressed ``.npz`` (linear-worker markets)."""
    if proposals.cobb_douglas is not None or proposals.permits is not None:
        raise ValueError("only proposals of markets with linear worker councils are stored")
    arrays: dict[str, np.ndarray] = {}
    for name, matrix in (
        ("consumer", proposals.consumer_requests),
        ("federation", proposals.federation_requests),
    ):
        if matrix is not None:
            csr = sp.csr_array(matrix)
            arrays |= {
                f"{name}_data": csr.data,
                f"{name}_indices": csr.indices,
                f"{name}_indptr": csr.indptr,
                f"{name}_shape": np.asarray(csr.shape),
            }
    if proposals.linear_activity is not None:
        arrays["linear_activity"] = proposals.linear_activity
    if proposals.stated_effort is not None:  # the board learns from it: replay needs it
        arrays["stated_effort"] = proposals.stated_effort
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)  # type: ignore[arg-type]
    return buffer.getvalue()


def proposals_from_bytes(blob: bytes) -> Proposals:
    """Inverse of :func:`proposals_to_bytes`."""
    with np.load(io.BytesIO(blob)) as arrays:

        def matrix(name: str) -> sp.csr_array | None:
            if f"{name}_data" not in arrays:
                return None
            return sp.csr_array(
                (arrays[f"{name}_data"], arrays[f"{name}_indices"], arrays[f"{name}_indptr"]),
                shape=tuple(arrays[f"{name}_shape"]),
            )

        consumer = matrix("consumer")
        assert consumer is not None
        return Proposals(
            consumer_requests=consumer,
            federation_requests=matrix("federation"),
            linear_activity=arrays.get("linear_activity"),
            stated_effort=arrays.get("stated_effort"),
        )


class RoundClosedError(RuntimeError):
    """A proposal or close for a round that is not the session's open round."""

    def __init__(
        self, session_id: str, round_: int, current: int | None, ended: str | None = None
    ) -> None:
        self.round, self.current = round_, current
        if ended is not None:
            message = f"round: session {session_id!r} has ended ({ended}); no round is open"
        else:
            message = (
                f"round: round {round_} of session {session_id!r} is not open "
                f"(the open round is {current})"
            )
        super().__init__(message)


def economy_from_row(row: Row, with_document: bool) -> EconomyRecord:
    """An economy's row as its record (the document only ``with_document``)."""
    return EconomyRecord(
        economy_id=row["economy_id"],
        name=row["name"],
        goods=row["goods"],
        worker_councils=row["worker_councils"],
        consumer_councils=row["consumer_councils"],
        federations=row["federations"],
        document_bytes=row["document_bytes"],
        created=row["created"],
        document=row["document"] if with_document else "",
    )


def session_from_row(row: Row) -> SessionRecord:
    """A session's row as its record."""
    return SessionRecord(
        session_id=row["session_id"],
        economy_id=row["economy_id"],
        settings=json.loads(row["settings"]),
        status=row["status"],
        current_round=row["current_round"],
        round_opened=row["round_opened"],
        created=row["created"],
    )


def round_from_row(row: Row) -> RoundRow:
    """A closed round's row as its record."""
    return RoundRow(
        round=row["round"],
        summary=json.loads(row["summary"]),
        prices=_array_from(row["prices"]),
        next_prices=_array_from(row["next_prices"]),
        proposals=proposals_from_bytes(row["proposals"]),
    )


class RoundBeingClosed(RoundClosedError):
    """The round is being closed (by another server sharing the store): proposals for it
    are refused, and another close waits until the lease runs out.

    Attributes
    ----------
    wait
        Seconds the holder's lease runs on; 0 where it is unknown.
    lost
        True where this server's own close lost its lease before it committed.
    """

    def __init__(
        self, session_id: str, round_: int, wait: float = 0.0, *, lost: bool = False
    ) -> None:
        super().__init__(session_id, round_, round_)
        self.wait, self.lost = max(wait, 0.0), lost
        if lost:
            self.args = (
                f"round: the close of round {round_} of session {session_id!r} took too long "
                "and was taken over; it is closed by another server",
            )
        else:
            self.args = (
                f"round: round {round_} of session {session_id!r} is being closed; "
                "the next round opens when it is (WatchSession, GetRound)",
            )


class StaleSessionError(RuntimeError):
    """The session changed in the store (through another server) since this server read it;
    the call is retried on the session as stored."""
