"""The one Graph API client: send a message, mark one read, fetch media.

Built on `http.client` so that the two ways a request can go wrong stay apart: a connection
that never opened means nothing was sent (safe to retry), while a request that was sent and got
no answer (a timeout, a reset) may have been delivered, so its send must not be repeated
blindly (the outbox settles it from the status webhooks, which echo our callback data).
"""

from __future__ import annotations

import http.client
import json
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Any
from urllib.parse import urlsplit

from chalicelib.whatsapp.outbound import (
    Buttons,
    ListMessage,
    Template,
    Text,
    graph_body,
    mark_read_body,
)

# Throttling and transient platform errors: back off and retry (SPEC §6).
RETRYABLE_CODES = frozenset({1, 2, 4, 130429, 131000, 131016, 131048, 131056, 133004})
EXPIRED_TOKEN = 190
MEDIA_ID = re.compile(r"^[0-9]{1,32}$")
_CHUNK = 1 << 16


@dataclass
class GraphError(Exception):
    http_status: int | None
    code: int | None
    detail: str
    # True when the request went out and no answer came back: it may have been delivered.
    outcome_unknown: bool = False

    @property
    def retryable(self) -> bool:
        if self.http_status is None or self.http_status == 429 or self.http_status >= 500:
            return True
        return self.code in RETRYABLE_CODES

    @property
    def needs_operator(self) -> bool:
        """Configuration problems (expired token, template errors) that retries cannot fix."""
        code = self.code or 0
        return code == EXPIRED_TOKEN or 132000 <= code < 133000

    def __str__(self) -> str:
        return f"Graph API error http={self.http_status} code={self.code}: {self.detail}"


class MediaRefused(Exception):
    """A media URL or file this client will not fetch or keep: never worth a retry."""


def origin(url: str) -> str:
    """`scheme://host:port` of a URL, with the default port made explicit."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return f"{parts.scheme}://{(parts.hostname or '').lower()}:{port}"


class GraphClient:
    def __init__(
        self,
        base_url: str,
        phone_number_id: str,
        token: str,
        timeout: float = 6.0,
        connect_timeout: float = 3.0,
        media_origins: Iterable[str] = (),
    ):
        self._base = base_url.rstrip("/")
        self._messages_url = f"{self._base}/{phone_number_id}/messages"
        self._token = token
        self._timeout = timeout
        self._connect_timeout = connect_timeout
        # Where media downloads may go with our token: Meta's CDN in production, the fake
        # Graph API locally. Nothing else, and no redirect elsewhere.
        self._media_origins = frozenset(origin(o) for o in media_origins)

    def send(
        self,
        recipient: str,
        message: Text | ListMessage | Buttons | Template,
        callback: str | None = None,
    ) -> str:
        """Send one message; return its wamid. `callback` comes back in the message's status
        webhooks (`biz_opaque_callback_data`). Raises GraphError."""
        body = graph_body(recipient, message)
        if callback:
            body["biz_opaque_callback_data"] = callback
        response = self._json("POST", self._messages_url, body)
        try:
            return str(response["messages"][0]["id"])
        except (KeyError, IndexError, TypeError) as error:
            raise GraphError(200, None, "response without a message id") from error

    def mark_read(self, wamid: str) -> None:
        self._json("POST", self._messages_url, mark_read_body(wamid))

    def media_url(self, media_id: str) -> dict[str, Any]:
        """Metadata of an inbound media object: short-lived `url`, `mime_type`, `sha256`."""
        if not MEDIA_ID.match(media_id):
            raise MediaRefused("media id does not look like Meta's")
        return self._json("GET", f"{self._base}/{media_id}")

    def download(self, url: str, max_bytes: int) -> IO[bytes]:
        """Stream a media file into a temporary file (rewound), refusing anything outside the
        allowed origins, any redirect, and anything over `max_bytes`."""
        if urlsplit(url).scheme not in ("https", "http") or origin(url) not in self._media_origins:
            raise MediaRefused("media URL outside the allowed hosts")
        connection = self._connect(url)
        try:
            response = self._exchange(connection, "GET", url, None)
            if 300 <= response.status < 400:
                raise MediaRefused(f"media URL redirects (HTTP {response.status})")
            if response.status != 200:
                raise GraphError(response.status, None, "media download failed")
            declared = response.getheader("Content-Length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise MediaRefused("media larger than allowed")
            return _spool(response, max_bytes)
        finally:
            connection.close()

    def _json(self, method: str, url: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        connection = self._connect(url)
        try:
            response = self._exchange(connection, method, url, body)
            try:
                data = response.read()
            except (OSError, http.client.HTTPException) as error:
                raise GraphError(None, None, f"no answer: {error}", outcome_unknown=True) from error
        finally:
            connection.close()
        if response.status >= 400:
            raise _graph_error(response.status, response.reason, data)
        try:
            return dict(json.loads(data or b"{}"))
        except (ValueError, TypeError) as error:
            raise GraphError(response.status, None, "answer is not JSON") from error

    def _connect(self, url: str) -> http.client.HTTPConnection:
        """Open the connection; failing here means nothing was sent."""
        parts = urlsplit(url)
        kind = (
            http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        )
        connection = kind(parts.hostname or "", parts.port, timeout=self._connect_timeout)
        try:
            connection.connect()
        except (OSError, ValueError) as error:
            connection.close()
            raise GraphError(None, None, f"unreachable: {error}") from error
        if connection.sock is not None:
            connection.sock.settimeout(self._timeout)
        return connection

    def _exchange(
        self,
        connection: http.client.HTTPConnection,
        method: str,
        url: str,
        body: dict[str, Any] | None,
    ) -> http.client.HTTPResponse:
        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        headers = {"Authorization": f"Bearer {self._token}"}
        data = None
        if body is not None:
            data = json.dumps(body, ensure_ascii=False).encode()
            headers["Content-Type"] = "application/json"
        try:
            connection.request(method, path, body=data, headers=headers)
            return connection.getresponse()
        except (OSError, http.client.HTTPException) as error:
            # The request may have reached Meta: whether it was acted on is unknown.
            raise GraphError(None, None, f"no answer: {error}", outcome_unknown=True) from error


def _spool(response: http.client.HTTPResponse, max_bytes: int) -> IO[bytes]:
    """Copy the body into a temporary file, stopping as soon as it grows past the limit."""
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 (returned)
    size = 0
    try:
        while chunk := response.read(_CHUNK):
            size += len(chunk)
            if size > max_bytes:
                raise MediaRefused("media larger than allowed")
            spool.write(chunk)
    except (OSError, http.client.HTTPException) as error:
        spool.close()
        raise GraphError(None, None, f"media download interrupted: {error}") from error
    except MediaRefused:
        spool.close()
        raise
    spool.seek(0)
    return spool


def _graph_error(status: int, reason: str, data: bytes) -> GraphError:
    try:
        detail = json.loads(data or b"{}").get("error", {})
    except (ValueError, AttributeError):
        detail = {}
    if not isinstance(detail, dict):
        detail = {}
    code = detail.get("code") if isinstance(detail.get("code"), int) else None
    return GraphError(status, code, str(detail.get("message", reason))[:300])
