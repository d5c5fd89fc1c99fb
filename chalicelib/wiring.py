"""Build the processor's collaborators once per container (tests build their own)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from chalicelib import clock
from chalicelib.conversation.model import Incoming, Session, Turn
from chalicelib.outbox import Outbox
from chalicelib.settings import Settings, get_settings
from chalicelib.store.dynamo import DynamoStore
from chalicelib.whatsapp.client import GraphClient


@dataclass
class Services:
    settings: Settings
    store: DynamoStore
    outbox: Outbox
    clock: Callable[[], datetime]

    def converse(self, session: Session | None, incoming: Incoming, now: datetime) -> Turn:
        from chalicelib.conversation.copy import load_copy
        from chalicelib.conversation.engine import Knowledge, respond

        return respond(session, incoming, Knowledge(copy=load_copy(), now=now))


def build_services(
    settings: Settings,
    dynamodb: object,
    graph: GraphClient | None = None,
    now: Callable[[], datetime] = clock.now,
) -> Services:
    store = DynamoStore(dynamodb, settings.table_name)
    graph = graph or GraphClient(
        settings.whatsapp_api_url,
        settings.whatsapp_phone_number_id,
        settings.whatsapp_access_token,
        settings.graph_timeout_seconds,
    )
    return Services(settings, store, Outbox(store, graph, now), now)


@cache
def services() -> Services:
    from chalicelib.aws import client

    return build_services(get_settings(), client("dynamodb"))
