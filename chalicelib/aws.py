"""Lazily built boto3 clients, one of each per container (boto3 import stays off the cold path)."""

from __future__ import annotations

import os
from functools import cache
from typing import Any


@cache
def client(service: str) -> Any:
    import boto3
    from botocore.config import Config

    # Short timeouts and standard retries: a webhook must answer Meta quickly, and the
    # processor would rather fail and be redelivered than hang.
    # LIGAT_AWS_READ_TIMEOUT: `make run` raises it, as moto's FIFO queue slows down with
    # every message it holds (seconds per batch after a thousand; real SQS takes milliseconds).
    read_timeout = float(os.environ.get("LIGAT_AWS_READ_TIMEOUT") or 5)
    config = Config(
        connect_timeout=2,
        read_timeout=read_timeout,
        retries={"mode": "standard", "max_attempts": 3},
    )
    return boto3.client(service, config=config)
