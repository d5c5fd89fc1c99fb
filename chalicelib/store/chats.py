"""Live hand-over in DynamoDB (keys: chalicelib/store/keys.py): who is talking to the citizen,
the bot or a member of staff, and what was said while staff were involved.

Three kinds of item:

- the citizen's *chat* (`CHAT#<citizen>` / `CHAT`): the hand-over state (none, waiting for
  staff, held by one of them), until when that state lasts, the conversation's opaque id, and
  messages staff wrote while the 24-hour window was closed (sent when the citizen writes
  again). Waiting and held chats sit in gsi1 under `CHAT#<state>`, sorted by the moment they
  lapse, so the inbox reads only live ones: a chat nobody answered drops out of the inbox when
  its time is up, without a sweep.
- the conversation's *lookup* (`CONV#<id>` / `CONV`): the opaque id staff use in URLs (a
  phone number never appears in a URL, and so never in an access log) back to the citizen.
- the conversation's *messages* (`CONV#<id>` / `MSG#<at>#<n>`): each message in and out while
  staff were involved, expiring after the conversation retention period.

Every change to a chat is conditional on its version, so the processor (a citizen's message)
and a member of staff (a reply, a release) never overwrite each other.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Literal

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError

from chalicelib.clock import iso, parse_iso
from chalicelib.store import keys

_serialize = TypeSerializer().serialize
_deserialize = TypeDeserializer().deserialize

State = Literal["none", "waiting", "held"]
HOLD_IDLE = timedelta(hours=1)  # by default staff hold a chat this long after its last message
MESSAGE_PAGE = 100  # newest messages shown to staff


class ChatConflict(Exception):
    """The chat changed since it was read (another message or member of staff): re-read."""


@dataclass(frozen=True)
class Pending:
    """A message staff wrote while the window was closed, sent when the citizen writes."""

    message: dict[str, Any]  # an outbound message model, dumped
    by: str  # staff sub, or "bot" (e.g. the rating question)
    by_name: str = ""
    hold: bool = False  # a staff reply: the citizen's answer goes to staff, not the bot


@dataclass(frozen=True)
class Chat:
    citizen: str
    conv: str  # opaque id of the conversation, used in staff URLs
    state: State = "none"
    since: datetime | None = None  # when the current state began
    until: datetime | None = None  # when it lapses unless someone writes
    held_by: str = ""  # staff sub
    held_by_name: str = ""
    name: str = ""  # the citizen's WhatsApp profile name
    pending: tuple[Pending, ...] = ()
    version: int = 0

    def live(self, now: datetime) -> State:
        """The state as of `now`: a waiting or held chat whose time is up is back with the bot."""
        if self.state != "none" and self.until is not None and now < self.until:
            return self.state
        return "none"

    def waiting(self, now: datetime, until: datetime) -> Chat:
        return replace(self, state="waiting", since=now, until=until, held_by="", held_by_name="")

    def held(self, now: datetime, by: str, by_name: str, idle: timedelta = HOLD_IDLE) -> Chat:
        since = self.since if self.live(now) == "held" and self.held_by == by else now
        return replace(
            self, state="held", since=since, until=now + idle, held_by=by, held_by_name=by_name
        )

    def touched(self, now: datetime, idle: timedelta = HOLD_IDLE) -> Chat:
        """The citizen wrote while staff hold the chat: the hold lasts another while."""
        if self.live(now) == "held":
            return replace(self, until=now + idle)
        return self

    def lapsed(self, now: datetime) -> bool:
        """Waiting or held once, and its time ran out (the citizen has not been told yet)."""
        return self.state != "none" and self.live(now) == "none"

    def released(self, now: datetime) -> Chat:
        return replace(self, state="none", since=now, until=None, held_by="", held_by_name="")


@dataclass(frozen=True)
class ChatMessage:
    at: datetime
    direction: Literal["in", "out"]
    by: str  # "warga", "bot" or a staff sub
    by_name: str = ""
    kind: str = "text"
    text: str = ""
    entry_id: str = ""  # outgoing: the outbox entry, for its delivery status
    media: str = ""  # incoming photo/document: its S3 evidence key


def new_chat(citizen: str, name: str = "") -> Chat:
    return Chat(citizen=citizen, conv=uuid.uuid4().hex[:20], name=name)


@dataclass
class ChatStore:
    client: Any
    table: str
    retention: timedelta = field(default=timedelta(days=90))
    hold_idle: timedelta = HOLD_IDLE

    # -- reads ----------------------------------------------------------------------------

    def get(self, citizen: str) -> Chat | None:
        item = self.client.get_item(
            TableName=self.table, Key=chat_key(citizen), ConsistentRead=True
        ).get("Item")
        return chat_from(item)

    def by_conversation(self, conv: str) -> Chat | None:
        """The chat of an opaque conversation id (two reads: the lookup, then the chat)."""
        lookup = self.client.get_item(
            TableName=self.table, Key=keys.key(keys.conversation_pk(conv), "CONV")
        ).get("Item")
        if not lookup:
            return None
        return self.get(_deserialize(lookup["citizen"]))

    def live(self, states: tuple[State, ...], now: datetime, limit: int = 100) -> list[Chat]:
        """Waiting and/or held chats that have not lapsed, the soonest to lapse first."""
        chats: list[Chat] = []
        for state in states:
            response = self.client.query(
                TableName=self.table,
                IndexName="gsi1",
                KeyConditionExpression="gsi1pk = :p AND gsi1sk > :now",
                ExpressionAttributeValues={
                    ":p": _serialize(keys.chat_partition(state)),
                    ":now": _serialize(iso(now)),
                },
                Limit=limit,
            )
            chats += [c for c in map(chat_from, response.get("Items", [])) if c is not None]
        return sorted(chats, key=lambda c: c.since or now)

    def messages(self, conv: str, limit: int = MESSAGE_PAGE) -> list[ChatMessage]:
        """The newest `limit` messages, oldest first."""
        response = self.client.query(
            TableName=self.table,
            KeyConditionExpression="pk = :pk AND begins_with(sk, :msg)",
            ExpressionAttributeValues={
                ":pk": _serialize(keys.conversation_pk(conv)),
                ":msg": _serialize("MSG#"),
            },
            ScanIndexForward=False,
            Limit=limit,
        )
        return [_message_from(i) for i in reversed(response.get("Items", []))]

    # -- writes ---------------------------------------------------------------------------

    def writes(self, chat: Chat, expected: int) -> list[dict[str, Any]]:
        """The chat's put, conditional on the version it was read at (0: not there yet), and
        the conversation's lookup for a new chat."""
        put: dict[str, Any] = {"TableName": self.table, "Item": _chat_item(chat, expected + 1)}
        if expected == 0:
            put["ConditionExpression"] = "attribute_not_exists(pk)"
        else:
            put["ConditionExpression"] = "version = :v"
            put["ExpressionAttributeValues"] = {":v": _serialize(expected)}
        writes: list[dict[str, Any]] = [{"Put": put}]
        if expected == 0:
            lookup = {
                "pk": _serialize(keys.conversation_pk(chat.conv)),
                "sk": _serialize("CONV"),
                "citizen": _serialize(chat.citizen),
            }
            writes.append({"Put": {"TableName": self.table, "Item": lookup}})
        return writes

    def message_write(self, conv: str, message: ChatMessage, n: int = 0) -> dict[str, Any]:
        item: dict[str, Any] = {
            "pk": keys.conversation_pk(conv),
            "sk": f"MSG#{iso(message.at)}#{n:02d}{uuid.uuid4().hex[:6]}",
            "at": iso(message.at),
            "direction": message.direction,
            "by": message.by,
            "by_name": message.by_name,
            "kind": message.kind,
            "text": message.text,
            "entry_id": message.entry_id,
            "media": message.media,
            "expires_at": int((message.at + self.retention).timestamp()),
        }
        return {
            "Put": {
                "TableName": self.table,
                "Item": {k: _serialize(v) for k, v in item.items() if v not in ("", None)},
            }
        }

    def save(self, chat: Chat, expected: int, extra: list[dict[str, Any]]) -> None:
        try:
            self.client.transact_write_items(TransactItems=self.writes(chat, expected) + extra)
        except ClientError as error:
            if error.response["Error"]["Code"] == "TransactionCanceledException":
                reasons = error.response.get("CancellationReasons", [])
                if reasons and reasons[0].get("Code") == "ConditionalCheckFailed":
                    raise ChatConflict(chat.conv) from error
            raise


def chat_key(citizen: str) -> dict[str, Any]:
    return keys.key(keys.chat_pk(citizen), "CHAT")


def chat_from(item: dict[str, Any] | None) -> Chat | None:
    if not item:
        return None
    plain = {k: _deserialize(v) for k, v in item.items()}
    pending = tuple(Pending(**p) for p in json.loads(plain.get("pending") or "[]"))
    return Chat(
        citizen=str(plain["citizen"]),
        conv=str(plain["conv"]),
        state=plain.get("state", "none"),
        since=_moment(plain.get("since")),
        until=_moment(plain.get("until")),
        held_by=str(plain.get("held_by", "")),
        held_by_name=str(plain.get("held_by_name", "")),
        name=str(plain.get("name", "")),
        pending=pending,
        version=int(plain.get("version", 0)),
    )


def _chat_item(chat: Chat, version: int) -> dict[str, Any]:
    item: dict[str, Any] = {
        "pk": keys.chat_pk(chat.citizen),
        "sk": "CHAT",
        "citizen": chat.citizen,
        "conv": chat.conv,
        "state": chat.state,
        "since": iso(chat.since) if chat.since else None,
        "until": iso(chat.until) if chat.until else None,
        "held_by": chat.held_by or None,
        "held_by_name": chat.held_by_name or None,
        "name": chat.name or None,
        "pending": json.dumps([p.__dict__ for p in chat.pending]) if chat.pending else None,
        "version": version,
    }
    if chat.state != "none" and chat.until is not None:
        item["gsi1pk"] = keys.chat_partition(chat.state)
        item["gsi1sk"] = f"{iso(chat.until)}#{chat.conv}"
    return {k: _serialize(v) for k, v in item.items() if v is not None}


def _message_from(item: dict[str, Any]) -> ChatMessage:
    plain = {k: _deserialize(v) for k, v in item.items()}
    return ChatMessage(
        at=parse_iso(str(plain["at"])),
        direction=plain["direction"],
        by=str(plain.get("by", "")),
        by_name=str(plain.get("by_name", "")),
        kind=str(plain.get("kind", "text")),
        text=str(plain.get("text", "")),
        entry_id=str(plain.get("entry_id", "")),
        media=str(plain.get("media", "")),
    )


def _moment(value: Any) -> datetime | None:
    return parse_iso(str(value)) if value else None
