"""A staff member as the directory keeps them (the Cognito user holds only sign-in facts)."""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.staff.roles import Principal, Role


class PasswordRejected(Exception):
    """A new or temporary password that the user pool's password policy refuses (400)."""


@dataclass(frozen=True)
class StaffMember:
    id: str  # the Cognito user's sub
    email: str
    name: str
    role: Role
    kecamatan: tuple[str, ...] = ()  # Kemendagri codes of an asesor's scope
    active: bool = True
    rekap_recipient: bool = False  # receives the daily rekap e-mail
    duty_officer: bool = False  # alerted at once about urgent tickets
    whatsapp: str = ""  # number for urgent-case alerts, digits with country code (62...)
    created_at: str = ""
    updated_at: str = ""
    updated_by: str = ""
    version: int = 1

    def principal(self) -> Principal:
        return Principal(self.id, self.email, self.name, self.role, self.kecamatan)
