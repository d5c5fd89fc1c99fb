"""The processor: queued WhatsApp items, idempotent per message id.

Flow for a message: stale? -> load session + seen-flag (1 call) -> engine (pure) -> commit the
turn in one transaction (1 call) -> send the replies through the outbox (1 call each).

A batch holds items of several citizens (FIFO message groups). Each citizen's items run in
order, citizens side by side, so one citizen's slow reply never holds up another's. Each item
succeeds or fails on its own: an item that can never be processed (a poison message) is
recorded for the operator and not retried; a passing failure (throttling, a conflict) returns
that item and the citizen's later items to the queue, and nobody else's.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError
from pydantic import ValidationError

from chalicelib import handover
from chalicelib.catalogue.office import load_office
from chalicelib.clock import from_unix
from chalicelib.conversation.model import (
    TICKET_NUMBER,
    AppendToTicket,
    CommentOnRating,
    CountInformation,
    CreateTicket,
    FetchMedia,
    Incoming,
    RateTicket,
    Session,
    TicketView,
    Turn,
    incoming_from,
)
from chalicelib.logs import get_logger
from chalicelib.store.dynamo import ConcurrentUpdate, DuplicateMessage, OutboxEntry, TurnCommit
from chalicelib.store.queue import read_body
from chalicelib.tickets.intake import ticket_from_draft
from chalicelib.tickets.model import CITIZEN, Event, Ticket
from chalicelib.tickets.numbers import format_ticket_number, month_key
from chalicelib.whatsapp import inbound as wa
from chalicelib.wiring import Services

log = get_logger("processor")


# Errors in the item itself: no retry can fix them. DynamoDB's ValidationException means the
# item was refused as written (e.g. too large). Anything else is worth another delivery, and
# after InboundMaxReceiveCount of them the item waits in the dead-letter queue (with an alarm).
_PERMANENT_CODES = frozenset({"ValidationException", "SerializationException"})


@dataclass(frozen=True)
class QueueRecord:
    id: str  # the SQS message id, as the event source reports failures by it
    group: str  # the FIFO message group: the citizen
    body: str


def queue_records(event: Any) -> list[QueueRecord]:
    """The records of a Lambda SQS event (Chalice's SQSEvent, or its plain dict)."""
    raw = event.to_dict()["Records"] if hasattr(event, "to_dict") else event["Records"]
    return [
        QueueRecord(r["messageId"], r.get("attributes", {}).get("MessageGroupId", ""), r["body"])
        for r in raw
    ]


def process_batch(records: Sequence[QueueRecord], services: Services) -> list[str]:
    """Process a batch; returns the ids of the records to deliver again."""
    groups: dict[str, list[QueueRecord]] = {}
    for record in records:
        groups.setdefault(record.group, []).append(record)
    if len(groups) <= 1:
        return [r for group in groups.values() for r in _process_group(group, services)]
    with ThreadPoolExecutor(max_workers=len(groups), thread_name_prefix="citizen") as pool:
        results = list(pool.map(lambda group: _process_group(group, services), groups.values()))
    return [record_id for failed in results for record_id in failed]


def _process_group(records: list[QueueRecord], services: Services) -> list[str]:
    """One citizen's records in order; on a passing failure, this and the later ones retry
    (a later message must not overtake an earlier one)."""
    for position, record in enumerate(records):
        try:
            try:
                process_item(
                    read_body(record.body, services.s3, services.settings.media_bucket), services
                )
            except Exception as error:
                if not _permanent(error):
                    raise
                _record_poison(record, error, services)
        except Exception as error:
            log.warning(
                "item_retry",
                extra={
                    "sqs_id": record.id,
                    "reason": type(error).__name__,
                    "held_back": len(records) - position - 1,
                },
            )
            return [r.id for r in records[position:]]
    return []


def _permanent(error: Exception) -> bool:
    if isinstance(error, ClientError):
        return error.response.get("Error", {}).get("Code", "") in _PERMANENT_CODES
    # Malformed data: a body that is not JSON, a field that fails its model, bad Unicode.
    return isinstance(error, ValidationError | ValueError | UnicodeError | RecursionError)


def _record_poison(record: QueueRecord, error: Exception, services: Services) -> None:
    """Kept for the operator with its body (the table is encrypted; the record expires)."""
    try:
        wamid = str(json.loads(record.body).get("message", {}).get("id") or "")
    except (ValueError, AttributeError):
        wamid = ""
    key = wamid or "body-" + hashlib.sha256(record.body.encode("utf-8", "replace")).hexdigest()
    new = services.store.record_poison(
        key, record.group, services.clock(), type(error).__name__, record.body
    )
    log.error(
        "message_poison",
        extra={
            "wamid": wamid or None,
            "sqs_id": record.id,
            "reason": type(error).__name__,
            "new": new,
        },
    )


def process_item(body: dict[str, Any], services: Services) -> None:
    kind = body.get("kind")
    if kind == "message":
        _process_message(body, services)
    elif kind == "status":
        _process_status(body, services)
    else:
        log.warning("queue_item_unknown", extra={"kind": kind})


def _process_message(body: dict[str, Any], services: Services) -> None:
    message = wa.parse_message(body.get("message"))  # malformed: a poison item
    try:
        contact = wa.Contact.model_validate(body.get("contact") or {})
    except ValidationError:
        contact = wa.Contact()  # a profile we cannot read costs the name, not the message
    store, now = services.store, services.clock()
    incoming = incoming_from(message, contact)
    campaign, incoming = _campaign(incoming)
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
    handed_over = handover.live_state(stored.chat, now)
    turn = services.converse(
        session,
        incoming,
        now,
        lambda: [ticket_view(t) for t in store.tickets.of_citizen(incoming.citizen)],
        handover=handed_over,
    )
    commit = TurnCommit(
        wamid=incoming.wamid,
        citizen=incoming.citizen,
        processed_at=now,
        session_state=turn.session.model_dump(mode="json"),
        session_version=stored.version,
    )
    if campaign:
        commit.campaign_counts.append(campaign)
    replies = [r.model_dump(exclude_none=True) for r in turn.replies]
    alerts = _apply_effects(turn, commit, replies, services)
    chat = handover.citizen_turn(stored.chat, incoming, turn, now, services.chats)
    commit.outbox = _outbox_entries(incoming, replies + chat.messages + alerts)
    commit.chat_writes = chat.writes
    if chat.conv:  # a chat with staff: they read the bot's replies and what was released too
        sent = commit.outbox[: len(replies) + len(chat.messages)]
        commit.chat_writes += handover.log_replies(
            chat.conv, sent, chat.senders, now, services.chats
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
        extra={
            "wamid": incoming.wamid,
            "type": incoming.kind,
            "replies": len(replies),
            "tickets": [ticket.number for ticket, _event in commit.tickets],
        },
    )
    services.outbox.deliver(commit.outbox)
    for job in commit.media_jobs:
        services.evidence.copy(job)


def _rate(effect: RateTicket, commit: TurnCommit, services: Services) -> None:
    """Keep a rating on the citizen's own closed ticket, the first one only."""
    from chalicelib.tickets.transitions import record_satisfaction

    ticket = services.store.tickets.get(effect.number)
    if ticket is None or ticket.citizen != commit.citizen or ticket.satisfaction is not None:
        log.info("rating_ignored", extra={"ticket": effect.number})
        return
    rated, event = record_satisfaction(ticket, effect.score, None, commit.processed_at)
    commit.ticket_writes += services.store.tickets.change_writes(rated, ticket.version, [event])


def _comment(effect: CommentOnRating, commit: TurnCommit, services: Services) -> None:
    """Keep the comment on the citizen's own rated ticket, once."""
    from chalicelib.tickets.transitions import comment_on_rating

    ticket = services.store.tickets.get(effect.number)
    rating = ticket.satisfaction if ticket else None
    if ticket is None or ticket.citizen != commit.citizen or rating is None or rating.comment:
        log.info("rating_comment_ignored", extra={"ticket": effect.number})
        return
    commented, event = comment_on_rating(ticket, effect.comment, commit.processed_at)
    commit.ticket_writes += services.store.tickets.change_writes(commented, ticket.version, [event])


def _campaign(incoming: Incoming) -> tuple[str | None, Incoming]:
    """A sosialisasi campaign code in the text (the poster's prefilled greeting): counted, then
    removed, so the conversation never sees it (chalicelib/sosialisasi/campaign.py)."""
    from chalicelib.sosialisasi.campaign import split_campaign_code

    if not incoming.text:
        return None, incoming
    code, rest = split_campaign_code(incoming.text)
    if code is None:
        return None, incoming
    return code, incoming.model_copy(update={"text": rest})


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
            added = Event(
                at=now,
                by=CITIZEN,
                kind="appended",
                detail={
                    "description": effect.description,
                    "media": [a.key for a in effect.attachments],
                },
            )
            commit.appends.append((effect.number, added))
        elif isinstance(effect, RateTicket):
            _rate(effect, commit, services)
        elif isinstance(effect, CommentOnRating):
            _comment(effect, commit, services)
        elif isinstance(effect, CreateTicket):
            sequence = services.store.next_ticket_sequence(month_key(now))
            number = format_ticket_number(now, sequence)
            ticket, created = ticket_from_draft(
                number, effect.draft, commit.citizen, now, load_office()
            )
            commit.tickets.append((ticket, created))
            _fill_ticket_number(replies, commit, number)
            if ticket.urgent:
                alerts.extend(_alerts(ticket, services))
    return alerts


def _fill_ticket_number(replies: list[dict[str, Any]], commit: TurnCommit, number: str) -> None:
    for position, reply in enumerate(replies):
        replies[position] = json.loads(json.dumps(reply).replace(TICKET_NUMBER, number))
    state = json.dumps(commit.session_state).replace(TICKET_NUMBER, number)
    commit.session_state = json.loads(state)


def _alerts(ticket: Ticket, services: Services) -> list[dict[str, Any]]:
    """Urgent ticket: the duty officers hear at once, by WhatsApp template and by e-mail."""
    from chalicelib.tickets.records import alert_email, alert_template

    whatsapp, emails = _duty_officers(services)
    catalogue = services.catalogue.get()
    template = alert_template(ticket, catalogue).model_dump(exclude_none=True)
    messages = [{**template, "_to": number} for number in whatsapp]
    if emails:
        email = alert_email(ticket, catalogue, emails)
        messages.append({**email, "_to": ",".join(emails)})
    log.info("urgent_alert_queued", extra={"ticket": ticket.number, "alerts": len(messages)})
    return messages


def _duty_officers(services: Services) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """WhatsApp numbers and e-mails of the active staff marked as duty officers in the staff
    directory; until anyone is marked, the contacts in office.yaml."""
    from chalicelib.store.staff import StaffStore

    members = StaffStore(services.store.client, services.settings.table_name).all()
    duty = [m for m in members if m.active and m.duty_officer]
    if not duty:
        fallback = load_office().duty_officer
        return fallback.whatsapp, fallback.emails
    return (
        tuple(m.whatsapp for m in duty if m.whatsapp),
        tuple(m.email for m in duty),
    )


def ticket_view(ticket: Ticket) -> TicketView:
    """What the conversation may show the citizen of their own ticket."""
    return TicketView(
        number=ticket.number,
        type=ticket.type.value,
        service_id=ticket.service_id,
        status=ticket.status.value,
        created_at=ticket.created_at,
        public_note=ticket.public_note,
        about=ticket.about,
        reporter_name=ticket.reporter_name,
        nik=ticket.nik,
        kecamatan=ticket.kecamatan.model_dump() if ticket.kecamatan else None,
        desa=ticket.desa.model_dump() if ticket.desa else None,
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
    status = wa.Status.model_validate(body.get("status"))  # malformed: a poison item
    moved, linked = services.store.apply_status(
        status.id, status.status, status.rank, from_unix(status.timestamp), status.error_codes
    )
    if not linked and status.biz_opaque_callback_data:
        # Sent, but its sender never recorded it (no answer, or a failed write): settle it.
        services.outbox.settle(status.biz_opaque_callback_data, status.recipient, status.id)
    extra = {"wamid": status.id, "status": status.status, "applied": moved}
    if status.status == "failed":
        log.warning("delivery_failed", extra={**extra, "codes": status.error_codes})
        if moved and OUTSIDE_WINDOW in status.error_codes:
            _resend_as_template(status.id, services)
    else:
        log.info("delivery_status", extra=extra)


OUTSIDE_WINDOW = 131047  # free text refused: the 24-hour window had closed


def _resend_as_template(wamid: str, services: Services) -> None:
    """A status notice sent as free text bounced off a closed window: send the approved
    template instead, once (its outbox id is derived from the bounced one)."""
    from chalicelib.tickets.notify import status_message

    record = services.store.outbound_message(wamid) or {}
    entry_id = str(record.get("entry_id") or "")
    if not (entry_id.startswith("notify#") and entry_id.endswith("#00")):
        return  # only staff status notices can be late; bot replies answer a fresh message
    ticket = services.store.tickets.get(entry_id.split("#")[1])
    if ticket is None:
        return
    now = services.clock()
    template = status_message(ticket, None, in_window=False)
    entry = OutboxEntry(f"{entry_id.removesuffix('#00')}#t", ticket.citizen, template.model_dump())
    if not services.store.queue_once(entry, now):
        return  # already queued by an earlier delivery of this status
    log.info("notice_resent_as_template", extra={"ticket": ticket.number, "entry": entry.entry_id})
    services.outbox.deliver([entry])
