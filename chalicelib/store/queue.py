"""The inbound SQS FIFO queue between the webhook and the processor."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

from chalicelib.whatsapp.envelope import QueueItem

_BATCH = 10
_BATCH_BYTES = 240_000  # under SQS's per-request limit, with room for attributes


class EnqueueFailed(Exception):
    """Some items were not accepted; the webhook answers non-200 so Meta retries."""


def encode(item: QueueItem) -> str:
    return json.dumps({"kind": item.kind, **item.body}, ensure_ascii=False, separators=(",", ":"))


def enqueue(sqs: Any, queue_url: str, items: Sequence[QueueItem]) -> None:
    for batch in _batches(items):
        response = sqs.send_message_batch(
            QueueUrl=queue_url,
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


def _batches(items: Sequence[QueueItem]) -> Iterator[list[tuple[QueueItem, str]]]:
    batch: list[tuple[QueueItem, str]] = []
    size = 0
    for item in items:
        body = encode(item)
        length = len(body.encode())
        if batch and (len(batch) == _BATCH or size + length > _BATCH_BYTES):
            yield batch
            batch, size = [], 0
        batch.append((item, body))
        size += length
    if batch:
        yield batch
