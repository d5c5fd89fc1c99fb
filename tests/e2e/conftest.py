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
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from chalicelib.whatsapp.signature import sign
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
