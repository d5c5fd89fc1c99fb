"""`make run`'s schedules and mailbox: shortly after start, daily_checks (run as EventBridge
would) sends yesterday's rekap to the local admin, and the mailbox next to the simulator shows
it: subject, recipient, text, sandboxed HTML, the XLSX to download."""

from __future__ import annotations

import io
import json
import os
import re
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from chalicelib.clock import WIB
from chalicelib.rekap.formatting import long_date
from chalicelib.rekap.xlsx import TICKETS_SHEET

pytestmark = pytest.mark.e2e

CHROMIUM = "/usr/bin/chromium"
SCREENSHOT = Path(os.environ.get("LIGAT_MAILBOX_SCREENSHOT", "/tmp/ligat-mailbox.png"))


def fetch(url: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, method=method, data=b"" if method == "POST" else None)
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, dict(response.headers), response.read()


def admin_email(output: list[str]) -> str:
    found = re.search(r"LIGAT_ADMIN_EMAIL\s+= (\S+)", "".join(output))
    assert found, "the banner prints the local admin"
    return found.group(1)


def yesterdays_rekap(local_stack: Any, timeout: float = 40.0) -> dict[str, Any]:
    """The daily rekap the startup run of daily_checks sent to the local admin (other days'
    rekaps, resent from the console by other tests, are not it)."""
    admin = admin_email(local_stack.output)
    subject = "Rekap LIGAT — " + long_date(datetime.now(UTC).astimezone(WIB).date() - timedelta(1))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        messages = json.loads(fetch(f"{local_stack.sim}/mail/api/messages")[2])["messages"]
        rekaps = [m for m in messages if m["subject"].startswith(subject) and admin in m["to"]]
        if rekaps:
            [rekap] = rekaps
            return dict(rekap)
        time.sleep(0.5)
    raise AssertionError(f"no rekap for {admin} in the mailbox after {timeout:.0f} s")


def test_the_banner_names_the_mailbox_and_every_schedule(local_stack):
    banner = "".join(local_stack.output)
    assert f"Local mailbox        {local_stack.sim}/mail/" in banner
    assert "sweep_pending rate(1 minute)" in banner
    assert "daily_checks cron(0 0 * * ? *)" in banner


def test_yesterdays_rekap_arrives_in_the_mailbox_once_with_its_xlsx(local_stack):
    rekap = yesterdays_rekap(local_stack)
    yesterday = datetime.now(UTC).astimezone(WIB).date() - timedelta(days=1)
    assert long_date(yesterday) in rekap["subject"]
    base = f"{local_stack.sim}/mail/api/messages/{rekap['id']}"
    detail = json.loads(fetch(base)[2])
    assert detail["text"].startswith("REKAP HARIAN LIGAT")
    [attachment] = detail["attachments"]
    assert attachment["filename"] == f"rekap-ligat-{yesterday.isoformat()}.xlsx"
    _, headers, html = fetch(f"{base}/html")
    assert headers["Content-Security-Policy"].startswith("sandbox;")
    assert long_date(yesterday) in html.decode()
    _, _, data = fetch(f"{base}/attachments/0")
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    assert TICKETS_SHEET in workbook.sheetnames

    # "Kirim rekap sekarang": the daily schedule again; yesterday's rekap is not sent twice.
    status, _, answer = fetch(f"{local_stack.sim}/mail/api/run-daily", "POST")
    assert status == 200 and json.loads(answer)["ok"] is True
    again = json.loads(fetch(f"{local_stack.sim}/mail/api/messages")[2])["messages"]
    assert [m["id"] for m in again if m["subject"] == rekap["subject"]] == [rekap["id"]]


@pytest.mark.browser
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is missing")
def test_the_mailbox_page_shows_the_rekap_in_a_sandboxed_frame(local_stack):
    from playwright.sync_api import expect, sync_playwright

    rekap = yesterdays_rekap(local_stack)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--headless=new", "--no-sandbox"]
        )
        page = browser.new_page(viewport={"width": 390, "height": 900}, locale="id-ID")
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("dialog", lambda dialog: (errors.append(dialog.message), dialog.dismiss()))
        page.goto(f"{local_stack.sim}/mail/")
        item = page.locator("#messages button", has_text=rekap["subject"])
        expect(item).to_have_count(1, timeout=20_000)
        item.click()
        expect(page.locator("#subject")).to_have_text(rekap["subject"])
        frame = page.locator("#html")
        assert frame.get_attribute("sandbox") == ""  # no allow-scripts, no same origin
        expect(page.frame_locator("#html").locator("h1")).to_contain_text("Rekap")
        expect(page.locator("#attachments a")).to_contain_text(".xlsx")
        page.click("#tab-text")
        expect(page.locator("#text")).to_contain_text("REKAP HARIAN LIGAT")
        page.click("#tab-html")
        page.screenshot(path=str(SCREENSHOT), full_page=True)
        browser.close()
    assert not errors, errors
