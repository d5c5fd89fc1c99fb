"""The processor: one queued WhatsApp item at a time, idempotent per message id.

Flow for a message: stale? -> load session + seen-flag (1 call) -> engine (pure) -> commit the
turn in one transaction (1 call) -> send the replies through the outbox (1 call each).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from pydantic import ValidationError

from chalicelib.clock import from_unix, iso
from chalicelib.conversation.model import (
    TICKET_NUMBER,
    AppendToTicket,
    CountInformation,
    CreateTicket,
    FetchMedia,
    Incoming,
    Session,
    TicketView,
    Turn,
    incoming_from,
)
from chalicelib.logs import get_logger
from chalicelib.store.dynamo import ConcurrentUpdate, DuplicateMessage, OutboxEntry, TurnCommit
from chalicelib.tickets.numbers import format_ticket_number, month_key
from chalicelib.tickets.records import new_ticket
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
    session = _session(stored.state)
    turn = services.converse(
        session,
        incoming,
        now,
        lambda: [ticket_view(t) for t in store.citizen_tickets(incoming.citizen)],
    )
    commit = TurnCommit(
        wamid=incoming.wamid,
        citizen=incoming.citizen,
        processed_at=now,
        session_state=turn.session.model_dump(mode="json"),
        session_version=stored.version,
    )
    replies = [r.model_dump(exclude_none=True) for r in turn.replies]
    alerts = _apply_effects(turn, commit, replies, services)
    commit.outbox = _outbox_entries(incoming, replies + alerts)
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
        extra={
            "wamid": incoming.wamid,
            "type": incoming.kind,
            "replies": len(replies),
            "tickets": [t["number"] for t in commit.tickets],
        },
    )
    services.outbox.deliver(commit.outbox)
    for job in commit.media_jobs:
        services.evidence.copy(job)


def _apply_effects(
    turn: Turn, commit: TurnCommit, replies: list[dict[str, Any]], services: Services
) -> list[dict[str, Any]]:
    """Turn the engine's effects into the commit's writes; returns alert messages to queue."""
    alerts: list[dict[str, Any]] = []
    now = commit.processed_at
    for effect in turn.effects:
        if isinstance(effect, CountInformation):
            commit.info_counts.append(effect.service_id)
        elif isinstance(effect, FetchMedia):
            commit.media_jobs.append(effect.attachment.model_dump())
        elif isinstance(effect, AppendToTicket):
            entry = {
                "at": iso(now),
                "description": effect.description,
                "media": [a.key for a in effect.attachments],
            }
            commit.appends.append((effect.number, entry))
        elif isinstance(effect, CreateTicket):
            sequence = services.store.next_ticket_sequence(month_key(now))
            number = format_ticket_number(now, sequence)
            ticket = new_ticket(number, effect.draft, commit.citizen, now)
            commit.tickets.append(ticket)
            _fill_ticket_number(replies, commit, number)
            if ticket["priority"] == "tinggi":
                alerts.extend(_alerts(ticket, services))
    return alerts


def _fill_ticket_number(replies: list[dict[str, Any]], commit: TurnCommit, number: str) -> None:
    for position, reply in enumerate(replies):
        replies[position] = json.loads(json.dumps(reply).replace(TICKET_NUMBER, number))
    state = json.dumps(commit.session_state).replace(TICKET_NUMBER, number)
    commit.session_state = json.loads(state)


def _alerts(ticket: dict[str, Any], services: Services) -> list[dict[str, Any]]:
    """Urgent ticket: the duty officer hears at once, by WhatsApp template and by e-mail."""
    from chalicelib.catalogue.office import load_office
    from chalicelib.tickets.records import alert_email, alert_template

    office, catalogue = load_office(), services.catalogue.get()
    template = alert_template(ticket, catalogue).model_dump(exclude_none=True)
    messages = [{**template, "_to": number} for number in office.duty_officer.whatsapp]
    if office.duty_officer.emails:
        email = alert_email(ticket, catalogue, office.duty_officer.emails)
        messages.append({**email, "_to": ",".join(office.duty_officer.emails)})
    log.info("urgent_alert_queued", extra={"ticket": ticket["number"], "alerts": len(messages)})
    return messages


def ticket_view(item: dict[str, Any]) -> TicketView:
    return TicketView(
        number=item["number"],
        type=item.get("type", "pengaduan"),
        service_id=item.get("service_id", "lainnya"),
        status=item.get("status", "diterima"),
        created_at=item["created_at"],
        public_note=item.get("public_note"),
        about=item.get("about"),
        reporter_name=item.get("reporter_name"),
        nik=item.get("nik"),
        kecamatan=item.get("kecamatan"),
        desa=item.get("desa"),
    )


def _session(state: dict[str, Any] | None) -> Session | None:
    if state is None:
        return None
    try:
        return Session.model_validate(state)
    except ValidationError:
        log.warning("session_unreadable_reset")
        return None


def _outbox_entries(incoming: Incoming, messages: list[dict[str, Any]]) -> list[OutboxEntry]:
    """Replies go to the citizen; alerts carry their own recipient in "_to"."""
    entries = []
    for n, message in enumerate(messages):
        recipient = message.pop("_to", incoming.citizen)
        entries.append(OutboxEntry(f"{incoming.wamid}#{n:02d}", recipient, message))
    return entries


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
