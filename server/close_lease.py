"""A server's hold on a round's close: taken with the round's proposals, renewed while the
close runs, given back where the close fails or is abandoned (see
:mod:`server.store_rounds`)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from .store import Store

__all__ = ["holding_close"]

log = logging.getLogger(__name__)
OnDbThread = Callable[..., Awaitable[Any]]


@contextlib.asynccontextmanager
async def holding_close(
    db: OnDbThread, store: Store, session_id: str, round_: int, holder: str, seconds: float
) -> AsyncIterator[dict[str, str]]:
    """Hold the close of ``round_`` for ``holder``: yields the round's proposals (council id
    -> body) as they stand, none landing after; renews the lease every third of
    ``seconds``; gives it back where the body raises (another close may take the round at
    once). A committed close ends the lease itself
    (:meth:`~server.store_rounds.RoundTables.close_round`).

    Raises
    ------
    RoundClosedError
        The round is not open.
    RoundBeingClosed
        Another holder's lease on it is live.
    """
    bodies: dict[str, str] = await db(store.take_close, session_id, round_, holder, seconds)
    renewing = asyncio.ensure_future(_renew(db, store, session_id, round_, holder, seconds))
    try:
        yield bodies
    except BaseException:
        await asyncio.shield(_release(db, store, session_id, round_, holder))
        raise
    finally:
        renewing.cancel()


async def _renew(
    db: OnDbThread, store: Store, session_id: str, round_: int, holder: str, seconds: float
) -> None:
    while True:
        await asyncio.sleep(seconds / 3)
        try:
            held = await db(store.renew_close, session_id, round_, holder, seconds)
        except Exception as err:  # the store is failing: the commit will tell
            log.warning("session %s round %d: renewing the close: %s", session_id, round_, err)
            continue
        if not held:
            log.warning("session %s round %d: the close was taken over", session_id, round_)
            return


async def _release(db: OnDbThread, store: Store, session_id: str, round_: int, holder: str) -> None:
    try:
        await db(store.release_close, session_id, round_, holder)
    except Exception as err:  # it runs out by itself
        log.warning("session %s round %d: giving the close back: %s", session_id, round_, err)
