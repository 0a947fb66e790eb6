"""The ``Corridor-Signature`` header, as Stripe signs: ``t=<unix>,v1=<hex HMAC-SHA256>``
over ``f"{t}.{body}"``, one ``v1`` per secret while the endpoint rotates its secret."""

from __future__ import annotations

import hashlib
import hmac
import secrets

HEADER = "Corridor-Signature"


def new_secret() -> str:
    """A signing secret (256 bits), prefixed so people recognise it in their settings."""
    return f"whsec_{secrets.token_urlsafe(32)}"


def signature(secret: str, timestamp: int, body: str) -> str:
    message = f"{timestamp}.{body}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(secrets_in_use: list[str], timestamp: int, body: str) -> str:
    parts = [f"t={timestamp}"] + [f"v1={signature(s, timestamp, body)}" for s in secrets_in_use]
    return ",".join(parts)
