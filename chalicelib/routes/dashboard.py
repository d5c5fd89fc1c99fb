"""GET /admin/dashboard: the console's home page in figures (chalicelib/tickets/dashboard.py)."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.routes.api import Call, staff_route
from chalicelib.staff.roles import Permission

bp = Blueprint(__name__)


@staff_route(
    bp,
    "/admin/dashboard",
    "GET",
    Permission.TICKETS_LIST,
    "Ringkasan: tiket baru, mendesak, terlambat, chat menunggu, grafik 30 hari",
    response="chalicelib.tickets.dashboard:Dashboard",
)
def dashboard(call: Call) -> Any:
    from chalicelib.tickets.dashboard import DashboardService
    from chalicelib.wiring import services

    built = services()
    catalogue = built.catalogue.get()

    def service_name(service_id: str) -> str:
        service = catalogue.service(service_id)
        return service.short_name if service else service_id

    def waiting() -> int:
        return len(built.chats.live(("waiting",), built.clock()))

    figures = DashboardService(built.store.tickets, service_name, waiting, built.clock)
    return figures.figures(call.staff)
