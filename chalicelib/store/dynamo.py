"""DynamoDB adapter: one table, single-table design (see infra/template.yaml for the keys).

Idempotency without a check-then-set race: the record of a processed WhatsApp message is written
in the same transaction as the session, the outbox entries and the counters, on the condition
that it does not exist yet. Two concurrent deliveries may both run the (pure) engine, but only
one commit succeeds, so exactly one set of replies is ever queued.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError

from chalicelib.clock import iso, wib_day
from chalicelib.store import keys
from chalicelib.store.chats import Chat, chat_from, chat_key
from chalicelib.store.rekap import RekapRuns
from chalicelib.store.tickets import TicketStore
from chalicelib.tickets.model import Event, Ticket

_serialize = TypeSerializer().serialize
_deserialize = TypeDeserializer().deserialize

# Meta retries a notification for up to 7 days; the marker outlives that by a day, no more
# (it names the citizen).
PROCESSED_RETENTION = timedelta(days=8)
SESSION_RETENTION = timedelta(hours=24)  # an idle flow keeps its answers for a day
ORPHAN_STATUS_RETENTION = timedelta(days=8)  # statuses of messages we have no record of
POISON_RETENTION = timedelta(days=30)  # unprocessable items kept for the operator
# Replies, notices and alerts in the outbox hold what was said, and the delivery records of what
# was sent name the recipient: both expire with the conversation text
# (LIGAT_RETAIN_CONVERSATION_DAYS; chalicelib/retention.py), so an erasure finds them all.
CONVERSATION_RETENTION = timedelta(days=365)


class DuplicateMessage(Exception):
    """This WhatsApp message was already processed (another delivery committed first)."""


class ConcurrentUpdate(Exception):
    """The session changed under us; retry the message (SQS redelivers it)."""


@dataclass(frozen=True)
class StoredSession:
    state: dict[str, Any] | None
    version: int
    chat: Chat | None = None  # the live hand-over, if the citizen ever had one


@dataclass(frozen=True)
class OutboxEntry:
    entry_id: str  # "<inbound wamid>#<nn>": deterministic, so a reply cannot be queued twice
    recipient: str
    message: dict[str, Any]  # an outbound message model, dumped
    attempts: int = 0
    due_at: str = ""  # lease end while being sent; next attempt time while waiting
    # "sending" (an attempt may be under way), "unknown" (an attempt got no answer),
    # "pending" (nothing went out; retry when due), then "sent" or "failed".
    status: str = "sending"
    attempt_at: str = ""  # when the last attempt that may have gone out started
    created_at: str = ""


@dataclass(frozen=True)
class Delivery:
    """Where a message to the citizen stands."""

    status: str  # pending, sending, unknown, sent, delivered, read, failed
    at: str  # when it was sent (or queued)
    kind: str  # text, template, list, ...


@dataclass
class TurnCommit:
    """Everything one processed message changes, written in one transaction."""

    wamid: str
    citizen: str
    processed_at: datetime
    session_state: dict[str, Any] | None = None
    session_version: int = 0
    outbox: list[OutboxEntry] = field(default_factory=list)
    info_counts: list[str] = field(default_factory=list)  # service ids answered
    campaign_counts: list[str] = field(default_factory=list)  # sosialisasi codes seen
    ticket_writes: list[dict[str, Any]] = field(default_factory=list)  # e.g. a rating
    chat_writes: list[dict[str, Any]] = field(default_factory=list)  # the live hand-over
    tickets: list[tuple[Ticket, Event]] = field(default_factory=list)  # new, with first event
    appends: list[tuple[str, Event]] = field(default_factory=list)  # (number, what was added)
    media_jobs: list[dict[str, Any]] = field(default_factory=list)  # attachments to copy
    note: str = "processed"
    attempt: str = field(default_factory=lambda: uuid.uuid4().hex)

    @property
    def token(self) -> str:
        """Idempotency token of this commit: the message id and this processing attempt.
        botocore's retry of the same call (after a lost response) carries the same token, so
        the retry is recognised as our own commit; a concurrent or later delivery of the same
        message is another attempt, with another token, and loses to the marker."""
        return hashlib.sha256(f"{self.wamid}|{self.attempt}".encode()).hexdigest()[:36]


def _to_dynamo(value: Any) -> Any:
    """DynamoDB numbers are decimals: floats (a location pin) go in as exact Decimals."""
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, dict):
        return {k: _to_dynamo(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_to_dynamo(v) for v in value]
    return value


def _from_dynamo(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _from_dynamo(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_from_dynamo(v) for v in value]
    return value


def _item(**attributes: Any) -> dict[str, Any]:
    return {k: _serialize(_to_dynamo(v)) for k, v in attributes.items() if v is not None}


def _plain(item: dict[str, Any]) -> dict[str, Any]:
    return {k: _from_dynamo(_deserialize(v)) for k, v in item.items()}


def _epoch(moment: datetime) -> int:
    return int(moment.timestamp())


class DynamoStore:
    def __init__(
        self,
        client: Any,
        table: str,
        lease: timedelta = timedelta(seconds=120),
        conversation_retention: timedelta = CONVERSATION_RETENTION,
    ):
        self._db = client
        self._table = table
        self.lease = lease
        self.conversation_retention = conversation_retention
        self.tickets = TicketStore(client, table)
        self.rekap_runs = RekapRuns(client, table)

    @property
    def client(self) -> Any:
        return self._db

    # -- conversation ---------------------------------------------------------------------

    def load_conversation(self, citizen: str, wamid: str) -> tuple[StoredSession, bool]:
        """The citizen's session (with their hand-over chat) and whether this message was
        already processed: one call."""
        wanted = [
            _key(f"SESSION#{citizen}", "SESSION"),
            _key(f"MSG#{wamid}", "MSG"),
            chat_key(citizen),
        ]
        response = self._db.batch_get_item(
            RequestItems={self._table: {"Keys": wanted, "ConsistentRead": True}}
        )
        found = {_deserialize(i["pk"]): i for i in response["Responses"].get(self._table, [])}
        unprocessed = response.get("UnprocessedKeys", {}).get(self._table)
        if unprocessed:
            # Throttled: fall back to single reads rather than guess.
            return self._load_conversation_slowly(citizen, wamid)
        session = replace(
            _session_from(found.get(f"SESSION#{citizen}")),
            chat=chat_from(found.get(f"CHAT#{citizen}")),
        )
        return session, f"MSG#{wamid}" in found

    def _load_conversation_slowly(self, citizen: str, wamid: str) -> tuple[StoredSession, bool]:
        session = self._get_raw(f"SESSION#{citizen}", "SESSION")
        seen = self._get_raw(f"MSG#{wamid}", "MSG") is not None
        chat_item = self._db.get_item(TableName=self._table, Key=chat_key(citizen)).get("Item")
        chat = chat_from(chat_item)
        return replace(_session_from(session), chat=chat), seen

    def commit_turn(self, commit: TurnCommit) -> None:
        """Write the whole turn atomically; raise DuplicateMessage or ConcurrentUpdate."""
        now = commit.processed_at
        writes: list[dict[str, Any]] = [
            {
                "Put": {
                    "TableName": self._table,
                    "Item": _item(
                        pk=f"MSG#{commit.wamid}",
                        sk="MSG",
                        citizen=commit.citizen,
                        note=commit.note,
                        processed_at=iso(now),
                        commit_token=commit.token,
                        expires_at=_epoch(now + PROCESSED_RETENTION),
                    ),
                    "ConditionExpression": "attribute_not_exists(pk)",
                    "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
                }
            }
        ]
        if commit.session_state is not None:
            writes.append(self._session_put(commit, now))
        # Entries start leased to this processor, which sends them right after the commit;
        # if it crashes, the lease runs out and the outbox sweep sends them instead.
        lease_end = iso(now + self.lease)
        for entry in commit.outbox:
            writes.append(
                {
                    "Put": {
                        "TableName": self._table,
                        "Item": self._outbox_item(entry, now, lease_end),
                    }
                }
            )
        for service_id in commit.info_counts:
            writes.append(self._count_update(wib_day(now), f"INFO#{service_id}"))
        writes += commit.ticket_writes
        writes += commit.chat_writes
        for code in commit.campaign_counts:
            writes.append(self._count_update(wib_day(now), f"CAMPAIGN#{code}"))
        for ticket, event in commit.tickets:
            writes += self.tickets.creation_writes(ticket, event)
        for number, addition in commit.appends:
            writes += self.tickets.append_writes(number, commit.citizen, addition)
        for job in commit.media_jobs:
            writes.append(self._media_job_put(job, now))
        try:
            self._db.transact_write_items(TransactItems=writes, ClientRequestToken=commit.token)
        except ClientError as error:
            if error.response["Error"]["Code"] != "TransactionCanceledException":
                raise
            cancelled = error.response.get("CancellationReasons", [])
            reasons = [r.get("Code") for r in cancelled if r]
            if reasons and reasons[0] == "ConditionalCheckFailed":
                if self._committed_by(commit, cancelled[0].get("Item")):
                    return  # our own earlier try committed; only its response was lost
                raise DuplicateMessage(commit.wamid) from error
            if "ConditionalCheckFailed" in reasons:
                raise ConcurrentUpdate(commit.citizen) from error
            raise

    def _committed_by(self, commit: TurnCommit, marker: dict[str, Any] | None) -> bool:
        """Whether the message's marker was written by this very commit attempt."""
        if marker is None:
            marker = self._get_raw(f"MSG#{commit.wamid}", "MSG")
        token = _plain(marker).get("commit_token") if marker else None
        return token == commit.token

    def _session_put(self, commit: TurnCommit, now: datetime) -> dict[str, Any]:
        version = commit.session_version
        put: dict[str, Any] = {
            "TableName": self._table,
            "Item": _item(
                pk=f"SESSION#{commit.citizen}",
                sk="SESSION",
                state=json.dumps(commit.session_state, ensure_ascii=False, default=str),
                version=version + 1,
                updated_at=iso(now),
                expires_at=_epoch(now + SESSION_RETENTION),
            ),
        }
        if version == 0:
            put["ConditionExpression"] = "attribute_not_exists(pk)"
        else:
            put["ConditionExpression"] = "version = :v"
            put["ExpressionAttributeValues"] = {":v": _serialize(version)}
        return {"Put": put}

    def _count_update(self, day: str, counter: str) -> dict[str, Any]:
        return {
            "Update": {
                "TableName": self._table,
                "Key": _key(f"COUNT#{day}", counter),
                "UpdateExpression": "ADD #n :one",
                "ExpressionAttributeNames": {"#n": "count"},
                "ExpressionAttributeValues": {":one": _serialize(1)},
            }
        }

    def _media_job_put(self, job: dict[str, Any], now: datetime) -> dict[str, Any]:
        item = _item(
            pk=f"MEDIA#{job['key']}",
            sk="MEDIA",
            gsi1pk="MEDIA#pending",
            gsi1sk=iso(now + self.lease),
            status="pending",
            attempts=0,
            job=json.dumps(job),
        )
        return {"Put": {"TableName": self._table, "Item": item}}

    def next_ticket_sequence(self, month: str) -> int:
        """Atomic per-month counter: concurrent tickets get distinct numbers, never reused."""
        response = self._db.update_item(
            TableName=self._table,
            Key=_key("COUNTER#TICKET", month),
            UpdateExpression="ADD seq :one",
            ExpressionAttributeValues={":one": _serialize(1)},
            ReturnValues="UPDATED_NEW",
        )
        return int(_deserialize(response["Attributes"]["seq"]))

    def media_done(self, key: str, size: int) -> None:
        self._set_status(
            f"MEDIA#{key}",
            "MEDIA",
            "SET #s = :done, size_bytes = :n REMOVE gsi1pk, gsi1sk",
            {":done": "stored", ":n": size},
        )

    def media_retry(
        self, key: str, due: datetime, attempts: int, error: str, give_up: bool
    ) -> None:
        if give_up:
            expression = "SET #s = :s, attempts = :n, last_error = :e REMOVE gsi1pk, gsi1sk"
            values = {":s": "failed", ":n": attempts, ":e": error}
        else:
            expression = "SET #s = :s, attempts = :n, last_error = :e, gsi1sk = :due"
            values = {":s": "pending", ":n": attempts, ":e": error, ":due": iso(due)}
        self._set_status(f"MEDIA#{key}", "MEDIA", expression, values)

    def due_media(self, now: datetime, limit: int = 25) -> list[dict[str, Any]]:
        return self._due("MEDIA#pending", now, limit)

    def _due(self, queue: str, now: datetime, limit: int) -> list[dict[str, Any]]:
        """A work queue on gsi1: items whose due time (gsi1sk) has come, oldest first."""
        response = self._db.query(
            TableName=self._table,
            IndexName="gsi1",
            KeyConditionExpression="gsi1pk = :q AND gsi1sk <= :now",
            ExpressionAttributeValues={":q": _serialize(queue), ":now": _serialize(iso(now))},
            Limit=limit,
        )
        return [_plain(i) for i in response.get("Items", [])]

    def media_job(self, key: str) -> dict[str, Any] | None:
        return self._get(f"MEDIA#{key}", "MEDIA")

    def record_message(self, wamid: str, citizen: str, at: datetime, note: str) -> bool:
        """Record a message that gets no reply (stale, malformed); False if already recorded."""
        try:
            self.commit_turn(TurnCommit(wamid=wamid, citizen=citizen, processed_at=at, note=note))
        except DuplicateMessage:
            return False
        return True

    def info_counts(self, day: str) -> dict[str, int]:
        """Information answers per service on one WIB day."""
        return self._counts(day, "INFO#")

    def campaign_counts(self, day: str) -> dict[str, int]:
        """First messages per sosialisasi campaign code on one WIB day (counts only)."""
        return self._counts(day, "CAMPAIGN#")

    def _counts(self, day: str, prefix: str) -> dict[str, int]:
        items = self._query_pk(f"COUNT#{day}")
        return {
            i["sk"].removeprefix(prefix): int(i["count"])
            for i in items
            if i["sk"].startswith(prefix)
        }

    # -- outbox ---------------------------------------------------------------------------

    def mark_sent(self, entry: OutboxEntry, wamid: str, at: datetime) -> None:
        """The entry left the outbox; start the outbound message's delivery record (one call)."""
        self._db.transact_write_items(
            TransactItems=[
                {
                    "Update": {
                        "TableName": self._table,
                        "Key": _key(f"OUTBOX#{entry.entry_id}", "OUTBOX"),
                        "UpdateExpression": (
                            "SET #s = :sent, wamid = :w, sent_at = :at, attempts = :n "
                            "REMOVE gsi1pk, gsi1sk, last_error"
                        ),
                        "ExpressionAttributeNames": {"#s": "status"},
                        "ExpressionAttributeValues": {
                            ":sent": _serialize("sent"),
                            ":w": _serialize(wamid),
                            ":at": _serialize(iso(at)),
                            ":n": _serialize(entry.attempts + 1),
                        },
                    }
                },
                self._link_delivery(entry.entry_id, entry.recipient, wamid, at),
            ]
        )

    def _link_delivery(
        self, entry_id: str, recipient: str, wamid: str, at: datetime
    ) -> dict[str, Any]:
        """The outbound message's delivery record, tied to its outbox entry. A status webhook
        may already have created it: keep its state."""
        return {
            "Update": {
                "TableName": self._table,
                "Key": _key(f"OUTMSG#{wamid}", "OUTMSG"),
                "UpdateExpression": (
                    "SET entry_id = :e, recipient = :r, sent_at = :at, expires_at = :ttl, "
                    "delivery = if_not_exists(delivery, :sent), "
                    "delivery_rank = if_not_exists(delivery_rank, :one)"
                ),
                "ExpressionAttributeValues": {
                    ":e": _serialize(entry_id),
                    ":r": _serialize(recipient),
                    ":at": _serialize(iso(at)),
                    ":ttl": _serialize(_epoch(at + self.conversation_retention)),
                    ":sent": _serialize("sent"),
                    ":one": _serialize(1),
                },
            }
        }

    def settle(self, entry_id: str, recipient: str, wamid: str, at: datetime) -> list[str]:
        """A status webhook proved this entry went out (its callback data named it): mark it
        sent, whatever its state; returns the entries held back behind it, to release."""
        try:
            response = self._db.update_item(
                TableName=self._table,
                Key=_key(f"OUTBOX#{entry_id}", "OUTBOX"),
                UpdateExpression=(
                    "SET #s = :sent, wamid = :w, sent_at = if_not_exists(sent_at, :at) "
                    "REMOVE gsi1pk, gsi1sk"
                ),
                ConditionExpression="recipient = :r AND #s <> :sent",
                ExpressionAttributeNames={"#s": "status"},
                ExpressionAttributeValues={
                    ":sent": _serialize("sent"),
                    ":w": _serialize(wamid),
                    ":at": _serialize(iso(at)),
                    ":r": _serialize(recipient),
                },
                ReturnValues="ALL_NEW",
            )
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return []  # already settled, or not ours
            raise
        self._db.transact_write_items(
            TransactItems=[self._link_delivery(entry_id, recipient, wamid, at)]
        )
        return list(_plain(response["Attributes"]).get("followers", []))

    def release(self, entry_ids: list[str], now: datetime) -> None:
        """Entries held back behind a settled one become due now (if still waiting)."""
        for entry_id in entry_ids:
            try:
                self._db.update_item(
                    TableName=self._table,
                    Key=_key(f"OUTBOX#{entry_id}", "OUTBOX"),
                    UpdateExpression="SET gsi1sk = :now",
                    ConditionExpression="#s = :pending",
                    ExpressionAttributeNames={"#s": "status"},
                    ExpressionAttributeValues={
                        ":now": _serialize(iso(now)),
                        ":pending": _serialize("pending"),
                    },
                )
            except ClientError as error:
                if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                    raise

    def reschedule(self, entry: OutboxEntry, due: datetime, error: str, attempted: bool) -> None:
        """Nothing went out; try at `due`. `attempted` is False for entries held back."""
        self._set_outbox(
            entry,
            "SET #s = :p, gsi1pk = :q, gsi1sk = :due, attempts = :n, last_error = :err",
            {
                ":p": "pending",
                ":q": "OUTBOX#pending",
                ":due": iso(due),
                ":n": entry.attempts + int(attempted),
                ":err": error,
            },
        )

    def mark_unknown(
        self, entry: OutboxEntry, due: datetime, error: str, followers: list[str]
    ) -> None:
        """An attempt may have gone out: wait for its status webhook until `due`."""
        expression = "SET #s = :u, gsi1pk = :q, gsi1sk = :due, attempts = :n, last_error = :err"
        values: dict[str, Any] = {
            ":u": "unknown",
            ":q": "OUTBOX#pending",
            ":due": iso(due),
            ":n": entry.attempts + 1,
            ":err": error,
        }
        if followers:
            expression += ", followers = :f"
            values[":f"] = followers
        self._set_outbox(entry, expression, values)

    def mark_failed(self, entry: OutboxEntry, error: str) -> None:
        self._set_outbox(
            entry,
            "SET #s = :f, attempts = :n, last_error = :err REMOVE gsi1pk, gsi1sk",
            {":f": "failed", ":n": entry.attempts + 1, ":err": error},
        )

    def due_outbox(self, now: datetime, limit: int = 100) -> list[OutboxEntry]:
        """Entries waiting for a retry, or whose sender's lease expired (it crashed)."""
        return [_outbox_entry(i) for i in self._due("OUTBOX#pending", now, limit)]

    def claim(self, entry: OutboxEntry, now: datetime) -> OutboxEntry | None:
        """Take a due entry for sending; None if someone else took it first."""
        lease_end = iso(now + self.lease)
        try:
            self._db.update_item(
                TableName=self._table,
                Key=_key(f"OUTBOX#{entry.entry_id}", "OUTBOX"),
                UpdateExpression="SET #s = :sending, gsi1sk = :lease, attempt_at = :now",
                ConditionExpression="gsi1sk = :seen",
                ExpressionAttributeNames={"#s": "status"},
                ExpressionAttributeValues={
                    ":sending": _serialize("sending"),
                    ":lease": _serialize(lease_end),
                    ":now": _serialize(iso(now)),
                    ":seen": _serialize(entry.due_at),
                },
            )
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return None
            raise
        return replace(entry, due_at=lease_end, status="sending", attempt_at=iso(now))

    def outbox_puts(self, entries: list[OutboxEntry], now: datetime) -> list[dict[str, Any]]:
        """Entries as `Put` bodies, leased to the caller, to commit with the change that makes
        them (then `Outbox.deliver` sends them; the sweep does if the caller dies)."""
        lease_end = iso(now + self.lease)
        return [
            {
                "TableName": self._table,
                "Item": self._outbox_item(entry, now, lease_end),
                "ConditionExpression": "attribute_not_exists(pk)",  # one message per change
            }
            for entry in entries
        ]

    def queue_once(self, entry: OutboxEntry, now: datetime) -> bool:
        """Put one entry in the outbox, leased to the caller; False when an entry with this id
        is already there (a retried run: the message is on its way, not to be sent again)."""
        [put] = self.outbox_puts([entry], now)
        try:
            self._db.put_item(**put)
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def _outbox_item(self, entry: OutboxEntry, now: datetime, lease_end: str) -> dict[str, Any]:
        return _outbox_item(entry, now, lease_end, now + self.conversation_retention)

    def last_inbound(self, citizen: str) -> datetime | None:
        """When the citizen's last message was processed (opens the 24-hour window)."""
        item = self._get(f"SESSION#{citizen}", "SESSION")
        if not item or not item.get("updated_at"):
            return None
        return datetime.fromisoformat(str(item["updated_at"]).replace("Z", "+00:00"))

    def outbox_entry(self, entry_id: str) -> dict[str, Any] | None:
        return self._get(f"OUTBOX#{entry_id}", "OUTBOX")

    # -- delivery statuses ----------------------------------------------------------------

    def apply_status(
        self, wamid: str, status: str, rank: int, at: datetime, errors: list[int]
    ) -> tuple[bool, bool]:
        """Move the outbound message's delivery state forward only. Returns (applied, linked):
        False if stale; linked if the record already knows its outbox entry. A record created
        here (a status for a message we have no record of) expires in days, not a year."""
        values: dict[str, Any] = {
            ":s": status,
            ":r": rank,
            ":at": iso(at),
            ":ttl": _epoch(at + ORPHAN_STATUS_RETENTION),
        }
        expression = (
            "SET delivery = :s, delivery_rank = :r, delivery_at = :at, "
            "expires_at = if_not_exists(expires_at, :ttl)"
        )
        if errors:
            expression += ", error_codes = :e"
            values[":e"] = errors
        try:
            response = self._db.update_item(
                TableName=self._table,
                Key=_key(f"OUTMSG#{wamid}", "OUTMSG"),
                UpdateExpression=expression,
                ConditionExpression="attribute_not_exists(delivery_rank) OR delivery_rank < :r",
                ExpressionAttributeValues={k: _serialize(v) for k, v in values.items()},
                ReturnValues="ALL_OLD",
            )
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False, True
            raise
        return True, "entry_id" in response.get("Attributes", {})

    def record_poison(self, key: str, citizen: str, at: datetime, error: str, body: str) -> bool:
        """Keep an item that can never be processed, for the operator (never retried)."""
        try:
            self._db.put_item(
                TableName=self._table,
                Item=_item(
                    pk=f"MSG#{key}",
                    sk="MSG",
                    citizen=citizen,
                    note="poison",
                    error=error,
                    body=body,
                    processed_at=iso(at),
                    expires_at=_epoch(at + POISON_RETENTION),
                ),
                ConditionExpression="attribute_not_exists(pk)",
            )
        except ClientError as error_:
            if error_.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def outbound_message(self, wamid: str) -> dict[str, Any] | None:
        return self._get(f"OUTMSG#{wamid}", "OUTMSG")

    def deliveries(self, entry_ids: list[str]) -> dict[str, Delivery]:
        """The outbox entries that exist among `entry_ids`, each with its WhatsApp delivery
        status once Meta reported one (sent, delivered, read, failed), else the entry's own
        (pending, sending, unknown, sent, failed). Two batched reads per 100 entries."""
        entries = self._batch_get([(f"OUTBOX#{e}", "OUTBOX") for e in entry_ids])
        wamids = {str(i["wamid"]): str(i["pk"])[7:] for i in entries if i.get("wamid")}
        records = self._batch_get([(f"OUTMSG#{w}", "OUTMSG") for w in wamids])
        reported = {
            wamids[str(r["pk"])[7:]]: str(r["delivery"]) for r in records if "delivery" in r
        }
        found = {}
        for item in entries:
            entry_id = str(item["pk"])[7:]
            message = json.loads(str(item.get("message") or "{}"))
            found[entry_id] = Delivery(
                status=reported.get(entry_id) or str(item.get("status", "pending")),
                at=str(item.get("sent_at") or item.get("created_at") or ""),
                kind=str(message.get("kind", "")),
            )
        return found

    def _batch_get(self, pairs: list[tuple[str, str]]) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        for start in range(0, len(pairs), 100):
            batch = [_key(pk, sk) for pk, sk in pairs[start : start + 100]]
            request: dict[str, Any] = {self._table: {"Keys": batch}}
            while request:
                response = self._db.batch_get_item(RequestItems=request)
                found += [_plain(i) for i in response["Responses"].get(self._table, [])]
                request = response.get("UnprocessedKeys") or {}
        return found

    # -- helpers --------------------------------------------------------------------------

    def _set_outbox(self, entry: OutboxEntry, expression: str, values: dict[str, Any]) -> None:
        self._set_status(f"OUTBOX#{entry.entry_id}", "OUTBOX", expression, values)

    def _set_status(self, pk: str, sk: str, expression: str, values: dict[str, Any]) -> None:
        """Update an item of a work queue; `#s` in the expression names its status."""
        self._db.update_item(
            TableName=self._table,
            Key=_key(pk, sk),
            UpdateExpression=expression,
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues={k: _serialize(v) for k, v in values.items()},
        )

    def _get_raw(self, pk: str, sk: str) -> dict[str, Any] | None:
        item = self._db.get_item(TableName=self._table, Key=_key(pk, sk), ConsistentRead=True)
        return item.get("Item")

    def _get(self, pk: str, sk: str) -> dict[str, Any] | None:
        item = self._get_raw(pk, sk)
        return _plain(item) if item else None

    def _query_pk(self, pk: str) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        kwargs: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "pk = :pk",
            "ExpressionAttributeValues": {":pk": _serialize(pk)},
        }
        while True:
            response = self._db.query(**kwargs)
            items.extend(_plain(i) for i in response.get("Items", []))
            if "LastEvaluatedKey" not in response:
                return items
            kwargs["ExclusiveStartKey"] = response["LastEvaluatedKey"]


def _key(pk: str, sk: str) -> dict[str, Any]:
    return {"pk": {"S": pk}, "sk": {"S": sk}}


def _session_from(item: dict[str, Any] | None) -> StoredSession:
    if item is None:
        return StoredSession(None, 0)
    plain = _plain(item)
    return StoredSession(json.loads(plain["state"]), int(plain["version"]))


def _outbox_item(
    entry: OutboxEntry, now: datetime, lease_end: str, expires: datetime
) -> dict[str, Any]:
    # A WhatsApp recipient's entries are listed by recipient (gsi3), so a citizen's erasure finds
    # them; e-mails go to staff, and a rekap with its attachment is not worth a second copy.
    to_citizen = "@" not in entry.recipient
    return _item(
        pk=f"OUTBOX#{entry.entry_id}",
        sk="OUTBOX",
        recipient=entry.recipient,
        message=json.dumps(entry.message, ensure_ascii=False),
        attempts=entry.attempts,
        status="sending",
        gsi1pk="OUTBOX#pending",
        gsi1sk=lease_end,
        created_at=iso(now),
        attempt_at=iso(now),  # the processor sends right after the commit
        gsi3pk=keys.recipient_partition(entry.recipient) if to_citizen else None,
        gsi3sk=iso(now) if to_citizen else None,
        expires_at=_epoch(expires),
    )


def _outbox_entry(item: dict[str, Any]) -> OutboxEntry:
    return OutboxEntry(
        entry_id=item["pk"].removeprefix("OUTBOX#"),
        recipient=item["recipient"],
        message=json.loads(item["message"]),
        attempts=int(item.get("attempts", 0)),
        due_at=item["gsi1sk"],
        status=item.get("status", "pending"),
        attempt_at=item.get("attempt_at", ""),
        created_at=item.get("created_at", ""),
    )
