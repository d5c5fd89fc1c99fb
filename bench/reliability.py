"""Reliability figures: a hanging Graph API must not slow other citizens down, and a full
1,000-message notification must be acknowledged in time on `make run`'s stack."""

from __future__ import annotations

import threading
import time
import urllib.request
from typing import Any

from bench.calls import new_citizen, warm_up
from bench.core import Context, Row, figure, interleave, median, ms, percentile, ratio_row
from bench.stack import queue_bodies

HANG_SAMPLES, HANG_WARMUP = 20, 3


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


class LocalRun:
    """`python -m local.run` (what `make run` starts) on free ports (tools/stack.py)."""

    def __init__(self, secret: str) -> None:
        from tools.stack import PORTS, free_port, start_local_run

        self.ports = {name: free_port() for name in PORTS}
        self.process, _output = start_local_run(self.ports, secret)

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
        from tools.stack import stop_local_run

        stop_local_run(self.process)


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
