"""Who may do what: the one declaration of the staff roles (Cognito groups) and their permissions.

Every staff route names one `Permission` (see `chalicelib/routes/api.py`); `ROLES` says which
roles hold it. Which status moves each role may make is declared with the lifecycle itself, in
chalicelib/tickets/transitions.py. Ticket-level limits that depend on the ticket itself (an
asesor's kecamatan scope and assignments, an anonymous reporter, masked NIK) are declared here
as `RoleSpec` fields and applied by the ticket service, which receives the signed-in
`Principal`.

Adding a route: pick (or add) a `Permission`, grant it below, name it on the route. The role ×
route tests are generated from this table and the route registry, so nothing else changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal


class Role(StrEnum):
    ADMIN = "admin"  # administrator/verifier: everything
    ASESOR = "asesor"  # field assessor: their tickets, assessments, replies to those citizens
    PIMPINAN = "pimpinan"  # head of office: reads everything masked, changes nothing


class Permission(StrEnum):
    SELF = "self"  # own profile (GET /admin/me), the API description
    TICKETS_LIST = "tickets.list"
    TICKETS_READ = "tickets.read"
    TICKETS_TRANSITION = "tickets.transition"
    TICKETS_ASSIGN = "tickets.assign"
    TICKETS_ASSESS = "tickets.assess"
    TICKETS_NOTE = "tickets.note"
    TICKETS_DUPLICATE = "tickets.duplicate"
    TICKETS_REOPEN = "tickets.reopen"
    CITIZEN_REPLY = "citizen.reply"
    CONVERSATIONS_INBOX = "conversations.inbox"
    CATALOGUE_READ = "catalogue.read"
    CATALOGUE_EDIT = "catalogue.edit"
    STAFF_DIRECTORY = "staff.directory"
    AUDIT_READ = "audit.read"
    REKAP_READ = "rekap.read"
    REKAP_SEND = "rekap.send"
    NIK_UNMASKED = "nik.unmasked"
    CITIZEN_ERASE = "citizen.erase"  # a citizen's personal data, on their request (admin)


TicketScope = Literal["all", "assigned_or_kecamatan"]
"""Which tickets a role sees: all, or those assigned to the staff member plus the unassigned ones
in their kecamatan scope."""


@dataclass(frozen=True)
class RoleSpec:
    permissions: frozenset[Permission]
    ticket_scope: TicketScope
    sees_anonymous_reporter: bool  # name, phone, WhatsApp id and NIK of an anonymous reporter


ROLES: dict[Role, RoleSpec] = {
    Role.ADMIN: RoleSpec(
        permissions=frozenset(Permission),
        ticket_scope="all",
        sees_anonymous_reporter=True,
    ),
    Role.ASESOR: RoleSpec(
        permissions=frozenset(
            {
                Permission.SELF,
                Permission.TICKETS_LIST,
                Permission.TICKETS_READ,
                Permission.TICKETS_TRANSITION,
                Permission.TICKETS_ASSESS,
                Permission.TICKETS_NOTE,
                Permission.CITIZEN_REPLY,
                Permission.CATALOGUE_READ,
                Permission.REKAP_READ,  # their kecamatan's copy, as they receive it by e-mail
            }
        ),
        ticket_scope="assigned_or_kecamatan",
        sees_anonymous_reporter=False,
    ),
    Role.PIMPINAN: RoleSpec(
        permissions=frozenset(
            {
                Permission.SELF,
                Permission.TICKETS_LIST,
                Permission.TICKETS_READ,
                Permission.CATALOGUE_READ,
                Permission.REKAP_READ,
            }
        ),
        ticket_scope="all",
        sees_anonymous_reporter=False,
    ),
}


@dataclass(frozen=True)
class Principal:
    """The signed-in staff member, as every staff route and service receives it."""

    sub: str  # Cognito user id; also the staff directory id
    email: str
    name: str
    role: Role
    kecamatan: tuple[str, ...] = ()  # Kemendagri codes of the asesor's scope

    @property
    def spec(self) -> RoleSpec:
        return ROLES[self.role]

    def may(self, permission: Permission) -> bool:
        return permission in self.spec.permissions

    def may_move(self, from_status: str, to_status: str) -> bool:
        """Whether this role may make a status move; the moves and their roles are declared
        once, in the ticket lifecycle table (chalicelib/tickets/transitions.py)."""
        from chalicelib.tickets.model import Status
        from chalicelib.tickets.transitions import may_move

        return self.may(Permission.TICKETS_TRANSITION) and may_move(
            self.role, Status(from_status), Status(to_status)
        )

    def sees_unmasked_nik(self) -> bool:
        return self.may(Permission.NIK_UNMASKED)
