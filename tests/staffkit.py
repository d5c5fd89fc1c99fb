"""Helpers for the staff-side tests: sign-in settings on moto, staff accounts, signed-in clients."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from chalice.test import Client

import app as ligat
from chalicelib.settings import get_settings
from chalicelib.staff.roles import Role
from chalicelib.staff.schemas import StaffCreate
from chalicelib.staff.services import StaffServices, staff_services
from local.provision import sign_in_environment

PASSWORD = "Rahasia-Dinsos-2026"


@dataclass
class StaffApi:
    client: Any  # chalice.test.Client
    services: StaffServices
    outputs: dict[str, str]

    def add(
        self, role: Role, email: str | None = None, kecamatan: tuple[str, ...] = ()
    ) -> dict[str, str]:
        """A staff member with a permanent password; returns {id, email}."""
        email = email or f"{role.value}-{len(self.services.directory.members())}@dinsos.test"
        member = self.services.directory.create(
            "test",
            StaffCreate(
                email=email,
                name=f"Petugas {role.value.title()}",
                role=role,
                kecamatan=list(kecamatan),
                temporary_password=PASSWORD,
            ),
        )
        boto3.client("cognito-idp").admin_set_user_password(
            UserPoolId=self.outputs["UserPoolId"],
            Username=member.id,
            Password=PASSWORD,
            Permanent=True,
        )
        return {"id": member.id, "email": email}

    def post(self, path: str, body: Any, token: str | None = None, **headers: str) -> Any:
        return self.request("POST", path, body, token, **headers)

    def patch(self, path: str, body: Any, token: str | None = None) -> Any:
        return self.request("PATCH", path, body, token)

    def get(self, path: str, token: str | None = None) -> Any:
        return self.request("GET", path, None, token)

    def request(
        self, method: str, path: str, body: Any, token: str | None = None, **headers: str
    ) -> Any:
        sent = {"Content-Type": "application/json", **headers}
        if token:
            sent["Authorization"] = f"Bearer {token}"
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        if body is None:
            raw = b""
        return self.client.http.request(method, path, headers=sent, body=raw)

    def login(self, email: str, password: str = PASSWORD) -> dict[str, Any]:
        response = self.post("/auth/login", {"email": email, "password": password})
        assert response.status_code == 200, response.body
        return dict(json.loads(response.body))

    def token(self, role: Role, kecamatan: tuple[str, ...] = ()) -> str:
        account = self.add(role, kecamatan=kecamatan)
        return str(self.login(account["email"])["access_token"])


def moto_jwks_url(directory: Path) -> str:
    """Moto signs every pool's tokens with one key pair; in server mode it serves the public half
    at /{pool_id}/.well-known/jwks.json. Here it is written to a file (urllib reads file: URLs)."""
    from moto.cognitoidp.responses import CognitoIdpJsonWebKeyResponse

    path = directory / "jwks.json"
    path.write_bytes(CognitoIdpJsonWebKeyResponse.json_web_key)
    return path.as_uri()


def body(response: Any) -> Any:
    return json.loads(response.body) if response.body else None


def open_staff_api(
    stack: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[StaffApi]:
    """For a module's fixture: `yield from open_staff_api(stack, monkeypatch, tmp_path)`."""
    for name, value in sign_in_environment(stack.outputs).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("LIGAT_USER_POOL_JWKS_URL", moto_jwks_url(tmp_path))
    get_settings.cache_clear()
    with Client(ligat.app, stage_name="local") as client:
        yield StaffApi(client, staff_services(get_settings()), stack.outputs)
    get_settings.cache_clear()
