"""The pipeline's promises under a bad network and bad input (issue 7): a slow Graph API never
doubles a reply, a lost commit response is not misread, a poison item holds nobody up, and the
media fetcher takes the access token nowhere but Meta's hosts."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from botocore.exceptions import ClientError

from chalicelib.outbox import SETTLE_AFTER
from chalicelib.processor import QueueRecord, process_batch, process_item
from chalicelib.store.queue import encode
from chalicelib.whatsapp import envelope
from chalicelib.whatsapp.client import GraphClient, GraphError, MediaRefused
from tests import payloads as wa

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def queue_body(message: dict) -> str:
    [item] = envelope.split(wa.webhook([message]))
    return encode(item)


def status_item(status: dict) -> dict:
    [item] = envelope.split(wa.webhook(statuses=[status]))
    return json.loads(encode(item))


def record(message: dict, n: int = 0) -> QueueRecord:
    return QueueRecord(f"sqs-{message['id'][-8:]}-{n}", message["from"], queue_body(message))


def impatient_graph(stack, timeout: float = 0.3) -> None:
    """The outbox's client gives up on an answer quickly (production: 6 s)."""
    settings = stack.settings
    stack.services.outbox._graph = GraphClient(
        settings.whatsapp_api_url, settings.whatsapp_phone_number_id, "test-token", timeout
    )


def status_webhook_for(stack, sent, state: str = "sent") -> dict:
    """The status webhook Meta sends for a message we sent, echoing our callback data."""
    status = wa.status(sent.wamid, state, recipient=sent.body["to"])
    status["biz_opaque_callback_data"] = sent.body["biz_opaque_callback_data"]
    return status_item(status)


# -- 1. a slow Graph API ---------------------------------------------------------------------


def test_send_without_an_answer_is_not_repeated_and_its_status_settles_it(stack):
    impatient_graph(stack)
    stack.graph.state.holds[wa.CITIZEN] = 2.0  # accepted, answered after the client gave up
    message = wa.text("halo")
    process_item(json.loads(queue_body(message)), stack.services)
    [sent] = stack.graph.state.sent
    entry_id = f"{message['id']}#00"
    assert sent.body["biz_opaque_callback_data"] == entry_id
    assert stack.services.store.outbox_entry(entry_id)["status"] == "unknown"

    stack.clock.advance(minutes=1)
    assert stack.services.outbox.sweep() == 0  # not resent blindly
    process_item(status_webhook_for(stack, sent), stack.services)
    entry = stack.services.store.outbox_entry(entry_id)
    assert entry["status"] == "sent" and entry["wamid"] == sent.wamid
    assert stack.services.store.outbound_message(sent.wamid)["entry_id"] == entry_id

    stack.clock.advance(hours=1)
    assert stack.services.outbox.sweep() == 0
    assert len(stack.sent_to(wa.CITIZEN)) == 1


def test_unanswered_send_without_any_status_is_resent_once_after_the_settling_time(stack):
    impatient_graph(stack)
    stack.graph.state.holds[wa.CITIZEN] = 1.0
    process_item(json.loads(queue_body(wa.text("halo"))), stack.services)
    stack.graph.state.holds.clear()
    stack.clock.advance(seconds=SETTLE_AFTER.total_seconds() - 30)
    assert stack.services.outbox.sweep() == 0
    stack.clock.advance(minutes=1)
    assert stack.services.outbox.sweep() == 1
    stack.clock.advance(hours=2)
    assert stack.services.outbox.sweep() == 0
    assert len(stack.sent_to(wa.CITIZEN)) == 2  # the one that hung, and the one resend


def test_later_replies_of_the_turn_wait_behind_an_unsettled_one_and_follow_it(stack):
    from chalicelib.store.dynamo import OutboxEntry, TurnCommit

    impatient_graph(stack)
    stack.graph.state.holds[wa.CITIZEN] = 1.0
    store, outbox = stack.services.store, stack.services.outbox
    commit = TurnCommit(wamid="wamid.TURN01", citizen=wa.CITIZEN, processed_at=stack.clock())
    commit.outbox = [
        OutboxEntry(f"wamid.TURN01#0{n}", wa.CITIZEN, {"kind": "text", "body": text})
        for n, text in enumerate(("satu", "dua"))
    ]
    store.commit_turn(commit)  # as the processor leaves a turn: committed, leased to it
    outbox.deliver(commit.outbox)
    [first] = stack.graph.state.sent  # the second did not overtake the unsettled first
    assert store.outbox_entry("wamid.TURN01#01")["status"] == "pending"
    stack.graph.state.holds.clear()

    process_item(status_webhook_for(stack, first), stack.services)
    stack.clock.advance(seconds=1)
    assert outbox.sweep() == 1
    assert [s.body["text"]["body"] for s in stack.graph.state.sent] == ["satu", "dua"]


def test_one_citizens_hanging_send_does_not_hold_up_another_citizens_reply(stack):
    slow, quick = wa.text("halo", sender="6281111110001"), wa.text("halo", sender="6281111110002")
    stack.graph.state.holds[slow["from"]] = 10.0
    failed: list[str] = []
    batch = threading.Thread(
        target=lambda: failed.extend(process_batch([record(slow), record(quick)], stack.services))
    )
    batch.start()
    try:
        deadline = time.monotonic() + 8
        while not stack.sent_to(quick["from"]) and time.monotonic() < deadline:
            time.sleep(0.02)
        answered_while_the_other_hung = bool(stack.sent_to(quick["from"]))
    finally:
        stack.graph.state.release.set()
        batch.join()
    assert answered_while_the_other_hung
    assert failed == []


# -- 2. idempotent commits and marks ----------------------------------------------------------


class LostResponse:
    """A DynamoDB client whose first TransactWriteItems commits but whose answer is lost, so
    the call is retried with the same parameters (as botocore does)."""

    def __init__(self, client):
        self._client, self.tokens = client, []

    def __getattr__(self, name):
        return getattr(self._client, name)

    def transact_write_items(self, **request):
        self.tokens.append(request.get("ClientRequestToken"))
        if len(self.tokens) == 1:
            self._client.transact_write_items(**request)  # committed; the response is lost
        return self._client.transact_write_items(**request)  # the retry


def test_commit_retried_after_a_lost_response_is_recognised_as_ours(stack):
    lossy = LostResponse(stack.services.store._db)
    stack.services.store._db = lossy
    process_item(json.loads(queue_body(wa.text("halo"))), stack.services)
    assert lossy.tokens[0]  # the commit carries an idempotency token (DynamoDB honours it)
    assert len(stack.sent_to(wa.CITIZEN)) == 1  # sent now, not two minutes late


def test_failed_sent_mark_never_causes_a_second_send(stack):
    store = stack.services.store
    mark_sent = store.mark_sent

    def unlucky(*args, **kwargs):
        raise ClientError({"Error": {"Code": "InternalServerError"}}, "TransactWriteItems")

    store.mark_sent = unlucky
    process_item(json.loads(queue_body(wa.text("halo"))), stack.services)
    store.mark_sent = mark_sent
    [sent] = stack.graph.state.sent

    stack.clock.advance(minutes=3)  # the lease is over: the entry is uncertain, not unsent
    assert stack.services.outbox.sweep() == 0
    process_item(status_webhook_for(stack, sent, "delivered"), stack.services)
    stack.clock.advance(hours=1)
    assert stack.services.outbox.sweep() == 0
    assert len(stack.sent_to(wa.CITIZEN)) == 1


# -- 3. poison items ---------------------------------------------------------------------------


def test_poison_item_in_a_batch_of_five_is_recorded_and_holds_up_nobody(stack):
    citizens = [f"62812000000{n:02d}" for n in range(5)]
    records = [record(wa.text("halo", sender=c)) for c in citizens]
    poison = json.loads(records[2].body)
    poison["message"]["timestamp"] = "1e20"  # queued before the edge checked timestamps
    records[2] = QueueRecord(records[2].id, records[2].group, json.dumps(poison))

    assert process_batch(records, stack.services) == []  # nothing to retry, ever
    for n, citizen in enumerate(citizens):
        assert len(stack.sent_to(citizen)) == (0 if n == 2 else 1)
    kept = stack.services.store._get(f"MSG#{poison['message']['id']}", "MSG")
    assert kept["note"] == "poison" and kept["error"] == "ValidationError"
    assert json.loads(kept["body"]) == poison


def test_passing_failure_retries_only_that_citizen_and_keeps_their_order(stack):
    first, second = wa.text("halo"), wa.text("menu")
    other = wa.text("halo", sender="6285211112222")
    records = [record(first), record(second, 1), record(other)]
    load = stack.services.store.load_conversation

    def throttled(citizen, wamid):
        if citizen == wa.CITIZEN:
            raise ClientError(
                {"Error": {"Code": "ProvisionedThroughputExceededException"}}, "BatchGetItem"
            )
        return load(citizen, wamid)

    stack.services.store.load_conversation = throttled
    failed = process_batch(records, stack.services)
    assert failed == [records[0].id, records[1].id]
    assert len(stack.sent_to(other["from"])) == 1


def test_webhook_refuses_a_timestamp_that_is_not_a_plausible_unix_time():
    for timestamp in ("1e20", "abc", "99999999999", "-5", ""):
        assert envelope.split(wa.webhook([{**wa.text("halo"), "timestamp": timestamp}])) == []


# -- 5. media: only Meta's hosts, no redirects, bounded ---------------------------------------


class OtherHost:
    """A server that is not Meta's: records whether our access token ever reached it."""

    def __init__(self):
        self.authorizations: list[str | None] = []
        seen = self.authorizations

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                seen.append(self.headers.get("Authorization"))
                self.send_response(200)
                self.send_header("Content-Length", str(len(JPEG)))
                self.end_headers()
                self.wfile.write(JPEG)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def close(self):
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def other_host():
    host = OtherHost()
    yield host
    host.close()


def copy_job(stack, media_id: str) -> dict:
    job = {"key": f"evidence/test/{media_id}", "media_id": media_id, "mime_type": "image/jpeg"}
    stack.services.evidence.copy(job)
    return stack.services.store.media_job(job["key"])


@pytest.mark.parametrize("how", ["redirect", "other port", "file"])
def test_media_url_off_metas_hosts_gets_no_token_and_fails_at_once(stack, other_host, how):
    state = stack.graph.state
    state.media["880001"] = (JPEG, "image/jpeg")
    if how == "redirect":
        state.redirects["880001"] = f"{other_host.url}/steal"
    elif how == "other port":
        state.media_urls["880001"] = f"{other_host.url}/download"
    else:
        state.media_urls["880001"] = "file:///etc/passwd"

    job = copy_job(stack, "880001")

    assert other_host.authorizations == []
    assert job["status"] == "failed" and job["attempts"] == 1  # permanent: not retried
    s3 = stack.services.s3
    listed = s3.list_objects_v2(Bucket=stack.settings.media_bucket, Prefix="evidence/test/")
    assert listed.get("KeyCount", 0) == 0


def test_oversized_media_is_refused_while_streaming_and_not_retried(stack, monkeypatch):
    from chalicelib import media

    monkeypatch.setattr(media, "MAX_BYTES", 1000)
    stack.graph.state.media["880002"] = (JPEG + b"\x00" * 5000, "image/jpeg")
    job = copy_job(stack, "880002")
    assert job["status"] == "failed" and job["attempts"] == 1


def test_media_ids_are_checked_before_they_reach_a_url_or_a_key(stack):
    with pytest.raises(MediaRefused):
        stack.services.outbox._graph.media_url("../../me?fields=id")
    for media_id in ("../../x", "12 34", "abc", "1" * 40):
        message = wa.image(media_id=media_id)
        assert envelope.split(wa.webhook([message])) == []


def test_unreachable_graph_api_is_a_definite_failure_not_an_unknown_one():
    client = GraphClient("http://127.0.0.1:9/v25.0", "1", "t", connect_timeout=0.5)
    with pytest.raises(GraphError) as raised:
        client.mark_read("wamid.X")
    assert raised.value.retryable and not raised.value.outcome_unknown


# -- 8. delivery records ------------------------------------------------------------------------


def test_status_for_an_unknown_message_expires_within_days(stack):
    process_item(status_item(wa.status("wamid.NEVERSENTBYUS", "delivered")), stack.services)
    record_ = stack.services.store.outbound_message("wamid.NEVERSENTBYUS")
    days = (record_["expires_at"] - stack.clock().timestamp()) / 86400
    assert 7 <= days <= 9


def test_delivery_record_of_our_own_message_is_kept_for_a_year(stack):
    process_item(json.loads(queue_body(wa.text("halo"))), stack.services)
    [sent] = stack.graph.state.sent
    process_item(status_item(wa.status(sent.wamid, "delivered")), stack.services)
    record_ = stack.services.store.outbound_message(sent.wamid)
    assert (record_["expires_at"] - stack.clock().timestamp()) / 86400 > 300
