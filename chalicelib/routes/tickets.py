"""The staff API's ticket routes (SPEC §5): parse the request, call the ticket service, shape
the answer. Who may call each route is its `Permission` (staff/roles.py); which tickets an
asesor reaches and what each role sees is the service's and the views' business."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from chalice import Blueprint

from chalicelib.routes.api import ApiError, Call, staff_route
from chalicelib.staff.roles import Permission

# Models by name: imported on a ticket request, not on the webhook's cold start.
_VIEWS = "chalicelib.tickets.views:"
TicketDetail = _VIEWS + "TicketDetail"
TicketList = _VIEWS + "TicketList"

bp = Blueprint(__name__)

NUMBER = "/admin/tickets/{number}"


@staff_route(
    bp,
    "/admin/tickets",
    "GET",
    Permission.TICKETS_LIST,
    "Antrian tiket (filter di URL)",
    response=TicketList,
    query=_VIEWS + "TicketFilters",
)
def list_tickets(call: Call) -> Any:
    from chalicelib.store.tickets import BadCursor, TicketQuery

    filters = call.filters
    query = TicketQuery(
        status=filters.status,
        type=filters.type,
        service_id=filters.service,
        kecamatan=(filters.kecamatan,) if filters.kecamatan else (),
        priority=filters.priority,
        overdue=filters.overdue,
        assignee=filters.assignee,
        created_from=filters.created_from,
        created_to=filters.created_to,
        search=filters.q,
        oldest=filters.sort == "oldest",
    )
    try:
        return ticket_service().queue(call.staff, query, filters.limit, filters.cursor)
    except BadCursor:
        raise ApiError(400, "invalid_cursor", "Penanda halaman tidak valid.") from None


@staff_route(
    bp,
    NUMBER,
    "GET",
    Permission.TICKETS_READ,
    "Detail tiket (disamarkan sesuai peran)",
    response=TicketDetail,
    errors=(404,),
)
def ticket_detail(call: Call) -> Any:
    with _ticket_errors():
        return ticket_service().detail(call.staff, call.params["number"])


@staff_route(
    bp,
    f"{NUMBER}/transitions",
    "POST",
    Permission.TICKETS_TRANSITION,
    "Ubah status (catatan publik dikirim ke warga; catatan internal tidak)",
    body=_VIEWS + "TransitionBody",
    response=TicketDetail,
    errors=(403, 404, 409),
)
def transition(call: Call) -> Any:
    with _ticket_errors():
        return ticket_service().transition(call.staff, call.params["number"], call.body)


@staff_route(
    bp,
    f"{NUMBER}/reopen",
    "POST",
    Permission.TICKETS_REOPEN,
    "Buka kembali tiket yang ditutup",
    body=_VIEWS + "ReopenBody",
    response=TicketDetail,
    errors=(403, 404, 409),
)
def reopen(call: Call) -> Any:
    with _ticket_errors():
        return ticket_service().reopen(call.staff, call.params["number"], call.body)


@staff_route(
    bp,
    f"{NUMBER}/assign",
    "POST",
    Permission.TICKETS_ASSIGN,
    "Tugaskan ke petugas",
    body=_VIEWS + "AssignBody",
    response=TicketDetail,
    errors=(400, 404, 409),
)
def assign(call: Call) -> Any:
    from chalicelib.staff.services import staff_services

    body = call.body
    if body.staff_id is not None:
        member = staff_services().store.get(body.staff_id)
        if member is None or not member.active:
            raise ApiError(400, "unknown_staff", "Petugas tidak ditemukan atau tidak aktif.")
    with _ticket_errors():
        return ticket_service().assign(call.staff, call.params["number"], body)


@staff_route(
    bp,
    f"{NUMBER}/notes",
    "POST",
    Permission.TICKETS_NOTE,
    "Catatan internal",
    body=_VIEWS + "NoteBody",
    response=TicketDetail,
    errors=(404, 409),
)
def note(call: Call) -> Any:
    with _ticket_errors():
        return ticket_service().note(call.staff, call.params["number"], call.body)


@staff_route(
    bp,
    f"{NUMBER}/assessment",
    "POST",
    Permission.TICKETS_ASSESS,
    "Catat hasil asesmen",
    body=_VIEWS + "AssessmentBody",
    response=TicketDetail,
    errors=(404, 409),
)
def assessment(call: Call) -> Any:
    with _ticket_errors():
        return ticket_service().assess(call.staff, call.params["number"], call.body)


@staff_route(
    bp,
    f"{NUMBER}/duplicate",
    "POST",
    Permission.TICKETS_DUPLICATE,
    "Tandai sebagai duplikat",
    body=_VIEWS + "DuplicateBody",
    response=TicketDetail,
    errors=(404, 409),
)
def duplicate(call: Call) -> Any:
    with _ticket_errors():
        return ticket_service().mark_duplicate(call.staff, call.params["number"], call.body)


@contextmanager
def _ticket_errors() -> Iterator[None]:
    from chalicelib.tickets.service import TicketNotFound
    from chalicelib.tickets.transitions import MoveForbidden, TransitionRefused, VersionConflict

    try:
        yield
    except TicketNotFound:
        raise ApiError(404, "not_found", "Tiket tidak ditemukan.") from None
    except TransitionRefused as refused:
        allowed = ", ".join(s.value for s in refused.allowed) or "tidak ada"
        raise ApiError(
            409,
            "transition_refused",
            f"Status {refused.from_status.value} tidak bisa diubah ke {refused.to_status.value}. "
            f"Status berikutnya yang boleh: {allowed}.",
            fields=[{"field": "status", "message": allowed}],
        ) from None
    except MoveForbidden:
        raise ApiError(403, "forbidden") from None
    except VersionConflict:
        raise ApiError(
            409, "version_conflict", "Tiket ini baru saja diubah petugas lain; muat ulang dulu."
        ) from None


def ticket_service() -> Any:
    from chalicelib.tickets.service import TicketService
    from chalicelib.wiring import services

    built = services()
    return TicketService(
        built.store,
        built.store.tickets,
        built.store.client,
        built.settings.table_name,
        built.clock,
        built.outbox.deliver,
        chats=built.chats,
        s3=built.s3,
        bucket=built.settings.media_bucket,
    )
