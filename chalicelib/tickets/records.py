"""Urgent-ticket alerts to the duty officer. Pure: no I/O."""

from __future__ import annotations

from typing import Any

from chalicelib.catalogue.services import Catalogue
from chalicelib.clock import WIB
from chalicelib.privacy import mask_phone, mask_text
from chalicelib.tickets.model import Ticket
from chalicelib.whatsapp.outbound import Template

STATUS_ALERT_TEMPLATE = "ligat_staff_alert"


def alert_template(ticket: Ticket, catalogue: Catalogue) -> Template:
    """WhatsApp alert to the duty officer: number, service, kecamatan; never NIK or health."""
    service = catalogue.service(ticket.service_id)
    return Template(
        name=STATUS_ALERT_TEMPLATE,
        body_params=[ticket.number, service.short_name if service else "Lainnya", _place(ticket)],
    )


def _place(ticket: Ticket) -> str:
    """Where, in a few words: the kecamatan, else the pin's name, else what the citizen wrote."""
    if ticket.kecamatan:
        return ticket.kecamatan.name
    if ticket.location:
        return ticket.location.name or "lokasi pin"
    return (ticket.address or "lokasi belum jelas")[:60]


def alert_email(
    ticket: Ticket, catalogue: Catalogue, recipients: tuple[str, ...]
) -> dict[str, Any]:
    """E-mail to the duty officer; personal data masked (the console shows the rest by role)."""
    service = catalogue.service(ticket.service_id)
    kecamatan = ticket.kecamatan.name if ticket.kecamatan else _place(ticket)
    desa = ticket.desa.name if ticket.desa else "-"
    reporter = "(dirahasiakan)" if ticket.anonymous else mask_phone(ticket.citizen)
    lines = [
        f"Laporan mendesak {ticket.number} perlu ditangani segera.",
        "",
        f"Layanan   : {service.name if service else 'Lainnya'}",
        f"Lokasi    : {desa}, Kec. {kecamatan}",
        f"Pelapor   : {reporter}",
        f"Diterima  : {ticket.created_at.astimezone(WIB):%d-%m-%Y %H.%M} WIB",
        "",
        "Uraian (disamarkan):",
        mask_text(ticket.description[:500]),
    ]
    return {
        "kind": "email",
        "to": list(recipients),
        "subject": f"[LIGAT] Laporan mendesak {ticket.number}",
        "text": "\n".join(lines),
    }
