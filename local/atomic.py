"""Moto's DynamoDB is not safe under concurrent requests: a transaction copies the tables while
another request changes them ("dictionary changed size during iteration"). Real DynamoDB applies
every request atomically, and the processor runs citizens side by side, so locally each
DynamoDB request is serialised: in the moto server (`make run`) and around in-process clients
(tests, benchmarks). SQS is left concurrent: its long polls would hold a lock for seconds."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any

from moto.moto_server.threaded_moto_server import ThreadedMotoServer
from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import make_server

_DYNAMODB = "DynamoDB_"


class AtomicMotoServer(ThreadedMotoServer):
    """ThreadedMotoServer whose DynamoDB requests run one at a time."""

    def _server_entry(self) -> None:
        app = DomainDispatcherApplication(create_backend_app)
        lock = threading.Lock()

        def atomic(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
            if environ.get("HTTP_X_AMZ_TARGET", "").startswith(_DYNAMODB):
                with lock:
                    return list(app(environ, start_response))
            return app(environ, start_response)

        self._server = make_server(
            self._ip_address, self._port, atomic, True, request_handler=MotoRequestHandler
        )
        self._server_ready_event.set()
        self._server.serve_forever()


class AtomicClient:
    """A boto3 client whose calls run one at a time (for in-process moto)."""

    _lock = threading.RLock()  # one for all clients: they share moto's backends

    def __init__(self, client: Any):
        self._client = client

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._client, name)
        if not callable(attribute):
            return attribute

        def call(*args: Any, **kwargs: Any) -> Any:
            with self._lock:
                return attribute(*args, **kwargs)

        return call
