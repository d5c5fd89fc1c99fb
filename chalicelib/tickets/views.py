"""What each role sees of a ticket, and the staff API's request bodies (pydantic: the same models
validate requests and describe them in /admin/openapi.json).

Masking happens here and only here, by the viewer's role (SPEC §5): an admin sees the NIK
unmasked; an asesor and the head of office see it masked; the reporter of an anonymous ticket
(name, phone, WhatsApp id, NIK) is never shown to anyone but an admin.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from chalicelib.privacy import mask_nik, mask_phone
from chalicelib.staff.roles import Principal
from chalicelib.store.chats import ChatMessage
from chalicelib.tickets.model import (
    Assessment,
    Deadlines,
    Event,
    Priority,
    Recommendation,
    Region,
    Status,
    Ticket,
    TicketSummary,
    TicketType,
)
from chalicelib.tickets.transitions import allowed_next, may_move

HIDDEN = "(dirahasiakan)"
Note = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)


class TransitionBody(_Body):
    status: Status
    public_note: Note | None = None  # told to the citizen on WhatsApp
    internal_note: Note | None = None  # never leaves the office
    version: int | None = Field(default=None, ge=1)  # the version the change was made on


class AssignBody(_Body):
    staff_id: Annotated[str, StringConstraints(min_length=1, max_length=64)] | None
    version: int | None = Field(default=None, ge=1)


class NoteBody(_Body):
    text: Note
    version: int | None = Field(default=None, ge=1)


class AssessmentBody(_Body):
    visit_date: date
    findings: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)
    ]
    recommendation: Recommendation
    version: int | None = Field(default=None, ge=1)


class DuplicateBody(_Body):
    of: Annotated[str, StringConstraints(pattern=r"^LGT-\d{4}-\d{4,}$")]
    internal_note: Note | None = None
    version: int | None = Field(default=None, ge=1)


class ReopenBody(_Body):
    public_note: Note | None = None
    internal_note: Note | None = None
    version: int | None = Field(default=None, ge=1)


class TicketFilters(BaseModel):
    """The queue's filters, from the query string (they live in the URL, so links share)."""

    model_config = ConfigDict(extra="forbid", defer_build=True)
    status: Status | None = None
    type: TicketType | None = None
    service: str | None = Field(default=None, max_length=64)
    kecamatan: str | None = Field(default=None, pattern=r"^14\.04\.\d{2}$")
    priority: Priority | None = None
    overdue: bool | None = None
    assignee: str | None = Field(default=None, max_length=64)
    created_from: date | None = None
    created_to: date | None = None
    q: str | None = Field(default=None, min_length=1, max_length=80)  # number or name
    sort: Literal["newest", "oldest"] = "newest"  # by time of receipt (the index's own order)
    limit: int = Field(default=25, ge=1, le=100)
    cursor: str | None = Field(default=None, max_length=2000)


class _View(BaseModel):
    model_config = ConfigDict(defer_build=True)


class TicketRow(_View):
    number: str
    type: TicketType
    service_id: str
    status: Status
    status_label: str
    priority: Priority
    kecamatan: Region | None
    desa: Region | None
    created_at: datetime
    assignee: str | None
    reporter_name: str | None
    anonymous: bool
    due: Deadlines
    overdue: list[str]
    version: int


class TicketList(_View):
    tickets: list[TicketRow]
    cursor: str | None = None  # pass back as ?cursor= for the next page


class EventView(_View):
    at: datetime
    by: str
    kind: str
    from_status: Status | None
    to_status: Status | None
    public_note: str | None
    internal_note: str | None
    detail: dict[str, Any]


MEDIA_LINK_SECONDS = 600  # evidence links are short-lived: a forwarded link soon stops working


class MediaLink(_View):
    key: str
    url: str  # presigned S3 GET
    expires_in: int


class NoticeView(_View):
    """A message sent to the citizen about this ticket, and how far it got."""

    entry: str
    status: str  # pending, sending, unknown, sent, delivered, read, failed
    at: str | None
    kind: str  # text, template (outside the 24-hour window), list (the rating question)


class ChatLine(_View):
    at: datetime
    direction: str  # in (the citizen), out (staff or the bot)
    by: str
    kind: str
    text: str
    status: str | None = None
    media_url: str | None = None  # a photo or document the citizen sent: short-lived link


def chat_line(
    message: ChatMessage,
    status: str | None = None,
    link: Callable[[str], str] | None = None,
) -> ChatLine:
    staff = message.by not in ("warga", "bot")
    return ChatLine(
        at=message.at,
        direction=message.direction,
        by=(message.by_name or "petugas") if staff else message.by,
        kind=message.kind,
        text=message.text,
        status=status,
        media_url=(link(message.media) or None) if link and message.media else None,
    )


class TicketDetail(TicketRow):
    citizen: str  # masked phone; hidden when anonymous (except for admins)
    nik: str | None
    about: str | None
    subject: str | None
    affected: int | None  # a group report: roughly how many people or families
    address: str | None
    location: dict[str, Any] | None  # with map_link
    description: str
    media: list[str]
    permit: dict[str, Any] | None
    verified_at: datetime | None
    first_response_at: datetime | None
    closed_at: datetime | None
    public_note: str | None
    duplicate_of: str | None
    assessment: Assessment | None
    satisfaction: dict[str, Any] | None
    history: list[EventView]
    next_statuses: list[Status]  # the moves this viewer may make now
    window_open: bool = False  # the citizen wrote within 24 hours: a reply goes as free text
    window_until: datetime | None = None  # when that window closes (else: the status template)
    media_links: list[MediaLink] = []
    notices: list[NoticeView] = []
    conversation: list[ChatLine] = []  # the citizen's chat with staff since the ticket


def row(summary: TicketSummary | Ticket, viewer: Principal, now: datetime) -> TicketRow:
    hidden = summary.anonymous and not viewer.spec.sees_anonymous_reporter
    return TicketRow(
        number=summary.number,
        type=summary.type,
        service_id=summary.service_id,
        status=summary.status,
        status_label=summary.status.label,
        priority=summary.priority,
        kecamatan=summary.kecamatan,
        desa=summary.desa,
        created_at=summary.created_at,
        assignee=summary.assignee,
        reporter_name=HIDDEN if hidden else summary.reporter_name,
        anonymous=summary.anonymous,
        due=summary.due,
        overdue=list(summary.breaches(now)),
        version=summary.version,
    )


def detail(ticket: Ticket, events: list[Event], viewer: Principal, now: datetime) -> TicketDetail:
    hidden = ticket.anonymous and not viewer.spec.sees_anonymous_reporter
    nik = ticket.nik if viewer.sees_unmasked_nik() else mask_nik(ticket.nik) or None
    location = None
    if ticket.location:
        location = {**ticket.location.model_dump(), "map_link": ticket.location.map_link}
    return TicketDetail(
        **row(ticket, viewer, now).model_dump(),
        citizen=HIDDEN if hidden else mask_phone(ticket.citizen),
        nik=None if hidden else nik,
        about=ticket.about,
        subject=ticket.subject,
        affected=ticket.affected,
        address=ticket.address,
        location=location,
        description=ticket.description,
        media=list(ticket.media),
        permit=ticket.permit,
        verified_at=ticket.verified_at,
        first_response_at=ticket.first_response_at,
        closed_at=ticket.closed_at,
        public_note=ticket.public_note,
        duplicate_of=ticket.duplicate_of,
        assessment=ticket.assessment,
        satisfaction=ticket.satisfaction.model_dump() if ticket.satisfaction else None,
        history=[EventView.model_validate(e.model_dump()) for e in events],
        next_statuses=[
            s for s in allowed_next(ticket.status) if may_move(viewer.role, ticket.status, s)
        ],
    )
