"""Split a webhook notification into queue items, one per message and per status.

Each message and status is validated here with the edge models (`whatsapp.inbound`) and queued
as the model's normalised dump, so the queue only ever holds well-formed items. A malformed part
is logged and skipped; the rest of the notification still goes through.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from chalicelib.logs import get_logger
from chalicelib.whatsapp import inbound

log = get_logger("whatsapp.envelope")

_SQS_ID_MAX = 128


@dataclass(frozen=True)
class QueueItem:
    """One message or status, with what the processor needs from its surrounding envelope."""

    kind: str  # "message" | "status"
    group_id: str  # the citizen: conversation order is kept per citizen
    dedup_id: str
    body: dict[str, Any]


def _sqs_id(value: str) -> str:
    # SQS ids allow 128 characters; validated wamids are ASCII but may be longer.
    return value if len(value) <= _SQS_ID_MAX else hashlib.sha256(value.encode()).hexdigest()


def _contact_for(sender: str, contacts: list[Any]) -> dict[str, Any]:
    """The sender's profile (name), if Meta sent one that parses; never fails the message."""
    for raw in contacts:
        if isinstance(raw, dict) and sender in (raw.get("wa_id"), raw.get("user_id")):
            try:
                contact = inbound.Contact.model_validate(raw)
            except ValidationError:
                return {}
            return contact.model_dump(mode="json", exclude_none=True)
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
                log.info("webhook_change_ignored", extra={"field": _name(_get(change, "field"))})
                continue
            value = change.get("value")
            if isinstance(value, dict):
                items.extend(_split_value(value))
    return items


def _split_value(value: dict[str, Any]) -> list[QueueItem]:
    items = []
    contacts = _list(value.get("contacts"))
    for error in _list(value.get("errors")):
        log.warning("webhook_value_error", extra={"code": _name(_get(error, "code"))})
    for raw in _list(value.get("messages")):
        try:
            message = inbound.parse_message(raw)
        except (ValidationError, TypeError) as error:
            _malformed("webhook_message_malformed", raw, error)
            continue
        body = {
            "message": message.model_dump(mode="json", by_alias=True, exclude_none=True),
            "contact": _contact_for(message.sender, contacts),
        }
        items.append(QueueItem("message", message.sender, _sqs_id(message.id), body))
    for raw in _list(value.get("statuses")):
        try:
            status = inbound.Status.model_validate(raw)
        except ValidationError as error:
            _malformed("webhook_status_malformed", raw, error)
            continue
        body = {"status": status.model_dump(mode="json", exclude_none=True)}
        dedup = _sqs_id(f"{status.id}:{status.status}")
        items.append(QueueItem("status", status.recipient, dedup, body))
    return items


def _malformed(event: str, raw: Any, error: Exception) -> None:
    """Which fields were wrong, never their values (they may hold a phone number or text)."""
    fields = (
        sorted({".".join(str(p) for p in e["loc"]) for e in error.errors()})[:10]
        if isinstance(error, ValidationError)
        else []
    )
    log.warning(event, extra={"type": _name(_get(raw, "type")), "fields": fields})


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _get(value: Any, key: str) -> Any:
    return value.get(key) if isinstance(value, dict) else None


def _name(value: Any) -> str | None:
    """A short, printable label for a log line, whatever type the payload used."""
    return value[:40] if isinstance(value, str) else None if value is None else type(value).__name__


def _type_name(value: Any) -> str | None:
    return _name(value.get("object")) if isinstance(value, dict) else type(value).__name__
