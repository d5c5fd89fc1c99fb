"""Staff edit the 14 services' texts (SPEC §5): validated against the same schema and WhatsApp
limits as the packaged catalogue, revisioned with who and when, audited; the bot reads the new
text within a minute (chalicelib/wiring.py CatalogueCache). A draft can be previewed as the exact
WhatsApp messages the bot would send, so the console never re-implements their formatting."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from chalicelib.routes.api import ApiError, Call, field_errors, staff_route
from chalicelib.staff.roles import Permission

bp = Blueprint(__name__)

PATH = "/admin/catalogue/{service}"
STORED = "chalicelib.routes.answers:StoredService"
# The fields staff edit as text; the rest of a service (id, number, group, permits) is structure.
TEXT_FIELDS = ("name", "short_name", "description", "summary", "cost", "duration")
LIST_FIELDS = ("eligibility", "requirements", "steps", "legal_basis", "keywords", "sources")


class _Answer(BaseModel):
    model_config = ConfigDict(defer_build=True)  # built on first use: no cold-start cost


class ServiceEdit(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    service: dict[str, Any]  # a service of services.yaml; its id must be the path's
    revision: int = Field(ge=0)  # the revision the edit was made from


class ServiceDraft(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    service: dict[str, Any]  # a service of services.yaml as edited, not saved; id = the path's


class Limit(_Answer):
    kind: str  # "text" (characters) or "list" (lines)
    min: int = 0
    max: int | None = None


class ServiceEntry(_Answer):
    id: str
    number: int
    name: str
    short_name: str
    urgent: bool
    to_complete: list[str]
    revision: int
    source: str  # "seed" (as packaged) or "staff" (edited)
    updated_by_name: str | None = None
    updated_at: str | None = None


class CatalogueList(_Answer):
    services: list[ServiceEntry]
    limits: dict[str, Limit]  # the catalogue schema's limits of the fields staff edit
    answer_max: int  # the first answer about a service is cut to this many characters


class ServicePreview(_Answer):
    """The messages the bot sends for a service, exactly as WhatsApp would receive them."""

    answer: str  # the first answer
    answer_length: int
    answer_full_length: int  # before cutting; over answer_max the bot shortens the answer
    answer_max: int
    details: str  # on a tap of "Rincian"
    actions: str  # the question above the reply buttons
    buttons: list[str]


@staff_route(
    bp,
    "/admin/catalogue",
    "GET",
    Permission.CATALOGUE_READ,
    "Daftar layanan katalog, dengan revisi dan batas isian",
    response=CatalogueList,
)
def listing(call: Call) -> CatalogueList:
    from chalicelib.aws import client
    from chalicelib.catalogue.seed import list_services
    from chalicelib.conversation.messages import ANSWER_MAX
    from chalicelib.settings import get_settings

    stored = list_services(client("dynamodb"), get_settings().table_name)
    names = _names({entry["updated_by"] for entry in stored})
    services = [
        ServiceEntry(
            id=entry["service"]["id"],
            number=entry["service"]["number"],
            name=entry["service"]["name"],
            short_name=entry["service"]["short_name"],
            urgent=bool(entry["service"].get("urgent")),
            to_complete=list(entry["service"].get("to_complete", [])),
            revision=entry["revision"],
            source=entry["source"],
            updated_by_name=names.get(entry["updated_by"]),
            updated_at=entry["updated_at"],
        )
        for entry in stored
    ]
    return CatalogueList(services=services, limits=limits(), answer_max=ANSWER_MAX)


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
    from chalicelib.store import audit

    service_id = call.params["service"]
    dynamodb, table = client("dynamodb"), get_settings().table_name
    stored = read_service(dynamodb, table, service_id)
    if stored is None:
        raise ApiError(404, "not_found", "Layanan tidak ditemukan.")
    edits = [
        event
        for event in audit.history(dynamodb, table, f"service:{service_id}", 20)
        if event["action"] == "catalogue.edit"
    ]
    names = _names({stored["updated_by"], *(event["actor"] for event in edits)})
    stored["updated_by_name"] = names.get(stored["updated_by"])
    stored["revisions"] = [
        {
            "revision": int((event.get("detail") or {}).get("revision", 0)),
            "by_name": names.get(event["actor"]) or "–",
            "at": event["at"],
        }
        for event in edits
    ]
    return stored


@staff_route(
    bp,
    f"{PATH}/preview",
    "POST",
    Permission.CATALOGUE_READ,
    "Pratinjau pesan WhatsApp yang dikirim bot untuk teks layanan (belum disimpan)",
    body=ServiceDraft,
    response=ServicePreview,
    errors=(400, 404),
)
def preview(call: Call) -> ServicePreview:
    from chalicelib.aws import client
    from chalicelib.catalogue.office import load_office
    from chalicelib.catalogue.seed import read_catalogue
    from chalicelib.conversation import messages as m
    from chalicelib.conversation.copy import load_copy
    from chalicelib.settings import get_settings

    current = read_catalogue(client("dynamodb"), get_settings().table_name)
    service = _edited(current, call.params["service"], call.body.service).service(
        call.params["service"]
    )
    assert service is not None
    copy, office = load_copy(), load_office()
    answer = m.service_answer(copy, service, office)
    actions = m.answer_actions(copy, service)
    return ServicePreview(
        answer=answer.body,
        answer_length=len(answer.body),
        answer_full_length=m.full_answer_length(copy, service, office),
        answer_max=m.ANSWER_MAX,
        details=m.service_details(copy, service, office).body,
        actions=actions.body,
        buttons=[button.title for button in actions.buttons],
    )


@staff_route(
    bp,
    PATH,
    "PUT",
    Permission.CATALOGUE_EDIT,
    "Ubah teks satu layanan (dicek batas WhatsApp)",
    body=ServiceEdit,
    response=STORED,
    errors=(400, 404, 409),
)
def write(call: Call) -> dict[str, Any]:
    from chalicelib.aws import client
    from chalicelib.catalogue.seed import StaleService, read_catalogue, write_service
    from chalicelib.clock import iso, now
    from chalicelib.settings import get_settings
    from chalicelib.store import audit

    service_id, edit = call.params["service"], call.body
    dynamodb, table = client("dynamodb"), get_settings().table_name
    catalogue = _edited(read_catalogue(dynamodb, table), service_id, edit.service)
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


def _edited(current: Any, service_id: str, service: dict[str, Any]) -> Any:
    """The stored catalogue with one service replaced, checked like services.yaml and against
    the WhatsApp limits of the answers the bot would send; 404 or 400 naming the fields."""
    from chalicelib.catalogue.services import parse_catalogue

    if current is None or current.service(service_id) is None:
        raise ApiError(404, "not_found", "Layanan tidak ditemukan.")
    if service.get("id") != service_id:
        fields = [{"field": "service.id", "message": "harus sama dengan layanan di alamat"}]
        raise ApiError(400, "invalid_body", fields=fields)
    data = current.model_dump(mode="json")
    data["services"] = [service if s["id"] == service_id else s for s in data["services"]]
    try:
        catalogue = parse_catalogue(data)  # the same schema and limits as services.yaml
        _fits_whatsapp(catalogue, service_id)
    except ValidationError as error:
        raise ApiError(400, "invalid_body", fields=_in_service(field_errors(error))) from None
    return catalogue


def limits() -> dict[str, Limit]:
    """The schema's limits of the fields staff edit (chalicelib/catalogue/services.py)."""
    from chalicelib.catalogue.services import Service

    found = {}
    for name in (*TEXT_FIELDS, *LIST_FIELDS):
        bounds = {
            key: getattr(item, f"{key}_length")
            for item in Service.model_fields[name].metadata
            for key in ("min", "max")
            if hasattr(item, f"{key}_length")
        }
        found[name] = Limit(kind="text" if name in TEXT_FIELDS else "list", **bounds)
    return found


def _names(subs: set[str | None]) -> dict[str | None, str]:
    """Staff names for the audit's user ids (a member removed since keeps only the id)."""
    from chalicelib.staff.directory import StaffNotFound
    from chalicelib.staff.services import staff_services

    directory, names = staff_services().directory, {}
    for sub in subs - {None}:
        try:
            names[sub] = directory.get(str(sub)).name
        except StaffNotFound:
            continue
    return names


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
