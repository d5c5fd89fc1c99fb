"""The rekap on demand (SPEC §8): any WIB day's figures as JSON, its XLSX, and a resend (admins,
audited). The same compilation as the 07:00 WIB schedule (chalicelib/rekap/send.py)."""

from __future__ import annotations

from datetime import date

from chalice import Blueprint, Response

from chalicelib.routes.api import ApiError, Call, staff_route
from chalicelib.staff.roles import Permission

bp = Blueprint(__name__)

DAY = "/admin/rekap/{day}"
# The XLSX media type (also app.py's binary type); a literal so the route costs no import.
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _accepts(accept: str | None, media_type: str) -> bool:
    named = {part.split(";")[0].strip().lower() for part in (accept or "").split(",")}
    return media_type in named or "*/*" in named


def _day(call: Call) -> date:
    try:
        return date.fromisoformat(call.params["day"])
    except ValueError:
        fields = [{"field": "day", "message": "format YYYY-MM-DD"}]
        raise ApiError(400, "invalid_day", "Tanggal tidak valid.", fields) from None


def _scope(call: Call):  # type: ignore[no-untyped-def]
    from chalicelib.rekap.build import Scope

    return Scope.for_staff(call.staff.role, call.staff.kecamatan)


@staff_route(
    bp,
    DAY,
    "GET",
    Permission.REKAP_READ,
    "Rekap satu hari (angka dan baris)",
    response="chalicelib.rekap.build:Rekap",
    errors=(400,),
)
def rekap_json(call: Call) -> dict[str, object]:
    from chalicelib.rekap.send import rekap_service

    rekap = rekap_service().build(_day(call), _scope(call))
    return dict(rekap.model_dump(mode="json"))


@staff_route(
    bp,
    f"{DAY}/xlsx",
    "GET",
    Permission.REKAP_READ,
    "Lampiran XLSX rekap satu hari (header Accept menyebut jenis XLSX)",
    errors=(400, 406),
    media_type=XLSX,
)
def rekap_xlsx(call: Call) -> Response:
    from chalicelib.rekap.send import rekap_service
    from chalicelib.rekap.xlsx import render_xlsx

    day = _day(call)
    if not _accepts(bp.current_request.headers.get("accept"), XLSX):
        # API Gateway sends a binary answer only to a request that names its type; Chalice
        # would otherwise replace the file with an undocumented 400.
        raise ApiError(406, "not_acceptable", f"Minta berkas ini dengan header Accept: {XLSX}.")
    data = render_xlsx(rekap_service().build(day, _scope(call)))
    headers: dict[str, str | list[str]] = {
        "Content-Type": XLSX,
        "Content-Disposition": f'attachment; filename="rekap-ligat-{day.isoformat()}.xlsx"',
    }
    return Response(body=data, status_code=200, headers=headers)


@staff_route(
    bp,
    f"{DAY}/send",
    "POST",
    Permission.REKAP_SEND,
    "Kirim ulang rekap ke penerima rekap",
    response="chalicelib.routes.answers:RekapSent",
    errors=(400,),
)
def rekap_send(call: Call) -> dict[str, object]:
    from chalicelib.aws import client
    from chalicelib.rekap.send import rekap_service
    from chalicelib.settings import get_settings
    from chalicelib.staff.services import staff_services
    from chalicelib.store import audit

    day = _day(call)
    readers = staff_services().directory.rekap_recipients()
    sent = rekap_service().send(day, readers, once=False)
    audit.record(
        client("dynamodb"),
        get_settings().table_name,
        call.staff.sub,
        "rekap.send",
        f"rekap:{day.isoformat()}",
        {"emails": sent},
    )
    return {"day": day.isoformat(), "emails": sent}
