"""Whole citizen journeys through `make run`'s stack, driven through the simulator's own API:
webhook signed by the simulator, queue, consumer, engine, DynamoDB, outbox, fake Graph API."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

import boto3
import pytest

from chalicelib.catalogue.services import load_catalogue
from tests.e2e.citizen import SimCitizen, button, buttons_of, kind_of, only, row, rows_of, text_of

pytestmark = pytest.mark.e2e

EVIDENCE = (Path(__file__).parent / "data" / "evidence.jpg").read_bytes()
TICKET = re.compile(r"LGT-\d{4}-\d{4}")
REGION = "ap-southeast-3"


def aws_client(local_stack, service: str) -> Any:
    return boto3.client(
        service,
        endpoint_url=local_stack.aws,
        region_name=REGION,
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )


def stack_bucket(local_stack) -> str:
    match = re.search(r"\bbucket (\S+?);", "".join(local_stack.output))
    assert match, "the startup banner names the media bucket"
    return match.group(1)


def tickets_of(local_stack, citizen: str) -> list[dict[str, Any]]:
    dynamodb = aws_client(local_stack, "dynamodb")
    items: list[dict[str, Any]] = []
    request: dict[str, Any] = {"TableName": "ligat-local"}
    while True:
        page = dynamodb.scan(**request)
        items += page["Items"]
        if "LastEvaluatedKey" not in page:
            break
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    tickets = [
        json.loads(item["data"]["S"])
        for item in items
        if item["pk"]["S"].startswith("TICKET#") and item["sk"]["S"] == "TICKET"
    ]
    return [t for t in tickets if t["citizen"] == citizen]


def test_citizen_reads_every_one_of_the_14_services(local_stack):
    catalogue = load_catalogue()
    names = {s.id: s.name for s in catalogue.services}
    assert len(names) == 14
    citizen = SimCitizen(local_stack.sim, "6281200000101", "Rina Marlina")

    [menu] = citizen.say("halo")
    [groups] = citizen.pick(row(menu, "menu:info"))
    assert kind_of(groups) == "list"
    group_rows = [r for r in rows_of(groups) if r["id"].startswith("grp:")]
    assert [r["id"] for r in group_rows] == [f"grp:{g.id}" for g in catalogue.groups]

    read: dict[str, str] = {}
    for position, group_row in enumerate(group_rows):
        [services] = citizen.pick(group_row)
        service_rows = [r for r in rows_of(services) if r["id"].startswith("svc:")]
        assert service_rows, f"{group_row['id']} offers no service"
        for service_row in service_rows:
            # As in WhatsApp: the services list stays in the chat and is opened again.
            replies = citizen.pick(service_row, expect=2)
            service_id = service_row["id"].removeprefix("svc:")
            answer = text_of(only(replies, "text"))
            assert names[service_id] in answer and "Dokumen utama" in answer, answer[:200]
            assert len(answer) <= 700, "the first answer fits one phone screen"
            actions = only(replies, "button")
            assert "menu" in [b["id"] for b in buttons_of(actions)]
            read[service_id] = answer
        if position < len(group_rows) - 1:  # « Kelompok lain: back to the groups
            [groups] = citizen.pick(row(services, "menu:info"))
            assert kind_of(groups) == "list"

    assert sorted(read) == sorted(names), "every service was reached from the menu"


def test_complaint_with_photo_and_location_pin_end_to_end(local_stack):
    wa_id = "6281200000102"
    citizen = SimCitizen(local_stack.sim, wa_id, "Ahmad Fauzi")
    description = "Ada orang dengan gangguan jiwa berkeliaran di pasar setiap malam."

    [menu] = citizen.say("halo")
    started = time.monotonic()
    [privacy] = citizen.pick(row(menu, "menu:complaint"))
    assert "UU 27/2022" in text_of(privacy)
    [services] = citizen.press(button(privacy, "rpt:agree"))
    [ask_description] = citizen.pick(row(services, "rpt:svc:gepeng_odha"))
    assert kind_of(ask_description) == "text"  # the problem comes first
    [about] = citizen.say(description)
    [anonymity] = citizen.press(button(about, "rpt:self"))
    [name] = citizen.press(button(anonymity, "rpt:named"))
    assert "Ahmad Fauzi" in text_of(name)
    [nik] = citizen.press(button(name, "rpt:name_ok"))
    note, kecamatan = citizen.press(button(nik, "rpt:nik_unknown"), expect=2)
    assert "Kartu Keluarga" in text_of(note) and kind_of(kecamatan) == "list"
    received, address = citizen.pin(-0.3269, 103.1573, "Pasar Tembilahan", expect=2)
    assert "Lokasi diterima" in text_of(received)
    stored, address = citizen.photo(EVIDENCE, caption="foto di pasar", expect=2)
    assert "Lampiran ke-1 diterima" in text_of(stored)
    summary, question = citizen.press(button(address, "rpt:skip"), expect=2)
    assert "1 berkas" in text_of(summary) and "Pasar Tembilahan" in text_of(summary)
    assert kind_of(question) == "button"
    # One message: the ticket number, what happens next and the service level (plus, outside
    # office hours, when staff will pick it up).
    [confirmation] = citizen.press(button(question, "rpt:send"))
    seconds = time.monotonic() - started
    print(f"complaint flow end to end: {seconds:.1f} s")

    confirmed = text_of(confirmation)
    numbers = TICKET.findall(confirmed)
    assert numbers, confirmed
    number = numbers[0]
    assert "{nomor_tiket}" not in confirmed
    assert "3 hari kerja" in confirmed

    [ticket] = tickets_of(local_stack, wa_id)
    assert ticket["number"] == number
    assert ticket["status"] == "diterima"
    assert ticket["service_id"] == "gepeng_odha" and ticket["description"] == description
    assert ticket["location"]["latitude"] == -0.3269
    assert ticket["location"]["longitude"] == 103.1573
    assert ticket["location"]["name"] == "Pasar Tembilahan"
    [key] = ticket["media"]
    assert key.startswith("evidence/") and wa_id not in key

    s3, bucket = aws_client(local_stack, "s3"), stack_bucket(local_stack)
    deadline = time.monotonic() + 20
    while True:  # the copy runs right after the photo's turn commits
        try:
            stored_object = s3.get_object(Bucket=bucket, Key=key)
            break
        except s3.exceptions.NoSuchKey:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    assert stored_object["Body"].read() == EVIDENCE
    assert stored_object["ContentType"] == "image/jpeg"
