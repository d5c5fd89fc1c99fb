"""Tickets through the processor on moto: created once, numbered atomically, evidence in S3,
urgent cases alerted, status private to the citizen."""

from __future__ import annotations

import hashlib
import json
import re

import boto3
import pytest

from chalicelib.processor import process_item
from chalicelib.store.dynamo import ConcurrentUpdate
from chalicelib.store.queue import encode
from chalicelib.tickets.numbers import month_key
from chalicelib.whatsapp import envelope
from tests import payloads as wa

JPEG = b"\xff\xd8\xff\xe0" + b"evidence-photo" * 100
TICKET = re.compile(r"LGT-\d{4}-\d{4,}")


class Citizen:
    def __init__(self, stack, wa_id: str = wa.CITIZEN):
        self.stack, self.wa_id = stack, wa_id

    def send(self, message: dict) -> dict:
        [item] = envelope.split(wa.webhook([message]))
        body = json.loads(encode(item))
        process_item(body, self.stack.services)
        self.stack.clock.advance(seconds=15)
        return body

    def say(self, text: str) -> dict:
        return self.send(wa.text(text, sender=self.wa_id, at=self.stack.clock().timestamp()))

    def tap(self, choice: str) -> dict:
        return self.send(self._button(choice))

    def tap_body(self, choice: str) -> dict:
        """The queued body of a tap, without processing it."""
        [item] = envelope.split(wa.webhook([self._button(choice)]))
        return json.loads(encode(item))

    def _button(self, choice: str) -> dict:
        return wa.button_reply(choice, sender=self.wa_id, at=self.stack.clock().timestamp())

    def replies(self) -> list[dict]:
        return self.stack.sent_to(self.wa_id)

    def last_text(self) -> str:
        return json.dumps(self.replies()[-3:], ensure_ascii=False)


def file_complaint(citizen: Citizen, description: str, service: str = "rpt:svc:gepeng_odha"):
    walk_to_summary(citizen, description, service)
    return citizen.tap("rpt:send")


def walk_to_summary(
    citizen: Citizen,
    description: str = "Sudah tiga hari tidur di emperan toko dan tampak lapar.",
    service: str = "rpt:svc:gepeng_odha",
) -> None:
    citizen.tap("menu:complaint")
    citizen.tap("rpt:agree")
    citizen.tap(service)
    citizen.say(description)
    citizen.tap("rpt:other")
    citizen.say("Bapak tua di emperan toko")
    citizen.tap("rpt:named")
    citizen.tap("rpt:name_ok")
    citizen.tap("rpt:nik_unknown")
    citizen.say("Tembilahan")
    citizen.say("Tembilahan Kota")
    citizen.say("Jl. Sudirman, depan pasar")


def walk_to_evidence(citizen: Citizen, give_location) -> None:
    """A complaint about oneself up to the summary; `give_location` answers the location.
    A photo may be sent at any step; it is attached to the report."""
    citizen.tap("menu:complaint")
    citizen.tap("rpt:agree")
    citizen.tap("rpt:svc:gepeng_odha")
    citizen.say("Ada orang dengan gangguan jiwa berkeliaran di pasar setiap malam.")
    citizen.tap("rpt:self")
    citizen.tap("rpt:named")
    citizen.tap("rpt:name_ok")
    citizen.tap("rpt:nik_unknown")
    give_location()
    citizen.tap("rpt:skip")


def finish_with_evidence(citizen: Citizen) -> None:
    citizen.tap("rpt:send")


def tickets_in(stack) -> list[dict]:
    table = stack.outputs["TableName"]
    items = boto3.client("dynamodb").scan(TableName=table)["Items"]
    return [i for i in items if i["pk"]["S"].startswith("TICKET#") and i["sk"]["S"] == "TICKET"]


def test_citizen_gets_ticket_number_after_confirming(stack):
    citizen = Citizen(stack)
    file_complaint(citizen, "Sudah tiga hari tidur di emperan toko dan tampak lapar sekali.")
    confirmation = citizen.last_text()
    [number] = set(TICKET.findall(confirmation))
    record = stack.services.store.tickets.record(number)
    ticket = record.ticket
    assert ticket.status == "diterima" and ticket.citizen == wa.CITIZEN
    assert ticket.kecamatan.name == "Tembilahan" and ticket.desa.name == "Tembilahan Kota"
    [created] = record.events
    assert created.kind == "created" and created.to_status == "diterima"
    assert ticket.wib_day and ticket.created_at.tzinfo is not None
    assert "{nomor_tiket}" not in confirmation


def test_confirmation_delivered_twice_creates_one_ticket(stack):
    citizen = Citizen(stack)
    send_body = file_complaint(citizen, "Sudah tiga hari tidur di emperan toko dan tampak lapar.")
    process_item(send_body, stack.services)  # Meta redelivers the very same "Kirim" tap
    citizen.tap("rpt:send")  # and the citizen taps "Kirim" once more
    assert len(tickets_in(stack)) == 1


def test_ticket_numbers_are_sequential_per_month_and_never_reused(stack):
    store = stack.services.store
    assert [store.next_ticket_sequence("2611") for _ in range(3)] == [1, 2, 3]
    assert store.next_ticket_sequence("2612") == 1


def test_concurrent_ticket_creation_yields_distinct_numbers(stack, monkeypatch):
    """DynamoDB's ADD is atomic; moto's in-process backend is not thread-safe, so the collision
    is forced here: the ticket's conditional put refuses a number already taken, and the
    redelivered message gets a fresh one."""
    first, second = Citizen(stack), Citizen(stack, "6285211112222")
    for citizen in (first, second):
        walk_to_summary(citizen)
    store = stack.services.store
    allocate = store.next_ticket_sequence
    monkeypatch.setattr(store, "next_ticket_sequence", lambda month: 1)
    first.tap("rpt:send")
    body = second.tap_body("rpt:send")
    with pytest.raises(ConcurrentUpdate):
        process_item(body, stack.services)
    monkeypatch.setattr(store, "next_ticket_sequence", allocate)
    allocate(month_key(stack.clock()))  # the counter had moved past 1 in real DynamoDB
    process_item(body, stack.services)  # SQS redelivers
    numbers = sorted(i["pk"]["S"] for i in tickets_in(stack))
    assert len(numbers) == 2 and numbers[0] != numbers[1]
    assert TICKET.search(second.last_text())


def test_photo_and_location_pin_are_kept_with_the_ticket_and_the_photo_copied_to_s3(stack):
    stack.graph.state.media["777001"] = (JPEG, "image/jpeg")
    citizen = Citizen(stack)
    walk_to_evidence(citizen, lambda: citizen.send(wa.location(-0.3269, 103.1573, name="Pasar")))
    citizen.send(wa.image("foto di pasar", media_id="777001"))
    finish_with_evidence(citizen)

    [item] = tickets_in(stack)
    ticket = stack.services.store.tickets.get(item["pk"]["S"].removeprefix("TICKET#"))
    assert ticket.location.latitude == -0.3269
    [key] = ticket.media
    stored = boto3.client("s3").get_object(Bucket=stack.outputs["MediaBucketName"], Key=key)
    assert stored["Body"].read() == JPEG and stored["ContentType"] == "image/jpeg"
    assert stored["Metadata"]["sha256"] == hashlib.sha256(JPEG).hexdigest()


def test_failed_media_download_is_retried_and_never_blocks_the_ticket(stack):
    stack.graph.state.media["777002"] = (JPEG, "image/jpeg")
    citizen = Citizen(stack)
    walk_to_evidence(citizen, lambda: (citizen.say("Tembilahan"), citizen.say("Tembilahan Kota")))
    stack.graph.state.media_failures = 1  # the media URL lookup fails once
    citizen.send(wa.image(media_id="777002"))
    finish_with_evidence(citizen)
    assert len(tickets_in(stack)) == 1

    [job] = [
        j
        for j in boto3.client("dynamodb").scan(TableName=stack.outputs["TableName"])["Items"]
        if j["pk"]["S"].startswith("MEDIA#")
    ]
    key = job["pk"]["S"].removeprefix("MEDIA#")
    assert stack.services.store.media_job(key)["status"] == "pending"
    stack.clock.advance(minutes=5)
    assert stack.services.evidence.sweep() == 1
    assert stack.services.store.media_job(key)["status"] == "stored"


def test_urgent_report_alerts_the_duty_officer_by_whatsapp_template_and_email(stack):
    citizen = Citizen(stack)
    citizen.say("Rumah warga terbakar, satu keluarga tidak punya tempat tinggal.")
    assert "112" in citizen.last_text()
    citizen.tap("urg:start")
    citizen.say("Tembilahan Kota")
    citizen.tap("rpt:send")
    alerts = [m for m in stack.graph.state.sent if m.body.get("type") == "template"]
    [alert] = alerts
    assert alert.body["template"]["name"] == "ligat_staff_alert"
    params = [p["text"] for p in alert.body["template"]["components"][0]["parameters"]]
    assert TICKET.match(params[0]) and "Korban Bencana" in params
    assert "112" in citizen.last_text()

    from moto.backends import get_backend

    ses = get_backend("ses")["123456789012"]["ap-southeast-3"]
    [email] = ses.sent_messages
    assert "Laporan mendesak" in email.subject
    assert wa.CITIZEN not in email.body  # phone masked


def test_status_lookup_shows_own_ticket_and_reveals_nothing_to_another_citizen(stack):
    owner = Citizen(stack)
    file_complaint(owner, "Sudah tiga hari tidur di emperan toko dan tampak lapar sekali.")
    [number] = set(TICKET.findall(owner.last_text()))
    owner.say(f"status {number}")
    assert "Diterima" in owner.last_text()

    stranger = Citizen(stack, "6285299998888")
    stranger.say(f"status {number}")
    answer = stranger.last_text()
    assert "tidak ditemukan" in answer and "Diterima" not in answer and "Tembilahan" not in answer
