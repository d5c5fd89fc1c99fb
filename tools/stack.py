"""A `make run` stack driven by a tool (`make screenshots`, the console figures of `make bench`):
`python -m local.run` on free ports, its printed admin, a console session for urllib and for
Chromium, and a sample citizen (no real person) who files a report through the simulator.

    with ToolStack.start(clock="2026-11-24T10:00+07:00") as stack:
        number = stack.file_sample_report()
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import threading
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
APP_SECRET = "tool-app-secret"
PORTS = ("LIGAT_PORT", "LIGAT_AWS_PORT", "LIGAT_SIM_PORT")
# Made-up people: the numbers are in the simulator's range, the names are nobody's.
SAMPLE_REPORTER = ("6281200000701", "Warga Contoh")
SAMPLE_CHAT = ("6281200000702", "Ibu Contoh")
# A console page is settled when it has loaded and nothing shown is still busy (a page marks
# what it is loading with aria-busy="true"; a hidden placeholder may keep the mark).
SETTLED = """() => document.readyState === "complete"
    && Array.from(document.querySelectorAll('[aria-busy="true"]'))
        .every(node => node.getClientRects().length === 0)"""
CHROMIUM = "/usr/bin/chromium"  # Debian's; the console's browser tests use the same
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_local_run(
    settings: dict[str, Any], app_secret: str, timeout: float = 120.0
) -> tuple[subprocess.Popen[str], list[str]]:
    """`python -m local.run` (what `make run` runs) with `settings` (ports, LIGAT_LOCAL_CLOCK)
    over this environment minus what would point it elsewhere; waits for READY. The output
    lines keep being collected into the returned list."""
    env = dict(os.environ)
    for name in (
        "AWS_ENDPOINT_URL",
        "WHATSAPP_API_URL",
        "LIGAT_TABLE_NAME",
        "LIGAT_LOCAL_CLOCK",
        "LIGAT_LOCAL_CLOCK_OFFSET",
    ):
        env.pop(name, None)
    env.update({name: str(value) for name, value in settings.items()})
    env["WHATSAPP_APP_SECRET"] = app_secret
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
        stop_local_run(process)
        raise RuntimeError("the local stack did not start:\n" + "".join(output[-40:]))
    return process, output


def stop_local_run(process: subprocess.Popen[str]) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()


@dataclass
class ToolStack:
    process: subprocess.Popen[str]
    ports: dict[str, int]
    output: list[str] = field(default_factory=list)

    @classmethod
    def start(cls, clock: str | None = None, timeout: float = 120.0) -> ToolStack:
        """Start the stack and wait for its READY line; `clock` is LIGAT_LOCAL_CLOCK."""
        ports = {name: free_port() for name in PORTS}
        extra = {"LIGAT_LOCAL_CLOCK": clock} if clock else {}
        process, output = start_local_run({**ports, **extra}, APP_SECRET, timeout)
        return cls(process, ports, output)

    def __enter__(self) -> ToolStack:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        stop_local_run(self.process)

    @property
    def api(self) -> str:
        return f"http://127.0.0.1:{self.ports['LIGAT_PORT']}"

    @property
    def sim(self) -> str:
        return f"http://127.0.0.1:{self.ports['LIGAT_SIM_PORT']}"

    # -- staff --------------------------------------------------------------------------------

    def admin(self) -> tuple[str, str]:
        """The admin account the banner printed (LIGAT_ADMIN_EMAIL / LIGAT_ADMIN_PASSWORD)."""
        banner = "".join(self.output)
        email = re.search(r"LIGAT_ADMIN_EMAIL\s+= (\S+)", banner)
        password = re.search(r"LIGAT_ADMIN_PASSWORD\s+= (\S+)", banner)
        if not (email and password):
            raise RuntimeError("the banner printed no admin account")
        return email.group(1), password.group(1)

    def console_cookie(self) -> str:
        """A Cookie header of a console session of the admin (POST /console/session)."""
        email, password = self.admin()
        request = self._json_request("/console/session", {"email": email, "password": password})
        with urllib.request.urlopen(request, timeout=30) as response:
            lines = response.headers.get_all("Set-Cookie") or []
        return "; ".join(line.split(";", 1)[0] for line in lines)

    def sign_in(self, page: Any) -> None:
        """Sign the admin in on a Playwright page, as a member of staff would."""
        email, password = self.admin()
        page.goto(f"{self.api}/console/login")
        page.fill("input[name=email]", email)
        page.fill("input[name=password]", password)
        page.click("#login button[type=submit]")
        page.wait_for_selector("header.top")

    def get(self, path: str, cookie: str = "") -> bytes:
        request = urllib.request.Request(self.api + path, headers={"Cookie": cookie})
        with urllib.request.urlopen(request, timeout=30) as response:
            return bytes(response.read())

    # -- a sample citizen ---------------------------------------------------------------------

    def file_sample_report(self) -> str:
        """An urgent report (a house fire, no NIK, no real name) filed through the simulator;
        its ticket number."""
        from tests.e2e.citizen import SimCitizen

        return SimCitizen(self.sim, *SAMPLE_REPORTER).files_urgent_report()

    def sample_chat_with_staff(self) -> None:
        """A citizen asks for *Chat petugas* and writes a question (needs office hours)."""
        from tests.e2e.citizen import SimCitizen, button

        citizen = SimCitizen(self.sim, *SAMPLE_CHAT)
        citizen.say("halo")
        [card] = citizen.pick({"id": "menu:contact", "title": "Hubungi Petugas"})
        citizen.press(button(card, "hand:ask"))
        citizen.say("Bansos lansia untuk ibu saya belum cair, bagaimana ya?", expect=0)

    def show_in_simulator(self, wa_id: str, name: str) -> None:
        """Make `wa_id` the simulator page's current citizen."""
        body = {"wa_id": wa_id, "name": name}
        with urllib.request.urlopen(self._json_request("/sim/api/citizen", body, self.sim)):
            pass

    def _json_request(
        self, path: str, body: dict[str, Any], base: str | None = None
    ) -> urllib.request.Request:
        return urllib.request.Request(
            (base or self.api) + path,
            data=json.dumps(body).encode(),
            method="POST",
            headers={"Content-Type": "application/json", "Accept": "application/json"},
        )
