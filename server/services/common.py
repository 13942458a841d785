"""What every gRPC service shares: errors translated to status codes with the field named,
callers checked against the admin token or their council's token, deadlines and timestamps.

Status codes
------------
- ``INVALID_ARGUMENT``: a malformed economy or proposal, an unknown rule or option; the
  message names the field, and the status details (``grpc-status-details-bin``) carry a
  ``google.rpc.BadRequest`` with one field violation per problem.
- ``NOT_FOUND``: no such economy or session.
- ``FAILED_PRECONDITION``: the call does not fit the session's state: a proposal for a round
  that is not open, a close while live councils have never proposed, an economy still used.
- ``UNAUTHENTICATED``: no ``authorization: Bearer <token>`` metadata, or a token the session
  does not know.
- ``PERMISSION_DENIED``: a valid token that may not make this call (a council token on a
  management call, or a council proposing for another council).
- ``RESOURCE_EXHAUSTED``: a message or upload larger than the configured limit.
- ``UNAVAILABLE``: the store cannot write now (a full disk, an I/O error); nothing of the
  call was stored, and health is ``NOT_SERVING`` until the store writes again.
- ``INTERNAL``: the store is damaged.
- ``UNAVAILABLE`` also ends a ``WatchSession`` stream that waited too long for a round.
- ``CANCELLED`` / ``DEADLINE_EXCEEDED``: the caller gave up; the round in progress finishes
  and is stored, nothing is half-written.
"""

from __future__ import annotations

import functools
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, TypeVar

import grpc
from google.protobuf.duration_pb2 import Duration
from google.protobuf.timestamp_pb2 import Timestamp
from google.rpc import error_details_pb2, status_pb2

from server.api.planning.v1 import common_pb2 as common_pb
from server.api.planning.v1 import round_pb2 as round_pb
from server.auth import bearer_token, is_admin
from server.client_errors import named_field
from server.durations import duration, seconds_of
from server.live import SessionStateError
from server.records import NotFoundError, RoundClosedError, StaleSessionError
from server.sessions import SessionManager
from server.store import is_storage_failure, is_transient_failure
from server.watching import WatchIdle
from solver.economy.model import EconomyValidationError
from solver.jobs.workplaces import WorkplaceValidationError
from solver.planning.market import ProposalError
from solver.status import TerminationCondition
from solver.usecases import RoundAbandoned

__all__ = [
    "LONGEST_ROUND_TIMEOUT",
    "TERMINATION",
    "Guard",
    "code_of",
    "deadline_of",
    "duration",
    "error_message",
    "field_violations",
    "item_quantities",
    "next_page_token",
    "page_of",
    "page_window",
    "quantities",
    "round_timeout_of",
    "termination_of",
    "timestamp",
    "translate_errors",
    "translate_stream_errors",
]

R = TypeVar("R")
T = TypeVar("T")

DEFAULT_PAGE_SIZE = 50
LARGEST_PAGE_SIZE = 1000

ERROR_CODES: list[tuple[type[BaseException], grpc.StatusCode]] = [
    (NotFoundError, grpc.StatusCode.NOT_FOUND),
    (RoundClosedError, grpc.StatusCode.FAILED_PRECONDITION),
    (StaleSessionError, grpc.StatusCode.ABORTED),
    (RoundAbandoned, grpc.StatusCode.DEADLINE_EXCEEDED),
    (WatchIdle, grpc.StatusCode.UNAVAILABLE),
    (SessionStateError, grpc.StatusCode.FAILED_PRECONDITION),
    (EconomyValidationError, grpc.StatusCode.INVALID_ARGUMENT),
    (WorkplaceValidationError, grpc.StatusCode.INVALID_ARGUMENT),
    (ProposalError, grpc.StatusCode.INVALID_ARGUMENT),
    (ValueError, grpc.StatusCode.INVALID_ARGUMENT),
]


def code_of(err: BaseException) -> grpc.StatusCode | None:
    """The status code an exception from the solver or the store maps to, if any: the
    storage failing is ``UNAVAILABLE`` (a full disk, an I/O error: retry later) or
    ``INTERNAL`` (a damaged database)."""
    if is_storage_failure(err):
        transient = is_transient_failure(err)
        return grpc.StatusCode.UNAVAILABLE if transient else grpc.StatusCode.INTERNAL
    for kind, code in ERROR_CODES:
        if isinstance(err, kind):
            return code
    return None


def field_violations(err: BaseException) -> list[tuple[str, str]]:
    """``(field, description)`` of every problem an error names: the problems of a
    validation or proposal error, else the ``field: message`` its text starts with."""
    problems = getattr(err, "problems", None)
    if problems:
        pairs = [(p[0], p[1]) if isinstance(p, tuple) else (p.field, p.message) for p in problems]
        return [(str(f), str(m)) for f, m in pairs]
    return named_field(str(err))


MESSAGE_BYTES = 2048
"""Longest error message, in UTF-8 bytes: whatever a request held, the answer stays small."""
SHOWN_PROBLEMS = 5
"""Problems an error message lists by name; the rest are counted."""
DETAIL_VIOLATIONS = 8
"""Field violations in the status details; with the message they stay well inside gRPC's
8 KiB of trailing metadata, beyond which a client sees ``RESOURCE_EXHAUSTED`` instead."""


def _clip(text: str, chars: int) -> str:
    """``text``, or its first ``chars`` characters and how long it was."""
    return text if len(text) <= chars else f"{text[:chars]}... ({len(text)} characters)"


def _fit(text: str, limit: int = MESSAGE_BYTES) -> str:
    """``text`` cut to ``limit`` UTF-8 bytes, saying so."""
    data = text.encode()
    if len(data) <= limit:
        return text
    return data[: limit - 48].decode("utf-8", "ignore") + f"... ({len(data)} bytes in all)"


def error_message(err: BaseException) -> str:
    """The error's text, at most :data:`MESSAGE_BYTES`: where it names more problems than
    :data:`SHOWN_PROBLEMS` or runs longer, the first problems (field and message, each
    clipped) and how many there are in all."""
    text = str(err)
    if is_storage_failure(err):
        cause = _clip(text.splitlines()[0] if text else type(err).__name__, 200)
        return f"the store failed ({cause}); nothing of this call was stored"
    violations = field_violations(err)
    if len(violations) <= SHOWN_PROBLEMS and len(text.encode()) <= MESSAGE_BYTES:
        return text
    if not violations:
        return _fit(text)
    head = text.split("\n", 1)[0] if len(violations) > 1 else "invalid argument:"
    if not head.endswith(":"):
        head = f"{len(violations)} problem(s):"
    lines = [f"  - {_clip(f, 120)}: {_clip(m, 240)}" for f, m in violations[:SHOWN_PROBLEMS]]
    if len(violations) > SHOWN_PROBLEMS:
        lines.append(f"  ... and {len(violations) - SHOWN_PROBLEMS} more problem(s)")
    return _fit("\n".join([head, *lines]))


def _details(
    code: grpc.StatusCode, err: BaseException, message: str
) -> tuple[tuple[str, bytes], ...]:
    """Trailing metadata with a ``google.rpc.Status`` carrying a ``BadRequest`` (for
    ``INVALID_ARGUMENT`` errors that name fields), else nothing: the first
    :data:`DETAIL_VIOLATIONS` problems, each clipped."""
    violations = field_violations(err) if code is grpc.StatusCode.INVALID_ARGUMENT else []
    if not violations:
        return ()
    bad = error_details_pb2.BadRequest(
        field_violations=[
            error_details_pb2.BadRequest.FieldViolation(
                field=_clip(f, 120), description=_clip(m, 240)
            )
            for f, m in violations[:DETAIL_VIOLATIONS]
        ]
    )
    status = status_pb2.Status(code=code.value[0], message=message)
    status.details.add().Pack(bad)
    return (("grpc-status-details-bin", status.SerializeToString()),)


def translate_errors(
    method: Callable[..., Awaitable[R]],
) -> Callable[..., Awaitable[R]]:
    """Turn the solver's and the store's errors into status codes with their messages."""

    @functools.wraps(method)
    async def wrapper(self: Any, request: Any, context: grpc.aio.ServicerContext) -> R:
        try:
            return await method(self, request, context)
        except Exception as err:
            code = code_of(err)
            if code is None:
                raise
            message = error_message(err)
            await context.abort(code, message, trailing_metadata=_details(code, err, message))
            raise AssertionError("unreachable") from err  # abort raises

    return wrapper


def translate_stream_errors(
    method: Callable[..., AsyncIterator[R]],
) -> Callable[..., AsyncIterator[R]]:
    """:func:`translate_errors` for server-streaming methods."""

    @functools.wraps(method)
    async def wrapper(
        self: Any, request: Any, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[R]:
        try:
            async for item in method(self, request, context):
                yield item
        except Exception as err:
            code = code_of(err)
            if code is None:
                raise
            message = error_message(err)
            await context.abort(code, message, trailing_metadata=_details(code, err, message))

    return wrapper


def timestamp(seconds: float) -> Timestamp:
    """A POSIX time in seconds as a ``google.protobuf.Timestamp``."""
    stamp = Timestamp()
    stamp.FromNanoseconds(int(seconds * 1e9))
    return stamp


LONGEST_ROUND_TIMEOUT = 7 * 24 * 3600.0
"""Longest round timeout a session takes, in seconds."""


def round_timeout_of(span: Duration, field: str = "round_timeout") -> float:
    """A round timeout in seconds (0: none), checked (``field: ...`` when out of range)."""
    seconds = seconds_of(span)
    if seconds < 0 or span.nanos < 0:
        raise ValueError(f"{field}: must be >= 0, got {seconds:g} s")
    if seconds > LONGEST_ROUND_TIMEOUT:
        raise ValueError(
            f"{field}: at most 7 days ({LONGEST_ROUND_TIMEOUT:g} s), got {seconds:g} s"
        )
    return seconds


TERMINATION = {
    t: getattr(round_pb, f"TERMINATION_CONDITION_{t.name}") for t in TerminationCondition
}
"""The solver's termination conditions as ``planning.v1.TerminationCondition``."""


def termination_of(value: TerminationCondition | str | None) -> round_pb.TerminationCondition:
    """A termination condition (or its value; ``None``: no LP) as the proto enum."""
    if value is None or value == "":
        return round_pb.TERMINATION_CONDITION_UNSPECIFIED
    return TERMINATION[TerminationCondition(value)]


def page_window(
    page_size: int,
    page_token: str,
    *,
    default: int = DEFAULT_PAGE_SIZE,
    largest: int = LARGEST_PAGE_SIZE,
    total: int | None = None,
) -> tuple[int, int]:
    """The offset a page starts at and its size (``default`` where none is asked for, at
    most ``largest``); a token past ``total``, where it is known, is refused.

    Raises
    ------
    ValueError
        ``page_size: ...`` below 0; ``page_token: ...`` not a token of this listing.
    """
    if page_size < 0:
        raise ValueError(f"page_size: must be >= 0, got {page_size}")
    token = page_token or "0"
    if not token.isdigit() or (total is not None and int(token) > total):
        raise ValueError(f"page_token: not a token of this listing: {page_token!r}")
    return int(token), min(page_size or default, largest)


def next_page_token(start: int, size: int, total: int) -> str:
    """The token of the page after ``[start, start + size)``; empty on the last."""
    return str(start + size) if start + size < total else ""


def page_of(items: list[T], page_size: int, page_token: str) -> tuple[list[T], str]:
    """One page of ``items`` (:func:`page_window`) and the next page's token."""
    start, size = page_window(page_size, page_token, total=len(items))
    return items[start : start + size], next_page_token(start, size, len(items))


def deadline_of(context: grpc.aio.ServicerContext) -> float | None:
    """The caller's deadline on the monotonic clock (it becomes the solves' time limit)."""
    remaining = context.time_remaining()
    return None if remaining is None else time.monotonic() + remaining


class Guard:
    """Token checks shared by both services."""

    def __init__(self, manager: SessionManager, admin_token: str) -> None:
        self.manager = manager
        self.admin_token = admin_token

    @staticmethod
    async def _token(context: grpc.aio.ServicerContext) -> str:
        token = bearer_token(context.invocation_metadata())
        if token is None:
            await context.abort(
                grpc.StatusCode.UNAUTHENTICATED,
                "missing token: send the metadata 'authorization: Bearer <token>'",
            )
        assert token is not None
        return token

    async def admin(self, context: grpc.aio.ServicerContext) -> None:
        """Refuse the call with ``PERMISSION_DENIED`` unless it carries the admin token."""
        token = await self._token(context)
        if is_admin(token, self.admin_token):
            return
        if await self.manager.is_council_token(token):
            await context.abort(
                grpc.StatusCode.PERMISSION_DENIED,
                "this call needs the admin token; a council's token does not do",
            )
        await context.abort(grpc.StatusCode.UNAUTHENTICATED, "unknown token")

    async def caller(self, context: grpc.aio.ServicerContext, session_id: str) -> str | None:
        """``None`` for the admin, else the council whose token this is.

        The token is checked against the database before the session is loaded, so a wrong
        token costs an index lookup and says nothing about which sessions exist.
        """
        token = await self._token(context)
        if is_admin(token, self.admin_token):
            return None
        council = await self.manager.council_of_token(session_id, token)
        if council is None:
            await context.abort(
                grpc.StatusCode.UNAUTHENTICATED,
                f"the token is not valid for session {session_id!r}",
            )
        return council


def quantities(field: str, pairs: list[tuple[str, float]]) -> dict[str, float]:
    """Item quantities from a request, each name once (``field`` names a repeated one); the
    values are checked where the proposal is (:mod:`solver.planning.live_proposals`)."""
    out: dict[str, float] = {}
    for name, value in pairs:
        if name in out:
            raise ValueError(f"{field}[{name}]: given twice")
        out[name] = value
    return out


def item_quantities(labels: list[str], values: Any) -> list[common_pb.ItemQuantity]:
    """Labelled values as ``ItemQuantity`` messages."""
    return [
        common_pb.ItemQuantity(item=label, quantity=float(v))
        for label, v in zip(labels, values, strict=True)
    ]
