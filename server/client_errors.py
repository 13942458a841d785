"""What the typed client raises: one exception class per status code the service answers
with, each a :class:`grpc.RpcError` still (``code()``, ``details()``, the trailing
metadata), with the fields a refusal names read from its ``google.rpc.BadRequest``
details, and a plain sentence where the server cannot be reached."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import grpc
from google.rpc import error_details_pb2
from grpc_status import rpc_status

__all__ = [
    "AbortedError",
    "DeadlineExceededError",
    "FailedPreconditionError",
    "InternalError",
    "InvalidArgumentError",
    "NotFoundError",
    "PermissionDeniedError",
    "PlanningError",
    "ResourceExhaustedError",
    "ServerUnavailableError",
    "TypedStub",
    "UnauthenticatedError",
    "error_from",
    "named_field",
]


class PlanningError(grpc.RpcError):
    """A call the service refused or could not answer.

    Attributes
    ----------
    status
        The gRPC status code.
    message
        The service's message (or, where the server cannot be reached, a sentence saying
        so).
    field_violations
        ``(field, description)`` of each field the refusal names.
    """

    def __init__(
        self,
        status: grpc.StatusCode,
        message: str,
        field_violations: list[tuple[str, str]],
        cause: grpc.RpcError | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.message, self.field_violations = status, message, field_violations
        self._cause = cause

    def code(self) -> grpc.StatusCode:
        """The gRPC status code (as :class:`grpc.Call` gives it)."""
        return self.status

    def details(self) -> str:
        """The service's message (as :class:`grpc.Call` gives it)."""
        return self.message

    def trailing_metadata(self) -> Any:
        """The call's trailing metadata (status details among them)."""
        return self._cause.trailing_metadata() if self._cause is not None else ()  # type: ignore[attr-defined]

    def __str__(self) -> str:
        return f"{self.status.name}: {self.message}"


class InvalidArgumentError(PlanningError):
    """A request the service refused as invalid (``INVALID_ARGUMENT``); see
    :attr:`field_violations`."""


class NotFoundError(PlanningError):
    """No such economy, session or round (``NOT_FOUND``)."""


class PermissionDeniedError(PlanningError):
    """A token that may not make this call (``PERMISSION_DENIED``)."""


class UnauthenticatedError(PlanningError):
    """A missing or unknown token (``UNAUTHENTICATED``)."""


class FailedPreconditionError(PlanningError):
    """A call that does not fit the session's state, e.g. a round no longer open
    (``FAILED_PRECONDITION``)."""


class ResourceExhaustedError(PlanningError):
    """A message or a number of streams over the service's limits (``RESOURCE_EXHAUSTED``)."""


class DeadlineExceededError(PlanningError):
    """The call's deadline passed first (``DEADLINE_EXCEEDED``)."""


class AbortedError(PlanningError):
    """A conflict with another server's write; the call may be made again (``ABORTED``)."""


class InternalError(PlanningError):
    """The service failed (``INTERNAL``; a damaged store among others)."""


class ServerUnavailableError(PlanningError):
    """The server cannot be reached or its store is failing (``UNAVAILABLE``); retry later."""


_BY_CODE: dict[grpc.StatusCode, type[PlanningError]] = {
    grpc.StatusCode.INVALID_ARGUMENT: InvalidArgumentError,
    grpc.StatusCode.NOT_FOUND: NotFoundError,
    grpc.StatusCode.PERMISSION_DENIED: PermissionDeniedError,
    grpc.StatusCode.UNAUTHENTICATED: UnauthenticatedError,
    grpc.StatusCode.FAILED_PRECONDITION: FailedPreconditionError,
    grpc.StatusCode.RESOURCE_EXHAUSTED: ResourceExhaustedError,
    grpc.StatusCode.DEADLINE_EXCEEDED: DeadlineExceededError,
    grpc.StatusCode.ABORTED: AbortedError,
    grpc.StatusCode.INTERNAL: InternalError,
    grpc.StatusCode.UNAVAILABLE: ServerUnavailableError,
}


_FIELD_PREFIX = re.compile(r"^([A-Za-z_][\w.\-]*(?:\[[^\]]*\])*): (.+)$", re.S)


def named_field(message: str) -> list[tuple[str, str]]:
    """``[(field, the rest)]`` where ``message`` starts with a field path and a colon, as
    the service writes every refusal (``session_id: no session 'x'``), else ``[]``."""
    match = _FIELD_PREFIX.match(message)
    return [(match.group(1), match.group(2))] if match else []


def _violations(err: grpc.RpcError, details: str) -> list[tuple[str, str]]:
    """The ``BadRequest`` field violations of an ``INVALID_ARGUMENT``, else the field the
    message starts with (``session_id: no session ...``), as the service writes them."""
    try:
        status = rpc_status.from_call(err)  # type: ignore[arg-type]
    except (AttributeError, ValueError):
        status = None
    found: list[tuple[str, str]] = []
    for detail in status.details if status is not None else ():
        if detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            request = error_details_pb2.BadRequest()
            detail.Unpack(request)
            found += [(v.field, v.description) for v in request.field_violations]
    return found or named_field(details)


def error_from(err: grpc.RpcError, target: str) -> PlanningError:
    """The typed error of a failed call to the server at ``target``."""
    if isinstance(err, PlanningError):
        return err
    code = err.code() if hasattr(err, "code") else grpc.StatusCode.UNKNOWN  # type: ignore[attr-defined]
    details = (err.details() if hasattr(err, "details") else None) or str(code)  # type: ignore[attr-defined]
    if code is grpc.StatusCode.UNAVAILABLE and "failed to connect" in details.lower():
        details = f"cannot reach {target}; is the server running? ({details})"
    kind = _BY_CODE.get(code, PlanningError)
    return kind(code, details, _violations(err, details), err)


class _Stream:
    """A streamed call whose errors come out typed; otherwise the call itself (``cancel``,
    ``code`` ...)."""

    def __init__(self, call: Any, target: str) -> None:
        self._call, self._target = call, target

    def __iter__(self) -> Iterator[Any]:
        return self

    def __next__(self) -> Any:
        try:
            return next(self._call)
        except grpc.RpcError as err:
            raise error_from(err, self._target) from None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._call, name)


class TypedStub:
    """A generated stub whose calls raise :class:`PlanningError` subclasses."""

    def __init__(self, stub: Any, target: str) -> None:
        self._stub, self._target = stub, target

    def __getattr__(self, name: str) -> Callable[..., Any]:
        method = getattr(self._stub, name)

        def call(*args: Any, **kwargs: Any) -> Any:
            try:
                result = method(*args, **kwargs)
            except grpc.RpcError as err:
                raise error_from(err, self._target) from None
            if isinstance(result, grpc.Call) and hasattr(result, "__next__"):
                return _Stream(result, self._target)
            return result

        return call
