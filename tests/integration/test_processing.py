"""The processor: exactly one processing and one reply per WhatsApp message, whatever happens."""

from __future__ import annotations

import json
import threading

import pytest

from chalicelib.processor import process_item
from chalicelib.store.queue import encode
from chalicelib.whatsapp import envelope
from tests import payloads as wa


def queue_body(message: dict) -> dict:
    """The processor's input exactly as the webhook enqueues it."""
    [item] = envelope.split(wa.webhook([message]))
    return json.loads(encode(item))


def status_body(status: dict) -> dict:
    [item] = envelope.split(wa.webhook(statuses=[status]))
    return json.loads(encode(item))


def is_main_menu(body: dict) -> bool:
    interactive = body.get("interactive", {})
    rows = [r["id"] for s in interactive.get("action", {}).get("sections", []) for r in s["rows"]]
    return interactive.get("type") == "list" and "menu:complaint" in rows


def test_greeting_gets_the_main_menu_as_an_interactive_list(stack):
    process_item(queue_body(wa.text("Assalamualaikum")), stack.services)
    [reply] = stack.sent_to(wa.CITIZEN)
    assert is_main_menu(reply)
    assert reply["to"] == wa.CITIZEN and reply["messaging_product"] == "whatsapp"


@pytest.mark.parametrize(
    "message",
    [
        wa.text("halo"),
        wa.image("foto"),
        wa.document(),
        wa.voice(),
        wa.video(),
        wa.sticker(),
        wa.location(),
        wa.contacts(),
        wa.reaction(),
        wa.unsupported(),
        wa.template_button("menu", "Menu utama"),
        wa.list_reply("menu:info", "Informasi Layanan"),
        wa.button_reply("menu", "Menu utama"),
        {**wa.text("x"), "type": "hologram", "hologram": {"id": "1"}},
    ],
    ids=lambda m: m["type"],
)
def test_every_inbound_type_gets_a_reply_and_never_crashes(stack, message):
    process_item(queue_body(message), stack.services)
    assert len(stack.sent_to(wa.CITIZEN)) >= 1


def test_username_citizen_is_answered_by_business_scoped_id(stack):
    process_item(queue_body(wa.username_text("halo")), stack.services)
    [reply] = stack.graph.state.messages_to("ID.1199887766554433221")
    assert "to" not in reply and reply["recipient"] == "ID.1199887766554433221"


def test_duplicate_delivery_minutes_or_days_later_gets_no_second_reply(stack):
    body = queue_body(wa.text("halo"))
    process_item(body, stack.services)
    stack.clock.advance(minutes=7)
    process_item(body, stack.services)
    stack.clock.advance(days=3)
    process_item(body, stack.services)
    assert len(stack.sent_to(wa.CITIZEN)) == 1


class AtomicRequests:
    """DynamoDB applies each request atomically; moto's in-process backend does not, so the
    race is staged here between requests (read, then commit), never inside one."""

    def __init__(self, client):
        self._client, self._lock = client, threading.Lock()

    def __getattr__(self, name):
        method = getattr(self._client, name)

        def call(*args, **kwargs):
            with self._lock:
                return method(*args, **kwargs)

        return call


def test_two_concurrent_deliveries_commit_once_and_reply_once(stack):
    stack.services.store._db = AtomicRequests(stack.services.store._db)
    body = queue_body(wa.text("halo"))
    both_loaded = threading.Barrier(2, timeout=10)
    converse = stack.services.converse

    def slow_converse(*args, **kwargs):
        both_loaded.wait()  # both deliveries have read "not yet processed"
        return converse(*args, **kwargs)

    stack.services.converse = slow_converse
    errors = []

    def deliver():
        try:
            process_item(body, stack.services)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(stack.sent_to(wa.CITIZEN)) == 1


def test_crash_before_commit_loses_nothing_redelivery_replies_once(stack):
    body = queue_body(wa.text("halo"))
    converse = stack.services.converse

    def crash(*args, **kwargs):
        raise RuntimeError("Lambda ran out of time")

    stack.services.converse = crash
    with pytest.raises(RuntimeError):
        process_item(body, stack.services)
    assert stack.sent_to(wa.CITIZEN) == []

    stack.services.converse = converse
    process_item(body, stack.services)  # SQS redelivers after the visibility timeout
    assert len(stack.sent_to(wa.CITIZEN)) == 1


def test_crash_after_commit_before_sending_is_sent_once_by_the_sweep(stack):
    body = queue_body(wa.text("halo"))
    deliver = stack.services.outbox.deliver

    def crash(entries):
        raise RuntimeError("container frozen")

    stack.services.outbox.deliver = crash
    with pytest.raises(RuntimeError):
        process_item(body, stack.services)
    stack.services.outbox.deliver = deliver

    process_item(body, stack.services)  # redelivery: already committed, no second processing
    assert stack.sent_to(wa.CITIZEN) == []
    assert stack.services.outbox.sweep() == 0  # the crashed sender's lease still holds
    stack.clock.advance(minutes=3)
    # The lease ran out, but the sender may have sent before it died: wait for a status.
    assert stack.services.outbox.sweep() == 0
    stack.clock.advance(minutes=10)
    assert stack.services.outbox.sweep() == 1  # no status came: nothing went out
    assert stack.services.outbox.sweep() == 0
    assert len(stack.sent_to(wa.CITIZEN)) == 1


def test_rate_limited_reply_is_retried_inline_and_sent_once(stack):
    stack.graph.state.failures = [(429, 130429), (500, None)]
    process_item(queue_body(wa.text("halo")), stack.services)
    assert len(stack.sent_to(wa.CITIZEN)) == 1
    assert stack.graph.state.requests == 3


def test_outage_leaves_the_reply_pending_until_the_sweep_sends_it(stack):
    stack.graph.state.failures = [(503, None)] * 3 + [(400, 131056)]
    body = queue_body(wa.text("halo"))
    process_item(body, stack.services)
    assert stack.sent_to(wa.CITIZEN) == []
    entry = stack.services.store.outbox_entry(f"{body['message']['id']}#00")
    assert entry["status"] == "pending" and entry["attempts"] == 1

    assert stack.services.outbox.sweep() == 0  # not due yet
    stack.clock.advance(minutes=1)
    assert stack.services.outbox.sweep() == 1  # 131056 (pair rate limit) retried inline
    stack.clock.advance(hours=1)
    assert stack.services.outbox.sweep() == 0
    assert len(stack.sent_to(wa.CITIZEN)) == 1
    assert stack.services.store.outbox_entry(f"{body['message']['id']}#00")["status"] == "sent"


def test_permanent_error_is_recorded_and_not_retried(stack):
    stack.graph.state.failures = [(400, 131026)]
    body = queue_body(wa.text("halo"))
    process_item(body, stack.services)
    entry = stack.services.store.outbox_entry(f"{body['message']['id']}#00")
    assert entry["status"] == "failed" and "131026" in entry["last_error"]
    stack.clock.advance(days=1)
    assert stack.services.outbox.sweep() == 0
    assert stack.sent_to(wa.CITIZEN) == []


def test_stale_message_is_recorded_without_an_auto_reply(stack):
    old = wa.text("halo", at=stack.clock().timestamp() - 25 * 3600)
    process_item(queue_body(old), stack.services)
    assert stack.sent_to(wa.CITIZEN) == []
    _session, seen = stack.services.store.load_conversation(wa.CITIZEN, old["id"])
    assert seen


def test_delivery_statuses_move_forward_only_and_failed_is_terminal(stack):
    process_item(queue_body(wa.text("halo")), stack.services)
    wamid = stack.graph.state.sent[0].wamid
    store = stack.services.store
    for state in ("read", "delivered", "sent"):  # arrive out of order
        process_item(status_body(wa.status(wamid, state)), stack.services)
    record = store.outbound_message(wamid)
    assert record["delivery"] == "read" and record["recipient"] == wa.CITIZEN

    failed = wa.status(wamid, "failed", errors=[{"code": 131047, "title": "Re-engagement"}])
    process_item(status_body(failed), stack.services)
    process_item(status_body(wa.status(wamid, "read")), stack.services)
    record = store.outbound_message(wamid)
    assert record["delivery"] == "failed" and record["error_codes"] == [131047]


def test_status_arriving_before_the_sent_mark_is_kept(stack):
    store = stack.services.store
    process_item(status_body(wa.status("wamid.EARLYSTATUS01", "delivered")), stack.services)
    assert store.outbound_message("wamid.EARLYSTATUS01")["delivery"] == "delivered"
