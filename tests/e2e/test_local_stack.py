"""End to end through `make run`'s stack: signed webhook in, reply out at the fake Graph API."""

from __future__ import annotations

import urllib.request

import pytest

from tests import payloads as wa
from tests.e2e.conftest import SECRET

pytestmark = pytest.mark.e2e


def test_startup_prints_what_runs_where_and_the_local_secrets(local_stack):
    banner = "".join(local_stack.output)
    assert "WhatsApp simulator" in banner and local_stack.sim in banner
    assert f"WHATSAPP_APP_SECRET    = {SECRET}" in banner


def test_signed_webhook_in_menu_reply_out(local_stack):
    citizen = "6281200000001"
    assert local_stack.post_webhook(wa.webhook([wa.text("Selamat pagi", sender=citizen)])) == 200
    [reply] = local_stack.replies(citizen)
    assert reply["to"] == citizen
    assert reply["interactive"]["type"] == "list"
    rows = [r["title"] for s in reply["interactive"]["action"]["sections"] for r in s["rows"]]
    assert rows == [
        "Informasi Layanan",
        "Buat Pengaduan",
        "Ajukan Permohonan",
        "Cek Status",
        "Hubungi Petugas",
    ]


def test_wrongly_signed_webhook_is_refused_by_the_running_api(local_stack):
    citizen = "6281200000002"
    payload = wa.webhook([wa.text("halo", sender=citizen)])
    assert local_stack.post_webhook(payload, secret="not-the-secret") == 403


def test_handshake_on_the_running_api(local_stack):
    url = (
        f"{local_stack.api}/webhook?hub.mode=subscribe&hub.verify_token=local-verify-token"
        "&hub.challenge=424242"
    )
    with urllib.request.urlopen(url, timeout=5) as response:
        assert response.read() == b"424242"


def test_simulator_page_is_served(local_stack):
    with urllib.request.urlopen(f"{local_stack.sim}/sim/", timeout=5) as response:
        page = response.read().decode()
    assert 'id="composer"' in page
