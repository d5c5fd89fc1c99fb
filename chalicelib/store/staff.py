"""Staff directory and sign-in throttle over the single table.

Keys (see also infra/template.yaml):

| item            | pk                   | sk                 | gsi1pk / gsi1sk  | TTL        |
|-----------------|----------------------|--------------------|------------------|------------|
| staff member    | STAFF#<sub>          | STAFF              | STAFF / <email>  |            |
| failed sign-ins | THROTTLE#<sha256>    | <window start>     |                  | expires_at |

The directory is listed through gsi1 (partition STAFF, by e-mail), never by Scan. A throttle
item counts the failed sign-ins of one e-mail address from one source in one time window; the
hash keeps e-mail addresses and IP addresses out of the key.

Every change to a staff member is written in one transaction with its audit event
(chalicelib/store/audit.py), on a version check so that two admins cannot overwrite each other.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, replace
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError

from chalicelib.staff.model import StaffMember
from chalicelib.staff.roles import Role
from chalicelib.store import audit

_serialize = TypeSerializer().serialize
_deserialize = TypeDeserializer().deserialize

DIRECTORY = "STAFF"


class StaleStaffMember(Exception):
    """The staff member changed (or appeared) since it was read."""


class StaffStore:
    def __init__(self, dynamodb: Any, table: str) -> None:
        self._db = dynamodb
        self._table = table

    # -- directory ------------------------------------------------------------------------

    def get(self, staff_id: str) -> StaffMember | None:
        item = self._db.get_item(
            TableName=self._table, Key=_key(f"STAFF#{staff_id}", "STAFF"), ConsistentRead=True
        ).get("Item")
        return _member(item) if item else None

    def all(self) -> list[StaffMember]:
        members: list[StaffMember] = []
        request: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": "gsi1",
            "KeyConditionExpression": "gsi1pk = :d",
            "ExpressionAttributeValues": {":d": {"S": DIRECTORY}},
        }
        while True:
            response = self._db.query(**request)
            members.extend(_member(item) for item in response.get("Items", []))
            if "LastEvaluatedKey" not in response:
                return members
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def add(self, member: StaffMember, event: audit.AuditEvent) -> None:
        put = {
            "TableName": self._table,
            "Item": _item(member),
            "ConditionExpression": "attribute_not_exists(pk)",
        }
        self._transact(put, event)

    def save(self, member: StaffMember, event: audit.AuditEvent) -> StaffMember:
        """Write a changed member on the condition that nobody saved it since it was read."""
        saved = replace(member, version=member.version + 1)
        put = {
            "TableName": self._table,
            "Item": _item(saved),
            "ConditionExpression": "version = :v",
            "ExpressionAttributeValues": {":v": {"N": str(member.version)}},
        }
        self._transact(put, event)
        return saved

    def _transact(self, put: dict[str, Any], event: audit.AuditEvent) -> None:
        try:
            self._db.transact_write_items(
                TransactItems=[{"Put": put}, {"Put": audit.put_request(self._table, event)}]
            )
        except ClientError as error:
            if error.response["Error"]["Code"] == "TransactionCanceledException":
                raise StaleStaffMember(put["Item"]["pk"]["S"]) from error
            raise

    # -- sign-in throttle -----------------------------------------------------------------

    def failures(self, subject: str, window: int) -> int:
        item = self._db.get_item(
            TableName=self._table, Key=_key(_throttle_pk(subject), str(window))
        ).get("Item")
        return int(item["failures"]["N"]) if item else 0

    def add_failure(self, subject: str, window: int, expires_at: int) -> int:
        response = self._db.update_item(
            TableName=self._table,
            Key=_key(_throttle_pk(subject), str(window)),
            UpdateExpression="ADD failures :one SET expires_at = :exp",
            ExpressionAttributeValues={":one": {"N": "1"}, ":exp": {"N": str(expires_at)}},
            ReturnValues="UPDATED_NEW",
        )
        return int(response["Attributes"]["failures"]["N"])

    def clear_failures(self, subject: str, window: int) -> None:
        """Back to zero (an update, not a delete: the item keeps its TTL, and the Lambda's
        policy needs no DeleteItem)."""
        self._db.update_item(
            TableName=self._table,
            Key=_key(_throttle_pk(subject), str(window)),
            UpdateExpression="SET failures = :zero",
            ExpressionAttributeValues={":zero": {"N": "0"}},
        )


def _key(pk: str, sk: str) -> dict[str, Any]:
    return {"pk": {"S": pk}, "sk": {"S": sk}}


def _throttle_pk(subject: str) -> str:
    return "THROTTLE#" + hashlib.sha256(subject.encode()).hexdigest()


def _item(member: StaffMember) -> dict[str, Any]:
    attributes = {
        **asdict(member),
        "kecamatan": list(member.kecamatan),
        "role": member.role.value,
        "pk": f"STAFF#{member.id}",
        "sk": "STAFF",
        "gsi1pk": DIRECTORY,
        "gsi1sk": member.email,
        "kind": "staff",
    }
    return {key: _serialize(value) for key, value in attributes.items()}


def _member(item: dict[str, Any]) -> StaffMember:
    plain = {key: _deserialize(value) for key, value in item.items()}
    return StaffMember(
        id=plain["id"],
        email=plain["email"],
        name=plain["name"],
        role=Role(plain["role"]),
        kecamatan=tuple(plain.get("kecamatan", ())),
        active=bool(plain.get("active", True)),
        rekap_recipient=bool(plain.get("rekap_recipient", False)),
        duty_officer=bool(plain.get("duty_officer", False)),
        whatsapp=plain.get("whatsapp", ""),
        created_at=plain.get("created_at", ""),
        updated_at=plain.get("updated_at", ""),
        updated_by=plain.get("updated_by", ""),
        version=int(plain.get("version", 1)),
    )
