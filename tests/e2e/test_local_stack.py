"""End to end through `make run`'s stack: signed webhook in, reply out at the fake Graph API."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from tests import payloads as wa
from tests.e2e.conftest import ROOT, SECRET, stack_ports, start_local_run

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


def test_a_port_in_use_is_reported_with_its_holder_before_anything_starts():
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        ports = {**stack_ports(), "LIGAT_PORT": squatter.getsockname()[1]}
        env = {**os.environ, **{k: str(v) for k, v in ports.items()}}
        done = subprocess.run(
            [sys.executable, "-m", "local.run"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == 1
    assert f"in use by PID {os.getpid()}" in done.stderr
    assert "READY" not in done.stdout


def test_killing_make_run_leaves_no_orphan_on_the_api_port():
    from local.run import port_holder

    ports = stack_ports()
    process, _output = start_local_run(ports)
    assert port_holder(ports["LIGAT_PORT"]) is not None
    process.send_signal(signal.SIGKILL)  # a crash: no chance to clean up
    process.wait(timeout=10)
    deadline = time.monotonic() + 15
    while port_holder(ports["LIGAT_PORT"]) is not None and time.monotonic() < deadline:
        time.sleep(0.2)
    assert port_holder(ports["LIGAT_PORT"]) is None
