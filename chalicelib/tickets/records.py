"""Ticket records and urgent alerts, built from a confirmed draft. Pure: no I/O."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.catalogue.services import Catalogue
from chalicelib.clock import iso, wib_day
from chalicelib.privacy import mask_phone, mask_text
from chalicelib.whatsapp.outbound import Template

STATUS_ALERT_TEMPLATE = "ligat_staff_alert"


def new_ticket(number: str, draft: dict[str, Any], citizen: str, now: datetime) -> dict[str, Any]:
    """The stored ticket: every answer, the reporter's identity, UTC times, the WIB day."""
    created = iso(now)
    return {
        "number": number,
        "type": draft.get("type") or "pengaduan",
        "service_id": draft.get("service_id") or "lainnya",
        "status": "diterima",
        "priority": draft.get("priority") or "normal",
        "citizen": citizen,
        "about": draft.get("about"),
        "subject": draft.get("subject"),
        "reporter_name": draft.get("reporter_name"),
        "nik": draft.get("nik"),
        "kecamatan": draft.get("kecamatan"),
        "desa": draft.get("desa"),
        "place": draft.get("place"),
        "address": draft.get("address"),
        "description": draft.get("description"),
        "media": [a["key"] for a in draft.get("media") or []],
        "anonymous": bool(draft.get("anonymous")),
        "consent_at": draft.get("consent_at"),
        "verification_due": draft.get("verification_due"),
        "created_at": created,
        "updated_at": created,
        "wib_day": wib_day(now),
        "history": [
            {
                "at": created,
                "by": "warga",
                "from": None,
                "to": "diterima",
                "note": "Diterima via WhatsApp",
            }
        ],
    }


def alert_template(ticket: dict[str, Any], catalogue: Catalogue) -> Template:
    """WhatsApp alert to the duty officer: number, service, kecamatan; never NIK or health."""
    service = catalogue.service(ticket["service_id"])
    place = (ticket.get("kecamatan") or {}).get("name") or "lokasi pin"
    return Template(
        name=STATUS_ALERT_TEMPLATE,
        body_params=[ticket["number"], service.short_name if service else "Lainnya", place],
    )


def alert_email(
    ticket: dict[str, Any], catalogue: Catalogue, recipients: tuple[str, ...]
) -> dict[str, Any]:
    """E-mail to the duty officer; personal data masked (the console shows the rest by role)."""
    service = catalogue.service(ticket["service_id"])
    kecamatan = (ticket.get("kecamatan") or {}).get("name", "-")
    desa = (ticket.get("desa") or {}).get("name", "-")
    reporter = "(dirahasiakan)" if ticket.get("anonymous") else mask_phone(ticket["citizen"])
    lines = [
        f"Laporan mendesak {ticket['number']} perlu ditangani segera.",
        "",
        f"Layanan   : {service.name if service else 'Lainnya'}",
        f"Lokasi    : {desa}, Kec. {kecamatan}",
        f"Pelapor   : {reporter}",
        f"Diterima  : {ticket['created_at']}",
        "",
        "Uraian (disamarkan):",
        mask_text((ticket.get("description") or "")[:500]),
    ]
    return {
        "kind": "email",
        "to": list(recipients),
        "subject": f"[LIGAT] Laporan mendesak {ticket['number']}",
        "text": "\n".join(lines),
    }
