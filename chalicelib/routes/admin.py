"""The staff API's own routes: who am I, the staff directory, the API description.

Ticket, conversation, catalogue, audit and rekap routes live in their own modules beside this one
and are declared the same way (routes/api.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from chalice import Blueprint
from pydantic import BaseModel, ConfigDict, Field

from chalicelib.routes.api import ApiError, Call, staff_route
from chalicelib.staff.roles import Permission
from chalicelib.staff.schemas import (
    PASSWORD_RULE,
    Me,
    Staff,
    StaffCreate,
    StaffList,
    StaffUpdate,
)

bp = Blueprint(__name__)


@staff_route(bp, "/admin/me", "GET", Permission.SELF, "Petugas yang sedang masuk", response=Me)
def me(call: Call) -> Me:
    principal = call.staff
    return Me(
        id=principal.sub,
        email=principal.email,
        name=principal.name,
        role=principal.role,
        kecamatan=list(principal.kecamatan),
        permissions=sorted(principal.spec.permissions),
    )


ANSWERS = "chalicelib.routes.answers:"


@staff_route(
    bp,
    "/admin/openapi.json",
    "GET",
    Permission.SELF,
    "Deskripsi OpenAPI API ini",
    response=ANSWERS + "OpenApiDocument",
)
def openapi(call: Call) -> dict[str, object]:
    from chalicelib.routes.openapi import document

    return document()


@staff_route(
    bp, "/admin/staff", "GET", Permission.STAFF_DIRECTORY, "Daftar petugas", response=StaffList
)
def list_staff(call: Call) -> StaffList:
    from chalicelib.staff.services import staff_services

    members = staff_services().directory.members()
    return StaffList(staff=[Staff.of(member) for member in members])


@staff_route(
    bp,
    "/admin/staff",
    "POST",
    Permission.STAFF_DIRECTORY,
    "Tambah petugas (akun Cognito dengan kata sandi sementara, peran, kecamatan)",
    body=StaffCreate,
    response=Staff,
    status=201,
    errors=(409,),
)
def create_staff(call: Call) -> Staff:
    from chalicelib.staff.services import staff_services

    with _directory_errors():
        member = staff_services().directory.create(call.staff.sub, call.body)
    return Staff.of(member)


@staff_route(
    bp,
    "/admin/staff/{staff_id}",
    "PATCH",
    Permission.STAFF_DIRECTORY,
    "Ubah peran, kecamatan, status aktif, penerima rekap, petugas piket, nomor WhatsApp",
    body=StaffUpdate,
    response=Staff,
    errors=(404, 409),
)
def update_staff(call: Call) -> Staff:
    from chalicelib.staff.services import staff_services

    with _directory_errors():
        member = staff_services().directory.update(call.staff, call.params["staff_id"], call.body)
    return Staff.of(member)


@contextmanager
def _directory_errors() -> Iterator[None]:
    from chalicelib.staff.directory import StaffConflict, StaffNotFound
    from chalicelib.staff.model import PasswordRejected

    try:
        yield
    except StaffNotFound:
        raise ApiError(404, "not_found", "Petugas tidak ditemukan.") from None
    except StaffConflict as error:
        raise ApiError(409, "conflict", str(error)) from None
    except PasswordRejected:
        field = {"field": "temporary_password", "message": f"kata sandi harus {PASSWORD_RULE}"}
        raise ApiError(400, "invalid_body", fields=[field]) from None


class AuditFilters(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ticket: str | None = Field(default=None, pattern=r"^LGT-\d{4}-\d{4,}$")
    staff: str | None = Field(default=None, min_length=1, max_length=64)
    day: date | None = None  # WIB day; today when neither ticket nor staff is given
    limit: int = Field(default=100, ge=1, le=500)


@staff_route(
    bp,
    "/admin/audit",
    "GET",
    Permission.AUDIT_READ,
    "Log audit: siapa membaca atau mengubah apa (filter ticket, staff, atau day)",
    response=ANSWERS + "AuditLog",
    query=AuditFilters,
)
def audit_log(call: Call) -> dict[str, object]:
    from chalicelib.aws import client
    from chalicelib.clock import now, wib_day
    from chalicelib.settings import get_settings
    from chalicelib.store import audit

    filters: AuditFilters = call.filters
    dynamodb, table = client("dynamodb"), get_settings().table_name
    if filters.ticket:
        events = audit.history(dynamodb, table, f"ticket:{filters.ticket}", filters.limit)
    elif filters.staff:
        events = audit.by_actor(dynamodb, table, filters.staff, filters.limit)
    else:
        day = filters.day.isoformat() if filters.day else wib_day(now())
        events = audit.on_day(dynamodb, table, day, filters.limit)
    return {"events": events}


class SosialisasiFilters(BaseModel):
    model_config = ConfigDict(extra="forbid")
    start: date  # WIB days, inclusive
    end: date


@staff_route(
    bp,
    "/admin/sosialisasi",
    "GET",
    Permission.REKAP_READ,
    "Warga yang datang lewat kode kampanye sosialisasi, per kode dan hari (start, end)",
    response=ANSWERS + "CampaignCounts",
    query=SosialisasiFilters,
)
def sosialisasi(call: Call) -> dict[str, object]:
    from datetime import timedelta

    from chalicelib.wiring import services

    filters: SosialisasiFilters = call.filters
    days = (filters.end - filters.start).days + 1
    if not 1 <= days <= 92:
        fields = [{"field": "end", "message": "rentang 1 sampai 92 hari"}]
        raise ApiError(400, "invalid_query", "Rentang tanggal tidak valid.", fields)
    store = services().store
    per_day = {}
    totals: dict[str, int] = {}
    for offset in range(days):
        day = (filters.start + timedelta(days=offset)).isoformat()
        counts = store.campaign_counts(day)
        if counts:
            per_day[day] = counts
        for code, count in counts.items():
            totals[code] = totals.get(code, 0) + count
    return {
        "start": filters.start.isoformat(),
        "end": filters.end.isoformat(),
        "totals": totals,
        "days": per_day,
    }
