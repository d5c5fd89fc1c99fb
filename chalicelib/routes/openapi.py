"""/admin/openapi.json: OpenAPI 3.1 generated from the declared routes (routes/api.py ROUTES) and
the very pydantic models that validate their bodies, so the description is never written twice."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from chalicelib.routes.api import JSON, ROUTES, RouteDoc
from chalicelib.staff.schemas import Error

_REASONS = {
    200: "OK",
    201: "Dibuat",
    400: "Isian tidak valid (kolom disebutkan)",
    401: "Belum masuk, atau token tidak sah/kedaluwarsa",
    403: "Peran tidak diizinkan",
    404: "Tidak ditemukan",
    406: "Minta berkas dengan header Accept jenis berkasnya",
    409: "Konflik dengan keadaan saat ini",
    413: "Badan permintaan terlalu besar",
    415: "Badan permintaan harus JSON",
    429: "Terlalu banyak percobaan",
    503: "Layanan masuk tidak tersedia",
}

# URL parameters whose form the handlers check (anything else is an opaque id).
_TEXT: dict[str, Any] = {"type": "string", "minLength": 1}
_PATH: dict[str, dict[str, Any]] = {
    "day": {"type": "string", "format": "date"},  # a WIB day, YYYY-MM-DD
    "number": {"type": "string", "pattern": r"^LGT-\d{4}-\d{4,}$"},  # tickets/numbers.py
}


def document(title: str = "LIGAT staff API", version: str = "1") -> dict[str, Any]:
    models: set[type[BaseModel]] = {Error}
    for route in ROUTES:
        models.update(m for m in (route.body, route.response, route.query) if m is not None)
    ordered = sorted(models, key=lambda m: m.__name__)
    _, schemas = models_json_schema(
        [(m, "validation") for m in ordered], ref_template="#/components/schemas/{model}"
    )
    paths: dict[str, dict[str, Any]] = {}
    for route in ROUTES:
        paths.setdefault(route.path, {})[route.method.lower()] = _operation(route)
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version},
        "paths": paths,
        "components": {
            "schemas": schemas.get("$defs", {}),
            "securitySchemes": {
                "cognito": {
                    "type": "http",
                    "scheme": "bearer",
                    "bearerFormat": "JWT",
                    "description": "Cognito access token from POST /auth/login",
                }
            },
        },
    }


def _operation(route: RouteDoc) -> dict[str, Any]:
    operation: dict[str, Any] = {"summary": route.summary, "responses": {}}
    parameters = [
        {"name": name, "in": "path", "required": True, "schema": _PATH.get(name, _TEXT)}
        for name in re.findall(r"{(\w+)}", route.path)
    ]
    if route.query is not None:
        parameters.extend(_query_parameters(route.query))
    if parameters:
        operation["parameters"] = parameters
    if route.body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {JSON: {"schema": _ref(route.body)}},
        }
    if route.permission is not None:
        operation["security"] = [{"cognito": []}]
        operation["x-ligat-permission"] = route.permission.value
    for status in route.statuses:
        if status == route.status:
            operation["responses"][str(status)] = _success(route)
        else:
            operation["responses"][str(status)] = {
                "description": _REASONS.get(status, "Galat"),
                "content": {JSON: {"schema": _ref(Error)}},
            }
    return operation


def _success(route: RouteDoc) -> dict[str, Any]:
    answer: dict[str, Any] = {"description": _REASONS.get(route.status, "OK")}
    if route.media_type != JSON:
        answer["content"] = {route.media_type: {"schema": {"type": "string", "format": "binary"}}}
    elif route.response is not None:
        answer["content"] = {JSON: {"schema": _ref(route.response)}}
    return answer


def _query_parameters(model: type[BaseModel]) -> list[dict[str, Any]]:
    """One query parameter per field of the route's query model, described by the model's own
    JSON schema (the components hold it; each parameter repeats its field's schema)."""
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    required = set(schema.get("required", []))
    return [
        {"name": name, "in": "query", "required": name in required, "schema": field}
        for name, field in schema.get("properties", {}).items()
    ]


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{model.__name__}"}
