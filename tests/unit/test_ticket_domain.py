"""The ticket domain: the SPEC §3 lifecycle with its roles, history events, deadlines, and the
one function that turns a conversation draft into a ticket."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from chalicelib.catalogue.office import load_office
from chalicelib.staff.roles import Role
from chalicelib.tickets import transitions as lifecycle
from chalicelib.tickets.intake import ticket_from_draft
from chalicelib.tickets.model import Assessment, Priority, Status, Ticket
from chalicelib.tickets.transitions import (
    MoveForbidden,
    TransitionRefused,
    allowed_next,
    moves_of,
    transition,
)

# Tuesday 24 November 2026, 10:00 WIB.
RECEIVED = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)
SPEC_TABLE = {
    "diterima": {"diverifikasi", "ditolak", "dialihkan"},
    "diverifikasi": {"asesmen", "ditindaklanjuti", "ditolak", "dialihkan"},
    "asesmen": {"ditindaklanjuti", "ditolak"},
    "ditindaklanjuti": {"selesai", "asesmen"},
    "selesai": set(),
    "ditolak": set(),
    "dialihkan": set(),
}
DRAFT = {
    "type": "pengaduan",
    "service_id": "bencana",
    "priority": "normal",
    "about": "other",
    "subject": "Keluarga Pak Ahmad",
    "reporter_name": "Siti Aminah",
    "nik": "1404024101850001",
    "kecamatan": {"code": "14.04.02", "name": "Enok"},
    "desa": {"code": "14.04.02.2001", "name": "Enok"},
    "place": {"latitude": -0.33, "longitude": 103.15, "name": "Pasar"},
    "address": "Jl. Sudirman",
    "description": "Rumah terbakar tadi malam, keluarga tidak punya tempat tinggal.",
    "media": [{"key": "evidence/abc/123", "media_id": "123", "kind": "image"}],
    "anonymous": False,
    "consent_at": "2026-11-24T02:58:00.000000Z",
}


def new_ticket(**draft: object) -> Ticket:
    ticket, _event = ticket_from_draft(
        "LGT-2611-0042", {**DRAFT, **draft}, "6281234565678", RECEIVED, load_office()
    )
    return ticket


def at_status(status: Status) -> Ticket:
    return new_ticket().model_copy(update={"status": status})


def test_the_lifecycle_table_is_exactly_spec_section_3():
    assert {s.value: {n.value for n in allowed_next(s)} for s in Status} == SPEC_TABLE


@pytest.mark.parametrize("from_status", list(Status))
@pytest.mark.parametrize("to_status", list(Status))
def test_every_move_is_allowed_or_refused_as_the_table_says(from_status, to_status):
    ticket = at_status(from_status)
    if to_status.value in SPEC_TABLE[from_status.value]:
        moved, event = transition(ticket, to_status, "admin-1", Role.ADMIN, RECEIVED, "catatan")
        assert moved.status is to_status and moved.version == ticket.version + 1
        assert (event.from_status, event.to_status, event.by) == (from_status, to_status, "admin-1")
    else:
        with pytest.raises(TransitionRefused) as refused:
            transition(ticket, to_status, "admin-1", Role.ADMIN, RECEIVED)
        assert set(refused.value.allowed) == set(allowed_next(from_status))


def test_asesor_moves_only_along_the_assessment_and_pimpinan_not_at_all():
    assert moves_of(Role.ASESOR) == {
        (Status.DIVERIFIKASI, Status.ASESMEN),
        (Status.ASESMEN, Status.DITINDAKLANJUTI),
    }
    assert moves_of(Role.PIMPINAN) == frozenset()
    with pytest.raises(MoveForbidden):
        transition(at_status(Status.DITERIMA), Status.DIVERIFIKASI, "a", Role.ASESOR, RECEIVED)


def test_only_an_admin_reopens_a_closed_ticket_to_verification():
    closed, _ = transition(
        at_status(Status.DITINDAKLANJUTI), Status.SELESAI, "admin-1", Role.ADMIN, RECEIVED
    )
    assert closed.closed_at == RECEIVED
    with pytest.raises(MoveForbidden):
        lifecycle.reopen(closed, "a", Role.ASESOR, RECEIVED)
    reopened, event = lifecycle.reopen(closed, "admin-1", Role.ADMIN, RECEIVED, "dibuka lagi")
    assert reopened.status is Status.DIVERIFIKASI and reopened.closed_at is None
    assert event.kind == "reopened" and event.public_note == "dibuka lagi"
    with pytest.raises(TransitionRefused):
        lifecycle.reopen(reopened, "admin-1", Role.ADMIN, RECEIVED)


def test_verification_and_first_response_are_recorded_once():
    later = RECEIVED + timedelta(days=1)
    verified, _ = transition(new_ticket(), Status.DIVERIFIKASI, "adm", Role.ADMIN, later, None)
    assert verified.verified_at == later and verified.first_response_at is None
    answered, event = transition(
        verified, Status.ASESMEN, "adm", Role.ADMIN, later + timedelta(days=1), "Petugas datang"
    )
    assert answered.first_response_at == later + timedelta(days=1)
    assert answered.public_note == "Petugas datang" and event.internal_note is None


def test_draft_becomes_a_ticket_with_working_day_deadlines():
    ticket = new_ticket()
    assert ticket.status is Status.DITERIMA and ticket.wib_day == "2026-11-24"
    assert ticket.kecamatan and ticket.kecamatan.code == "14.04.02"
    assert ticket.media == ("evidence/abc/123",)
    assert ticket.location and ticket.location.map_link.endswith("-0.330000,103.150000")
    # Received Tuesday: 3 working days -> Friday 27th; 5 -> Tuesday 1 December (23:59:59 WIB).
    assert ticket.due.verification == datetime(2026, 11, 27, 16, 59, 59, tzinfo=UTC)
    assert ticket.due.first_response == datetime(2026, 12, 1, 16, 59, 59, tzinfo=UTC)
    assert ticket.due.final == RECEIVED + timedelta(days=60)


def test_urgent_ticket_has_hour_level_targets():
    ticket = new_ticket(priority="tinggi")
    hours = load_office().service_levels.urgent_response_hours
    assert ticket.priority is Priority.TINGGI and ticket.urgent
    assert ticket.due.verification == RECEIVED + timedelta(hours=hours)


def test_breaches_name_each_missed_service_level():
    ticket = new_ticket()
    assert ticket.breaches(RECEIVED + timedelta(days=1)) == ()
    assert ticket.breaches(datetime(2026, 11, 28, tzinfo=UTC)) == ("verification",)
    assert ticket.breaches(datetime(2026, 12, 2, tzinfo=UTC)) == ("verification", "first_response")
    verified, _ = transition(
        ticket, Status.DIVERIFIKASI, "a", Role.ADMIN, RECEIVED, "Terverifikasi"
    )
    assert verified.breaches(datetime(2026, 12, 2, tzinfo=UTC)) == ()
    assert verified.breaches(RECEIVED + timedelta(days=61)) == ("final",)


def test_assessment_note_assignment_duplicate_and_satisfaction_are_history_events():
    ticket = new_ticket()
    assessment = Assessment(
        visit_date=date(2026, 11, 26), findings="Rumah rusak berat", recommendation="usul_pkh"
    )
    steps = [
        lifecycle.assign(ticket, "asesor-1", "admin-1", RECEIVED),
        lifecycle.add_note(ticket, "Hubungi kepala desa", "admin-1", RECEIVED),
        lifecycle.record_assessment(ticket, assessment, "asesor-1", RECEIVED),
        lifecycle.mark_duplicate(ticket, "LGT-2611-0041", "admin-1", RECEIVED),
        lifecycle.record_satisfaction(ticket, 5, "Terima kasih", RECEIVED),
    ]
    kinds = [event.kind for _ticket, event in steps]
    assert kinds == ["assigned", "note", "assessment", "duplicate", "satisfaction"]
    assert all(changed.version == ticket.version + 1 for changed, _ in steps)
    assert steps[0][0].assignee == "asesor-1"
    assert steps[2][0].assessment and steps[2][0].assessment.by == "asesor-1"
    assert steps[3][0].duplicate_of == "LGT-2611-0041"
    assert steps[4][0].satisfaction and steps[4][0].satisfaction.score == 5
