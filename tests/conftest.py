"""Shared fixtures: moto provisioned from infra/template.yaml, a fake Graph API, a clock."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

for _name, _value in {
    "AWS_DEFAULT_REGION": "ap-southeast-3",
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
}.items():
    os.environ[_name] = _value
os.environ.pop("AWS_ENDPOINT_URL", None)

import boto3  # noqa: E402
from moto import mock_aws  # noqa: E402

from chalicelib.settings import Settings  # noqa: E402
from chalicelib.wiring import Services, build_services  # noqa: E402
from local.atomic import AtomicClient  # noqa: E402
from local.graph import FakeGraph  # noqa: E402
from local.provision import app_environment, provision  # noqa: E402
from tests.logscan import LogScan, personal_data_in  # noqa: E402

APP_SECRET = "test-app-secret"
VERIFY_TOKEN = "test-verify-token"
ACCESS_TOKEN = "test-token"


class Clock:
    """A settable clock; starts at the real now so webhook timestamps are fresh."""

    def __init__(self) -> None:
        self.moment = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> None:
        self.moment += timedelta(**delta)


@dataclass
class Stack:
    outputs: dict[str, str]
    settings: Settings
    services: Services
    graph: FakeGraph
    clock: Clock
    sqs: Any
    dynamodb: Any

    def drain(self) -> list[dict[str, Any]]:
        """Receive everything queued and process it, like the Lambda event source would
        (records reported as failed stay in the queue)."""
        from chalicelib.processor import QueueRecord, process_batch

        bodies = []
        while True:
            response = self.sqs.receive_message(
                QueueUrl=self.outputs["InboundQueueUrl"],
                MaxNumberOfMessages=10,
                AttributeNames=["MessageGroupId"],
            )
            messages = response.get("Messages", [])
            if not messages:
                return bodies
            records = [
                QueueRecord(m["MessageId"], m["Attributes"]["MessageGroupId"], m["Body"])
                for m in messages
            ]
            failed = set(process_batch(records, self.services))
            for m in messages:
                if m["MessageId"] not in failed:
                    self.sqs.delete_message(
                        QueueUrl=self.outputs["InboundQueueUrl"],
                        ReceiptHandle=m["ReceiptHandle"],
                    )
            bodies.extend(json.loads(m["Body"]) for m in messages)
            if failed:
                return bodies

    def sent_to(self, recipient: str) -> list[dict[str, Any]]:
        return self.graph.state.messages_to(recipient)


@pytest.fixture(autouse=True)
def no_personal_data_in_logs() -> Iterator[None]:
    """Every log line any test makes is scanned for phone numbers, WhatsApp ids and NIKs."""
    scan = LogScan()
    logger = logging.getLogger("ligat")
    logger.addHandler(scan)
    yield
    logger.removeHandler(scan)
    leaks = personal_data_in(scan.lines)
    assert not leaks, f"personal data in logs: {leaks[:3]}"


@pytest.fixture
def aws() -> Iterator[dict[str, str]]:
    with mock_aws():
        yield provision(boto3, stage="test")


@pytest.fixture
def fake_graph() -> Iterator[FakeGraph]:
    with FakeGraph(token=ACCESS_TOKEN) as graph:
        yield graph


@pytest.fixture
def stack(aws: dict[str, str], fake_graph: FakeGraph, monkeypatch: pytest.MonkeyPatch) -> Stack:
    env = {
        **app_environment(aws),
        "WHATSAPP_APP_SECRET": APP_SECRET,
        "WHATSAPP_VERIFY_TOKEN": VERIFY_TOKEN,
        "WHATSAPP_ACCESS_TOKEN": ACCESS_TOKEN,
        "WHATSAPP_PHONE_NUMBER_ID": "106540352242922",
        "WHATSAPP_API_URL": fake_graph.base_url,
        "WHATSAPP_MEDIA_ORIGINS": fake_graph.base_url,
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    settings = Settings.from_env()
    clock = Clock()
    dynamodb = boto3.client("dynamodb")
    # Citizens are processed side by side; moto's DynamoDB needs its requests one at a time.
    services = build_services(settings, AtomicClient(dynamodb), now=clock)
    services.outbox._sleep = lambda _seconds: None  # inline backoff without waiting
    return Stack(aws, settings, services, fake_graph, clock, boto3.client("sqs"), dynamodb)
