"""Which scheduled rekaps were issued: one small item per WIB day (and per month), so the
morning run can tell a day it missed from a day it did, in one Query of the days it looks at.

| item          | pk            | sk                  |
|---------------|---------------|---------------------|
| daily rekap   | REKAP#daily   | <WIB day YYYY-MM-DD> |
| monthly rekap | REKAP#monthly | <YYYY-MM>           |

An item is written once the period's e-mails are in the outbox (which sends them, retries them,
and keeps a failure visible as `status = failed`); its `entries` name those outbox entries.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from boto3.dynamodb.types import TypeSerializer

from chalicelib.clock import iso

_serialize = TypeSerializer().serialize

DAILY = "daily"
MONTHLY = "monthly"


def _pk(kind: str) -> str:
    return f"REKAP#{kind}"


class RekapRuns:
    def __init__(self, client: Any, table: str):
        self._db = client
        self._table = table

    def issued(self, kind: str, first: str, last: str) -> set[str]:
        """The periods from `first` to `last` (sort keys, inclusive) already issued."""
        found: set[str] = set()
        request: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "pk = :p AND sk BETWEEN :a AND :b",
            "ExpressionAttributeValues": {
                ":p": _serialize(_pk(kind)),
                ":a": _serialize(first),
                ":b": _serialize(last),
            },
            "ProjectionExpression": "sk",
            "ConsistentRead": True,
        }
        while True:
            response = self._db.query(**request)
            found.update(item["sk"]["S"] for item in response.get("Items", []))
            if "LastEvaluatedKey" not in response:
                return found
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def first(self, kind: str) -> str | None:
        """The earliest period ever issued: the schedule has been running since then."""
        response = self._db.query(
            TableName=self._table,
            KeyConditionExpression="pk = :p",
            ExpressionAttributeValues={":p": _serialize(_pk(kind))},
            ProjectionExpression="sk",
            ConsistentRead=True,
            Limit=1,
        )
        items = response.get("Items", [])
        return str(items[0]["sk"]["S"]) if items else None

    def record(self, kind: str, period: str, at: datetime, entries: list[str]) -> None:
        """Idempotent: two runs issuing the same period write the same facts."""
        item = {"pk": _pk(kind), "sk": period, "issued_at": iso(at), "entries": entries}
        self._db.put_item(TableName=self._table, Item={k: _serialize(v) for k, v in item.items()})
