"""The local mailbox over HTTP: what the app sent through SES (moto keeps it) is listed, opened
as text and as HTML that can run no script, and its attachment downloaded."""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from chalicelib.store.email import send_email
from local.mailbox import HTML_POLICY, Mailbox, mailbox_pages
from local.simulator import Simulator

SENDER = "ligat@dinsos.test"
HOSTILE = '<p>Rekap</p><script>alert("x")</script><img src="https://tracker.example/p.gif">'


def rekap_like(to: str) -> dict[str, Any]:
    return {
        "to": [to],
        "subject": "Rekap LIGAT — Kamis, 26 November 2026 — 1 laporan baru",
        "text": "REKAP HARIAN LIGAT\nLaporan baru: 1",
        "html": HOSTILE,
        "attachments": [
            {
                "filename": "rekap-ligat-2026-11-26.xlsx",
                "content_type": "application/vnd.ms-excel",
                "data": base64.b64encode(b"PK\x03\x04 not really a workbook").decode(),
            }
        ],
    }


@pytest.fixture
def mailbox_url() -> Iterator[tuple[str, Any, list[str]]]:
    with mock_aws():
        boto3.client("ses").verify_email_identity(EmailAddress=SENDER)
        ses = boto3.client("sesv2")
        runs: list[str] = []

        def run_daily() -> None:  # stands in for the daily schedule: one more e-mail
            runs.append("daily_checks")
            send_email(ses, SENDER, {"to": ["kadis@dinsos.test"], "subject": "Lagi", "text": "-"})

        simulator = Simulator(0, "token", "http://127.0.0.1:9/webhook", "secret")
        simulator.mount(mailbox_pages(Mailbox(), run_daily))
        simulator.start()
        try:
            yield f"http://127.0.0.1:{simulator.port}/mail", ses, runs
        finally:
            simulator.stop()


def get(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_the_mailbox_lists_opens_and_downloads_what_ses_accepted(mailbox_url):
    base, ses, _ = mailbox_url
    send_email(ses, SENDER, rekap_like("kabid@dinsos.test"))
    send_email(
        ses, SENDER, {"to": ["admin@dinsos.test"], "subject": "Tiket terlambat", "text": "2"}
    )

    status, _, listed = get(f"{base}/api/messages")
    messages = json.loads(listed)["messages"]
    assert status == 200 and len(messages) == 2
    rekap = next(m for m in messages if m["subject"].startswith("Rekap LIGAT"))
    assert rekap["to"] == ["kabid@dinsos.test"] and rekap["from"] == SENDER
    assert rekap["has_html"] and rekap["attachments"] == 1 and rekap["received_at"]

    status, _, opened = get(f"{base}/api/messages/{rekap['id']}")
    detail = json.loads(opened)
    assert status == 200 and detail["text"].startswith("REKAP HARIAN LIGAT")
    [attachment] = detail["attachments"]
    assert attachment["filename"] == "rekap-ligat-2026-11-26.xlsx"

    status, headers, html = get(f"{base}/api/messages/{rekap['id']}/html")
    assert status == 200 and html.decode().strip() == HOSTILE  # shown as sent...
    policy = headers["Content-Security-Policy"]
    assert policy == HTML_POLICY and policy.startswith("sandbox;")  # ...but no script runs
    assert "script-src" not in policy and "default-src 'none'" in policy

    status, headers, data = get(f"{base}/api/messages/{rekap['id']}/attachments/0")
    assert status == 200 and data.startswith(b"PK")
    assert headers["Content-Disposition"] == 'attachment; filename="rekap-ligat-2026-11-26.xlsx"'

    alert = next(m for m in messages if m["subject"] == "Tiket terlambat")
    assert not alert["has_html"] and alert["to"] == ["admin@dinsos.test"]
    assert get(f"{base}/api/messages/{alert['id']}/html")[0] == 404
    assert get(f"{base}/api/messages/{rekap['id']}/attachments/1")[0] == 404
    assert get(f"{base}/api/messages/nope")[0] == 404


def test_the_page_is_served_and_keeps_email_markup_in_a_sandbox(mailbox_url):
    base, _, _ = mailbox_url
    status, headers, page = get(f"{base}/")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    markup = page.decode()
    assert '<iframe id="html" sandbox ' in markup  # an empty sandbox: no allow-scripts
    assert "Kirim rekap sekarang" in markup
    status, _, script = get(f"{base}/mailbox.js")
    assert status == 200 and b"innerHTML" not in script  # mail content only as text
    assert get(f"{base}/../simulator.py")[0] == 404


def test_kirim_rekap_sekarang_runs_the_daily_schedule_and_counts_new_mail(mailbox_url):
    base, _, runs = mailbox_url
    request = urllib.request.Request(f"{base}/api/run-daily", data=b"", method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        answer = json.loads(response.read())
    assert answer == {"ok": True, "new": 1} and runs == ["daily_checks"]
