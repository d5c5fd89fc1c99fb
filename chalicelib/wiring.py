"""Build the processor's collaborators once per container (tests build their own)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

from chalicelib import clock
from chalicelib.outbox import Outbox
from chalicelib.settings import Settings, get_settings
from chalicelib.store.dynamo import DynamoStore
from chalicelib.whatsapp.client import GraphClient

if TYPE_CHECKING:
    from chalicelib.catalogue.services import Catalogue
    from chalicelib.conversation.knowledge import Knowledge
    from chalicelib.conversation.model import Incoming, Session, TicketView, Turn
    from chalicelib.media import EvidenceCopier
    from chalicelib.store.chats import ChatStore

CATALOGUE_TTL_SECONDS = 60.0  # staff edits reach the bot within a minute, at one read a minute


@dataclass
class CatalogueCache:
    """The catalogue as staff edited it in DynamoDB, re-read at most once a minute."""

    dynamodb: Any
    table: str
    ttl: float = CATALOGUE_TTL_SECONDS
    _value: Catalogue | None = None
    _read_at: float = field(default=-1e9)

    def get(self) -> Catalogue:
        if self._value is None or time.monotonic() - self._read_at > self.ttl:
            from chalicelib.catalogue.seed import read_catalogue
            from chalicelib.catalogue.services import load_catalogue

            self._value = read_catalogue(self.dynamodb, self.table) or load_catalogue()
            self._read_at = time.monotonic()
        return self._value


@dataclass
class Services:
    settings: Settings
    store: DynamoStore
    outbox: Outbox
    clock: Callable[[], datetime]
    catalogue: CatalogueCache
    evidence: EvidenceCopier
    s3: Any  # evidence copies, and inbound items too big for a queue message

    def knowledge(self, now: datetime, handover: str | None = None) -> Knowledge:
        from chalicelib.conversation.knowledge import build_knowledge

        return build_knowledge(now, self.catalogue.get(), handover=handover)

    @property
    def chats(self) -> ChatStore:
        """Live hand-overs and their messages (kept for the conversation retention period)."""
        from chalicelib.store.chats import ChatStore

        retention = timedelta(days=self.settings.retain_conversation_days)
        idle = timedelta(minutes=self.settings.handover_idle_minutes)
        return ChatStore(self.store.client, self.settings.table_name, retention, idle)

    def converse(
        self,
        session: Session | None,
        incoming: Incoming,
        now: datetime,
        load_tickets: Callable[[], Iterable[TicketView]],
        handover: str | None = None,
    ) -> Turn:
        from chalicelib.conversation.engine import run_turn

        return run_turn(session, incoming, self.knowledge(now, handover), load_tickets)


def build_services(
    settings: Settings,
    dynamodb: Any,
    graph: GraphClient | None = None,
    now: Callable[[], datetime] = clock.now,
    s3: Any = None,
    ses: Any = None,
) -> Services:
    from chalicelib.aws import client
    from chalicelib.media import EvidenceCopier
    from chalicelib.store.email import send_email

    store = DynamoStore(
        dynamodb,
        settings.table_name,
        conversation_retention=timedelta(days=settings.retain_conversation_days),
    )
    graph = graph or GraphClient(
        settings.whatsapp_api_url,
        settings.whatsapp_phone_number_id,
        settings.whatsapp_access_token,
        settings.graph_timeout_seconds,
        media_origins=settings.media_origins,
    )
    email = partial(send_email, ses or client("sesv2"), settings.sender_email)
    outbox = Outbox(store, graph, now, email=email)
    s3 = s3 or client("s3")
    evidence = EvidenceCopier(graph, s3, settings.media_bucket, store, now)
    catalogue = CatalogueCache(dynamodb, settings.table_name)
    return Services(settings, store, outbox, now, catalogue, evidence, s3)


_built: list[tuple[Settings, Services]] = []


def services() -> Services:
    """This container's services, rebuilt only when the settings changed (a rotated token)."""
    from chalicelib.aws import client

    settings = get_settings()
    if not _built or _built[0][0] is not settings:
        _built[:] = [(settings, build_services(settings, client("dynamodb")))]
    return _built[0][1]
