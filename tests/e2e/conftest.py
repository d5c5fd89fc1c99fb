"""Start `make run`'s stack (python -m local.run) once for the end-to-end tests."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
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
    CHROMIUM,
    CHROMIUM_ARGS,
    DESKTOP,
    PASSWORD,
    WAIT_MS,
    new_staff,
    sign_in,
    skip_without_chromium,
)
from tests.e2e.test_auth_local_stack import printed_admin
from tests.logscan import personal_data_in

ROOT = Path(__file__).resolve().parents[2]
SECRET = "e2e-app-secret"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


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
    ports: dict[str, int], timeout: float = 90
) -> tuple[subprocess.Popen, list[str]]:
    """Start `python -m local.run` (what `make run` runs) and wait for READY."""
    env = {**os.environ, **{k: str(v) for k, v in ports.items()}, "WHATSAPP_APP_SECRET": SECRET}
    for name in ("AWS_ENDPOINT_URL", "WHATSAPP_API_URL", "LIGAT_TABLE_NAME"):
        env.pop(name, None)
    process = subprocess.Popen(
        [sys.executable, "-m", "local.run"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output: list[str] = []
    ready = threading.Event()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            output.append(line)
            if line.strip() == "READY":
                ready.set()

    threading.Thread(target=read, daemon=True).start()
    if not ready.wait(timeout):
        process.kill()
        raise RuntimeError("local stack did not start:\n" + "".join(output[-40:]))
    return process, output


def stack_ports() -> dict[str, int]:
    return {name: free_port() for name in ("LIGAT_PORT", "LIGAT_AWS_PORT", "LIGAT_SIM_PORT")}


@pytest.fixture(scope="session")
def local_stack() -> Iterator[LocalStack]:
    ports = stack_ports()
    process, output = start_local_run(ports)
    yield LocalStack(
        api=f"http://127.0.0.1:{ports['LIGAT_PORT']}",
        sim=f"http://127.0.0.1:{ports['LIGAT_SIM_PORT']}",
        aws=f"http://127.0.0.1:{ports['LIGAT_AWS_PORT']}",
        output=output,
    )
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
    leaks = personal_data_in(output)
    assert not leaks, f"personal data in the local stack's output: {leaks[:3]}"


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
