"""The webhook edge under hostile and malformed input: unauthenticated or unreadable requests
get a 4xx and no work; a signed notification with malformed parts answers 200 after its valid
parts are queued; no size of a valid notification makes the enqueue fail; never a 5xx but an
unreachable queue's 503."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib import webhook
from chalicelib.store.queue import InboundQueue, read_body
from chalicelib.whatsapp.signature import sign
from tests import payloads as wa
from tests.conftest import APP_SECRET
from tests.integration.test_webhook import post, queued


def signed_raw(body: bytes) -> tuple[bytes, dict[str, str]]:
    return body, {"Content-Type": "application/json", "X-Hub-Signature-256": sign(body, APP_SECRET)}


def test_non_ascii_signature_header_is_refused_not_a_500():
    queue = RecordingQueue()
    answer = webhook.receive(b"{}", "sha256=\u00e9" + "0" * 63, APP_SECRET, queue)
    assert answer.status == 403 and queue.items == []


def test_json_nested_ten_thousand_deep_gets_a_400(client):
    body = b'{"a":' * 10_000 + b"1" + b"}" * 10_000
    assert post(client, *signed_raw(body)).status_code == 400


@pytest.mark.parametrize("bad_from", [6281234565678, {"id": "x"}, ["628"], None, "+62 812"])
def test_sender_of_the_wrong_type_is_dropped_and_the_rest_is_queued(client, stack, bad_from):
    good, bad = wa.text("halo"), wa.text("halo juga")
    bad["from"] = bad_from
    assert post(client, *wa.signed(wa.webhook([bad, good]), APP_SECRET)).status_code == 200
    assert [i["message"]["id"] for i in queued(stack)] == [good["id"]]


@pytest.mark.parametrize("bad_recipient", [6281234565678, {"id": "x"}])
def test_status_with_a_malformed_recipient_is_dropped(client, stack, bad_recipient):
    good = wa.status("wamid.GOODSTATUS", "delivered")
    bad = {**wa.status("wamid.BADSTATUS", "delivered"), "recipient_id": bad_recipient}
    payload = wa.webhook(statuses=[bad, good])
    assert post(client, *wa.signed(payload, APP_SECRET)).status_code == 200
    assert [i["status"]["id"] for i in queued(stack)] == ["wamid.GOODSTATUS"]


def test_lone_surrogate_in_a_text_is_queued_and_answered(client, stack):
    message = wa.text("tolong PLACEHOLDER bantu")
    body = wa.meta_bytes(wa.webhook([message])).replace(b"PLACEHOLDER", b"\\ud800")
    assert post(client, *signed_raw(body)).status_code == 200
    stack.drain()
    assert len(stack.sent_to(wa.CITIZEN)) == 1


def test_a_three_megabyte_text_is_queued_by_reference_and_processed(client, stack):
    message = wa.text("tolong " + "sangat panjang " * 200_000)
    body, headers = wa.signed(wa.webhook([message]), APP_SECRET)
    assert len(body) > 2_900_000
    assert post(client, body, headers).status_code == 200
    stack.drain()
    assert len(stack.sent_to(wa.CITIZEN)) == 1
    _session, seen = stack.services.store.load_conversation(wa.CITIZEN, message["id"])
    assert seen


def test_unreachable_queue_answers_503(client, stack, monkeypatch):
    from chalicelib.settings import get_settings

    missing = stack.outputs["InboundQueueUrl"].replace("inbound", "missing")
    monkeypatch.setenv("LIGAT_INBOUND_QUEUE_URL", missing)
    get_settings.cache_clear()
    assert post(client, *wa.signed(wa.webhook([wa.text("halo")]), APP_SECRET)).status_code == 503


# -- fuzzing: signed random and mutated Meta payloads ------------------------------------------


class RecordingQueue(InboundQueue):
    """The real batching and size rules, with SQS and S3 recorded instead of called."""

    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []
        self.spilled: dict[str, bytes] = {}
        super().__init__(self, "queue", lambda: self, "bucket")

    def send_message_batch(self, QueueUrl: str, Entries: list[dict[str, Any]]) -> dict:
        assert len(Entries) <= 10 and sum(len(e["MessageBody"]) for e in Entries) <= 256_000
        for entry in Entries:
            assert entry["MessageBody"].isascii() and len(entry["MessageGroupId"]) <= 128
            self.items.append(read_body(entry["MessageBody"], self, "bucket"))
        return {"Successful": [{"Id": e["Id"]} for e in Entries], "Failed": []}

    def put_object(self, Bucket: str, Key: str, Body: bytes, **_: Any) -> None:
        self.spilled[Key] = Body

    def get_object(self, Bucket: str, Key: str) -> dict[str, Any]:
        import io

        return {"Body": io.BytesIO(self.spilled[Key])}


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)
FIELDS = ("from", "id", "timestamp", "type", "text", "image", "interactive", "location", "context")


def mutate(message: dict[str, Any], field: str, value: Any, drop: bool) -> dict[str, Any]:
    mutated = dict(message)
    if drop:
        mutated.pop(field, None)
    else:
        mutated[field] = value
    return mutated


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    field=st.sampled_from(FIELDS),
    value=json_values,
    drop=st.booleans(),
    noise=st.lists(json_values, max_size=3),
)
def test_fuzzed_notification_never_5xx_and_its_valid_message_is_always_queued(
    field, value, drop, noise
):
    valid = wa.text("halo 👋 warga@contoh.id")
    payload = wa.webhook([wa.image("foto"), valid])
    value_ = payload["entry"][0]["changes"][0]["value"]
    value_["messages"][0] = mutate(value_["messages"][0], field, value, drop)
    value_["messages"].extend(noise)
    value_.setdefault("statuses", []).extend(noise)
    queue = RecordingQueue()

    answer = webhook.receive(*_signed_args(payload), queue)

    assert answer.status == 200
    assert valid["id"] in [i.get("message", {}).get("id") for i in queue.items]


@settings(max_examples=150, deadline=None)
@given(body=st.binary(max_size=300) | json_values.map(lambda v: json.dumps(v).encode()))
def test_fuzzed_bodies_get_an_answer_below_500(body):
    queue = RecordingQueue()
    for header in (sign(body, APP_SECRET), sign(body, "other"), None):
        answer = webhook.receive(body, header, APP_SECRET, queue)
        assert answer.status < 500
    assert all(isinstance(i, dict) for i in queue.items)


def _signed_args(payload: dict[str, Any]) -> tuple[bytes, str, str]:
    body = wa.meta_bytes(payload)
    return body, sign(body, APP_SECRET), APP_SECRET
