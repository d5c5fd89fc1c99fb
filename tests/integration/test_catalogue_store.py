"""The catalogue in DynamoDB (moto, provisioned from infra/template.yaml): seeding is idempotent,
a newer seed updates what the seed wrote, staff edits survive every deploy, and the bot reads
the table."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

from chalicelib.catalogue.seed import PK, read_catalogue, seed_catalogue
from chalicelib.catalogue.services import Catalogue, load_catalogue
from chalicelib.processor import process_item
from chalicelib.store.queue import encode
from chalicelib.whatsapp import envelope
from chalicelib.wiring import CatalogueCache
from tests import payloads as wa

CATALOGUE = load_catalogue()
EVERY_ITEM = (
    {f"GROUP#{g.id}" for g in CATALOGUE.groups}
    | {f"SERVICE#{s.id}" for s in CATALOGUE.services}
    | {f"REFERRAL#{r.id}" for r in CATALOGUE.referrals}
)
STAFF_SUMMARY = "Ringkasan PKH yang sudah diperbarui petugas Dinas Sosial pada November 2026."


@pytest.fixture
def db(aws: dict[str, str]) -> tuple[Any, str]:
    return boto3.client("dynamodb"), aws["TableName"]


def content(catalogue: Catalogue | None) -> tuple[Any, ...]:
    """What the catalogue says, whatever order the table returned its items in (the order is
    its own test below)."""
    assert catalogue is not None
    groups = sorted(catalogue.groups, key=lambda g: g.id)
    return catalogue.version, groups, sorted(catalogue.services, key=lambda s: s.number)


def stored_items(dynamodb: Any, table: str) -> dict[str, dict[str, Any]]:
    response = dynamodb.query(
        TableName=table,
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": PK}},
    )
    assert "LastEvaluatedKey" not in response
    return {item["sk"]["S"]: item for item in response["Items"]}


def newer(catalogue: Catalogue, version: int, summary: str) -> Catalogue:
    """The packaged catalogue as a later deploy would ship it: new version, PKH reworded."""
    services = tuple(
        s.model_copy(update={"summary": summary}) if s.id == "pkh" else s
        for s in catalogue.services
    )
    return catalogue.model_copy(update={"version": version, "services": services})


def staff_edit(dynamodb: Any, table: str, summary: str = STAFF_SUMMARY) -> None:
    """What the console does when staff edit a service: the item becomes source "staff"."""
    item = stored_items(dynamodb, table)["SERVICE#pkh"]
    data = json.loads(item["data"]["S"])
    data["summary"] = summary
    data["to_complete"] = []
    item["data"] = {"S": json.dumps(data, ensure_ascii=False)}
    item["source"] = {"S": "staff"}
    dynamodb.put_item(TableName=table, Item=item)


def test_seeding_writes_every_group_service_and_referral_once(db):
    dynamodb, table = db
    assert read_catalogue(dynamodb, table) is None  # never seeded

    assert seed_catalogue(dynamodb, table) == len(EVERY_ITEM)

    items = stored_items(dynamodb, table)
    assert set(items) == EVERY_ITEM
    assert {i["source"]["S"] for i in items.values()} == {"seed"}
    assert {i["seed_version"]["N"] for i in items.values()} == {str(CATALOGUE.version)}
    assert content(read_catalogue(dynamodb, table)) == content(CATALOGUE)


def test_seeding_again_is_a_no_op(db):
    dynamodb, table = db
    seed_catalogue(dynamodb, table)
    before = stored_items(dynamodb, table)

    assert seed_catalogue(dynamodb, table) == 0

    assert stored_items(dynamodb, table) == before


def test_a_newer_seed_version_updates_the_seeded_items_and_an_older_one_does_not(db):
    dynamodb, table = db
    seed_catalogue(dynamodb, table)
    version_2 = newer(CATALOGUE, CATALOGUE.version + 1, "Ringkasan PKH versi kedua.")

    assert seed_catalogue(dynamodb, table, version_2) == len(EVERY_ITEM)

    assert content(read_catalogue(dynamodb, table)) == content(version_2)
    assert {i["seed_version"]["N"] for i in stored_items(dynamodb, table).values()} == {
        str(version_2.version)
    }
    assert seed_catalogue(dynamodb, table, CATALOGUE) == 0  # a rollback's older seed
    assert content(read_catalogue(dynamodb, table)) == content(version_2)


def test_a_staff_edit_is_never_overwritten_by_seeding(db):
    dynamodb, table = db
    seed_catalogue(dynamodb, table)
    staff_edit(dynamodb, table)
    edited = stored_items(dynamodb, table)["SERVICE#pkh"]

    assert seed_catalogue(dynamodb, table) == 0
    version_2 = newer(CATALOGUE, CATALOGUE.version + 1, "Ringkasan PKH dari rilis berikutnya.")
    assert seed_catalogue(dynamodb, table, version_2) == len(EVERY_ITEM) - 1

    assert stored_items(dynamodb, table)["SERVICE#pkh"] == edited
    stored = read_catalogue(dynamodb, table)
    assert stored is not None
    pkh = stored.service("pkh")
    assert pkh is not None and pkh.summary == STAFF_SUMMARY and pkh.to_complete == ()
    # Everything else comes from the newer seed.
    assert stored.service("dtks") == version_2.service("dtks")


def test_the_bot_reads_the_staff_edit_from_dynamodb(db):
    dynamodb, table = db
    seed_catalogue(dynamodb, table)
    staff_edit(dynamodb, table)

    pkh = CatalogueCache(dynamodb, table).get().service("pkh")

    assert pkh is not None and pkh.summary == STAFF_SUMMARY


def test_a_staff_edit_reaches_the_bot_once_the_cache_expires(db):
    dynamodb, table = db
    seed_catalogue(dynamodb, table)
    cache = CatalogueCache(dynamodb, table, ttl=0)
    assert cache.get().service("pkh") == CATALOGUE.service("pkh")

    staff_edit(dynamodb, table)

    pkh = cache.get().service("pkh")
    assert pkh is not None and pkh.summary == STAFF_SUMMARY


def test_an_unseeded_table_falls_back_to_the_packaged_catalogue(db):
    dynamodb, table = db
    assert CatalogueCache(dynamodb, table).get() is load_catalogue()


def test_the_stored_catalogue_keeps_the_packaged_order(db):
    dynamodb, table = db
    seed_catalogue(dynamodb, table)

    stored = read_catalogue(dynamodb, table)

    assert stored is not None
    assert [g.id for g in stored.groups] == [g.id for g in CATALOGUE.groups]
    assert [s.id for s in stored.services] == [s.id for s in CATALOGUE.services]


def test_the_citizen_reads_the_staff_edit_in_the_answer(stack):
    seed_catalogue(stack.dynamodb, stack.settings.table_name)
    staff_edit(stack.dynamodb, stack.settings.table_name)

    [item] = envelope.split(wa.webhook([wa.list_reply("svc:pkh", "PKH")]))
    process_item(json.loads(encode(item)), stack.services)

    bodies = [r.get("text", {}).get("body", "") for r in stack.sent_to(wa.CITIZEN)]
    assert any(STAFF_SUMMARY in body for body in bodies)
