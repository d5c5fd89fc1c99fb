"""The inbound SQS FIFO queue between the webhook and the processor.

No size of a valid notification can make the enqueue fail: batches are cut by size, and a single
item too big for a queue message (a very long text) is stored whole in S3 and queued as a
reference the processor follows.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from chalicelib.whatsapp.envelope import QueueItem

_BATCH = 10
_BATCH_BYTES = 240_000  # under SQS's classic 256 KiB per request, with room for attributes
MESSAGE_BYTES = 200_000  # a bigger item goes to S3 and is queued by reference
SPILL_PREFIX = "inbound/"


class EnqueueFailed(Exception):
    """Some items were not accepted; the webhook answers non-200 so Meta retries."""


def encode(item: QueueItem) -> str:
    # ASCII JSON: SQS refuses some Unicode code points, and escapes cost nothing to decode.
    return json.dumps({"kind": item.kind, **item.body}, separators=(",", ":"))


def spill_key(item: QueueItem) -> str:
    return f"{SPILL_PREFIX}{hashlib.sha256(item.dedup_id.encode()).hexdigest()}.json"


class InboundQueue:
    """Where the webhook puts items. `s3` is a getter so the S3 client is built only when an
    oversized item needs it."""

    def __init__(self, sqs: Any, url: str, s3: Callable[[], Any], bucket: str):
        self._sqs, self._url, self._s3, self._bucket = sqs, url, s3, bucket

    def put(self, items: Sequence[QueueItem]) -> None:
        for batch in _batches([(item, self._body(item)) for item in items]):
            response = self._sqs.send_message_batch(
                QueueUrl=self._url,
                Entries=[
                    {
                        "Id": str(i),
                        "MessageBody": body,
                        "MessageGroupId": item.group_id,
                        "MessageDeduplicationId": item.dedup_id,
                    }
                    for i, (item, body) in enumerate(batch)
                ],
            )
            if response.get("Failed"):
                codes = sorted({f.get("Code", "?") for f in response["Failed"]})
                raise EnqueueFailed(f"{len(response['Failed'])} items not enqueued: {codes}")

    def _body(self, item: QueueItem) -> str:
        body = encode(item)
        if len(body) <= MESSAGE_BYTES:
            return body
        key = spill_key(item)
        self._s3().put_object(
            Bucket=self._bucket, Key=key, Body=body.encode(), ContentType="application/json"
        )
        return json.dumps({"kind": item.kind, "spilled": key})


def read_body(body: str, s3: Any, bucket: str) -> dict[str, Any]:
    """A queue body as the processor sees it, following a reference to S3 if spilled."""
    item: dict[str, Any] = json.loads(body)
    if "spilled" in item:
        stored = s3.get_object(Bucket=bucket, Key=item["spilled"])["Body"].read()
        item = json.loads(stored)
    return item


def _batches(bodies: list[tuple[QueueItem, str]]) -> Iterator[list[tuple[QueueItem, str]]]:
    batch: list[tuple[QueueItem, str]] = []
    size = 0
    for item, body in bodies:
        length = len(body)  # ASCII: characters are bytes
        if batch and (len(batch) == _BATCH or size + length > _BATCH_BYTES):
            yield batch
            batch, size = [], 0
        batch.append((item, body))
        size += length
    if batch:
        yield batch
