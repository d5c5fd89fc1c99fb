"""A fake WhatsApp Graph API: records what the app sends, can be told to fail.

Used by the tests and, inside the simulator, by `make run`. It speaks the real wire format:
POST /{phone_number_id}/messages with a bearer token, answering like Meta does.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Sent:
    seq: int
    wamid: str
    path: str
    body: dict[str, Any]


@dataclass
class GraphState:
    token: str
    sent: list[Sent] = field(default_factory=list)
    # Scripted failures, consumed one per request: (http_status, graph_error_code).
    failures: list[tuple[int, int | None]] = field(default_factory=list)
    media: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    media_failures: int = 0  # scripted 500s for media lookups only
    # A Graph API that hangs: a message to one of these recipients is accepted, then answered
    # only after that many seconds, or as soon as `release` is set.
    holds: dict[str, float] = field(default_factory=dict)
    release: threading.Event = field(default_factory=threading.Event)
    # Media whose metadata sends the downloader elsewhere: media id -> URL (another host),
    # and media whose download answers with a redirect: media id -> Location.
    media_urls: dict[str, str] = field(default_factory=dict)
    redirects: dict[str, str] = field(default_factory=dict)
    requests: int = 0
    on_sent: Callable[[Sent], None] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def record(self, path: str, body: dict[str, Any]) -> Sent:
        with self.lock:
            seq = next(self._ids)
            sent = Sent(seq, f"wamid.FAKE{seq:08d}", path, body)
            self.sent.append(sent)
        if self.on_sent:
            self.on_sent(sent)
        return sent

    def messages_to(self, recipient: str) -> list[dict[str, Any]]:
        with self.lock:
            return [
                s.body
                for s in self.sent
                if recipient in (s.body.get("to"), s.body.get("recipient"))
            ]


def make_handler(state: GraphState, base_url: str) -> type[BaseHTTPRequestHandler]:
    """A request handler speaking the Graph API; the simulator extends it with its own pages."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # quiet
            pass

        def _reply(self, status: int, payload: Any, content_type: str = "application/json") -> None:
            data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _authorised(self) -> bool:
            if self.headers.get("Authorization") == f"Bearer {state.token}":
                return True
            self._reply(401, {"error": {"code": 190, "message": "Invalid OAuth access token"}})
            return False

        def _scripted_failure(self) -> bool:
            with state.lock:
                state.requests += 1
                failure = state.failures.pop(0) if state.failures else None
            if failure is None:
                return False
            status, code = failure
            self._reply(status, {"error": {"code": code, "message": "scripted failure"}})
            return True

        def do_POST(self) -> None:
            if not self._authorised() or self._scripted_failure():
                return
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length) or b"{}")
            if not self.path.endswith("/messages"):
                self._reply(404, {"error": {"code": 100, "message": "Unknown path"}})
                return
            if body.get("status") == "read":
                self._reply(200, {"success": True})
                return
            sent = state.record(self.path, body)
            recipient = body.get("to") or body.get("recipient")
            if recipient in state.holds:  # accepted, but the answer comes late
                state.release.wait(state.holds[recipient])
            key = "wa_id" if body.get("to") else "user_id"
            self._reply(
                200,
                {
                    "messaging_product": "whatsapp",
                    "contacts": [{"input": recipient, key: recipient}],
                    "messages": [{"id": sent.wamid}],
                },
            )

        def do_GET(self) -> None:
            if not self._authorised() or self._scripted_failure():
                return
            with state.lock:
                failing, state.media_failures = (
                    state.media_failures > 0,
                    max(0, state.media_failures - 1),
                )
            if failing:
                self._reply(500, {"error": {"code": 2, "message": "scripted media outage"}})
                return
            path = self.path.strip("/").split("/")
            if path[-1].startswith("download-") and path[-1][9:] in state.redirects:
                self.send_response(302)
                self.send_header("Location", state.redirects[path[-1][9:]])
                self.send_header("Content-Length", "0")
                self.end_headers()
            elif path[-1].startswith("download-") and path[-1][9:] in state.media:
                data, mime = state.media[path[-1][9:]]
                self._reply(200, data, mime)
            elif path[-1] in state.media:
                media_id = path[-1]
                data, mime = state.media[media_id]
                self._reply(
                    200,
                    {
                        "url": state.media_urls.get(media_id, f"{base_url}/download-{media_id}"),
                        "mime_type": mime,
                        "sha256": hashlib.sha256(data).hexdigest(),
                        "file_size": len(data),
                        "id": media_id,
                        "messaging_product": "whatsapp",
                    },
                )
            else:
                self._reply(404, {"error": {"code": 100, "message": "Unknown media"}})

    return Handler


class FakeGraph:
    """Run the fake Graph API on localhost in a background thread."""

    def __init__(self, token: str = "test-token", port: int = 0):
        self.state = GraphState(token)
        self._server = ThreadingHTTPServer(("127.0.0.1", port), BaseHTTPRequestHandler)
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}/v25.0"
        self._server.RequestHandlerClass = make_handler(self.state, self.base_url)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> FakeGraph:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
