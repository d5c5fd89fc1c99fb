"""The in-process stack every AWS figure shares: moto provisioned from infra/template.yaml, a fake
Graph API, the app's environment, processor services wired like tests/conftest.py, and a counter
of botocore API calls."""

from __future__ import annotations

import atexit
import json
import logging
import os
import warnings
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

APP_SECRET = "bench-app-secret"
VERIFY_TOKEN = "bench-verify-token"
ACCESS_TOKEN = "bench-token"

# Set before boto3 builds any client (bench.__main__ calls this first thing).
PROCESS_ENV = {
    "AWS_DEFAULT_REGION": "ap-southeast-3",
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    # Let the webhook figure empty the queue between rounds (moto allows one purge a minute).
    "MOTO_SQS_ENFORCE_STRICT_QUEUE_PURGE_BEHAVIOUR": "false",
}


def configure_process_env() -> None:
    os.environ.update(PROCESS_ENV)
    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE"):
        os.environ.pop(name, None)


class CallCounter:
    """Counts botocore API calls (before-call events) per (service, operation) while active.

    Installed on boto3's default session, so every client created afterwards is counted; pass
    clients created earlier to `watch`.
    """

    _ID = "ligat-bench-call-counter"

    def __init__(self) -> None:
        self._current: Counter[tuple[str, str]] | None = None

    def install(self, session: Any) -> None:
        session.events.register("before-call.*.*", self._on_call, unique_id=self._ID)

    def watch(self, client: Any) -> None:
        client.meta.events.register("before-call.*.*", self._on_call, unique_id=self._ID)

    def _on_call(self, model: Any = None, **_kwargs: Any) -> None:
        if self._current is not None and model is not None:
            self._current[(model.service_model.service_name, model.name)] += 1

    @contextmanager
    def measure(self) -> Iterator[Counter[tuple[str, str]]]:
        counted: Counter[tuple[str, str]] = Counter()
        previous, self._current = self._current, counted
        try:
            yield counted
        finally:
            self._current = previous


def breakdown(calls: Counter[tuple[str, str]]) -> str:
    """'BatchGetItem 1, TransactWriteItems 2' (service-prefixed unless DynamoDB)."""
    if not calls:
        return "no AWS calls"
    parts = []
    for (service, operation), n in sorted(calls.items()):
        name = operation if service == "dynamodb" else f"{service}:{operation}"
        parts.append(f"{name} {n}")
    return ", ".join(parts)


class BenchStack:
    _shared: BenchStack | None = None

    def __init__(self) -> None:
        import boto3
        from moto import mock_aws

        from chalicelib.settings import Settings, get_settings
        from chalicelib.wiring import build_services
        from local.atomic import AtomicClient
        from local.graph import FakeGraph
        from local.provision import app_environment, provision
        from tests import payloads as wa

        configure_process_env()
        _silence_app_logs()
        # moto: "No CloudFormation support for AWS::CloudWatch::Alarm" etc. (local/provision.py)
        logging.getLogger("moto").setLevel(logging.ERROR)
        warnings.filterwarnings("ignore", category=UserWarning, module="moto")
        warnings.filterwarnings("ignore", category=DeprecationWarning, module="botocore")
        self._mock = mock_aws()
        self._mock.start()
        self.graph = FakeGraph(token=ACCESS_TOKEN)
        self.graph.__enter__()
        try:
            self.outputs = provision(boto3, stage="bench")
            os.environ.update(
                {
                    **app_environment(self.outputs),
                    "WHATSAPP_APP_SECRET": APP_SECRET,
                    "WHATSAPP_VERIFY_TOKEN": VERIFY_TOKEN,
                    "WHATSAPP_ACCESS_TOKEN": ACCESS_TOKEN,
                    "WHATSAPP_PHONE_NUMBER_ID": wa.PHONE_NUMBER_ID,
                    "WHATSAPP_API_URL": self.graph.base_url,
                    "WHATSAPP_MEDIA_ORIGINS": self.graph.base_url,
                }
            )
            get_settings.cache_clear()
            self.settings = Settings.from_env()
            self.calls = CallCounter()
            self.calls.install(boto3._get_default_session())
            self.dynamodb = boto3.client("dynamodb")
            self.sqs = boto3.client("sqs")
            self.calls.watch(self.dynamodb)
            self.services = build_services(self.settings, AtomicClient(self.dynamodb))
            self.services.outbox._sleep = lambda _seconds: None  # no real backoff waits
        except BaseException:
            self.close()
            raise

    @classmethod
    def shared(cls) -> BenchStack:
        if cls._shared is None:
            cls._shared = cls()
            atexit.register(cls._shared.close)
        return cls._shared

    def close(self) -> None:
        self.graph.__exit__(None, None, None)
        self._mock.stop()

    @property
    def queue_url(self) -> str:
        return self.outputs["InboundQueueUrl"]

    def purge_queue(self) -> None:
        self.sqs.purge_queue(QueueUrl=self.queue_url)

    def graph_requests(self) -> int:
        return self.graph.state.requests

    def sent_bodies(self) -> list[dict[str, Any]]:
        with self.graph.state.lock:
            return [s.body for s in self.graph.state.sent]


def queue_bodies(messages: list[dict[str, Any]]) -> list[str]:
    """The queue bodies exactly as the webhook enqueues them for one notification."""
    from chalicelib.store.queue import encode
    from chalicelib.whatsapp.envelope import split
    from tests import payloads as wa

    payload = json.loads(wa.meta_bytes(wa.webhook(messages)))
    return [encode(item) for item in split(payload)]


_devnull: Any = None


def _silence_app_logs() -> None:
    """Keep the app's JSON logging (its cost is part of what we measure), but write to devnull."""
    global _devnull
    from chalicelib.logs import get_logger

    get_logger("bench")  # installs the app's handler if not yet there
    if _devnull is None:
        _devnull = open(os.devnull, "w")  # noqa: SIM115 - lives for the whole run
    for handler in logging.getLogger("ligat").handlers:
        if isinstance(handler, logging.StreamHandler):
            handler.setStream(_devnull)
