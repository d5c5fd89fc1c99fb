"""The catalogue in DynamoDB: seeded from services.yaml, read by the bot, edited by staff.

Items live under pk "CATALOGUE" (one Query reads everything). Seeding writes an item only when
it is missing or still an older seed; an item a staff member edited (source "staff") is never
overwritten by a deploy.
"""

from __future__ import annotations

import json
from typing import Any

from botocore.exceptions import ClientError

from chalicelib.catalogue.services import Catalogue, load_catalogue, parse_catalogue

PK = "CATALOGUE"


def seed_catalogue(dynamodb: Any, table: str, catalogue: Catalogue | None = None) -> int:
    """Write the packaged catalogue; returns how many items were written."""
    catalogue = catalogue or load_catalogue()
    written = 0
    records = (
        [("GROUP", g.id, g.model_dump(), n) for n, g in enumerate(catalogue.groups)]
        + [
            ("SERVICE", s.id, s.model_dump(mode="json"), n)
            for n, s in enumerate(catalogue.services)
        ]
        + [
            ("REFERRAL", r.id, r.model_dump(mode="json"), n)
            for n, r in enumerate(catalogue.referrals)
        ]
    )
    for kind, item_id, data, position in records:
        try:
            dynamodb.put_item(
                TableName=table,
                Item={
                    "pk": {"S": PK},
                    "sk": {"S": f"{kind}#{item_id}"},
                    "data": {"S": json.dumps(data, ensure_ascii=False)},
                    "source": {"S": "seed"},
                    # Keys sort by id; the position keeps the catalogue's own order (menus,
                    # and which service wins a tie in free-text routing).
                    "position": {"N": str(position)},
                    "seed_version": {"N": str(catalogue.version)},
                },
                ConditionExpression=(
                    "attribute_not_exists(pk) OR (#src = :seed AND seed_version < :v)"
                ),
                ExpressionAttributeNames={"#src": "source"},
                ExpressionAttributeValues={
                    ":seed": {"S": "seed"},
                    ":v": {"N": str(catalogue.version)},
                },
            )
            written += 1
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
    return written


def read_catalogue(dynamodb: Any, table: str) -> Catalogue | None:
    """The catalogue as stored (staff edits included); None when the table was never seeded."""
    items = _catalogue_items(dynamodb, table)
    if not items:
        return None
    items.sort(key=lambda i: int(i.get("position", {"N": "0"})["N"]))
    groups = [json.loads(i["data"]["S"]) for i in items if i["sk"]["S"].startswith("GROUP#")]
    services = [json.loads(i["data"]["S"]) for i in items if i["sk"]["S"].startswith("SERVICE#")]
    referrals = [json.loads(i["data"]["S"]) for i in items if i["sk"]["S"].startswith("REFERRAL#")]
    version = max(int(i.get("seed_version", {"N": "1"})["N"]) for i in items)
    return parse_catalogue(
        {"version": version, "groups": groups, "services": services, "referrals": referrals}
    )


class StaleService(Exception):
    """The service changed since the editor read it."""


def read_service(dynamodb: Any, table: str, service_id: str) -> dict[str, Any] | None:
    """One service as stored, with who changed it last and its revision."""
    item = dynamodb.get_item(
        TableName=table,
        Key={"pk": {"S": PK}, "sk": {"S": f"SERVICE#{service_id}"}},
        ConsistentRead=True,
    ).get("Item")
    return None if item is None else _stored_service(item)


def list_services(dynamodb: Any, table: str) -> list[dict[str, Any]]:
    """Every service as stored (the shape of `read_service`), in the catalogue's order."""
    items = _catalogue_items(dynamodb, table, "SERVICE#")
    items.sort(key=lambda i: int(i.get("position", {"N": "0"})["N"]))
    return [_stored_service(item) for item in items]


def _catalogue_items(dynamodb: Any, table: str, kind: str = "") -> list[dict[str, Any]]:
    """Every item of the catalogue partition (whose sort key starts with `kind`), all pages."""
    condition, values = "pk = :pk", {":pk": {"S": PK}}
    if kind:
        condition, values = (
            f"{condition} AND begins_with(sk, :kind)",
            {**values, ":kind": {"S": kind}},
        )
    kwargs: dict[str, Any] = {
        "TableName": table,
        "KeyConditionExpression": condition,
        "ExpressionAttributeValues": values,
    }
    items: list[dict[str, Any]] = []
    while True:
        response = dynamodb.query(**kwargs)
        items.extend(response.get("Items", []))
        if "LastEvaluatedKey" not in response:
            return items
        kwargs["ExclusiveStartKey"] = response["LastEvaluatedKey"]


def _stored_service(item: dict[str, Any]) -> dict[str, Any]:
    return {
        "service": json.loads(item["data"]["S"]),
        "revision": int(item.get("revision", {"N": "0"})["N"]),
        "source": item.get("source", {"S": "seed"})["S"],
        "updated_by": item.get("updated_by", {}).get("S"),
        "updated_at": item.get("updated_at", {}).get("S"),
    }


def write_service(
    dynamodb: Any,
    table: str,
    service: dict[str, Any],
    revision: int,
    actor: str,
    at: str,
    audit_put: dict[str, Any],
) -> int:
    """Store a staff edit on the revision it was made from (else StaleService), with its audit
    event in the same transaction. A deploy never overwrites it (source "staff")."""
    try:
        dynamodb.transact_write_items(
            TransactItems=[
                {
                    "Update": {
                        "TableName": table,
                        "Key": {"pk": {"S": PK}, "sk": {"S": f"SERVICE#{service['id']}"}},
                        "UpdateExpression": (
                            "SET #d = :d, #src = :staff, revision = :next, updated_by = :by, "
                            "updated_at = :at"
                        ),
                        "ConditionExpression": (
                            "attribute_exists(pk) AND "
                            "(revision = :rev OR (attribute_not_exists(revision) AND :rev = :zero))"
                        ),
                        "ExpressionAttributeNames": {"#d": "data", "#src": "source"},
                        "ExpressionAttributeValues": {
                            ":d": {"S": json.dumps(service, ensure_ascii=False)},
                            ":staff": {"S": "staff"},
                            ":next": {"N": str(revision + 1)},
                            ":rev": {"N": str(revision)},
                            ":zero": {"N": "0"},
                            ":by": {"S": actor},
                            ":at": {"S": at},
                        },
                    }
                },
                {"Put": audit_put},
            ]
        )
    except ClientError as error:
        if error.response["Error"]["Code"] == "TransactionCanceledException":
            raise StaleService(service["id"]) from error
        raise
    return revision + 1
