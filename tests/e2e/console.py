"""The console in headless Chromium (Debian's) against `make run`'s stack: what every console
browser test shares. The fixtures are in tests/e2e/conftest.py: `staff_page(role)` opens a
signed-in console tab (the printed admin for Role.ADMIN, otherwise a new staff member created
through the API); any script error, 5xx answer or dialog fails the test. `ARTIFACTS` is where
screenshots go (kept as test artifacts).

A module of browser tests starts with `pytest.importorskip`-like guard `skip_without_chromium()`.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from chalicelib.staff.roles import Role
from tests.e2e.test_auth_local_stack import call, printed_admin
from tools.stack import CHROMIUM, CHROMIUM_ARGS  # one Chromium for the tests and the tools

__all__ = ["CHROMIUM", "CHROMIUM_ARGS"]

WAIT_MS = 20_000
ARTIFACTS = Path(os.environ.get("LIGAT_ARTIFACTS", "/tmp/ligat-artifacts"))
PASSWORD = "Konsol-Dinsos-2026"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 780}


def skip_without_chromium() -> None:
    if not Path(CHROMIUM).exists():
        pytest.skip(
            f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)",
            allow_module_level=True,
        )


expect.set_options(timeout=WAIT_MS)


def admin_token(stack) -> str:  # type: ignore[no-untyped-def]
    email, password = printed_admin(stack.output)
    status, tokens = call(stack.api, "POST", "/auth/login", {"email": email, "password": password})
    assert status == 200, tokens
    return str(tokens["access_token"])


def new_staff(stack, role: Role, kecamatan: tuple[str, ...] = (), name: str = "") -> str:  # type: ignore[no-untyped-def]
    """A staff member created by the admin through the API, past the first sign-in; the e-mail."""
    email = f"{role.value}.{secrets.token_hex(3)}@dinsos.test"
    body = {
        "email": email,
        "name": name or f"Petugas {role.value.title()}",
        "role": role.value,
        "kecamatan": list(kecamatan),
        "temporary_password": "Sementara-2026",
    }
    status, created = call(stack.api, "POST", "/admin/staff", body, admin_token(stack))
    assert status == 201, created
    status, challenge = call(
        stack.api, "POST", "/auth/login", {"email": email, "password": "Sementara-2026"}
    )
    assert challenge.get("challenge") == "NEW_PASSWORD_REQUIRED", challenge
    done = {"email": email, "session": challenge["session"], "new_password": PASSWORD}
    status, tokens = call(stack.api, "POST", "/auth/password", done)
    assert status == 200, tokens
    return email


def sign_in(page: Page, stack, email: str, password: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{stack.api}/console/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("#login button[type=submit]")
    page.wait_for_selector("header.top")


def screenshot(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def no_horizontal_scroll(page: Page) -> bool:
    return bool(
        page.evaluate(
            "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        )
    )
