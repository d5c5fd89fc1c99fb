"""What retention removes from a ticket (UU 27/2022, SPEC §9). Pure: the daily job and a
citizen's erasure, which find the tickets and write the result, are chalicelib/retention.py.

Two levels, each applied once and marked on the ticket:

- `TEXT`, the conversation text: the citizen's own words kept with the ticket (the
  description, what they appended on WhatsApp, the comment of their rating).
- `PERSONAL`, everything that identifies a person: the citizen's WhatsApp id, name, NIK, whom
  the report is about, address, location pin, permit details, evidence, every note (staff
  notes name people too) and the assessment's findings, plus the `TEXT` level.

What stays is what the statistics need: type, service, kecamatan and desa, priority, status,
dates and deadlines, duplicate link, the assessment's visit date and recommendation, and the
satisfaction score.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum
from typing import Any

from chalicelib.tickets.model import Event, Ticket

REMOVED = "(dihapus)"  # where a field must hold some text (an assessment's findings)
_EVENT_WORDS = ("description",)  # an `appended` event: what the citizen added
_EVENT_PERSONAL = ("description", "media")


class Level(StrEnum):
    TEXT = "text"
    PERSONAL = "personal"


def applied(ticket: Ticket, level: Level) -> bool:
    if level is Level.TEXT:
        return ticket.text_removed_at is not None or ticket.anonymised_at is not None
    return ticket.anonymised_at is not None


def redact(ticket: Ticket, level: Level, now: datetime) -> Ticket:
    """The ticket without what `level` removes, one version on."""
    update: dict[str, Any] = {
        "description": "",
        "satisfaction": (
            ticket.satisfaction.model_copy(update={"comment": None})
            if ticket.satisfaction
            else None
        ),
        "text_removed_at": ticket.text_removed_at or now,
        "version": ticket.version + 1,
    }
    if level is Level.PERSONAL:
        update |= {
            "citizen": "",
            "reporter_name": None,
            "nik": None,
            "subject": None,
            "address": None,
            "location": None,
            "media": (),
            "permit": None,
            "public_note": None,
            "assessment": (
                ticket.assessment.model_copy(update={"findings": REMOVED, "attachments": ()})
                if ticket.assessment
                else None
            ),
            "anonymised_at": now,
        }
    return ticket.model_copy(update=update)


def redact_event(event: Event, level: Level) -> Event:
    """One history event without what `level` removes (the same event when nothing is)."""
    if level is Level.TEXT:
        if event.kind != "appended":
            return event
        return event.model_copy(update={"detail": _without(event.detail, _EVENT_WORDS)})
    redacted = event.model_copy(
        update={
            "public_note": None,
            "internal_note": None,
            "detail": _without(event.detail, _EVENT_PERSONAL),
        }
    )
    return event if redacted == event else redacted


def evidence_keys(ticket: Ticket, events: Iterable[Event]) -> list[str]:
    """Every S3 key of the ticket's evidence: the report's, what was appended later, and the
    assessment's attachments."""
    found = list(ticket.media)
    if ticket.assessment:
        found += ticket.assessment.attachments
    for event in events:
        media = event.detail.get("media")
        if isinstance(media, list):
            found += [key for key in media if isinstance(key, str)]
    return list(dict.fromkeys(found))


def _without(detail: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    return {key: value for key, value in detail.items() if key not in names}
