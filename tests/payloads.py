"""Builders of realistic WhatsApp Cloud API webhook payloads (shapes from Meta's docs)."""

from __future__ import annotations

import itertools
import json
import time
from typing import Any

from chalicelib.whatsapp.signature import sign

PHONE_NUMBER_ID = "106540352242922"
DISPLAY_NUMBER = "628117600808"
CITIZEN = "6281234565678"
CITIZEN_NAME = "Siti Aminah"
_ids = itertools.count(1)


def wamid() -> str:
    return f"wamid.HBgNNjI4MTIzNDU2NTY3OBUCABIYFDNBMDBDRjQ{next(_ids):06d}AA=="


def _message(kind: str, content: dict[str, Any], sender: str, at: float | None, **extra: Any):
    message = {
        "from": sender,
        "id": extra.pop("id", None) or wamid(),
        "timestamp": str(int(at if at is not None else time.time())),
        "type": kind,
        kind: content,
    }
    message.update(extra)
    return message


def text(body: str, sender: str = CITIZEN, at: float | None = None, **extra: Any):
    return _message("text", {"body": body}, sender, at, **extra)


def list_reply(row_id: str, title: str = "", sender: str = CITIZEN, at: float | None = None):
    content = {"type": "list_reply", "list_reply": {"id": row_id, "title": title or row_id}}
    return _message("interactive", content, sender, at, context={"id": wamid()})


def button_reply(button_id: str, title: str = "", sender: str = CITIZEN, at: float | None = None):
    content = {"type": "button_reply", "button_reply": {"id": button_id, "title": title or "Ya"}}
    return _message("interactive", content, sender, at, context={"id": wamid()})


def template_button(payload: str, label: str, sender: str = CITIZEN):
    return _message("button", {"payload": payload, "text": label}, sender, None)


def image(caption: str | None = None, media_id: str = "1234567890", sender: str = CITIZEN):
    content = {"mime_type": "image/jpeg", "sha256": "abc=", "id": media_id}
    if caption:
        content["caption"] = caption
    return _message("image", content, sender, None)


def document(filename: str = "surat.pdf", media_id: str = "2234567890", sender: str = CITIZEN):
    content = {"mime_type": "application/pdf", "sha256": "def=", "id": media_id}
    return _message("document", {**content, "filename": filename}, sender, None)


def voice(sender: str = CITIZEN):
    content = {"mime_type": "audio/ogg; codecs=opus", "sha256": "x=", "id": "3334", "voice": True}
    return _message("audio", content, sender, None)


def video(sender: str = CITIZEN):
    return _message("video", {"mime_type": "video/mp4", "sha256": "v=", "id": "4444"}, sender, None)


def sticker(sender: str = CITIZEN):
    content = {"mime_type": "image/webp", "sha256": "s=", "id": "5555", "animated": False}
    return _message("sticker", content, sender, None)


def location(lat: float = -0.3269, lon: float = 103.1573, sender: str = CITIZEN, **place: str):
    return _message("location", {"latitude": lat, "longitude": lon, **place}, sender, None)


def contacts(sender: str = CITIZEN):
    card = {"name": {"formatted_name": "Pak RT", "first_name": "Pak"}, "phones": []}
    return _message("contacts", [card], sender, None)


def reaction(emoji: str = "👍", sender: str = CITIZEN):
    return _message("reaction", {"message_id": wamid(), "emoji": emoji}, sender, None)


def unsupported(sender: str = CITIZEN):
    message = _message("unsupported", {}, sender, None)
    del message["unsupported"]
    message["errors"] = [
        {"code": 131051, "title": "Message type unknown", "message": "Message type unknown"}
    ]
    return message


def system_changed_number(sender: str = CITIZEN, new: str = "6281299990000"):
    content = {
        "body": f"User {sender} changed to {new}",
        "wa_id": new,
        "type": "user_changed_number",
    }
    return _message("system", content, sender, None)


def username_text(body: str, user_id: str = "ID.1199887766554433221", at: float | None = None):
    """A citizen with a WhatsApp username and no phone number: only a business-scoped id."""
    message = text(body, sender="", at=at)
    del message["from"]
    message["from_user_id"] = user_id
    return message


def status(message_id: str, state: str, recipient: str = CITIZEN, errors: list | None = None):
    entry: dict[str, Any] = {
        "id": message_id,
        "status": state,
        "timestamp": str(int(time.time())),
        "recipient_id": recipient,
    }
    if state != "failed":
        entry["conversation"] = {"id": "c0ffee", "origin": {"type": "service"}}
        entry["pricing"] = {"billable": True, "pricing_model": "PMP", "category": "service"}
    if errors:
        entry["errors"] = errors
    return entry


def contact_for(message: dict[str, Any], name: str = CITIZEN_NAME) -> dict[str, Any]:
    if "from" in message:
        return {"profile": {"name": name}, "wa_id": message["from"]}
    return {"profile": {"name": name, "username": "@warga"}, "user_id": message["from_user_id"]}


def webhook(
    messages: list[dict[str, Any]] = (),  # type: ignore[assignment]
    statuses: list[dict[str, Any]] = (),  # type: ignore[assignment]
    errors: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """One notification with a single entry and change (use `envelope` for several)."""
    value: dict[str, Any] = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": DISPLAY_NUMBER, "phone_number_id": PHONE_NUMBER_ID},
    }
    if messages:
        value["contacts"] = [
            contact_for(m) for m in messages if isinstance(m, dict) and m.get("id")
        ]
        value["messages"] = list(messages)
    if statuses:
        value["statuses"] = list(statuses)
    if errors:
        value["errors"] = errors
    return envelope([[value]])


def envelope(entries: list[list[dict[str, Any]]]) -> dict[str, Any]:
    return {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "102290129340398",
                "changes": [{"value": v, "field": "messages"} for v in values],
            }
            for values in entries
        ],
    }


def meta_bytes(payload: dict[str, Any]) -> bytes:
    """Serialise as Meta does: non-ASCII and some characters escaped as \\uXXXX."""
    raw = json.dumps(payload, ensure_ascii=True, separators=(",", ":"))
    return raw.replace("@", "\\u0040").replace("/", "\\/").encode()


def signed(payload: dict[str, Any], secret: str) -> tuple[bytes, dict[str, str]]:
    body = meta_bytes(payload)
    return body, {"Content-Type": "application/json", "X-Hub-Signature-256": sign(body, secret)}
