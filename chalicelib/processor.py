"""The processor: one queued WhatsApp item at a time, idempotent per message id.

Flow for a message: stale? -> load session + seen-flag (1 call) -> engine (pure) -> commit the
turn in one transaction (1 call) -> send the replies through the outbox (1 call each).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from pydantic import ValidationError

from chalicelib.clock import from_unix
from chalicelib.conversation.model import Incoming, Session, incoming_from
from chalicelib.logs import get_logger
from chalicelib.store.dynamo import ConcurrentUpdate, DuplicateMessage, OutboxEntry, TurnCommit
from chalicelib.whatsapp import inbound as wa
from chalicelib.wiring import Services

log = get_logger("processor")


def process_batch(bodies: Iterable[str], services: Services) -> None:
    """Process queue bodies in order. An exception stops the batch so SQS redelivers it
    (FIFO: later messages of the same citizen must not overtake a failed one)."""
    for body in bodies:
        process_item(json.loads(body), services)


def process_item(body: dict[str, Any], services: Services) -> None:
    kind = body.get("kind")
    if kind == "message":
        _process_message(body, services)
    elif kind == "status":
        _process_status(body, services)
    else:
        log.warning("queue_item_unknown", extra={"kind": kind})


def _process_message(body: dict[str, Any], services: Services) -> None:
    raw = body.get("message") or {}
    try:
        message = wa.parse_message(raw)
        contact = wa.Contact.model_validate(body.get("contact") or {})
    except ValidationError as error:
        log.warning(
            "message_malformed",
            extra={"wamid": raw.get("id"), "type": raw.get("type"), "errors": error.error_count()},
        )
        return
    store, now = services.store, services.clock()
    incoming = incoming_from(message, contact)
    age = (now - incoming.sent_at).total_seconds()
    if age > services.settings.stale_after_seconds:
        recorded = store.record_message(incoming.wamid, incoming.citizen, now, "stale")
        log.info(
            "message_stale", extra={"wamid": incoming.wamid, "age_s": int(age), "new": recorded}
        )
        return

    stored, seen = store.load_conversation(incoming.citizen, incoming.wamid)
    if seen:
        log.info("message_duplicate", extra={"wamid": incoming.wamid})
        return
    turn = services.converse(_session(stored.state), incoming, now)
    entries = _outbox_entries(incoming, [r.model_dump(exclude_none=True) for r in turn.replies])
    commit = TurnCommit(
        wamid=incoming.wamid,
        citizen=incoming.citizen,
        processed_at=now,
        session_state=turn.session.model_dump(mode="json"),
        session_version=stored.version,
        outbox=entries,
        info_counts=[e.service_id for e in turn.effects if e.kind == "count_information"],
    )
    try:
        store.commit_turn(commit)
    except DuplicateMessage:
        log.info("message_duplicate_concurrent", extra={"wamid": incoming.wamid})
        return
    except ConcurrentUpdate:
        log.warning("session_conflict_retry", extra={"wamid": incoming.wamid})
        raise
    log.info(
        "message_processed",
        extra={"wamid": incoming.wamid, "type": incoming.kind, "replies": len(entries)},
    )
    services.outbox.deliver(entries)


def _session(state: dict[str, Any] | None) -> Session | None:
    if state is None:
        return None
    try:
        return Session.model_validate(state)
    except ValidationError:
        log.warning("session_unreadable_reset")
        return None


def _outbox_entries(incoming: Incoming, replies: list[dict[str, Any]]) -> list[OutboxEntry]:
    return [
        OutboxEntry(f"{incoming.wamid}#{n:02d}", incoming.citizen, reply)
        for n, reply in enumerate(replies)
    ]


def _process_status(body: dict[str, Any], services: Services) -> None:
    try:
        status = wa.Status.model_validate(body.get("status") or {})
    except ValidationError as error:
        log.warning("status_malformed", extra={"errors": error.error_count()})
        return
    moved = services.store.apply_status(
        status.id, status.status, status.rank, from_unix(status.timestamp), status.error_codes
    )
    extra = {"wamid": status.id, "status": status.status, "applied": moved}
    if status.status == "failed":
        log.warning("delivery_failed", extra={**extra, "codes": status.error_codes})
    else:
        log.info("delivery_status", extra=extra)
