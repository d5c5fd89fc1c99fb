"""End to end through `make run`'s stack: the printed admin signs in, and the running API checks
the token against the JWKS that the embedded AWS serves, exactly as API Gateway + Lambda would."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from typing import Any

import pytest

pytestmark = pytest.mark.e2e


def call(
    base: str, method: str, path: str, payload: Any = None, token: str | None = None
) -> tuple[int, Any]:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = None if payload is None else json.dumps(payload).encode()
    request = urllib.request.Request(base + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return int(error.code), json.loads(error.read() or b"null")


def printed_admin(output: list[str]) -> tuple[str, str]:
    banner = "".join(output)
    email = re.search(r"LIGAT_ADMIN_EMAIL\s+= (\S+)", banner)
    password = re.search(r"LIGAT_ADMIN_PASSWORD\s+= (\S+)", banner)
    assert email and password, banner
    return email.group(1), password.group(1)


def test_the_printed_admin_signs_in_and_manages_staff(local_stack):
    email, password = printed_admin(local_stack.output)
    assert "/auth/login" in "".join(local_stack.output)

    status, tokens = call(
        local_stack.api, "POST", "/auth/login", {"email": email, "password": password}
    )
    assert status == 200, tokens
    token = tokens["access_token"]

    status, me = call(local_stack.api, "GET", "/admin/me", token=token)
    assert (status, me["email"], me["role"]) == (200, email, "admin")

    status, created = call(
        local_stack.api,
        "POST",
        "/admin/staff",
        {
            "email": "pimpinan@ligat.local",
            "name": "Kepala Dinas",
            "role": "pimpinan",
            "temporary_password": "Sementara-2026",
        },
        token,
    )
    assert status == 201, created
    status, challenge = call(
        local_stack.api,
        "POST",
        "/auth/login",
        {"email": "pimpinan@ligat.local", "password": "Sementara-2026"},
    )
    assert challenge["challenge"] == "NEW_PASSWORD_REQUIRED"
    status, pimpinan = call(
        local_stack.api,
        "POST",
        "/auth/password",
        {
            "email": "pimpinan@ligat.local",
            "session": challenge["session"],
            "new_password": "Kepala-Dinas-2026",
        },
    )
    assert status == 200, pimpinan
    assert call(local_stack.api, "GET", "/admin/staff", token=pimpinan["access_token"])[0] == 403
    assert call(local_stack.api, "GET", "/admin/me", token=pimpinan["access_token"])[0] == 200


def test_the_running_api_refuses_missing_and_forged_tokens(local_stack):
    assert call(local_stack.api, "GET", "/admin/me")[0] == 401
    email, password = printed_admin(local_stack.output)
    token = call(local_stack.api, "POST", "/auth/login", {"email": email, "password": password})[1][
        "access_token"
    ]
    header, payload, _signature = token.split(".")
    assert call(local_stack.api, "GET", "/admin/me", token=f"{header}.{payload}.AAAA")[0] == 401
    status, answer = call(
        local_stack.api, "POST", "/auth/login", {"email": email, "password": "Salah-Sandi-2026"}
    )
    assert status == 401 and "access_token" not in answer
