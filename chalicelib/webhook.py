"""The webhook edge: verify, split, enqueue. No business work happens here (SPEC §4)."""

from __future__ import annotations

import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.logs import get_logger
from chalicelib.store.queue import EnqueueFailed, InboundQueue
from chalicelib.whatsapp import envelope, signature

log = get_logger("webhook")


@dataclass(frozen=True)
class Answer:
    status: int
    body: str


def handshake(params: Mapping[str, str] | None, verify_token: str) -> Answer:
    params = params or {}
    token = params.get("hub.verify_token", "")
    if (
        verify_token
        and params.get("hub.mode") == "subscribe"
        and hmac.compare_digest(token.encode(), verify_token.encode())
        and "hub.challenge" in params
    ):
        return Answer(200, params["hub.challenge"])
    log.warning("webhook_handshake_refused")
    return Answer(403, "Forbidden")


def receive(body: bytes, header: str | None, app_secret: str, queue: InboundQueue) -> Answer:
    """Unsigned or unreadable requests get a 4xx and no work. A signed notification answers
    200 once its valid parts are queued (malformed parts are logged and dropped: Meta would
    resend them unchanged for a week), and 503 only when the queue itself is unreachable."""
    if not header:
        log.warning("webhook_signature_missing")
        return Answer(401, "Missing X-Hub-Signature-256")
    if not signature.is_valid(body, header, app_secret):
        log.warning("webhook_signature_invalid")
        return Answer(403, "Invalid signature")
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError):  # not JSON, not UTF-8, or nested absurdly deep
        log.warning("webhook_body_not_json", extra={"bytes": len(body)})
        return Answer(400, "Body is not JSON")
    items = envelope.split(payload)
    try:
        queue.put(items)
    except (EnqueueFailed, BotoCoreError, ClientError) as error:
        log.error("webhook_enqueue_failed", extra={"reason": type(error).__name__})
        return Answer(503, "Try again")
    log.info(
        "webhook_accepted",
        extra={
            "messages": sum(i.kind == "message" for i in items),
            "statuses": sum(i.kind == "status" for i in items),
            "ids": [i.dedup_id for i in items[:20]],
        },
    )
    return Answer(200, "OK")
