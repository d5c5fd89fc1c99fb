"""How a JSON route is declared: `public_route` (sign-in) and `staff_route` (everything under
/admin). One decorator registers the Chalice route, its OpenAPI description and, for staff
routes, the checks every request passes, in this order:

1. a valid Cognito access token (chalicelib/staff/auth.py)        otherwise 401
   (Authorization: Bearer, or the console's session cookie; a change made with the cookie
   must carry the page's CSRF token, chalicelib/console/session.py, otherwise 403)
2. an active staff member in the directory                        otherwise 401
3. the route's `Permission` held by the member's role (roles.py)  otherwise 403
4. the JSON body validated by the route's pydantic model          otherwise 400 naming the field

The handler then receives a `Call` and returns a pydantic model (200, or `status`), a
`(status, model)` pair, or a Chalice `Response`. Handlers raise `ApiError` for other answers;
nothing a client sends ends in a 500. Staff-facing messages are Indonesian, field names English.

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
from typing import TYPE_CHECKING, Any, TypeVar

from chalice import Blueprint, Response
from pydantic import BaseModel

from chalicelib.logs import get_logger
from chalicelib.staff.roles import Permission, Principal

if TYPE_CHECKING:
    from pydantic import ValidationError

log = get_logger("routes")
Q = TypeVar("Q", bound=BaseModel)

MAX_BODY_BYTES = 64 * 1024

MESSAGES = {
    "unauthenticated": "Silakan masuk dulu: token tidak ada, tidak sah, atau kedaluwarsa.",
    "forbidden": "Peran Anda tidak diizinkan melakukan tindakan ini.",
    "invalid_body": "Isian tidak valid; periksa kolom yang disebutkan.",
    "invalid_json": "Badan permintaan harus berupa JSON yang valid.",
    "invalid_query": "Filter tidak valid; periksa kolom yang disebutkan.",
    "body_too_large": "Badan permintaan terlalu besar.",
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
        headers: dict[str, str | list[str]] = dict(self.headers)
        return Response(body=body, status_code=self.status, headers=headers)


@dataclass
class Call:
    """One request, checked: who (staff routes), the validated body, the URL parameters."""

    principal: Principal | None
    body: Any
    params: dict[str, str]
    query: dict[str, str]
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

    @property
    def body(self) -> type[BaseModel] | None:
        return _resolve(self.body_ref)

    @property
    def response(self) -> type[BaseModel] | None:
        return _resolve(self.response_ref)


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
) -> Callable[[Handler], Handler]:
    doc = RouteDoc(method, path, summary, permission, body, response, status, errors)
    return _route(bp, doc)


def _route(bp: Blueprint, doc: RouteDoc) -> Callable[[Handler], Handler]:
    ROUTES.append(doc)
    content_types = ["application/json"] if doc.body_ref is not None else None

    def register(handler: Handler) -> Handler:
        @functools.wraps(handler)
        def view(**params: str) -> Response:
            request = bp.current_request
            try:
                principal = _principal(request.headers, request.method, doc.permission)
                call = Call(
                    principal,
                    _body(request.raw_body, doc.body),
                    params,
                    dict(request.query_params or {}),
                    _source(request.context),
                )
                return _answer(handler(call), doc.status)
            except ApiError as error:
                return error.response()

        options: dict[str, Any] = {"methods": [doc.method]}
        if content_types:
            options["content_types"] = content_types
        bp.route(doc.path, **options)(view)
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


def _body(raw: str | bytes | None, model: type[BaseModel] | None) -> Any:
    if model is None:
        return None
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


def query_as(call: Call, model: type[Q]) -> Q:
    """The query string validated by `model`; a bad one is a 400 naming the field."""
    from pydantic import ValidationError

    try:
        return model.model_validate(call.query)
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
    return Response(body=body, status_code=status)


def _source(context: dict[str, Any] | None) -> str:
    return str(((context or {}).get("identity") or {}).get("sourceIp") or "unknown")
