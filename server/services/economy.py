"""``planning.v1.EconomyService``: store, read, list and delete economies."""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

import grpc
from typing_extensions import override

from server.api.planning.v1 import economy_pb2 as eco_pb
from server.api.planning.v1 import economy_pb2_grpc as eco_grpc
from server.live import SessionStateError
from server.records import EconomyRecord
from server.services.common import Guard, page_of, timestamp, translate_errors
from server.sessions import SessionManager

__all__ = ["EconomyService"]


class EconomyService(eco_grpc.EconomyServiceServicer):
    """``planning.v1.EconomyService``."""

    def __init__(
        self,
        manager: SessionManager,
        admin_token: str,
        *,
        max_message_bytes: int,
        max_upload_bytes: int,
    ) -> None:
        self.manager = manager
        self.guard = Guard(manager, admin_token)
        self.max_message_bytes = max_message_bytes
        self.max_upload_bytes = max_upload_bytes

    @staticmethod
    def _message(record: EconomyRecord, with_document: bool = False) -> eco_pb.Economy:
        return eco_pb.Economy(
            economy_id=record.economy_id,
            name=record.name,
            goods=record.goods,
            worker_councils=record.worker_councils,
            consumer_councils=record.consumer_councils,
            federations=record.federations,
            document_bytes=record.document_bytes,
            create_time=timestamp(record.created),
            economy_json=record.document if with_document else "",
        )

    async def _create(self, document: str) -> eco_pb.Economy:
        if not document.strip():
            raise ValueError("economy_json: empty document")
        return self._message(await self.manager.create_economy(document))

    @translate_errors
    @override
    async def CreateEconomy(
        self, request: eco_pb.CreateEconomyRequest, context: grpc.aio.ServicerContext
    ) -> eco_pb.CreateEconomyResponse:
        await self.guard.admin(context)
        return eco_pb.CreateEconomyResponse(economy=await self._create(request.economy_json))

    @translate_errors
    @override
    async def UploadEconomy(
        self,
        request_iterator: AsyncIterator[eco_pb.UploadEconomyRequest],
        context: grpc.aio.ServicerContext,
    ) -> eco_pb.UploadEconomyResponse:
        await self.guard.admin(context)
        # spooled to disk as it arrives: this process never holds the chunks and their join
        with tempfile.NamedTemporaryFile(
            dir=self.manager.spool_dir, prefix="upload-", suffix=".json"
        ) as spool:
            size = 0
            async for piece in request_iterator:
                size += len(piece.chunk)
                if size > self.max_upload_bytes:
                    await context.abort(
                        grpc.StatusCode.RESOURCE_EXHAUSTED,
                        f"economy upload larger than the server's limit of "
                        f"{self.max_upload_bytes:,} bytes (--max-upload-mb)",
                    )
                spool.write(piece.chunk)
            spool.flush()
            if size == 0:
                raise ValueError("economy_json: empty document")
            record = await self.manager.create_economy_from_file(Path(spool.name))
        return eco_pb.UploadEconomyResponse(economy=self._message(record))

    @translate_errors
    @override
    async def GetEconomy(
        self, request: eco_pb.GetEconomyRequest, context: grpc.aio.ServicerContext
    ) -> eco_pb.GetEconomyResponse:
        await self.guard.admin(context)
        record = await self.manager.db(self.manager.store.economy, request.economy_id)
        if record.document_bytes > self.max_message_bytes - 64 * 1024:
            await context.abort(
                grpc.StatusCode.RESOURCE_EXHAUSTED,
                f"economy_id: the document of {record.economy_id!r} has "
                f"{record.document_bytes:,} bytes, more than one message may carry "
                f"({self.max_message_bytes:,}, --max-message-mb); ListEconomies gives its "
                "summary",
            )
        return eco_pb.GetEconomyResponse(economy=self._message(record, with_document=True))

    @translate_errors
    @override
    async def ListEconomies(
        self, request: eco_pb.ListEconomiesRequest, context: grpc.aio.ServicerContext
    ) -> eco_pb.ListEconomiesResponse:
        await self.guard.admin(context)
        records, next_token = page_of(
            await self.manager.db(self.manager.store.economies),
            request.page_size,
            request.page_token,
        )
        return eco_pb.ListEconomiesResponse(
            economies=[self._message(r) for r in records], next_page_token=next_token
        )

    @translate_errors
    @override
    async def DeleteEconomy(
        self, request: eco_pb.DeleteEconomyRequest, context: grpc.aio.ServicerContext
    ) -> eco_pb.DeleteEconomyResponse:
        await self.guard.admin(context)
        try:
            await self.manager.db(self.manager.store.delete_economy, request.economy_id)
        except ValueError as err:  # still used by a session
            raise SessionStateError(str(err)) from err
        return eco_pb.DeleteEconomyResponse()
