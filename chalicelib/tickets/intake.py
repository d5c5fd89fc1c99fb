"""A finished conversation draft becomes a `Ticket`: the one place that reads the draft."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from chalicelib.catalogue.office import Office
from chalicelib.clock import wib_day
from chalicelib.tickets.model import (
    CITIZEN,
    Deadlines,
    Event,
    Location,
    Priority,
    Region,
    Status,
    Ticket,
    TicketType,
)
from chalicelib.tickets.sla import deadlines_for

_ABOUT = {"self", "other", "group"}


def ticket_from_draft(
    number: str, draft: Mapping[str, Any], citizen: str, now: datetime, office: Office
) -> tuple[Ticket, Event]:
    """The new ticket and its first history event. `draft` is the engine's `CreateTicket`
    payload (the citizen's answers as plain data)."""
    priority = Priority.TINGGI if draft.get("priority") == "tinggi" else Priority.NORMAL
    levels = office.service_levels
    verification, first_response, final = deadlines_for(
        now,
        priority is Priority.TINGGI,
        levels.verification_working_days,
        levels.first_response_working_days,
        levels.ceiling_days,
        levels.urgent_response_hours,
        office.holidays,
    )
    place = draft.get("place")
    ticket = Ticket(
        number=number,
        type=TicketType(draft.get("type") or "pengaduan"),
        service_id=draft.get("service_id") or "lainnya",
        priority=priority,
        citizen=citizen,
        about=draft.get("about") if draft.get("about") in _ABOUT else None,
        subject=draft.get("subject"),
        affected=draft.get("affected") if isinstance(draft.get("affected"), int) else None,
        reporter_name=draft.get("reporter_name"),
        nik=draft.get("nik"),
        kecamatan=_region(draft.get("kecamatan")),
        desa=_region(draft.get("desa")),
        location=Location.model_validate(place) if isinstance(place, Mapping) else None,
        address=draft.get("address"),
        description=draft.get("description") or "",
        media=tuple(_media_keys(draft.get("media"))),
        anonymous=bool(draft.get("anonymous")),
        permit=draft.get("permit") if isinstance(draft.get("permit"), Mapping) else None,
        consent_at=draft.get("consent_at"),
        created_at=now,
        updated_at=now,
        wib_day=wib_day(now),
        due=Deadlines(verification=verification, first_response=first_response, final=final),
    )
    event = Event(
        at=now,
        by=CITIZEN,
        kind="created",
        to_status=Status.DITERIMA,
        public_note="Diterima via WhatsApp",
    )
    return ticket, event


def _region(value: Any) -> Region | None:
    return Region.model_validate(value) if isinstance(value, Mapping) else None


def _media_keys(media: Any) -> list[str]:
    keys = []
    for item in media or []:
        key = item.get("key") if isinstance(item, Mapping) else item
        if isinstance(key, str):
            keys.append(key)
    return keys
