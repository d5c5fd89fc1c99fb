"""The one declaration of who may do what (chalicelib/staff/roles.py) says what issue 8 says."""

from __future__ import annotations

import pytest

from chalicelib.staff.roles import ROLES, Permission, Principal, Role

# Everything that changes something; pimpinan holds none of it.
CHANGES = {
    Permission.TICKETS_TRANSITION,
    Permission.TICKETS_ASSIGN,
    Permission.TICKETS_ASSESS,
    Permission.TICKETS_NOTE,
    Permission.TICKETS_DUPLICATE,
    Permission.TICKETS_REOPEN,
    Permission.CITIZEN_REPLY,
    Permission.CATALOGUE_EDIT,
    Permission.STAFF_DIRECTORY,
    Permission.REKAP_SEND,
}


def principal(role: Role) -> Principal:
    return Principal("sub-1", "a@dinsos.test", "A", role, ("14.04.01",))


def test_every_role_is_declared_and_every_cognito_group_is_a_role():
    assert set(ROLES) == set(Role)
    assert {r.value for r in Role} == {"admin", "asesor", "pimpinan"}


def test_admin_may_do_everything_and_sees_everything():
    admin = principal(Role.ADMIN)
    assert all(admin.may(p) for p in Permission)
    assert admin.sees_unmasked_nik() and admin.spec.sees_anonymous_reporter
    assert admin.spec.ticket_scope == "all"
    assert admin.may_move("selesai", "diverifikasi")  # reopening is the ticket rules' call


def test_pimpinan_reads_everything_masked_and_changes_nothing():
    pimpinan = principal(Role.PIMPINAN)
    assert not any(pimpinan.may(p) for p in CHANGES)
    assert pimpinan.may(Permission.TICKETS_LIST) and pimpinan.may(Permission.TICKETS_READ)
    assert pimpinan.may(Permission.REKAP_READ)
    assert pimpinan.spec.ticket_scope == "all"
    assert not pimpinan.sees_unmasked_nik() and not pimpinan.spec.sees_anonymous_reporter
    assert not pimpinan.may_move("diverifikasi", "asesmen")


def test_asesor_works_their_own_tickets_masked():
    asesor = principal(Role.ASESOR)
    assert asesor.spec.ticket_scope == "assigned_or_kecamatan"
    for allowed in (
        Permission.TICKETS_ASSESS,
        Permission.TICKETS_TRANSITION,
        Permission.CITIZEN_REPLY,
        Permission.TICKETS_NOTE,
    ):
        assert asesor.may(allowed)
    for denied in (
        Permission.NIK_UNMASKED,
        Permission.TICKETS_ASSIGN,
        Permission.TICKETS_REOPEN,
        Permission.STAFF_DIRECTORY,
        Permission.CATALOGUE_EDIT,
        Permission.AUDIT_READ,
        Permission.REKAP_SEND,
        Permission.CONVERSATIONS_INBOX,
    ):
        assert not asesor.may(denied)
    assert not asesor.spec.sees_anonymous_reporter


@pytest.mark.parametrize(
    ("from_status", "to_status", "allowed"),
    [
        ("diverifikasi", "asesmen", True),
        ("asesmen", "ditindaklanjuti", True),
        ("diterima", "diverifikasi", False),
        ("asesmen", "ditolak", False),
        ("ditindaklanjuti", "selesai", False),
        ("selesai", "diverifikasi", False),
    ],
)
def test_asesor_moves_only_along_the_assessment(from_status, to_status, allowed):
    assert principal(Role.ASESOR).may_move(from_status, to_status) is allowed
