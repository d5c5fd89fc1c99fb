"""Staff edit the 14 services' texts (SPEC §5): validated against the same schema and WhatsApp
limits as the packaged catalogue, revisioned with who and when, audited; the bot reads the new
text within a minute (chalicelib/wiring.py CatalogueCache)."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from chalicelib.routes.api import ApiError, Call, field_errors, staff_route
from chalicelib.staff.roles import Permission

bp = Blueprint(__name__)

PATH = "/admin/catalogue/{service}"
STORED = "chalicelib.routes.answers:StoredService"


class ServiceEdit(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    service: dict[str, Any]  # a service of services.yaml; its id must be the path's
    revision: int = Field(ge=0)  # the revision the edit was made from


@staff_route(
    bp,
    PATH,
    "GET",
    Permission.CATALOGUE_READ,
    "Satu layanan katalog, dengan revisinya",
    response=STORED,
    errors=(404,),
)
def read(call: Call) -> dict[str, Any]:
    from chalicelib.aws import client
    from chalicelib.catalogue.seed import read_service
    from chalicelib.settings import get_settings

    stored = read_service(client("dynamodb"), get_settings().table_name, call.params["service"])
    if stored is None:
        raise ApiError(404, "not_found", "Layanan tidak ditemukan.")
    return stored


@staff_route(
    bp,
    PATH,
    "PUT",
    Permission.CATALOGUE_EDIT,
    "Ubah teks satu layanan (dicek batas WhatsApp)",
    body=ServiceEdit,
    response=STORED,
    errors=(404, 409),
)
def write(call: Call) -> dict[str, Any]:
    from chalicelib.aws import client
    from chalicelib.catalogue.seed import StaleService, read_catalogue, write_service
    from chalicelib.catalogue.services import parse_catalogue
    from chalicelib.clock import iso, now
    from chalicelib.settings import get_settings
    from chalicelib.store import audit

    service_id, edit = call.params["service"], call.body
    dynamodb, table = client("dynamodb"), get_settings().table_name
    current = read_catalogue(dynamodb, table)
    if current is None or current.service(service_id) is None:
        raise ApiError(404, "not_found", "Layanan tidak ditemukan.")
    if edit.service.get("id") != service_id:
        fields = [{"field": "service.id", "message": "harus sama dengan layanan di alamat"}]
        raise ApiError(400, "invalid_body", fields=fields)
    data = current.model_dump(mode="json")
    data["services"] = [edit.service if s["id"] == service_id else s for s in data["services"]]
    try:
        catalogue = parse_catalogue(data)  # the same schema and limits as services.yaml
        _fits_whatsapp(catalogue, service_id)
    except ValidationError as error:
        raise ApiError(400, "invalid_body", fields=_in_service(field_errors(error))) from None
    service = catalogue.service(service_id)
    assert service is not None
    stamp = iso(now())
    event = audit.AuditEvent(
        call.staff.sub, "catalogue.edit", f"service:{service_id}", {"revision": edit.revision + 1}
    )
    try:
        revision = write_service(
            dynamodb,
            table,
            service.model_dump(mode="json"),
            edit.revision,
            call.staff.sub,
            stamp,
            audit.put_request(table, event),
        )
    except StaleService:
        raise ApiError(
            409, "version_conflict", "Layanan ini baru saja diubah petugas lain; muat ulang dulu."
        ) from None
    return {
        "service": service.model_dump(mode="json"),
        "revision": revision,
        "updated_by": call.staff.sub,
        "updated_at": stamp,
    }


def _fits_whatsapp(catalogue: Any, service_id: str) -> None:
    """The answers the bot would send with the edited text must pass the outbound limits."""
    from chalicelib.catalogue.office import load_office
    from chalicelib.conversation import messages as m
    from chalicelib.conversation.copy import load_copy

    service = catalogue.service(service_id)
    copy, office = load_copy(), load_office()
    m.service_answer(copy, service, office)
    m.service_details(copy, service, office)
    m.answer_actions(copy, service)


def _in_service(fields: list[dict[str, str]]) -> list[dict[str, str]]:
    """Name the edited service's fields as the request did (`service.<field>`)."""
    named = []
    for item in fields:
        parts = item["field"].split(".")
        if parts[:1] == ["services"] and len(parts) > 2:
            item = {**item, "field": "service." + ".".join(parts[2:])}
        named.append(item)
    return named
