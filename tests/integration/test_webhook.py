"""POST/GET /webhook through Chalice, against SQS provisioned from the template."""

from __future__ import annotations

import json

import pytest

from chalicelib.whatsapp.signature import sign
from tests import payloads as wa
from tests.conftest import APP_SECRET, VERIFY_TOKEN


def queued(stack) -> list[dict]:
    bodies = []
    while True:
        messages = stack.sqs.receive_message(
            QueueUrl=stack.outputs["InboundQueueUrl"],
            MaxNumberOfMessages=10,
            AttributeNames=["MessageGroupId", "MessageDeduplicationId"],
        ).get("Messages", [])
        if not messages:
            return bodies
        for m in messages:
            bodies.append({**json.loads(m["Body"]), "_attributes": m["Attributes"]})
            stack.sqs.delete_message(
                QueueUrl=stack.outputs["InboundQueueUrl"], ReceiptHandle=m["ReceiptHandle"]
            )


def post(client, body: bytes, headers: dict[str, str]):
    return client.http.post("/webhook", headers=headers, body=body)


def test_handshake_echoes_the_challenge(client):
    query = f"hub.mode=subscribe&hub.verify_token={VERIFY_TOKEN}&hub.challenge=1158201444"
    response = client.http.get(f"/webhook?{query}")
    assert response.status_code == 200
    assert response.body == b"1158201444"


@pytest.mark.parametrize(
    "query",
    [
        "hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1",
        "hub.mode=unsubscribe&hub.verify_token=test-verify-token&hub.challenge=1",
        "hub.challenge=1",
        "",
    ],
)
def test_handshake_refuses_anything_else(client, query):
    assert client.http.get(f"/webhook?{query}" if query else "/webhook").status_code == 403


def test_signed_message_is_queued_with_sender_group_and_wamid_dedup(client, stack):
    message = wa.text("Halo, saya mau tanya PKH 🙏 email: warga@contoh.id")
    body, headers = wa.signed(wa.webhook([message]), APP_SECRET)
    assert b"\\u0040" in body  # escaped the way Meta does

    response = post(client, body, headers)

    assert response.status_code == 200
    [item] = queued(stack)
    assert item["kind"] == "message"
    assert item["message"]["text"]["body"].endswith("warga@contoh.id")
    assert item["contact"]["profile"]["name"] == wa.CITIZEN_NAME
    assert item["_attributes"]["MessageGroupId"] == wa.CITIZEN
    assert item["_attributes"]["MessageDeduplicationId"] == message["id"]


def test_signature_over_non_ascii_raw_bytes_not_reserialised_json(client, stack):
    payload = wa.webhook([wa.text("Assalamu’alaikum, ada bantuan untuk lansia? ü @ 日本")])
    body = wa.meta_bytes(payload)
    resigned = json.dumps(payload, ensure_ascii=False).encode()
    assert body != resigned
    headers = {"Content-Type": "application/json", "X-Hub-Signature-256": sign(body, APP_SECRET)}
    assert post(client, body, headers).status_code == 200
    assert len(queued(stack)) == 1


@pytest.mark.parametrize(
    ("mutate", "status"),
    [
        (lambda body, headers: (body.replace(b"PKH", b"PKX"), headers), 403),
        (
            lambda body, headers: (body, {**headers, "X-Hub-Signature-256": sign(body, "other")}),
            403,
        ),
        (lambda body, headers: (body, {"Content-Type": "application/json"}), 401),
        (lambda body, headers: (body, {**headers, "X-Hub-Signature-256": "sha1=abc"}), 403),
    ],
    ids=["tampered-body", "wrong-secret", "missing-header", "wrong-scheme"],
)
def test_bad_signature_is_refused_and_nothing_is_queued(client, stack, mutate, status):
    body, headers = wa.signed(wa.webhook([wa.text("info PKH")]), APP_SECRET)
    body, headers = mutate(body, headers)
    assert post(client, body, headers).status_code == status
    assert queued(stack) == []


def test_batch_with_several_entries_messages_and_statuses_is_split(client, stack):
    first, second = wa.text("halo"), wa.image("foto rumah")
    other = wa.text("bansos", sender="6285211112222")
    value_a = wa.webhook([first, second])["entry"][0]["changes"][0]["value"]
    value_b = wa.webhook([other], statuses=[wa.status("wamid.OUT1", "delivered")])
    value_b = value_b["entry"][0]["changes"][0]["value"]
    payload = wa.envelope([[value_a], [value_b, {"statuses": [wa.status("wamid.OUT1", "read")]}]])
    body, headers = wa.signed(payload, APP_SECRET)

    assert post(client, body, headers).status_code == 200

    items = queued(stack)
    assert sorted(i["kind"] for i in items) == ["message"] * 3 + ["status"] * 2
    dedup = {i["_attributes"]["MessageDeduplicationId"] for i in items if i["kind"] == "status"}
    assert dedup == {"wamid.OUT1:delivered", "wamid.OUT1:read"}


def test_username_citizen_is_identified_by_business_scoped_id(client, stack):
    message = wa.username_text("halo")
    body, headers = wa.signed(wa.webhook([message]), APP_SECRET)
    assert post(client, body, headers).status_code == 200
    [item] = queued(stack)
    assert item["_attributes"]["MessageGroupId"] == "ID.1199887766554433221"


def test_malformed_parts_are_skipped_not_a_500(client, stack):
    good = wa.text("halo")
    payload = wa.webhook([good, {"type": "text"}, "garbage"], errors=[{"code": 131000}])
    payload["entry"].append({"id": "x", "changes": "not-a-list"})
    payload["entry"][0]["changes"].append({"field": "account_update", "value": {}})
    body, headers = wa.signed(payload, APP_SECRET)
    assert post(client, body, headers).status_code == 200
    assert [i["message"]["id"] for i in queued(stack)] == [good["id"]]


def test_signed_body_that_is_not_json_gets_a_clear_400(client):
    body = b"not json"
    headers = {"Content-Type": "application/json", "X-Hub-Signature-256": sign(body, APP_SECRET)}
    response = post(client, body, headers)
    assert response.status_code == 400
    assert b"JSON" in response.body


def test_webhook_answers_503_when_the_queue_refuses(client, stack, monkeypatch):
    def refuse(**_kwargs):
        return {"Successful": [], "Failed": [{"Id": "0", "Code": "InternalError"}]}

    from chalicelib import aws

    monkeypatch.setattr(aws.client("sqs"), "send_message_batch", refuse)
    body, headers = wa.signed(wa.webhook([wa.text("halo")]), APP_SECRET)
    assert post(client, body, headers).status_code == 503


class RecordingSqs:
    """Stands in for SQS where moto's FIFO deduplication is quadratic (1000 sends ~ 90 s)."""

    def __init__(self):
        self.calls: list[list[dict]] = []

    def send_message_batch(self, QueueUrl, Entries):
        self.calls.append(Entries)
        return {"Successful": [{"Id": e["Id"]} for e in Entries], "Failed": []}


def test_three_megabyte_batch_of_a_thousand_updates_is_enqueued_in_valid_batches(
    client, monkeypatch
):
    from chalicelib import aws

    sqs = RecordingSqs()
    monkeypatch.setattr(aws, "client", lambda service: sqs)
    messages = [wa.text(f"pesan {n} " + "x" * 3950, sender=f"62812000{n:05d}") for n in range(700)]
    statuses = [wa.status(f"wamid.OUT{n}", "delivered") for n in range(300)]
    body, headers = wa.signed(wa.webhook(messages, statuses), APP_SECRET)
    assert 2_800_000 < len(body) <= 3_000_000

    assert post(client, body, headers).status_code == 200

    entries = [e for call in sqs.calls for e in call]
    assert len(entries) == 1000
    assert len({e["MessageDeduplicationId"] for e in entries}) == 1000
    assert all(len(call) <= 10 for call in sqs.calls)
    assert all(sum(len(e["MessageBody"].encode()) for e in call) <= 256_000 for call in sqs.calls)
