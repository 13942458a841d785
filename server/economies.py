"""Economies as the service stores them: validated (large ones in a process of their own),
kept as their documents, parsed again for the sessions that plan them."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from solver.economy.model import Economy
from solver.usecases import (
    economy_file_summary,
    economy_problems,
    economy_summary,
    parse_economy,
    parse_society,
    rate_economy,
)

from .concurrency import Workers
from .live import LiveSession
from .records import EconomyRecord
from .store import Store

__all__ = ["LARGE_DOCUMENT", "Economies"]

LARGE_DOCUMENT = 4 << 20
"""Bytes above which an economy document is validated in a process of its own."""


class Economies(Workers):
    """Storing, reading and rating economies (a part of
    :class:`~server.sessions.SessionManager`)."""

    store: Store

    @property
    def spool_dir(self) -> str | None:
        """Where uploads are spooled: beside an SQLite file (``None``: the system's temporary
        folder)."""
        return self.store.spool_dir

    async def _summary(
        self, summarise: Callable[[str], dict[str, Any]], source: str, size: int
    ) -> dict[str, Any]:
        """What ``summarise`` makes of ``source`` (a document, or a file's path), in a
        process of its own over :data:`LARGE_DOCUMENT` bytes, else on a thread; raises the
        problems it found."""
        run = self.in_process if size > LARGE_DOCUMENT else self.compute
        summary = await run(summarise, source)
        if "problems" in summary:
            raise economy_problems(summary["problems"])
        return summary

    async def create_economy(self, document: str) -> EconomyRecord:
        """Validate and store an economy (``EconomyValidationError`` names bad fields)."""
        size = len(document.encode())
        summary = await self._summary(economy_summary, document, size)
        return await self._store_economy(summary, document, size)

    async def create_economy_from_file(self, path: Path) -> EconomyRecord:
        """Validate and store the economy document in the file ``path`` (an upload spooled
        to disk as it arrived).

        A document over :data:`LARGE_DOCUMENT` bytes is validated in a process of its own,
        which reads the file itself: its objects (ten times the document and more) never
        fill this process, and the event loop keeps answering. This process then holds the
        document once as text, and SQLite copies it as it writes.
        """
        size = path.stat().st_size
        summary = await self._summary(economy_file_summary, str(path), size)
        try:
            document = await self.compute(path.read_text, "utf-8")
        except UnicodeDecodeError as err:
            raise ValueError(f"economy_json: the document is not UTF-8 ({err})") from None
        return await self._store_economy(summary, document, size)

    async def _store_economy(
        self, summary: dict[str, Any], document: str, size: int
    ) -> EconomyRecord:
        record = EconomyRecord(
            economy_id=f"eco-{uuid.uuid4().hex[:12]}",
            name=summary["name"],
            goods=summary["goods"],
            worker_councils=summary["worker_councils"],
            consumer_councils=summary["consumer_councils"],
            federations=summary["federations"],
            document_bytes=size,
            created=time.time(),
            document=document,
        )
        await self.db(self.store.add_economy, record)
        return record

    async def rated_economy(self, economy_id: str, workplaces_json: str) -> EconomyRecord:
        """Store a copy of an economy whose consumer councils take their budgets from the
        effort ratings of these workplaces' members (balanced across workplaces)."""
        economy = await self._economy(economy_id)

        def rate() -> Economy:
            return rate_economy(economy, parse_society(workplaces_json))

        rated = await self.compute(rate)
        return await self.create_economy(rated.model_dump_json())

    async def economy_of(self, live: LiveSession) -> Economy:
        """The economy a session plans (parsed from the store; kept for the next caller)."""
        if live.economy is None:
            live.economy = await self._economy(live.record.economy_id)
        return live.economy

    async def _economy(self, economy_id: str) -> Economy:
        record = await self.db(self.store.economy, economy_id)
        return await self.compute(parse_economy, record.document)

    # -- sessions ------------------------------------------------------------------------
