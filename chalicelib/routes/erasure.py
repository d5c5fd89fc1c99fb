"""A citizen's erasure on their request (UU 27/2022): admins only, audited. What is erased and
what stays is chalicelib/retention.py; how staff answer the request is docs/runbook.md."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.routes.api import ApiError, Call, staff_route
from chalicelib.staff.roles import Permission

bp = Blueprint(__name__)


@staff_route(
    bp,
    "/admin/erasures",
    "POST",
    Permission.CITIZEN_ERASE,
    "Hapus data pribadi seorang warga atas permintaannya",
    body="chalicelib.retention:ErasureRequest",
    response="chalicelib.retention:Erasure",
    errors=(404, 409),
)
def erase_citizen(call: Call) -> object:
    from chalicelib.retention import TicketGone, retention
    from chalicelib.tickets.transitions import VersionConflict

    service = retention()
    try:
        return service.erase(service.citizen_of(call.body), call.staff.sub)
    except TicketGone:
        raise ApiError(
            404, "not_found", "Tiket tidak ditemukan, atau data pribadinya sudah dihapus."
        ) from None
    except VersionConflict:
        # What was erased stays erased; a second request finishes the rest.
        raise ApiError(
            409,
            "version_conflict",
            "Tiket warga ini sedang diubah petugas lain; ulangi sebentar lagi.",
        ) from None
