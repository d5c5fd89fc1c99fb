"""The ticket domain: one typed model for the conversation, the staff API, the rekap and the
console (SPEC §3). Pure: no DynamoDB, no HTTP.

A ticket is a citizen's complaint (`pengaduan`) or request (`permohonan`) moving through the
office's stages. Its history (status changes, notes, assessments, assignments) is a list of
`Event`s stored as items of their own, so a busy ticket never outgrows a DynamoDB item.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

NoteText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]


class Status(StrEnum):
    DITERIMA = "diterima"  # received, awaiting verification
    DIVERIFIKASI = "diverifikasi"  # complete, within the office's authority; assessment planned
    ASESMEN = "asesmen"  # field assessment under way
    DITINDAKLANJUTI = "ditindaklanjuti"  # action taken (proposed, delivered, referred)
    SELESAI = "selesai"  # resolved and closed
    DITOLAK = "ditolak"  # rejected, with the reason told to the citizen
    DIALIHKAN = "dialihkan"  # not the office's authority; the citizen is told who is

    @property
    def label(self) -> str:
        """How the citizen reads it (WhatsApp, the status template)."""
        return STATUS_LABELS[self]

    @property
    def closed(self) -> bool:
        return self in CLOSED


STATUS_LABELS = {
    Status.DITERIMA: "Diterima",
    Status.DIVERIFIKASI: "Diverifikasi",
    Status.ASESMEN: "Asesmen lapangan",
    Status.DITINDAKLANJUTI: "Ditindaklanjuti",
    Status.SELESAI: "Selesai",
    Status.DITOLAK: "Ditolak",
    Status.DIALIHKAN: "Dialihkan",
}
CLOSED = frozenset({Status.SELESAI, Status.DITOLAK, Status.DIALIHKAN})


class TicketType(StrEnum):
    PENGADUAN = "pengaduan"
    PERMOHONAN = "permohonan"


class Priority(StrEnum):
    NORMAL = "normal"
    TINGGI = "tinggi"  # urgent: hour-level targets, the duty officer alerted at once


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore", defer_build=True)


class Region(_Model):
    """A kecamatan or desa/kelurahan: its Kemendagri code and name."""

    code: str
    name: str


class Location(_Model):
    latitude: float
    longitude: float
    name: str | None = None
    address: str | None = None

    @property
    def map_link(self) -> str:
        return f"https://www.google.com/maps?q={self.latitude:.6f},{self.longitude:.6f}"


class Deadlines(_Model):
    """When the office owes the citizen something (UTC), from the working-day calendar."""

    verification: datetime  # verified (or rejected/redirected) by then
    first_response: datetime  # a first public answer by then
    final: datetime  # closed by then


Recommendation = Literal[
    "usul_pkh",
    "usul_pbi",
    "usul_dtks",
    "bantuan_sosial_lain",
    "rujukan_layanan",
    "rujukan_instansi_lain",
    "tidak_memenuhi_syarat",
    "lainnya",
]


class Assessment(_Model):
    """The field assessment (asesmen) of a ticket."""

    visit_date: date
    findings: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)
    ]
    recommendation: Recommendation
    attachments: tuple[str, ...] = ()  # S3 keys
    by: str = ""  # staff id
    at: datetime | None = None


class Satisfaction(_Model):
    score: int = Field(ge=1, le=5)
    comment: str | None = None
    at: datetime


EventKind = Literal[
    "created",  # by the citizen, on WhatsApp
    "status",  # a status change (with public and internal notes)
    "reopened",
    "assigned",
    "note",  # an internal note
    "assessment",
    "duplicate",  # marked as a duplicate of another ticket
    "appended",  # the citizen added information on WhatsApp
    "satisfaction",
]
CITIZEN = "warga"  # the actor of events the citizen caused
SYSTEM = "sistem"


class Event(_Model):
    """One thing that happened to a ticket: who, when, from, to, and a note."""

    at: datetime
    by: str  # staff id, CITIZEN or SYSTEM
    kind: EventKind
    from_status: Status | None = None
    to_status: Status | None = None
    public_note: str | None = None  # what the citizen is told
    internal_note: str | None = None  # never leaves the office
    detail: dict[str, Any] = {}


class _Deadlined(_Model):
    """What service-level checks need; shared by the ticket and its summary."""

    status: Status = Status.DITERIMA
    due: Deadlines
    verified_at: datetime | None = None
    first_response_at: datetime | None = None

    def breaches(self, now: datetime) -> tuple[str, ...]:
        """Service levels missed by `now`: verification, first_response, final."""
        missed = []
        if self.verified_at is None and not self.status.closed and now > self.due.verification:
            missed.append("verification")
        if self.first_response_at is None and now > self.due.first_response:
            missed.append("first_response")
        if not self.status.closed and now > self.due.final:
            missed.append("final")
        return tuple(missed)

    def overdue(self, now: datetime) -> bool:
        return bool(self.breaches(now))


class Ticket(_Deadlined):
    number: str
    type: TicketType = TicketType.PENGADUAN
    service_id: str = "lainnya"
    priority: Priority = Priority.NORMAL
    citizen: str  # wa_id or business-scoped user id
    about: Literal["self", "other", "group"] | None = None
    subject: str | None = None  # whom the report is about, when not the reporter
    affected: int | None = None  # a group report: roughly how many people or families
    reporter_name: str | None = None
    nik: str | None = None
    kecamatan: Region | None = None
    desa: Region | None = None
    location: Location | None = None
    address: str | None = None
    description: str = ""
    media: tuple[str, ...] = ()  # S3 keys of the evidence
    anonymous: bool = False  # identity hidden from field staff and the rekap
    permit: dict[str, Any] | None = None  # a permit request's own fields
    consent_at: datetime | None = None  # privacy notice accepted (UU 27/2022)
    created_at: datetime
    updated_at: datetime
    wib_day: str  # the WIB calendar day of receipt, YYYY-MM-DD
    assignee: str | None = None  # staff id
    closed_at: datetime | None = None
    public_note: str | None = None  # the last thing the citizen was told
    duplicate_of: str | None = None
    assessment: Assessment | None = None
    satisfaction: Satisfaction | None = None
    overdue_notified: tuple[str, ...] = ()  # breaches already reported to the admins
    # Retention (chalicelib/tickets/retention.py): when the citizen's words were removed, and
    # when the personal data was (the ticket then keeps its statistics only).
    text_removed_at: datetime | None = None
    anonymised_at: datetime | None = None
    version: int = 1  # optimistic concurrency: two staff edits never overwrite each other

    @property
    def urgent(self) -> bool:
        return self.priority is Priority.TINGGI

    def summary(self) -> TicketSummary:
        return TicketSummary.model_validate(
            self.model_dump(include=set(TicketSummary.model_fields))
        )


class TicketSummary(_Deadlined):
    """What lists and indexes hold of a ticket: enough to filter, sort and show a queue row,
    nothing more (no NIK, no description, no phone number)."""

    number: str
    type: TicketType
    service_id: str
    priority: Priority
    kecamatan: Region | None = None
    desa: Region | None = None
    created_at: datetime
    wib_day: str
    assignee: str | None = None
    anonymous: bool = False
    reporter_name: str | None = None  # for the search by name; hidden by role when shown
    closed_at: datetime | None = None
    duplicate_of: str | None = None
    version: int = 1

    @property
    def urgent(self) -> bool:
        return self.priority is Priority.TINGGI
