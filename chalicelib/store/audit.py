"""Audit log: who did what, to what, when; one item per event (never a list inside another item).

Keys (single table, see infra/template.yaml):

| item        | pk             | sk              | gsi2pk / gsi2sk           | gsi3pk / gsi3sk    |
|-------------|----------------|-----------------|---------------------------|--------------------|
| audit event | AUDIT#<target> | <at>#<event id> | AUDITDAY#<WIB day> / <at> | ACTOR#<sub> / <at> |

`target` names what was touched, e.g. `staff:<sub>` or `ticket:LGT-2611-0042`; the main key lists
a target's history, gsi2 a day's events, gsi3 one staff member's. `at` is ISO-8601 UTC.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

from chalicelib.clock import iso, now, wib_day

_serialize = TypeSerializer().serialize
_deserialize = TypeDeserializer().deserialize

SYSTEM = "system"  # the actor of changes nobody signed in for (e.g. `make run`'s admin account)


@dataclass(frozen=True)
class AuditEvent:
    actor: str  # the staff member's sub, or SYSTEM
    action: str  # e.g. "staff.create", "staff.update"
    target: str
    detail: dict[str, Any] = field(default_factory=dict)
    at: datetime = field(default_factory=now)
    event_id: str = field(default_factory=lambda: uuid.uuid4().hex)


def put_request(table: str, event: AuditEvent) -> dict[str, Any]:
    """The event as one `Put` of a TransactWriteItems, to commit it with the change it records."""
    at = iso(event.at)
    attributes = {
        "pk": f"AUDIT#{event.target}",
        "sk": f"{at}#{event.event_id}",
        "gsi2pk": f"AUDITDAY#{wib_day(event.at)}",
        "gsi2sk": at,
        "gsi3pk": f"ACTOR#{event.actor}",
        "gsi3sk": at,
        "kind": "audit",
        "actor": event.actor,
        "action": event.action,
        "target": event.target,
        "detail": event.detail,
        "at": at,
    }
    return {
        "TableName": table,
        "Item": {key: _serialize(value) for key, value in attributes.items()},
        "ConditionExpression": "attribute_not_exists(pk)",
    }


def record(
    dynamodb: Any, table: str, actor: str, action: str, target: str, detail: dict[str, Any]
) -> AuditEvent:
    """Record one event on its own (changes that have a DynamoDB write use `put_request`)."""
    event = AuditEvent(actor, action, target, detail)
    dynamodb.put_item(**put_request(table, event))
    return event


def history(dynamodb: Any, table: str, target: str, limit: int = 100) -> list[dict[str, Any]]:
    """A target's events, newest first."""
    return _newest(dynamodb, table, None, "pk", f"AUDIT#{target}", limit)


def by_actor(dynamodb: Any, table: str, actor: str, limit: int = 100) -> list[dict[str, Any]]:
    """What one staff member did and read, newest first (gsi3)."""
    return _newest(dynamodb, table, "gsi3", "gsi3pk", f"ACTOR#{actor}", limit)


def on_day(dynamodb: Any, table: str, day: str, limit: int = 100) -> list[dict[str, Any]]:
    """Everything audited on one WIB day, newest first (gsi2)."""
    return _newest(dynamodb, table, "gsi2", "gsi2pk", f"AUDITDAY#{day}", limit)


def _newest(
    dynamodb: Any, table: str, index: str | None, key: str, value: str, limit: int
) -> list[dict[str, Any]]:
    """One partition of the table or an index, newest first."""
    request: dict[str, Any] = {
        "TableName": table,
        "KeyConditionExpression": f"{key} = :k",
        "ExpressionAttributeValues": {":k": {"S": value}},
        "ScanIndexForward": False,
        "Limit": limit,
    }
    if index:
        request["IndexName"] = index
    response = dynamodb.query(**request)
    return [_event(item) for item in response.get("Items", [])]


def _event(item: dict[str, Any]) -> dict[str, Any]:
    plain = {key: _deserialize(value) for key, value in item.items()}
    return {key: plain[key] for key in ("actor", "action", "target", "detail", "at")}
