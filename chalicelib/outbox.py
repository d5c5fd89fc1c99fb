"""Replies leave through the outbox: persisted before sending, marked sent with the returned
wamid, retried with backoff on throttling and outages, never sent twice."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from itertools import groupby
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from pydantic import TypeAdapter

from chalicelib.logs import get_logger
from chalicelib.store.dynamo import DynamoStore, OutboxEntry
from chalicelib.whatsapp.client import GraphClient, GraphError
from chalicelib.whatsapp.outbound import OutboundMessage

log = get_logger("outbox")

_MESSAGE: TypeAdapter[Any] = TypeAdapter(OutboundMessage)
MAX_ATTEMPTS = 12  # ~ a day of backoff; then the entry is failed and visible to operators
INLINE_BACKOFF = (0.5, 2.0)  # quick retries before handing over to the scheduled sweep


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(30 * 2**attempts, 3 * 3600))


class Outbox:
    def __init__(
        self,
        store: DynamoStore,
        graph: GraphClient,
        clock: Callable[[], datetime],
        sleep: Callable[[float], None] = time.sleep,
        email: Callable[[dict[str, Any]], str] | None = None,
    ):
        self._store = store
        self._graph = graph
        self._clock = clock
        self._sleep = sleep
        self._email = email

    def deliver(self, entries: Sequence[OutboxEntry]) -> int:
        """Send one turn's entries in order; stop at the first that cannot go now."""
        for position, entry in enumerate(entries):
            failure = self._send(entry)
            if failure is not None:
                due = self._clock() + backoff(entry.attempts)
                for later in entries[position + 1 :]:
                    self._store.reschedule(later, due, "waiting for an earlier reply", False)
                return position
        return len(entries)

    def sweep(self, limit: int = 100) -> int:
        """Send what is due: retries, and entries whose sender crashed (lease expired)."""
        now = self._clock()
        sent = 0
        due = sorted(self._store.due_outbox(now, limit), key=lambda e: e.entry_id)
        for _turn, group in groupby(due, key=lambda e: e.entry_id.rsplit("#", 1)[0]):
            claimed = []
            for entry in group:
                taken = self._store.claim(entry, now)
                if taken is None:
                    break  # another sweeper has this turn
                claimed.append(taken)
            sent += self.deliver(claimed)
        return sent

    def _send(self, entry: OutboxEntry) -> str | None:
        """Send with quick inline retries; returns None on success, else the reason."""
        for pause in (*INLINE_BACKOFF, None):
            try:
                wamid = self._deliver_one(entry)
            except GraphError as error:
                if error.retryable and pause is not None:
                    self._sleep(pause)
                    continue
                return self._handle_failure(entry, error)
            self._store.mark_sent(entry, wamid, self._clock())
            log.info("reply_sent", extra={"entry": entry.entry_id, "wamid": wamid})
            return None
        raise AssertionError("unreachable")

    def _deliver_one(self, entry: OutboxEntry) -> str:
        if entry.message.get("kind") == "email":
            if self._email is None:
                raise GraphError(None, None, "no e-mail sender configured")
            try:
                return f"email:{self._email(entry.message)}"
            except (ClientError, BotoCoreError) as error:  # SES throttling or outage: retry
                raise GraphError(None, None, f"SES: {error}") from error
        return self._graph.send(entry.recipient, _MESSAGE.validate_python(entry.message))

    def _handle_failure(self, entry: OutboxEntry, error: GraphError) -> str:
        reason = str(error)
        if error.retryable and entry.attempts + 1 < MAX_ATTEMPTS:
            due = self._clock() + backoff(entry.attempts)
            self._store.reschedule(entry, due, reason, True)
            log.warning(
                "reply_retry_scheduled",
                extra={"entry": entry.entry_id, "code": error.code, "http": error.http_status},
            )
        else:
            self._store.mark_failed(entry, reason)
            level = log.error if error.needs_operator else log.warning
            level(
                "reply_failed",
                extra={
                    "entry": entry.entry_id,
                    "code": error.code,
                    "http": error.http_status,
                    "operator_action": error.needs_operator,
                },
            )
        return reason
