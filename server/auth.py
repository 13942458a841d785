"""Bearer tokens: the admin's, and one per live council of a session.

Tokens travel as ``authorization: Bearer <token>`` call metadata. Council tokens are random
(256 bits) and only their SHA-256 hashes are stored, so a copy of the database gives nobody
a council's voice.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable

__all__ = ["bearer_token", "hash_token", "is_admin", "new_token"]


def new_token() -> str:
    """A fresh council or admin token: 32 random bytes, URL-safe."""
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """The token's SHA-256, as stored (tokens themselves are never stored)."""
    return hashlib.sha256(token.encode()).hexdigest()


def bearer_token(metadata: Iterable[tuple[str, str | bytes]] | None) -> str | None:
    """The token of an ``authorization: Bearer ...`` metadata entry, if any."""
    for key, value in metadata or ():
        if key.lower() == "authorization":
            text = value.decode() if isinstance(value, bytes) else value
            scheme, _, token = text.partition(" ")
            if scheme.lower() == "bearer" and token.strip():
                return token.strip()
    return None


def is_admin(token: str | None, admin_token: str) -> bool:
    """Whether ``token`` is the admin token (compared in constant time)."""
    return token is not None and hmac.compare_digest(token.encode(), admin_token.encode())
