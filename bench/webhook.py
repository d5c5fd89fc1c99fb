"""Figure 1: webhook acknowledgement latency against the bare minimum of the same work.

subject: a signed, realistic text-message webhook POSTed through the Chalice app the way API
         Gateway invokes it (chalice.test.Client, stage "local").
floor:   in the same process, on the same moto FIFO queue: HMAC-SHA256 verify of the same kind of
         body + json.loads + one sqs.send_message (unique dedup id each time).
Also (INFO): the Lambda handler called directly with a prebuilt API Gateway proxy event, which
separates the app's own cost from chalice's local API Gateway emulation; and the floor enqueued
with SendMessageBatch (as the app does), which separates moto's slower batch path from app code.
Every sample starts on an empty queue (untimed purge): moto's SQS cost grows with queue length.
"""

from __future__ import annotations

import gc
import hashlib
import hmac
import json
import time
from collections.abc import Callable
from typing import Any

from bench.core import Context, Row, figure, interleave, ms, percentile, ratio_row

SAMPLES = 500
WARMUP = 50
TARGET_P50 = 1.5

Sampler = Callable[[int], None]

# Realistic citizen texts: Indonesian / Malay-Riau, emoji, '@', '/', long and short.
TEXTS = [
    "Halo, saya mau tanya PKH 🙏 email: warga@contoh.id",
    "pkh kapan cair bu? sdh 3 bln blm masuk 😢",
    "Assalamualaikum, mau tanya syarat daftar DTKS/DTSEN utk keluarga sy di Kec. Tembilahan",
    "kis mati",
    "Cemana nak mengadu pasal bantuan yang tak sampai ke kami? dah berbulan tak ada kabar",
    "Pak, rumah kami kebanjiran tadi malam, 3 KK mengungsi ke masjid. Mohon bantuan 🙏🙏",
]


def _requests(n: int) -> list[tuple[bytes, dict[str, str]]]:
    from bench.stack import APP_SECRET
    from tests import payloads as wa

    return [wa.signed(wa.webhook([wa.text(TEXTS[i % len(TEXTS)])]), APP_SECRET) for i in range(n)]


@figure
def webhook_ack(ctx: Context) -> list[Row]:
    import boto3
    from chalice.test import Client

    import app as ligat
    from bench.stack import APP_SECRET
    from chalicelib.settings import get_settings

    stack = ctx.stack
    get_settings.cache_clear()
    samples = 100 if ctx.quick else SAMPLES
    total = WARMUP + samples
    subject_requests, floor_requests, batch_requests, direct_requests = (
        _requests(total) for _ in range(4)
    )

    client = Client(ligat.app, stage_name="local")
    http = client.http
    gateway = http._local_gateway  # for the direct-handler series (private, INFO only)
    sqs = boto3.client("sqs")
    queue_url = stack.queue_url
    secret = APP_SECRET.encode()

    def subject(i: int) -> None:
        body, headers = subject_requests[i]
        response = http.post("/webhook", headers=headers, body=body)
        if response.status_code != 200:
            raise RuntimeError(f"webhook answered {response.status_code}: {response.body!r}")

    def floor(i: int) -> None:
        body, headers = floor_requests[i]
        expected = "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, headers["X-Hub-Signature-256"]):
            raise RuntimeError("floor: signature mismatch")
        payload = json.loads(body)
        message = payload["entry"][0]["changes"][0]["value"]["messages"][0]
        sqs.send_message(
            QueueUrl=queue_url,
            MessageBody=body.decode(),
            MessageGroupId=message["from"],
            MessageDeduplicationId=message["id"],
        )

    events: dict[int, tuple[Any, Any]] = {}

    def floor_batch(i: int) -> None:  # the same floor, enqueued the way the app does (batch API)
        body, headers = batch_requests[i]
        expected = "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, headers["X-Hub-Signature-256"]):
            raise RuntimeError("floor: signature mismatch")
        payload = json.loads(body)
        message = payload["entry"][0]["changes"][0]["value"]["messages"][0]
        entry = {
            "Id": "0",
            "MessageBody": body.decode(),
            "MessageGroupId": message["from"],
            "MessageDeduplicationId": message["id"],
        }
        if sqs.send_message_batch(QueueUrl=queue_url, Entries=[entry]).get("Failed"):
            raise RuntimeError("floor: batch entry failed")

    def build_event(i: int) -> None:  # untimed preparation of the direct series
        body, headers = direct_requests[i]
        event = gateway._generate_lambda_event("POST", "/webhook", headers, body)
        events[i] = (event, gateway._generate_lambda_context())

    def direct(i: int) -> None:
        response = ligat.app(*events.pop(i))
        if response["statusCode"] != 200:
            raise RuntimeError(f"direct handler answered {response['statusCode']}")

    def timed(action: Sampler, prepare: Sampler | None = None) -> Callable[[int], float]:
        """Untimed first: empty the queue (moto's SQS cost grows with queue length), prepare."""

        def run(i: int) -> float:
            stack.purge_queue()
            if prepare is not None:
                prepare(i)
            started = time.perf_counter()
            action(i)
            return time.perf_counter() - started

        return run

    if ctx.profile:
        _profile(subject, stack.purge_queue, total)
        subject_requests[:] = _requests(total)  # fresh wamids

    gc.collect()
    kept = interleave(
        {
            "floor": timed(floor),
            "subject": timed(subject),
            "floor_batch": timed(floor_batch),
            "direct": timed(direct, build_event),
        },
        samples,
        WARMUP,
    )
    stack.purge_queue()

    s, f, b, d = kept["subject"], kept["floor"], kept["floor_batch"], kept["direct"]
    n = f"{len(s)} samples each, interleaved, after {WARMUP} warm-up"
    return [
        ratio_row("webhook ack p50", percentile(s, 50), percentile(f, 50), TARGET_P50, ms, [n]),
        ratio_row("webhook ack p95", percentile(s, 95), percentile(f, 95), None, ms),
        ratio_row(
            "webhook handler only p50",
            percentile(d, 50),
            percentile(f, 50),
            None,
            ms,
            [
                f"p95 {ms(percentile(d, 95))}; app(event, context) with a prebuilt proxy event, "
                "i.e. without chalice's local API Gateway emulation"
            ],
        ),
        ratio_row(
            "webhook ack p50 vs batch floor",
            percentile(s, 50),
            percentile(b, 50),
            None,
            ms,
            [
                f"floor p95 {ms(percentile(b, 95))}; the floor with SendMessageBatch (as the app "
                "enqueues) instead of SendMessage: moto's batch path is slower, real SQS's is not"
            ],
        ),
    ]


def _profile(subject: Sampler, purge: Callable[[], None], total: int) -> None:
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    for i in range(total):
        purge()
        profiler.enable()
        subject(i)
        profiler.disable()
    print(f"\n== cProfile: {total} webhook POSTs through chalice.test.Client ==")
    stats = pstats.Stats(profiler).sort_stats("cumulative")
    stats.print_stats(40)
    print("== the app's own frames (outside botocore/moto) ==")
    stats.print_stats(r"ligat|chalicelib|/app\.py|chalice/(app|local|test)\.py|logging|json", 25)
