"""Each service's methods registered with their requests parsed by the service itself.

The generated ``add_*Servicer_to_server`` functions let grpc parse every request before our
code sees it, and grpc answers a message that does not parse with ``UNKNOWN`` and Python's
text. Here grpc hands over the raw bytes, and a request that is not a valid message of its
type is refused with ``INVALID_ARGUMENT`` naming the type; everything else is as the
generated registration does it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import grpc
from google.protobuf import message_factory
from google.protobuf.descriptor import MethodDescriptor, ServiceDescriptor
from google.protobuf.message import DecodeError, Message

__all__ = ["add_servicer"]


async def _parse(cls: type[Message], raw: bytes, context: grpc.aio.ServicerContext) -> Any:
    try:
        return cls.FromString(raw)
    except DecodeError as err:
        await context.abort(
            grpc.StatusCode.INVALID_ARGUMENT,
            f"request: not a valid {cls.DESCRIPTOR.full_name} message ({err})",
        )


def _handler(method: MethodDescriptor, behaviour: Callable[..., Any]) -> grpc.RpcMethodHandler:
    request = message_factory.GetMessageClass(method.input_type)
    response = message_factory.GetMessageClass(method.output_type)
    serialize = response.SerializeToString
    if method.client_streaming and method.server_streaming:
        raise NotImplementedError(f"{method.full_name}: bidirectional streams")
    if method.client_streaming:

        async def stream_unary(requests: AsyncIterator[bytes], context: Any) -> Any:
            async def parsed() -> AsyncIterator[Any]:
                async for raw in requests:
                    yield await _parse(request, raw, context)

            return await behaviour(parsed(), context)

        return grpc.stream_unary_rpc_method_handler(stream_unary, response_serializer=serialize)
    if method.server_streaming:

        async def unary_stream(raw: bytes, context: Any) -> AsyncIterator[Any]:
            async for item in behaviour(await _parse(request, raw, context), context):
                yield item

        return grpc.unary_stream_rpc_method_handler(unary_stream, response_serializer=serialize)

    async def unary_unary(raw: bytes, context: Any) -> Any:
        return await behaviour(await _parse(request, raw, context), context)

    return grpc.unary_unary_rpc_method_handler(unary_unary, response_serializer=serialize)


def add_servicer(server: grpc.aio.Server, servicer: object, service: ServiceDescriptor) -> None:
    """Register every method of ``service`` on ``server``, served by ``servicer``'s method
    of the same name, with requests parsed as above."""
    handlers = {m.name: _handler(m, getattr(servicer, m.name)) for m in service.methods}
    server.add_generic_rpc_handlers(
        (grpc.method_handlers_generic_handler(service.full_name, handlers),)
    )
