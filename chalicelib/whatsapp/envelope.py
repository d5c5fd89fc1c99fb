"""Split a webhook notification into queue items, one per message and per status.

This runs on the webhook's latency path, so it walks plain dicts; the typed pydantic models
(`whatsapp.inbound`) are applied by the processor.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from chalicelib.logs import get_logger

log = get_logger("whatsapp.envelope")

_SQS_ID_MAX = 128


@dataclass(frozen=True)
class QueueItem:
    """One message or status, with what the processor needs from its surrounding envelope."""

    kind: str  # "message" | "status"
    group_id: str  # the citizen: conversation order is kept per citizen
    dedup_id: str
    body: dict[str, Any]


def sender_of_message(message: dict[str, Any]) -> str | None:
    """A citizen's identity: phone-based wa_id, else the business-scoped user id (usernames)."""
    return message.get("from") or message.get("from_user_id")


def recipient_of_status(status: dict[str, Any]) -> str | None:
    return status.get("recipient_id") or status.get("recipient_user_id")


def _sqs_id(value: str) -> str:
    # SQS ids allow 128 chars of alphanumerics and punctuation; wamids fit, but stay safe.
    if len(value) <= _SQS_ID_MAX and value.isascii() and value.isprintable() and " " not in value:
        return value
    return hashlib.sha256(value.encode()).hexdigest()


def _contact_for(sender: str, contacts: list[Any]) -> dict[str, Any]:
    for contact in contacts:
        if isinstance(contact, dict) and sender in (contact.get("wa_id"), contact.get("user_id")):
            return contact
    return {}


def split(payload: Any) -> list[QueueItem]:
    """Every entry, change, message and status; malformed parts are logged and skipped."""
    items: list[QueueItem] = []
    if not isinstance(payload, dict) or payload.get("object") != "whatsapp_business_account":
        log.warning("webhook_not_whatsapp", extra={"object": _type_name(payload)})
        return items
    for entry in _list(payload.get("entry")):
        for change in _list(entry.get("changes") if isinstance(entry, dict) else None):
            if not isinstance(change, dict) or change.get("field") != "messages":
                log.info("webhook_change_ignored", extra={"field": _get(change, "field")})
                continue
            value = change.get("value")
            if isinstance(value, dict):
                items.extend(_split_value(value))
    return items


def _split_value(value: dict[str, Any]) -> list[QueueItem]:
    items = []
    metadata = value.get("metadata") if isinstance(value.get("metadata"), dict) else {}
    contacts = _list(value.get("contacts"))
    for error in _list(value.get("errors")):
        log.warning("webhook_value_error", extra={"code": _get(error, "code")})
    for message in _list(value.get("messages")):
        sender = sender_of_message(message) if isinstance(message, dict) else None
        wamid = message.get("id") if isinstance(message, dict) else None
        if not sender or not isinstance(wamid, str):
            log.warning("webhook_message_malformed", extra={"wamid": wamid})
            continue
        body = {"message": message, "contact": _contact_for(sender, contacts), "metadata": metadata}
        items.append(QueueItem("message", _sqs_id(sender), _sqs_id(wamid), body))
    for status in _list(value.get("statuses")):
        recipient = recipient_of_status(status) if isinstance(status, dict) else None
        wamid = status.get("id") if isinstance(status, dict) else None
        state = status.get("status") if isinstance(status, dict) else None
        if not recipient or not isinstance(wamid, str) or not isinstance(state, str):
            log.warning("webhook_status_malformed", extra={"wamid": wamid})
            continue
        body = {"status": status, "metadata": metadata}
        items.append(QueueItem("status", _sqs_id(recipient), _sqs_id(f"{wamid}:{state}"), body))
    return items


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _get(value: Any, key: str) -> Any:
    return value.get(key) if isinstance(value, dict) else None


def _type_name(value: Any) -> str:
    return value.get("object", "?") if isinstance(value, dict) else type(value).__name__
