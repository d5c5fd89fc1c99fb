"""Reliability figures: a hanging Graph API must not slow other citizens down, and a full
1,000-message notification must be acknowledged in time on `make run`'s stack."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

from bench.calls import new_citizen, warm_up
from bench.core import Context, Row, figure, interleave, median, ms, percentile, ratio_row
from bench.stack import queue_bodies

HANG_SAMPLES, HANG_WARMUP = 20, 3
ROOT = Path(__file__).resolve().parent.parent


def _records(citizens: list[str]) -> list[Any]:
    from chalicelib.processor import QueueRecord
    from tests import payloads as wa

    records = []
    for n, citizen in enumerate(citizens):
        [body] = queue_bodies([wa.text("Halo, selamat pagi", sender=citizen)])
        records.append(QueueRecord(f"bench-{n}-{citizen}", citizen, body))
    return records


@figure
def reply_while_another_send_hangs(ctx: Context) -> Row:
    """Time until citizen B's reply reaches the Graph API when B's message shares a batch with
    citizen A's and the Graph API hangs on A's reply. Floor: the same two-citizen batch with
    a Graph API that answers at once (B's normal reply time)."""
    from chalicelib.processor import process_batch

    name = "reply while another citizen's send hangs"
    stack = ctx.stack
    warm_up(stack)
    state = stack.graph.state
    samples = 5 if ctx.quick else HANG_SAMPLES

    def reply_time(hanging: bool) -> float:
        slow, quick = new_citizen(), new_citizen()
        if hanging:
            state.holds[slow] = 5.0  # the Graph API accepts A's reply and answers 5 s later
        records = _records([slow, quick])
        arrived = threading.Event()
        state.on_sent = lambda sent: arrived.set() if sent.body.get("to") == quick else None
        state.release.clear()
        started = time.perf_counter()
        batch = threading.Thread(target=process_batch, args=(records, stack.services))
        batch.start()
        arrived.wait(30)
        elapsed = time.perf_counter() - started
        state.release.set()  # let A's hanging answer come back; not part of the figure
        batch.join()
        state.on_sent = None
        state.holds.clear()
        return elapsed

    kept = interleave(
        {"hang": lambda _i: reply_time(True), "normal": lambda _i: reply_time(False)},
        samples,
        HANG_WARMUP,
    )
    notes = [
        f"p95 {ms(percentile(kept['hang'], 95))} vs {ms(percentile(kept['normal'], 95))}; "
        f"the Graph API holds the other citizen's reply 5 s; {samples} samples each",
        "floor: the same two-citizen batch, the Graph API answering at once",
    ]
    return ratio_row(name, median(kept["hang"]), median(kept["normal"]), 2.0, ms, notes)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class LocalRun:
    """`python -m local.run` (what `make run` starts) on free ports."""

    def __init__(self, secret: str) -> None:
        self.ports = {n: _free_port() for n in ("LIGAT_PORT", "LIGAT_AWS_PORT", "LIGAT_SIM_PORT")}
        env = {**os.environ, **{k: str(v) for k, v in self.ports.items()}}
        env["WHATSAPP_APP_SECRET"] = secret
        for variable in ("AWS_ENDPOINT_URL", "WHATSAPP_API_URL", "LIGAT_TABLE_NAME"):
            env.pop(variable, None)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "local.run"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert self.process.stdout is not None
        for line in self.process.stdout:
            if line.strip() == "READY":
                break
        else:
            raise RuntimeError("local stack did not start")
        threading.Thread(target=self.process.stdout.read, daemon=True).start()

    def post(self, body: bytes, signature: str) -> tuple[int, float]:
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.ports['LIGAT_PORT']}/webhook",
            data=body,
            method="POST",
            headers={"Content-Type": "application/json", "X-Hub-Signature-256": signature},
        )
        started = time.perf_counter()
        with urllib.request.urlopen(request, timeout=600) as response:
            status = int(response.status)
        return status, time.perf_counter() - started

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()


@figure
def thousand_message_notification(ctx: Context) -> Row:
    """Time to 200 for one signed notification of 1,000 messages (about 3 MB, 1,000 citizens)
    POSTed to the webhook of `make run`'s stack (chalice local + moto server), against the same
    stack's time to 200 for a one-message notification. INFO."""
    from chalicelib.whatsapp.signature import sign
    from tests import payloads as wa

    name = "1,000-message notification: time to 200"
    secret = "bench-app-secret"
    count = 100 if ctx.quick else 1000
    messages = [wa.text(f"pesan {n} " + "x" * 2900, sender=new_citizen()) for n in range(count)]
    big = wa.meta_bytes(wa.webhook(messages))
    stack = LocalRun(secret)
    try:
        small_times = []
        for _ in range(5):
            small = wa.meta_bytes(wa.webhook([wa.text("halo", sender=new_citizen())]))
            status, elapsed = stack.post(small, sign(small, secret))
            small_times.append(elapsed)
        status, elapsed = stack.post(big, sign(big, secret))
    finally:
        stack.stop()
    notes = [
        f"{count} messages, {len(big) / 1e6:.1f} MB, answered HTTP {status}; "
        f"{ms(elapsed / count)} per message",
        "floor: a one-message notification to the same stack (median of 5); moto's SQS "
        "is far slower than real SQS on large FIFO sends",
    ]
    row = ratio_row(name, elapsed, median(small_times), None, ms, notes)
    return row if status == 200 else Row(name, ms(elapsed), status="MISS", notes=notes)
