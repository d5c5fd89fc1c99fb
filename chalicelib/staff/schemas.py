"""Request and response bodies of the sign-in and staff-directory routes (pydantic, English field
names). The same models validate requests and describe them in /admin/openapi.json.

Models are built on first use (`defer_build`), so importing the routes costs the webhook's cold
start nothing.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from chalicelib.staff.model import StaffMember
from chalicelib.staff.roles import Role

# The user pool's password policy (infra/template.yaml UserPool Policies.PasswordPolicy; a test
# keeps the two in step), checked here so staff get the reason in Indonesian before Cognito.
PASSWORD_MIN_LENGTH = 12
PASSWORD_RULE = "minimal 12 karakter, dengan huruf besar, huruf kecil, dan angka"

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_WHATSAPP = re.compile(r"^[1-9][0-9]{7,14}$")


def _email(value: str) -> str:
    value = value.strip().lower()
    if not _EMAIL.match(value):
        raise ValueError("alamat email tidak valid")
    return value


def _name(value: str) -> str:
    value = " ".join(value.split())
    if not value:
        raise ValueError("nama wajib diisi")
    return value


def _new_password(value: str) -> str:
    if not (
        len(value) >= PASSWORD_MIN_LENGTH
        and re.search(r"[a-z]", value)
        and re.search(r"[A-Z]", value)
        and re.search(r"[0-9]", value)
    ):
        raise ValueError(f"kata sandi harus {PASSWORD_RULE}")
    return value


def _kecamatan(codes: list[str]) -> list[str]:
    from chalicelib.catalogue.regions import Kecamatan, load_regions

    regions, found = load_regions(), []
    for code in codes:
        region = regions.by_code(code)
        if not isinstance(region, Kecamatan):
            raise ValueError(f"{code!r} bukan kode kecamatan Kemendagri di kabupaten ini")
        if region.code not in found:
            found.append(region.code)
    return found


def _whatsapp(value: str) -> str:
    digits = re.sub(r"[\s\-().+]", "", value)
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    if digits and not _WHATSAPP.match(digits):
        raise ValueError("nomor WhatsApp tidak valid (contoh: 0811-7600-808 atau 62811...)")
    return digits


# Field constraints rather than StringConstraints: pydantic.types would add to the cold import.
Email = Annotated[str, Field(max_length=254), AfterValidator(_email)]
Password = Annotated[str, Field(min_length=1, max_length=256)]
NewPassword = Annotated[Password, AfterValidator(_new_password)]
Name = Annotated[str, Field(max_length=100), AfterValidator(_name)]
KecamatanCodes = Annotated[list[str], Field(max_length=50), AfterValidator(_kecamatan)]
WhatsApp = Annotated[str, Field(max_length=32), AfterValidator(_whatsapp)]


class Body(BaseModel):
    """A request body: unknown fields are refused rather than silently ignored."""

    model_config = ConfigDict(extra="forbid", defer_build=True)


class LoginRequest(Body):
    email: Email
    password: Password


class NewPasswordRequest(Body):
    email: Email
    session: Annotated[str, Field(min_length=20, max_length=2048)]  # Cognito's limits
    new_password: NewPassword


class RefreshRequest(Body):
    refresh_token: Annotated[str, Field(min_length=1, max_length=8192)]


class Tokens(Body):
    id_token: str
    access_token: str
    refresh_token: str | None = None
    expires_in: int


class Challenge(Body):
    challenge: Literal["NEW_PASSWORD_REQUIRED"]
    session: str


class StaffCreate(Body):
    email: Email
    name: Name
    role: Role
    kecamatan: KecamatanCodes = []
    temporary_password: NewPassword
    rekap_recipient: bool = False
    duty_officer: bool = False
    whatsapp: WhatsApp = ""


class StaffUpdate(Body):
    """Only the fields sent are changed."""

    name: Name | None = None
    role: Role | None = None
    kecamatan: KecamatanCodes | None = None
    active: bool | None = None
    rekap_recipient: bool | None = None
    duty_officer: bool | None = None
    whatsapp: WhatsApp | None = None


class Staff(Body):
    id: str
    email: str
    name: str
    role: Role
    kecamatan: list[str]
    active: bool
    rekap_recipient: bool
    duty_officer: bool
    whatsapp: str
    created_at: str
    updated_at: str
    updated_by: str
    version: int

    @classmethod
    def of(cls, member: StaffMember) -> Staff:
        return cls(
            id=member.id,
            email=member.email,
            name=member.name,
            role=member.role,
            kecamatan=list(member.kecamatan),
            active=member.active,
            rekap_recipient=member.rekap_recipient,
            duty_officer=member.duty_officer,
            whatsapp=member.whatsapp,
            created_at=member.created_at,
            updated_at=member.updated_at,
            updated_by=member.updated_by,
            version=member.version,
        )


class StaffList(Body):
    staff: list[Staff]


class Me(Body):
    id: str
    email: str
    name: str
    role: Role
    kecamatan: list[str]
    permissions: list[str]


class FieldError(Body):
    field: str
    message: str


class Error(Body):
    error: str
    message: str
    fields: list[FieldError] = []
