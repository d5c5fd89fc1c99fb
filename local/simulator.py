"""The WhatsApp simulator: a chat page for a pretend citizen, and the fake Graph API the app
replies to. What the citizen types is turned into a real, signed Meta webhook and POSTed to the
app's /webhook; what the app sends to the Graph API is shown as WhatsApp would render it."""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import mimetypes
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

from chalicelib.clock import iso, now
from chalicelib.whatsapp.signature import sign
from local.graph import GraphState, Sent, make_handler

STATIC = Path(__file__).with_name("simulator")
PHONE_NUMBER_ID = "106540352242922"
DISPLAY_NUMBER = "628117600808"
MEDIA_MAX = 16 * 1024 * 1024


@dataclass
class SimState:
    webhook_url: str
    app_secret: str
    citizen: dict[str, str] = field(
        default_factory=lambda: {"wa_id": "6281234565678", "name": "Budi Santoso"}
    )
    events: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    _seq: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def add(self, citizen: str, direction: str, body: dict[str, Any], **extra: Any) -> None:
        with self.lock:
            self.events.append(
                {
                    "seq": next(self._seq),
                    "citizen": citizen,
                    "direction": direction,
                    "at": iso(now()),
                    "body": body,
                    **extra,
                }
            )

    def events_for(self, citizen: str, after: int) -> list[dict[str, Any]]:
        with self.lock:
            return [e for e in self.events if e["citizen"] == citizen and e["seq"] > after]

    def new_wamid(self) -> str:
        return f"wamid.SIM{int(time.time())}{next(self._ids):06d}"


def build_message(request: dict[str, Any], wamid: str, media: dict[str, tuple[bytes, str]]):
    """A webhook `messages[]` object as Meta delivers it, from the page's simple request."""
    kind = request.get("type")
    message: dict[str, Any] = {
        "from": request["wa_id"],
        "id": wamid,
        "timestamp": str(int(time.time())),
    }
    if request.get("context_id"):
        message["context"] = {"from": DISPLAY_NUMBER, "id": request["context_id"]}
    if kind == "text":
        return {**message, "type": "text", "text": {"body": str(request.get("text", ""))}}
    if kind in ("list_reply", "button_reply"):
        reply = {"id": request["id"], "title": request.get("title", "")}
        if kind == "list_reply" and request.get("description"):
            reply["description"] = request["description"]
        return {**message, "type": "interactive", "interactive": {"type": kind, kind: reply}}
    if kind == "location":
        location = {
            "latitude": float(request["latitude"]),
            "longitude": float(request["longitude"]),
        }
        for key, source in (("name", "name_place"), ("address", "address")):
            if request.get(source):
                location[key] = request[source]
        return {**message, "type": "location", "location": location}
    if kind in ("image", "document"):
        data = base64.b64decode(request.get("data_base64", ""), validate=False)
        if not data or len(data) > MEDIA_MAX:
            raise ValueError("Berkas kosong atau terlalu besar")
        mime = request.get("mime_type") or "application/octet-stream"
        media_id = f"{int(time.time() * 1000)}{len(media):04d}"
        media[media_id] = (data, mime)
        content = {"id": media_id, "mime_type": mime, "sha256": hashlib.sha256(data).hexdigest()}
        if request.get("caption"):
            content["caption"] = request["caption"]
        if kind == "document":
            content["filename"] = request.get("filename") or "dokumen"
        return {**message, "type": kind, kind: content}
    if kind == "voice":
        audio = {"id": "sim-voice", "mime_type": "audio/ogg; codecs=opus", "voice": True}
        return {**message, "type": "audio", "audio": {**audio, "sha256": "0"}}
    if kind == "sticker":
        sticker = {"id": "sim-sticker", "mime_type": "image/webp", "sha256": "0", "animated": False}
        return {**message, "type": "sticker", "sticker": sticker}
    if kind == "reaction":
        emoji = request.get("emoji", "👍")
        return {**message, "type": "reaction", "reaction": {"message_id": "", "emoji": emoji}}
    if kind == "contacts":
        card = {"name": {"formatted_name": "Pak RT 01", "first_name": "Pak"}, "phones": []}
        return {**message, "type": "contacts", "contacts": [card]}
    if kind == "unsupported":
        error = {"code": 131051, "title": "Message type unknown"}
        return {**message, "type": "unsupported", "errors": [error]}
    raise ValueError(f"Jenis pesan tidak dikenal: {kind}")


def notification(value: dict[str, Any]) -> dict[str, Any]:
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": DISPLAY_NUMBER, "phone_number_id": PHONE_NUMBER_ID},
        **value,
    }
    change = {"field": "messages", "value": value}
    return {"object": "whatsapp_business_account", "entry": [{"id": "0", "changes": [change]}]}


def post_webhook(sim: SimState, payload: dict[str, Any]) -> int:
    # ensure_ascii escapes non-ASCII as \uXXXX, like Meta does; the signature covers these bytes.
    body = json.dumps(payload, ensure_ascii=True, separators=(",", ":")).encode()
    request = urllib.request.Request(
        sim.webhook_url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "X-Hub-Signature-256": sign(body, sim.app_secret),
        },
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return int(response.status)


def make_simulator_handler(sim: SimState, graph: GraphState, base_url: str) -> type:
    graph_handler = make_handler(graph, base_url)

    class Handler(graph_handler):  # type: ignore[misc, valid-type]
        def do_GET(self) -> None:
            url = urlparse(self.path)
            if url.path in ("/", "/sim"):
                self.send_response(302)
                self.send_header("Location", "/sim/")
                self.end_headers()
            elif url.path == "/sim/api/state":
                self._reply(200, {"citizen": sim.citizen, "office": "Dinas Sosial Inhil"})
            elif url.path == "/sim/api/events":
                query = parse_qs(url.query)
                citizen = query.get("wa_id", [sim.citizen["wa_id"]])[0]
                after = int(query.get("after", ["0"])[0] or 0)
                self._reply(200, {"events": sim.events_for(citizen, after)})
            elif url.path.startswith("/sim/"):
                self._static(url.path.removeprefix("/sim/") or "index.html")
            else:
                super().do_GET()

        def do_POST(self) -> None:
            url = urlparse(self.path)
            if not url.path.startswith("/sim/api/"):
                super().do_POST()
                return
            length = int(self.headers.get("Content-Length", "0"))
            try:
                request = json.loads(self.rfile.read(length) or b"{}")
            except ValueError:
                self._reply(400, {"ok": False, "error": "JSON tidak valid"})
                return
            if url.path == "/sim/api/citizen":
                sim.citizen = {"wa_id": str(request["wa_id"]), "name": str(request["name"])}
                self._reply(200, {"ok": True, "citizen": sim.citizen})
            elif url.path == "/sim/api/send":
                self._send(request)
            else:
                self._reply(404, {"ok": False, "error": "Tidak ditemukan"})

        def _send(self, request: dict[str, Any]) -> None:
            request.setdefault("wa_id", sim.citizen["wa_id"])
            request.setdefault("name", sim.citizen["name"])
            try:
                message = build_message(request, sim.new_wamid(), graph.media)
            except (KeyError, ValueError) as error:
                self._reply(400, {"ok": False, "error": str(error)})
                return
            contact = {"profile": {"name": request["name"]}, "wa_id": request["wa_id"]}
            sim.add(request["wa_id"], "in", message, wamid=message["id"])
            try:
                status = post_webhook(
                    sim, notification({"contacts": [contact], "messages": [message]})
                )
            except OSError as error:
                self._reply(502, {"ok": False, "error": f"Webhook tidak menjawab: {error}"})
                return
            self._reply(200, {"ok": status == 200, "wamid": message["id"], "webhook": status})

        def _static(self, name: str) -> None:
            path = (STATIC / name).resolve()
            if STATIC.resolve() not in path.parents or not path.is_file():
                self._reply(404, {"error": "not found"})
                return
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            self._reply(200, path.read_bytes(), f"{content_type}; charset=utf-8")

    return Handler


class Simulator:
    """The simulator page and the fake Graph API on one local port."""

    def __init__(self, port: int, token: str, webhook_url: str, app_secret: str):
        self.sim = SimState(webhook_url=webhook_url, app_secret=app_secret)
        self.graph = GraphState(token, on_sent=self._on_sent)
        self._server = ThreadingHTTPServer(("127.0.0.1", port), make_handler(self.graph, ""))
        self.port = self._server.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}/v25.0"
        self._server.RequestHandlerClass = make_simulator_handler(
            self.sim, self.graph, self.base_url
        )
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self.delivery_receipts: Callable[[Sent], None] | None = self._receipts

    def start(self) -> Simulator:
        self._thread.start()
        return self

    def mount(self, extend: Callable[[type], type]) -> None:
        """Serve more pages on this port (the local mailbox): `extend` subclasses the handler."""
        self._server.RequestHandlerClass = extend(self._server.RequestHandlerClass)

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _on_sent(self, sent: Sent) -> None:
        recipient = sent.body.get("to") or sent.body.get("recipient") or ""
        self.sim.add(recipient, "out", sent.body, wamid=sent.wamid, status="sent")
        if self.delivery_receipts:
            threading.Thread(target=self.delivery_receipts, args=(sent,), daemon=True).start()

    def _receipts(self, sent: Sent) -> None:
        """Send the app the status webhooks Meta would: sent, delivered, read."""
        recipient = sent.body.get("to") or sent.body.get("recipient") or ""
        for state, pause in (("sent", 0.2), ("delivered", 0.5), ("read", 1.5)):
            time.sleep(pause)
            status = {
                "id": sent.wamid,
                "status": state,
                "timestamp": str(int(time.time())),
                "recipient_id": recipient,
            }
            if sent.body.get("biz_opaque_callback_data"):
                status["biz_opaque_callback_data"] = sent.body["biz_opaque_callback_data"]
            try:
                post_webhook(self.sim, notification({"statuses": [status]}))
            except OSError:
                return
            self.sim.add(recipient, "status", {}, wamid=sent.wamid, status=state)
