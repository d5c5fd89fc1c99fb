"""/admin/openapi.json: OpenAPI 3.1 generated from the declared routes (routes/api.py ROUTES) and
the very pydantic models that validate their bodies, so the description is never written twice."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from chalicelib.routes.api import ROUTES, RouteDoc
from chalicelib.staff.schemas import Error

_REASONS = {
    200: "OK",
    201: "Dibuat",
    400: "Isian tidak valid (kolom disebutkan)",
    401: "Belum masuk, atau token tidak sah/kedaluwarsa",
    403: "Peran tidak diizinkan",
    404: "Tidak ditemukan",
    409: "Konflik dengan keadaan saat ini",
    413: "Badan permintaan terlalu besar",
    429: "Terlalu banyak percobaan",
    503: "Layanan masuk tidak tersedia",
}


def document(title: str = "LIGAT staff API", version: str = "1") -> dict[str, Any]:
    models: set[type[BaseModel]] = {Error}
    for route in ROUTES:
        models.update(m for m in (route.body, route.response) if m is not None)
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
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in re.findall(r"{(\w+)}", route.path)
    ]
    if parameters:
        operation["parameters"] = parameters
    if route.body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": _ref(route.body)}},
        }
    success: dict[str, Any] = {"description": _REASONS.get(route.status, "OK")}
    if route.response is not None:
        success["content"] = {"application/json": {"schema": _ref(route.response)}}
    operation["responses"][str(route.status)] = success
    errors = set(route.errors)
    if route.body is not None:
        errors.add(400)
    if route.permission is not None:
        operation["security"] = [{"cognito": []}]
        operation["x-ligat-permission"] = route.permission.value
        errors.update({401, 403})
    for status in sorted(errors):
        operation["responses"][str(status)] = {
            "description": _REASONS.get(status, "Galat"),
            "content": {"application/json": {"schema": _ref(Error)}},
        }
    return operation


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{model.__name__}"}
