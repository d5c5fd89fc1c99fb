"""How a JSON route is declared: `public_route` (sign-in) and `staff_route` (everything under
/admin). One decorator registers the Chalice route, its OpenAPI description and, for staff
routes, the checks every request passes, in this order:

1. a valid Cognito access token (chalicelib/staff/auth.py)        otherwise 401
   (Authorization: Bearer, or the console's session cookie; a change made with the cookie
   must carry the page's CSRF token, chalicelib/console/session.py, otherwise 403)
2. an active staff member in the directory                        otherwise 401
3. the route's `Permission` held by the member's role (roles.py)  otherwise 403
4. the query string validated by the route's `query` model        otherwise 400 naming the field
5. a JSON body (Content-Type), at most 64 KB                      otherwise 415, 413
6. the JSON body validated by the route's `body` model            otherwise 400 naming the field

The handler then receives a `Call` and returns a pydantic model (200, or `status`), a
`(status, model)` pair, or a Chalice `Response`. Handlers raise `ApiError` for other answers and
name those statuses in `errors=`, so /admin/openapi.json declares every answer a route can give
(the checks above add theirs). Every JSON answer says `Content-Type: application/json`; nothing a
client sends ends in a 500. Staff-facing messages are Indonesian, field names English.

Adding a route (the lead's ticket routes, say):

    @staff_route(bp, "/admin/tickets/{number}", "GET", Permission.TICKETS_READ,
                 "Detail tiket", response=TicketDetail)
    def ticket_detail(call: Call) -> TicketDetail:
        return tickets.detail(call.principal, call.params["number"])

`ROUTES` lists every declared route; tests/integration/test_roles_routes.py walks it for the
role × route matrix and openapi.py turns it into /admin/openapi.json.
"""

from __future__ import annotations

import functools
import importlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from chalice import Blueprint, Response
from pydantic import BaseModel

from chalicelib.logs import get_logger
from chalicelib.staff.roles import Permission, Principal

if TYPE_CHECKING:
    from pydantic import ValidationError

log = get_logger("routes")

MAX_BODY_BYTES = 64 * 1024
JSON = "application/json"

MESSAGES = {
    "unauthenticated": "Silakan masuk dulu: token tidak ada, tidak sah, atau kedaluwarsa.",
    "forbidden": "Peran Anda tidak diizinkan melakukan tindakan ini.",
    "invalid_body": "Isian tidak valid; periksa kolom yang disebutkan.",
    "invalid_json": "Badan permintaan harus berupa JSON yang valid.",
    "invalid_query": "Filter tidak valid; periksa kolom yang disebutkan.",
    "body_too_large": "Badan permintaan terlalu besar.",
    "unsupported_media_type": "Badan permintaan harus JSON (Content-Type: application/json).",
    "auth_unavailable": "Layanan masuk sedang tidak tersedia; coba lagi sebentar lagi.",
    "csrf_failed": "Sesi halaman tidak cocok; muat ulang halaman lalu coba lagi.",
}


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        code: str,
        message: str | None = None,
        fields: list[dict[str, str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(code)
        self.status, self.code = status, code
        self.message = message or MESSAGES.get(code, code)
        self.fields = fields or []
        self.headers = headers or {}

    def response(self) -> Response:
        body: dict[str, Any] = {"error": self.code, "message": self.message}
        if self.fields:
            body["fields"] = self.fields
        return _json(body, self.status, self.headers)


@dataclass
class Call:
    """One request, checked: who (staff routes), the validated body and query string (`filters`,
    the route's `query` model), the URL parameters."""

    principal: Principal | None
    body: Any
    params: dict[str, str]
    filters: Any
    source: str

    @property
    def staff(self) -> Principal:
        assert self.principal is not None, "staff_route calls always carry a principal"
        return self.principal


ModelRef = type[BaseModel] | str
"""A request/response model, or "module:Name" to import it only when first needed (a route
module then costs the webhook's cold start nothing)."""


def _resolve(ref: ModelRef | None) -> type[BaseModel] | None:
    if ref is None or not isinstance(ref, str):
        return ref
    module, _, name = ref.partition(":")
    model: type[BaseModel] = getattr(importlib.import_module(module), name)
    return model


@dataclass(frozen=True)
class RouteDoc:
    method: str
    path: str
    summary: str
    permission: Permission | None  # None: public
    body_ref: ModelRef | None = None
    response_ref: ModelRef | None = None
    status: int = 200
    errors: tuple[int, ...] = field(default=())
    query_ref: ModelRef | None = None
    media_type: str = JSON  # of the success answer; anything else is a file (no model)

    @property
    def body(self) -> type[BaseModel] | None:
        return _resolve(self.body_ref)

    @property
    def response(self) -> type[BaseModel] | None:
        return _resolve(self.response_ref)

    @property
    def query(self) -> type[BaseModel] | None:
        return _resolve(self.query_ref)

    @property
    def statuses(self) -> tuple[int, ...]:
        """Every status the route can answer: its own, the checks', and `errors`."""
        found = {self.status, *self.errors}
        if self.query_ref is not None:
            found.add(400)
        if self.body_ref is not None:
            found.update({400, 413, 415})
        if self.permission is not None:
            found.update({401, 403, 503})
        return tuple(sorted(found))


ROUTES: list[RouteDoc] = []

Handler = Callable[[Call], Any]


def public_route(
    bp: Blueprint,
    path: str,
    method: str,
    summary: str,
    body: ModelRef | None = None,
    response: ModelRef | None = None,
    errors: tuple[int, ...] = (),
) -> Callable[[Handler], Handler]:
    doc = RouteDoc(method, path, summary, None, body, response, errors=errors)
    return _route(bp, doc)


def staff_route(
    bp: Blueprint,
    path: str,
    method: str,
    permission: Permission,
    summary: str,
    body: ModelRef | None = None,
    response: ModelRef | None = None,
    status: int = 200,
    errors: tuple[int, ...] = (),
    query: ModelRef | None = None,
    media_type: str = JSON,
) -> Callable[[Handler], Handler]:
    doc = RouteDoc(
        method, path, summary, permission, body, response, status, errors, query, media_type
    )
    return _route(bp, doc)


def _route(bp: Blueprint, doc: RouteDoc) -> Callable[[Handler], Handler]:
    ROUTES.append(doc)

    def register(handler: Handler) -> Handler:
        @functools.wraps(handler)
        def view(**params: str) -> Response:
            request = bp.current_request
            try:
                principal = _principal(request.headers, request.method, doc.permission)
                call = Call(
                    principal,
                    _body(request.headers, request.raw_body, doc.body),
                    params,
                    _query(request.query_params, doc.query),
                    _source(request.context),
                )
                return _answer(handler(call), doc.status)
            except ApiError as error:
                return error.response()

        # Every content type reaches the view, which answers 415 itself in the documented
        # shape (Chalice's own 415 is neither JSON of ours nor declared).
        bp.route(doc.path, methods=[doc.method], content_types=["*/*"])(view)
        return handler

    return register


def _principal(headers: Any, method: str, permission: Permission | None) -> Principal | None:
    if permission is None:
        return None
    from chalicelib.console.session import CsrfRefused
    from chalicelib.staff.auth import AuthUnavailable, Unauthenticated
    from chalicelib.staff.services import authenticate

    try:
        principal = authenticate(headers, method)
    except CsrfRefused:
        log.info("staff_csrf_refused")
        raise ApiError(403, "csrf_failed") from None
    except Unauthenticated as error:
        log.info("staff_unauthenticated", extra={"reason": str(error)})
        raise ApiError(401, "unauthenticated", headers={"WWW-Authenticate": "Bearer"}) from None
    except AuthUnavailable:
        raise ApiError(503, "auth_unavailable") from None
    if not principal.may(permission):
        log.info(
            "staff_forbidden",
            extra={"staff": principal.sub, "role": principal.role.value, "needs": permission},
        )
        raise ApiError(403, "forbidden")
    return principal


def _body(headers: Any, raw: str | bytes | None, model: type[BaseModel] | None) -> Any:
    if model is None:
        return None
    content_type = str(headers.get("content-type") or JSON)
    if content_type.split(";")[0].strip().lower() != JSON:
        raise ApiError(415, "unsupported_media_type")
    raw = raw or b""
    if len(raw) > MAX_BODY_BYTES:
        raise ApiError(413, "body_too_large")
    try:
        data = json.loads(raw or b"null")
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "invalid_json") from None
    from pydantic import ValidationError

    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise ApiError(400, "invalid_body", fields=field_errors(error)) from None


def _query(params: Any, model: type[BaseModel] | None) -> Any:
    """The query string validated by the route's `query` model; a bad one is a 400 naming the
    field. Routes without one ignore the query string."""
    if model is None:
        return None
    from pydantic import ValidationError

    try:
        return model.model_validate(dict(params or {}))
    except ValidationError as error:
        raise ApiError(400, "invalid_query", fields=field_errors(error)) from None


def field_errors(error: ValidationError) -> list[dict[str, str]]:
    """Pydantic's errors as [{field, message}], the field as a dotted path (`kecamatan.0`)."""
    fields = []
    for item in error.errors(include_url=False, include_input=False):
        path = ".".join(str(part) for part in item["loc"]) or "body"
        message = str(item["msg"]).removeprefix("Value error, ")
        fields.append({"field": path, "message": message})
    return fields


def _answer(result: Any, status: int) -> Response:
    if isinstance(result, Response):
        return result
    if isinstance(result, tuple):
        status, result = result
    body = result.model_dump(mode="json") if isinstance(result, BaseModel) else result
    return _json(body, status)


def _json(body: Any, status: int, headers: dict[str, str] | None = None) -> Response:
    """A JSON answer that says so (API Gateway would not add the header in every setup)."""
    sent: dict[str, str | list[str]] = {**(headers or {}), "Content-Type": JSON}
    return Response(body=body, status_code=status, headers=sent)


def _source(context: dict[str, Any] | None) -> str:
    return str(((context or {}).get("identity") or {}).get("sourceIp") or "unknown")
