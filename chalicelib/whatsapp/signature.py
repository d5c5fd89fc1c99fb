"""X-Hub-Signature-256: HMAC-SHA256 of the raw request body with the app secret.

Always hash the bytes as received: Meta escapes non-ASCII and characters such as `@` as \\uXXXX,
so re-serialised JSON would not match.
"""

from __future__ import annotations

import hashlib
import hmac

PREFIX = "sha256="


def sign(body: bytes, secret: str) -> str:
    return PREFIX + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def is_valid(body: bytes, header: str | None, secret: str) -> bool:
    if not secret or not header or not header.isascii() or not header.startswith(PREFIX):
        return False  # compare_digest refuses non-ASCII str: a forged header must not raise
    return hmac.compare_digest(sign(body, secret), header.strip())
