"""Live hand-over, the staff side (SPEC §5): the inbox of chats handed to staff, one chat with
its messages, a reply, the release back to the bot; and a reply to the citizen from a ticket.
The use cases are in chalicelib/handover.py; this module only translates HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from chalice import Blueprint

from chalicelib.routes.api import ApiError, Call, staff_route
from chalicelib.staff.roles import Permission

bp = Blueprint(__name__)

CONVERSATION = "/admin/conversations/{citizen}"
MODELS = "chalicelib.handover"


@staff_route(
    bp,
    "/admin/conversations",
    "GET",
    Permission.CONVERSATIONS_INBOX,
    "Chat warga yang diserahkan ke petugas (menunggu / sedang dilayani)",
    response=f"{MODELS}:ConversationList",
    query=f"{MODELS}:InboxFilters",
)
def inbox(call: Call) -> Any:
    return _service().inbox(call.staff, call.filters.waiting)


@staff_route(
    bp,
    CONVERSATION,
    "GET",
    Permission.CONVERSATIONS_INBOX,
    "Satu chat dengan pesan-pesannya",
    response=f"{MODELS}:ConversationDetail",
    errors=(404,),
)
def conversation(call: Call) -> Any:
    with _errors():
        return _service().conversation(call.staff, call.params["citizen"])


@staff_route(
    bp,
    f"{CONVERSATION}/messages",
    "POST",
    Permission.CONVERSATIONS_INBOX,
    "Balas warga (bot diam selama petugas melayani)",
    body=f"{MODELS}:ReplyBody",
    response=f"{MODELS}:ReplyResult",
    status=201,
    errors=(400, 404, 409),
)
def reply(call: Call) -> Any:
    with _errors():
        return _service().reply(call.staff, call.params["citizen"], call.body)


@staff_route(
    bp,
    f"{CONVERSATION}/release",
    "POST",
    Permission.CONVERSATIONS_INBOX,
    "Kembalikan chat ke layanan otomatis",
    response=f"{MODELS}:ConversationDetail",
    errors=(404, 409),
)
def release(call: Call) -> Any:
    with _errors():
        return _service().release(call.staff, call.params["citizen"])


@staff_route(
    bp,
    "/admin/tickets/{number}/messages",
    "POST",
    Permission.CITIZEN_REPLY,
    "Kirim pesan ke pelapor tiket ini (di luar 24 jam: templat, pesan menyusul)",
    body=f"{MODELS}:ReplyBody",
    response=f"{MODELS}:ReplyResult",
    status=201,
    errors=(400, 404, 409),
)
def reply_about_ticket(call: Call) -> Any:
    from chalicelib.routes.tickets import ticket_service

    with _errors():
        ticket = ticket_service().visible(call.staff, call.params["number"])
        return _service().reply_about(call.staff, ticket, call.body)


@contextmanager
def _errors() -> Iterator[None]:
    from chalicelib.handover import ChatNotFound, WindowClosed
    from chalicelib.store.chats import ChatConflict
    from chalicelib.tickets.service import TicketNotFound

    try:
        yield
    except (ChatNotFound, TicketNotFound):
        raise ApiError(404, "not_found", "Chat atau tiket tidak ditemukan.") from None
    except WindowClosed:
        raise ApiError(
            409,
            "window_closed",
            "Warga terakhir mengirim pesan lebih dari 24 jam lalu; WhatsApp hanya mengizinkan "
            "templat, dan warga ini belum punya laporan untuk templat status. Pesan bisa "
            "dikirim lagi setelah warga menulis.",
        ) from None
    except ChatConflict:
        raise ApiError(409, "conflict", "Chat ini baru saja berubah; coba lagi.") from None


def _service() -> Any:
    from chalicelib.handover import ChatService
    from chalicelib.routes.tickets import ticket_service
    from chalicelib.wiring import services

    built = services()
    return ChatService(
        built.store,
        built.chats,
        built.settings.table_name,
        built.clock,
        built.outbox.deliver,
        link=ticket_service().link,
    )
