"""Start `make run`'s stack (python -m local.run) once for the end-to-end tests."""

from __future__ import annotations

import json
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from chalicelib.staff.roles import Role
from chalicelib.whatsapp.signature import sign
from tests.e2e.console import (
    DESKTOP,
    PASSWORD,
    WAIT_MS,
    new_staff,
    sign_in,
    skip_without_chromium,
)
from tests.e2e.test_auth_local_stack import printed_admin
from tests.logscan import personal_data_in
from tools.stack import CHROMIUM, CHROMIUM_ARGS, PORTS, free_port, stop_local_run
from tools.stack import start_local_run as launch_local_run

ROOT = Path(__file__).resolve().parents[2]
SECRET = "e2e-app-secret"


@dataclass
class LocalStack:
    api: str
    sim: str
    aws: str
    output: list[str]

    def post_webhook(self, payload: dict[str, Any], secret: str = SECRET) -> int:
        body = json.dumps(payload, ensure_ascii=True).encode()
        request = urllib.request.Request(
            f"{self.api}/webhook",
            data=body,
            method="POST",
            headers={"Content-Type": "application/json", "X-Hub-Signature-256": sign(body, secret)},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return int(response.status)
        except urllib.error.HTTPError as error:
            return int(error.code)

    def events(self, wa_id: str) -> list[dict[str, Any]]:
        url = f"{self.sim}/sim/api/events?after=0&wa_id={wa_id}"
        with urllib.request.urlopen(url, timeout=5) as response:
            return list(json.loads(response.read())["events"])

    def replies(self, wa_id: str, count: int = 1, timeout: float = 20.0) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            out = [e["body"] for e in self.events(wa_id) if e["direction"] == "out"]
            if len(out) >= count:
                return out
            time.sleep(0.2)
        raise AssertionError(f"expected {count} replies to {wa_id}, got {len(out)}")


def start_local_run(
    settings: dict[str, Any], timeout: float = 90
) -> tuple[subprocess.Popen[str], list[str]]:
    """Start `python -m local.run` (what `make run` runs) with the tests' app secret and
    `settings` (ports, LIGAT_LOCAL_CLOCK), and wait for READY."""
    return launch_local_run(settings, SECRET, timeout)


def stack_ports() -> dict[str, int]:
    return {name: free_port() for name in PORTS}


def running_stack(**settings: str) -> Iterator[LocalStack]:
    """For a fixture: `make run`'s stack on free ports, stopped afterwards; its output must hold
    no personal data."""
    ports = stack_ports()
    process, output = start_local_run({**ports, **settings})
    yield LocalStack(
        api=f"http://127.0.0.1:{ports['LIGAT_PORT']}",
        sim=f"http://127.0.0.1:{ports['LIGAT_SIM_PORT']}",
        aws=f"http://127.0.0.1:{ports['LIGAT_AWS_PORT']}",
        output=output,
    )
    stop_local_run(process)
    leaks = personal_data_in(output)
    assert not leaks, f"personal data in the local stack's output: {leaks[:3]}"


@pytest.fixture(scope="session")
def local_stack() -> Iterator[LocalStack]:
    yield from running_stack()


@pytest.fixture(scope="module")
def console_browser() -> Iterator[Browser]:
    """Headless Chromium for the console tests (tests/e2e/console.py). One per module: Playwright's
    sync API runs one instance per process at a time, and other modules (the simulator, the
    mailbox, the rekap on a phone) start their own."""
    skip_without_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


@pytest.fixture
def staff_page(console_browser: Browser, local_stack) -> Iterator[Callable[..., Page]]:  # type: ignore[no-untyped-def]
    contexts = []
    problems: list[str] = []

    def open_page(
        role: Role = Role.ADMIN,
        kecamatan: tuple[str, ...] = (),
        viewport: dict[str, int] | None = None,
    ) -> Page:
        context = console_browser.new_context(viewport=viewport or DESKTOP, locale="id-ID")
        context.set_default_timeout(WAIT_MS)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
        page.on("dialog", lambda dialog: problems.append(f"dialog: {dialog.message}"))

        def on_response(response) -> None:  # type: ignore[no-untyped-def]
            if response.url.startswith(local_stack.api) and response.status >= 500:
                problems.append(f"{response.status} {response.url}")

        page.on("response", on_response)
        if role is Role.ADMIN and not kecamatan:
            email, password = printed_admin(local_stack.output)
        else:
            email, password = new_staff(local_stack, role, kecamatan), PASSWORD
        sign_in(page, local_stack, email, password)
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert not problems, problems
