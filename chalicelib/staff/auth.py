"""Bearer tokens of the staff API: Cognito access tokens, verified here on every /admin request.

Identical in AWS and in `make run`: the signature is checked against the user pool's JWKS (RS256
only), then expiry, issuer (the pool's AWS URL), `token_use` = access and `client_id` = the
console's app client. Only where the JWKS is read from differs (moto serves its own copy).
The keys are fetched on first use, not at import, kept for the container's life, and fetched
again when a token names an unknown key id, at most once per `refetch_interval`.

The token says who signed in; what they may do comes from the staff directory (role, kecamatan,
active), so a role change or a deactivation takes effect at once, not when the token expires.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from chalicelib.logs import get_logger
from chalicelib.settings import Settings

log = get_logger("staff.auth")

ALGORITHM = "RS256"
LEEWAY_SECONDS = 30  # clock skew between Cognito and the Lambda
JWKS_TIMEOUT_SECONDS = 3.0


class Unauthenticated(Exception):
    """No usable token: 401. The reason is logged, never told to the client."""


class AuthUnavailable(Exception):
    """The signing keys could not be read: 503 (a token cannot be judged without them)."""


def issuer(settings: Settings) -> str:
    region = settings.user_pool_region or settings.user_pool_id.split("_", 1)[0]
    return f"https://cognito-idp.{region}.amazonaws.com/{settings.user_pool_id}"


def jwks_url(settings: Settings) -> str:
    return settings.user_pool_jwks_url or f"{issuer(settings)}/.well-known/jwks.json"


def fetch_json(url: str) -> dict[str, Any]:
    with urllib.request.urlopen(url, timeout=JWKS_TIMEOUT_SECONDS) as response:
        return dict(json.loads(response.read()))


@dataclass
class Jwks:
    """The pool's public keys by key id, fetched lazily and refreshed on an unknown kid."""

    url: str
    fetch: Callable[[str], dict[str, Any]] = fetch_json
    refetch_interval: float = 60.0
    clock: Callable[[], float] = time.monotonic
    _keys: dict[str, Any] | None = None
    _fetched_at: float = field(default=-1e18)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def key(self, kid: str) -> Any:
        with self._lock:
            if self._keys is None or (
                kid not in self._keys and self.clock() - self._fetched_at >= self.refetch_interval
            ):
                self._keys = self._load()
            found = self._keys.get(kid)
        if found is None:
            raise Unauthenticated(f"unknown key id {kid!r}")
        return found

    def _load(self) -> dict[str, Any]:
        from jwt import PyJWK

        self._fetched_at = self.clock()
        try:
            document = self.fetch(self.url)
        except Exception as error:
            log.error("jwks_unavailable", extra={"url": self.url, "error": repr(error)})
            if self._keys is not None:
                return self._keys
            raise AuthUnavailable(self.url) from error
        keys = {}
        for entry in document.get("keys", []):
            if entry.get("kty") == "RSA" and entry.get("kid"):
                keys[entry["kid"]] = PyJWK(entry, algorithm=ALGORITHM).key
        log.info("jwks_loaded", extra={"keys": len(keys)})
        return keys


@dataclass(frozen=True)
class Claims:
    sub: str
    groups: tuple[str, ...]
    raw: Mapping[str, Any]


@dataclass
class TokenVerifier:
    issuer: str
    client_id: str
    jwks: Jwks

    def verify(self, token: str) -> Claims:
        import jwt

        try:
            header = jwt.get_unverified_header(token)
            if header.get("alg") != ALGORITHM:
                raise Unauthenticated(f"algorithm {header.get('alg')!r}")
            key = self.jwks.key(str(header.get("kid", "")))
            claims = jwt.decode(
                token,
                key,
                algorithms=[ALGORITHM],
                issuer=self.issuer,
                leeway=LEEWAY_SECONDS,
                options={"require": ["exp", "iat", "iss", "sub", "token_use", "client_id"]},
            )
        except jwt.PyJWTError as error:
            raise Unauthenticated(type(error).__name__) from error
        if claims["token_use"] != "access":
            raise Unauthenticated(f"token_use {claims['token_use']!r}")
        if claims["client_id"] != self.client_id:
            raise Unauthenticated("other client")
        groups = claims.get("cognito:groups") or []
        return Claims(str(claims["sub"]), tuple(str(g) for g in groups), claims)


_verifier: TokenVerifier | None = None
_verifier_lock = threading.Lock()


def verifier(settings: Settings) -> TokenVerifier:
    """One verifier (and JWKS cache) per container."""
    global _verifier
    with _verifier_lock:
        wanted = (issuer(settings), settings.user_pool_client_id, jwks_url(settings))
        if (
            _verifier is None
            or (
                _verifier.issuer,
                _verifier.client_id,
                _verifier.jwks.url,
            )
            != wanted
        ):
            _verifier = TokenVerifier(
                issuer(settings), settings.user_pool_client_id, Jwks(jwks_url(settings))
            )
        return _verifier


def bearer_token(headers: Mapping[str, str]) -> str:
    value = headers.get("authorization") or ""
    scheme, _, token = value.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("no bearer token")
    return token.strip()
