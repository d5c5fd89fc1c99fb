"""The items retention and erasure delete or track (keys: chalicelib/store/keys.py): the
retention cursors, a citizen's session and outbox entries with their delivery records, and
evidence copy jobs. Tickets are rewritten through chalicelib/store/tickets.py."""

from __future__ import annotations

import json
from typing import Any

from boto3.dynamodb.types import TypeDeserializer
from botocore.exceptions import ClientError

from chalicelib.store import keys

_deserialize = TypeDeserializer().deserialize


class RetentionStore:
    def __init__(self, client: Any, table: str):
        self._db = client
        self._table = table

    # -- the daily job's progress ----------------------------------------------------------

    def cursor(self, level: str, status: str) -> str | None:
        """The index sort key (closed_at#number) the job last finished at, for one level and
        closed status: the next run starts there, so its cost is what newly expired."""
        item = self._db.get_item(
            TableName=self._table,
            Key=keys.key(keys.retention_partition(level), status),
            ConsistentRead=True,
        ).get("Item")
        return str(item["done_through"]["S"]) if item else None

    def advance(self, level: str, status: str, sort_key: str) -> None:
        """Move the cursor forward only (two runs at once never move it back)."""
        try:
            self._db.update_item(
                TableName=self._table,
                Key=keys.key(keys.retention_partition(level), status),
                UpdateExpression="SET done_through = :k",
                ConditionExpression="attribute_not_exists(done_through) OR done_through <= :k",
                ExpressionAttributeValues={":k": {"S": sort_key}},
            )
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise

    # -- one citizen's traces --------------------------------------------------------------

    def take_session(self, citizen: str) -> dict[str, Any] | None:
        """Delete the citizen's session (and the draft in it); returns its state."""
        response = self._db.delete_item(
            TableName=self._table,
            Key=keys.key(f"SESSION#{citizen}", "SESSION"),
            ReturnValues="ALL_OLD",
        )
        old = response.get("Attributes")
        if not old:
            return None
        state = json.loads(_deserialize(old["state"])) if "state" in old else None
        return state if isinstance(state, dict) else {}

    def outbox_of(self, recipient: str) -> list[tuple[str, str | None]]:
        """The outbox entries to one WhatsApp recipient (gsi3): (entry id, sent wamid)."""
        request: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": "gsi3",
            "KeyConditionExpression": "gsi3pk = :r",
            "ExpressionAttributeValues": {":r": {"S": keys.recipient_partition(recipient)}},
        }
        found: list[tuple[str, str | None]] = []
        while True:
            response = self._db.query(**request)
            for item in response.get("Items", []):
                wamid = item.get("wamid", {}).get("S")
                found.append((item["pk"]["S"].removeprefix("OUTBOX#"), wamid))
            if "LastEvaluatedKey" not in response:
                return found
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def delete_outbox(self, entry_id: str, wamid: str | None) -> None:
        """An outbox entry and the delivery record of the message it became."""
        self._delete(f"OUTBOX#{entry_id}", "OUTBOX")
        if wamid:
            self._delete(f"OUTMSG#{wamid}", "OUTMSG")

    def take_chat(self, citizen: str) -> tuple[int, set[str]]:
        """Delete the citizen's chat with staff: its state, its lookup and every message.
        Returns (messages deleted, evidence keys the messages named)."""
        response = self._db.delete_item(
            TableName=self._table,
            Key=keys.key(keys.chat_pk(citizen), "CHAT"),
            ReturnValues="ALL_OLD",
        )
        old = response.get("Attributes")
        if not old:
            return 0, set()
        conv = keys.conversation_pk(_deserialize(old["conv"]))
        request: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "pk = :pk",
            "ExpressionAttributeValues": {":pk": {"S": conv}},
            "ProjectionExpression": "pk, sk, media",
        }
        messages, media = 0, set()
        while True:
            page = self._db.query(**request)
            for item in page.get("Items", []):
                self._delete(conv, item["sk"]["S"])
                messages += item["sk"]["S"].startswith("MSG#")
                if "media" in item:
                    media.add(item["media"]["S"])
            if "LastEvaluatedKey" not in page:
                return messages, media
            request["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def delete_media_job(self, key: str) -> None:
        self._delete(f"MEDIA#{key}", "MEDIA")

    def _delete(self, pk: str, sk: str) -> None:
        self._db.delete_item(TableName=self._table, Key=keys.key(pk, sk))
