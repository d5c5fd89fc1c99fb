"""Replies leave through the outbox: persisted before sending, marked sent with the returned
wamid, retried with backoff on throttling and outages, never sent twice.

"Never twice" rests on telling what is known from what is not. A send that failed to connect,
or that Meta answered with an error, did not go out: it is retried. A send that went out and got
no answer (a timeout, a reset) may have been delivered: it is not repeated. Every send carries
its entry id as `biz_opaque_callback_data`, which Meta echoes in the message's status webhooks;
the processor settles the entry from the first of them (`settle`). Only when no status has come
within SETTLE_AFTER is the entry sent again, since by then it is clear nothing went out. The
same rule covers a sender that crashed or lost its database write after sending: its lease
runs out and the entry waits for a status like any other uncertain send.
"""

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
INLINE_BACKOFF = (0.5, 2.0)  # quick retries of sends that certainly failed, before the sweep
# Meta sends the first status of an accepted message within seconds; after this long without
# one, an unanswered send is taken as not delivered and sent again.
SETTLE_AFTER = timedelta(minutes=10)
UNCERTAIN = ("sending", "unknown")  # states in which an attempt may have gone out


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(30 * 2**attempts, 3 * 3600))


def _parse(moment: str) -> datetime:
    return datetime.fromisoformat(moment.replace("Z", "+00:00"))


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
        """Send one turn's entries in order; stop at the first that cannot go now (the rest
        wait behind it, so a citizen never reads the second reply before the first)."""
        for position, entry in enumerate(entries):
            followers = list(entries[position + 1 :])
            due = self._send(entry, [f.entry_id for f in followers])
            if due is not None:
                for later in followers:
                    self._store.reschedule(later, due, "waiting for an earlier reply", False)
                return position
        return len(entries)

    def sweep(self, limit: int = 100) -> int:
        """Send what is due: retries, and entries whose sender's lease ran out."""
        now = self._clock()
        sent = 0
        due = sorted(self._store.due_outbox(now, limit), key=lambda e: e.entry_id)
        oldest = max(
            ((now - _parse(e.created_at)).total_seconds() for e in due if e.created_at), default=0.0
        )
        # One line a run: the "outbox stuck" alarm reads oldest_pending_seconds.
        log.info("outbox_swept", extra={"due": len(due), "oldest_pending_seconds": int(oldest)})
        for _turn, group in groupby(due, key=lambda e: e.entry_id.rsplit("#", 1)[0]):
            entries = list(group)
            if self._wait_for_status(entries, now):
                continue
            claimed = []
            for entry in entries:
                taken = self._store.claim(entry, now)
                if taken is None:
                    break  # another sweeper has this turn
                claimed.append(taken)
            sent += self.deliver(claimed)
        return sent

    def settle(self, entry_id: str, recipient: str, wamid: str) -> bool:
        """A status webhook named this entry: it went out. Release what waited behind it."""
        now = self._clock()
        followers = self._store.settle(entry_id, recipient, wamid, now)
        self._store.release(followers, now)
        log.info("reply_settled", extra={"entry": entry_id, "wamid": wamid})
        return True

    def _wait_for_status(self, entries: list[OutboxEntry], now: datetime) -> bool:
        """The turn's first entry may already have gone out: hold the turn until its status
        webhook settles it, or until SETTLE_AFTER has passed without one."""
        first = entries[0]
        if first.status not in UNCERTAIN or not first.attempt_at:
            return False
        settle_by = _parse(first.attempt_at) + SETTLE_AFTER
        if now >= settle_by:
            log.warning("reply_resent_unconfirmed", extra={"entry": first.entry_id})
            return False
        followers = [e.entry_id for e in entries[1:]]
        self._store.mark_unknown(first, settle_by, "no answer; waiting for a status", followers)
        for later in entries[1:]:
            self._store.reschedule(later, settle_by, "waiting for an earlier reply", False)
        return True

    def _send(self, entry: OutboxEntry, followers: list[str]) -> datetime | None:
        """Send with quick inline retries; None when sent, else when the turn may go on."""
        for pause in (*INLINE_BACKOFF, None):
            try:
                wamid = self._deliver_one(entry)
            except GraphError as error:
                if error.outcome_unknown:
                    return self._unknown(entry, error, followers)
                if error.retryable and pause is not None:
                    self._sleep(pause)
                    continue
                return self._handle_failure(entry, error)
            self._record_sent(entry, wamid)
            return None
        raise AssertionError("unreachable")

    def _record_sent(self, entry: OutboxEntry, wamid: str) -> None:
        try:
            self._store.mark_sent(entry, wamid, self._clock())
        except (ClientError, BotoCoreError) as error:
            # It went out. The entry stays leased; its status webhook settles it, and until
            # then the sweep treats it as uncertain, never as unsent.
            extra = {"entry": entry.entry_id, "wamid": wamid, "reason": type(error).__name__}
            log.error("reply_mark_failed", extra=extra)
            return
        log.info("reply_sent", extra={"entry": entry.entry_id, "wamid": wamid})

    def _unknown(self, entry: OutboxEntry, error: GraphError, followers: list[str]) -> datetime:
        due = self._clock() + SETTLE_AFTER
        self._store.mark_unknown(entry, due, str(error)[:300], followers)
        log.warning("reply_outcome_unknown", extra={"entry": entry.entry_id})
        return due

    def _deliver_one(self, entry: OutboxEntry) -> str:
        if entry.message.get("kind") == "email":
            if self._email is None:
                raise GraphError(None, None, "no e-mail sender configured")
            try:
                return f"email:{self._email(entry.message)}"
            except (ClientError, BotoCoreError) as error:  # SES throttling or outage: retry
                raise GraphError(None, None, f"SES: {error}") from error
        message = _MESSAGE.validate_python(entry.message)
        return self._graph.send(entry.recipient, message, callback=entry.entry_id)

    def _handle_failure(self, entry: OutboxEntry, error: GraphError) -> datetime:
        reason = str(error)
        due = self._clock() + backoff(entry.attempts)
        if error.retryable and entry.attempts + 1 < MAX_ATTEMPTS:
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
        return due
