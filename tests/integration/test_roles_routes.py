"""Every staff route × every role, generated from the route registry (routes/api.py ROUTES) and
the role declaration (staff/roles.py ROLES), through Chalice against Cognito on moto.

A route added by `staff_route` is covered here without touching this file.
"""

from __future__ import annotations

import json
import re

import boto3
import jwt
import pytest

import app as ligat  # noqa: F401  (registers every blueprint, hence every route)
from chalicelib.routes.api import ROUTES, RouteDoc
from chalicelib.staff.roles import ROLES, Role
from tests.staffkit import body, open_staff_api

STAFF_ROUTES = [route for route in ROUTES if route.permission is not None]
DENIAL_KEYS = {"error", "message"}


def route_id(route: RouteDoc) -> str:
    return f"{route.method} {route.path}"


@pytest.fixture
def api(stack, monkeypatch, tmp_path):
    yield from open_staff_api(stack, monkeypatch, tmp_path)


@pytest.fixture
def tokens(api) -> dict[Role, str]:
    return {role: api.token(role, kecamatan=("14.04.01",)) for role in Role}


def call(api, route: RouteDoc, token: str | None, headers: dict[str, str] | None = None):
    path = re.sub(r"{\w+}", "nonexistent", route.path)
    payload = {} if route.body is not None else None
    return api.request(route.method, path, payload, token, **(headers or {}))


def documented(route: RouteDoc, response) -> None:  # type: ignore[no-untyped-def]
    """The answer is one /admin/openapi.json declares for the route, and says it is JSON."""
    from chalicelib.routes.openapi import document

    operation = document()["paths"][route.path][route.method.lower()]
    assert str(response.status_code) in operation["responses"], (route, response.status_code)
    declared = operation["responses"][str(response.status_code)].get("content", {})
    content_type = response.headers.get("Content-Type", "")
    assert content_type in declared, (route, response.status_code, content_type)


def test_the_registry_covers_the_staff_api():
    assert {route_id(r) for r in STAFF_ROUTES} >= {
        "GET /admin/me",
        "GET /admin/openapi.json",
        "GET /admin/staff",
        "POST /admin/staff",
        "PATCH /admin/staff/{staff_id}",
    }
    assert all(r.path.startswith("/admin/") for r in STAFF_ROUTES)


@pytest.mark.parametrize("route", STAFF_ROUTES, ids=route_id)
def test_every_role_is_allowed_or_denied_as_declared(api, tokens, route):
    for role, token in tokens.items():
        response = call(api, route, token)
        documented(route, response)
        if route.permission in ROLES[role].permissions:
            assert response.status_code not in (401, 403), (role, response.body)
        else:
            assert response.status_code == 403, (role, response.status_code)
            assert set(body(response)) == DENIAL_KEYS  # no data, only the refusal


@pytest.mark.parametrize("route", STAFF_ROUTES, ids=route_id)
def test_every_staff_route_refuses_requests_without_a_valid_token(api, tokens, route):
    admin = tokens[Role.ADMIN]
    forged = admin[: admin.rindex(".") + 1] + "c2lnbmF0dXJl"
    for token in (None, forged, "not-a-jwt"):
        response = call(api, route, token)
        assert response.status_code == 401
        documented(route, response)
        assert set(body(response)) == DENIAL_KEYS
        assert response.headers["WWW-Authenticate"] == "Bearer"


def test_tokens_of_another_pool_or_another_app_client_are_refused(api, stack):
    """Moto signs every pool with one key, so only issuer and client checks stand in the way."""
    cognito = boto3.client("cognito-idp")
    pool_id = stack.outputs["UserPoolId"]
    account = api.add(Role.ADMIN)

    other_client = cognito.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="not-the-console",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    other_pool = cognito.create_user_pool(PoolName="elsewhere")["UserPool"]["Id"]
    elsewhere_client = cognito.create_user_pool_client(
        UserPoolId=other_pool, ClientName="c", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"]
    )["UserPoolClient"]["ClientId"]
    cognito.admin_create_user(UserPoolId=other_pool, Username=account["email"])
    cognito.admin_set_user_password(
        UserPoolId=other_pool,
        Username=account["email"],
        Password="Rahasia-Lain-2026",
        Permanent=True,
    )

    def access_token(client_id: str, password: str) -> str:
        result = cognito.initiate_auth(
            ClientId=client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": account["email"], "PASSWORD": password},
        )
        return str(result["AuthenticationResult"]["AccessToken"])

    from tests.staffkit import PASSWORD

    for token in (
        access_token(other_client, PASSWORD),
        access_token(elsewhere_client, "Rahasia-Lain-2026"),
    ):
        assert api.get("/admin/me", token).status_code == 401
    assert (
        api.get("/admin/me", access_token(stack.outputs["UserPoolClientId"], PASSWORD)).status_code
        == 200
    )


def test_an_id_token_is_not_an_access_token(api):
    account = api.add(Role.ADMIN)
    tokens = api.login(account["email"])
    assert jwt.decode(tokens["id_token"], options={"verify_signature": False})["token_use"] == "id"
    assert api.get("/admin/me", tokens["id_token"]).status_code == 401
    assert api.get("/admin/me", tokens["access_token"]).status_code == 200


def test_a_deactivated_member_is_refused_at_once_and_a_role_change_applies_at_once(api, tokens):
    asesor = api.add(Role.ASESOR)
    asesor_token = api.login(asesor["email"])["access_token"]
    admin = tokens[Role.ADMIN]

    assert api.get("/admin/staff", asesor_token).status_code == 403
    promoted = api.patch(f"/admin/staff/{asesor['id']}", {"role": "admin"}, admin)
    assert promoted.status_code == 200
    assert api.get("/admin/staff", asesor_token).status_code == 200  # the same token

    api.patch(f"/admin/staff/{asesor['id']}", {"active": False}, admin)
    assert api.get("/admin/me", asesor_token).status_code == 401


def test_a_cognito_user_outside_the_directory_gets_nothing(api, stack):
    cognito = boto3.client("cognito-idp")
    pool_id = stack.outputs["UserPoolId"]
    cognito.admin_create_user(UserPoolId=pool_id, Username="stranger@dinsos.test")
    cognito.admin_set_user_password(
        UserPoolId=pool_id,
        Username="stranger@dinsos.test",
        Password="Rahasia-Asing-2026",
        Permanent=True,
    )
    cognito.admin_add_user_to_group(
        UserPoolId=pool_id, Username="stranger@dinsos.test", GroupName="admin"
    )
    token = api.login("stranger@dinsos.test", "Rahasia-Asing-2026")["access_token"]
    assert api.get("/admin/me", token).status_code == 401


def test_openapi_describes_every_route_with_the_request_models(api, tokens):
    response = api.get("/admin/openapi.json", tokens[Role.PIMPINAN])
    assert response.status_code == 200
    document = json.loads(response.body)
    assert document["openapi"].startswith("3.")
    for route in ROUTES:
        operation = document["paths"][route.path][route.method.lower()]
        if route.body is not None:
            ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
            assert ref.endswith("/" + route.body.__name__)
            assert route.body.__name__ in document["components"]["schemas"]
        if route.permission is not None:
            assert operation["x-ligat-permission"] == route.permission.value
            assert {"401", "403"} <= set(operation["responses"])
    queue = document["paths"]["/admin/tickets"]["get"]
    query = {p["name"]: p for p in queue["parameters"] if p["in"] == "query"}
    assert {"status", "kecamatan", "overdue", "cursor", "limit"} <= set(query)
    assert query["limit"]["schema"]["maximum"] == 100  # the TicketFilters model, not a copy
    create = document["components"]["schemas"]["StaffCreate"]
    assert set(create["required"]) >= {"email", "name", "role", "temporary_password"}
    assert (
        set(create["properties"]["role"].get("enum", [])) or "$ref" in create["properties"]["role"]
    )
