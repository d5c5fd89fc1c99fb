"""The one Graph API client: send a message, mark one read, fetch media."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

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


@dataclass
class GraphError(Exception):
    http_status: int | None
    code: int | None
    detail: str

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


class GraphClient:
    def __init__(self, base_url: str, phone_number_id: str, token: str, timeout: float = 10.0):
        self._messages_url = f"{base_url.rstrip('/')}/{phone_number_id}/messages"
        self._base = base_url.rstrip("/")
        self._token = token
        self._timeout = timeout

    def send(self, recipient: str, message: Text | ListMessage | Buttons | Template) -> str:
        """Send one message; return its wamid. Raises GraphError."""
        response = self._post(self._messages_url, graph_body(recipient, message))
        try:
            return str(response["messages"][0]["id"])
        except (KeyError, IndexError, TypeError) as error:
            raise GraphError(200, None, "response without a message id") from error

    def mark_read(self, wamid: str) -> None:
        self._post(self._messages_url, mark_read_body(wamid))

    def media_url(self, media_id: str) -> dict[str, Any]:
        """Metadata of an inbound media object: short-lived `url`, `mime_type`, `sha256`."""
        return self._request(urllib.request.Request(f"{self._base}/{media_id}", method="GET"))

    def download(self, url: str, max_bytes: int) -> bytes:
        request = urllib.request.Request(url, headers={"Authorization": f"Bearer {self._token}"})
        try:
            with urllib.request.urlopen(request, timeout=self._timeout) as response:
                data: bytes = response.read(max_bytes + 1)
        except urllib.error.HTTPError as error:
            raise GraphError(error.code, None, "media download failed") from error
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise GraphError(None, None, f"media download failed: {error}") from error
        if len(data) > max_bytes:
            raise GraphError(413, None, "media larger than allowed")
        return data

    def _post(self, url: str, body: dict[str, Any]) -> dict[str, Any]:
        data = json.dumps(body, ensure_ascii=False).encode()
        request = urllib.request.Request(
            url, data=data, method="POST", headers={"Content-Type": "application/json"}
        )
        return self._request(request)

    def _request(self, request: urllib.request.Request) -> dict[str, Any]:
        request.add_header("Authorization", f"Bearer {self._token}")
        try:
            with urllib.request.urlopen(request, timeout=self._timeout) as response:
                return dict(json.loads(response.read() or b"{}"))
        except urllib.error.HTTPError as error:
            raise _graph_error(error) from error
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise GraphError(None, None, f"unreachable: {error}") from error


def _graph_error(error: urllib.error.HTTPError) -> GraphError:
    try:
        detail = json.loads(error.read() or b"{}").get("error", {})
    except (ValueError, AttributeError):
        detail = {}
    return GraphError(error.code, detail.get("code"), str(detail.get("message", error.reason)))
