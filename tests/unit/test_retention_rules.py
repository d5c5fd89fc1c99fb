"""What each retention level removes from a ticket, and what it keeps (pure, no AWS)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from chalicelib.tickets.model import (
    Assessment,
    Deadlines,
    Event,
    Location,
    Priority,
    Region,
    Satisfaction,
    Status,
    Ticket,
)
from chalicelib.tickets.retention import Level, applied, evidence_keys, redact, redact_event

AT = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)
LATER = AT + timedelta(days=2000)


def ticket() -> Ticket:
    return Ticket(
        number="LGT-2603-0007",
        service_id="pkh",
        priority=Priority.TINGGI,
        citizen="6281234565678",
        reporter_name="Siti Aminah",
        nik="1404015203870001",
        subject="ibunya",
        kecamatan=Region(code="14.04.04", name="Tembilahan"),
        desa=Region(code="14.04.04.1001", name="Tembilahan Kota"),
        location=Location(latitude=-0.32, longitude=103.15),
        address="Jl. Sudirman No. 5",
        description="Ibu saya sakit dan tidak bisa bekerja.",
        media=("evidence/a/1",),
        permit={"organisation": "Yayasan Siti"},
        status=Status.SELESAI,
        closed_at=AT + timedelta(days=30),
        public_note="Diusulkan PKH atas nama Siti.",
        assessment=Assessment(
            visit_date=date(2026, 3, 10),
            findings="Rumah Siti di Jl. Sudirman.",
            recommendation="usul_pkh",
            attachments=("evidence/a/3",),
        ),
        satisfaction=Satisfaction(score=5, comment="Terima kasih Bu Rina", at=AT),
        created_at=AT,
        updated_at=AT,
        wib_day="2026-03-02",
        due=Deadlines(verification=AT, first_response=AT, final=AT),
        version=7,
    )


def test_personal_level_keeps_only_what_the_statistics_need():
    original = ticket()
    anonymised = redact(original, Level.PERSONAL, LATER)
    gone = ("citizen", "reporter_name", "nik", "subject", "address", "location", "permit")
    assert all(not getattr(anonymised, name) for name in gone)
    assert (
        anonymised.description == "" and anonymised.media == () and anonymised.public_note is None
    )
    assert anonymised.assessment.findings == "(dihapus)" and anonymised.assessment.attachments == ()
    assert anonymised.satisfaction.comment is None and anonymised.satisfaction.score == 5
    kept = ("service_id", "priority", "kecamatan", "desa", "status", "closed_at", "created_at")
    assert all(getattr(anonymised, name) == getattr(original, name) for name in kept)
    assert anonymised.assessment.recommendation == "usul_pkh"
    assert anonymised.version == 8 and anonymised.anonymised_at == LATER
    assert applied(anonymised, Level.PERSONAL) and applied(anonymised, Level.TEXT)


def test_text_level_removes_the_citizens_words_and_keeps_the_case_file():
    redacted = redact(ticket(), Level.TEXT, LATER)
    assert redacted.description == "" and redacted.satisfaction.comment is None
    assert redacted.nik == "1404015203870001" and redacted.media == ("evidence/a/1",)
    assert applied(redacted, Level.TEXT) and not applied(redacted, Level.PERSONAL)


def test_events_lose_notes_and_words_but_keep_what_happened():
    appended = Event(
        at=AT,
        by="warga",
        kind="appended",
        detail={"description": "anak saya juga sakit", "media": ["evidence/a/2"]},
    )
    status = Event(
        at=AT,
        by="staff-1",
        kind="status",
        from_status=Status.ASESMEN,
        to_status=Status.SELESAI,
        public_note="Siti diusulkan PKH",
        internal_note="Bu Siti ramah",
    )
    assert redact_event(appended, Level.TEXT).detail == {"media": ["evidence/a/2"]}
    assert redact_event(status, Level.TEXT) == status
    closed = redact_event(status, Level.PERSONAL)
    assert closed.public_note is None and closed.internal_note is None
    assert (closed.from_status, closed.to_status, closed.by) == (
        Status.ASESMEN,
        Status.SELESAI,
        "staff-1",
    )
    assert redact_event(appended, Level.PERSONAL).detail == {}
    rating = Event(at=AT, by="warga", kind="satisfaction", detail={"score": 5})
    assert redact_event(rating, Level.PERSONAL) == rating


def test_every_piece_of_evidence_is_found():
    appended = Event(at=AT, by="warga", kind="appended", detail={"media": ["evidence/a/2"]})
    assert evidence_keys(ticket(), [appended]) == ["evidence/a/1", "evidence/a/3", "evidence/a/2"]
