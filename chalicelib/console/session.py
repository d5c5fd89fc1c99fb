"""The console's session: Cognito tokens in cookies, a CSRF token, and the security headers.

- `ligat_session`: the access token. HttpOnly, Secure, SameSite=Strict, Path = the deployment's
  base path, so it reaches /admin and /console and no script can read it.
- `ligat_refresh`: the refresh token, sent only to /console (pages and session routes), where the
  session is renewed. Both are browser-session cookies: closing the browser signs out.
- CSRF: state-changing /admin requests authenticated by the cookie must carry `X-CSRF-Token`,
  a digest of the access token rendered into each page. A page on another site can neither read
  it nor (SameSite) send the cookie; requests with an Authorization header are not cookie-based
  and need no CSRF token.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from http.cookies import CookieError, SimpleCookie
from typing import Any

from chalicelib.staff.auth import Unauthenticated

ACCESS_COOKIE = "ligat_session"
REFRESH_COOKIE = "ligat_refresh"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class CsrfRefused(Exception):
    """A cookie-authenticated change without the page's CSRF token: 403."""


def csrf_token(access_token: str) -> str:
    return hashlib.sha256(b"ligat-csrf:" + access_token.encode()).hexdigest()


def cookies(headers: Mapping[str, str]) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(headers.get("cookie") or "")
    except CookieError:
        return {}
    return {name: morsel.value for name, morsel in jar.items()}


def cookie_token(headers: Mapping[str, str], method: str) -> str:
    """The access token from the session cookie, with the CSRF check for changes."""
    token = cookies(headers).get(ACCESS_COOKIE, "")
    if not token:
        raise Unauthenticated("no bearer token or session cookie")
    if method.upper() not in SAFE_METHODS:
        sent = headers.get(CSRF_HEADER) or ""
        if not hmac.compare_digest(sent.encode(), csrf_token(token).encode()):
            raise CsrfRefused("missing or wrong CSRF token")
    return token


def session_cookies(base: str, access_token: str, refresh_token: str | None) -> list[str]:
    path = base or "/"
    out = [_cookie(ACCESS_COOKIE, access_token, path, max_age=None)]
    if refresh_token:
        out.append(_cookie(REFRESH_COOKIE, refresh_token, f"{base}/console", max_age=None))
    return out


def cleared_cookies(base: str) -> list[str]:
    return [
        _cookie(ACCESS_COOKIE, "", base or "/", max_age=0),
        _cookie(REFRESH_COOKIE, "", f"{base}/console", max_age=0),
    ]


def _cookie(name: str, value: str, path: str, max_age: int | None) -> str:
    parts = [f"{name}={value}", f"Path={path}", "HttpOnly", "Secure", "SameSite=Strict"]
    if max_age is not None:
        parts.append(f"Max-Age={max_age}")
    return "; ".join(parts)


def security_headers(img_sources: str = "", cache: str = "no-store") -> dict[str, Any]:
    """Headers of every console answer: pages hold personal data, so nothing is cached."""
    csp = "; ".join(
        [
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            f"img-src 'self' data: blob: {img_sources}".strip(),
            "connect-src 'self'",
            "form-action 'self'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        ]
    )
    return {
        "Content-Security-Policy": csp,
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Cache-Control": cache,
    }
