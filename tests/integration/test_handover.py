"""Live hand-over on moto, through the signed-webhook pipeline and the staff API: the citizen asks
for a person, staff see the chat waiting, answer, the bot keeps quiet while they hold it, and
the chat goes back to the bot on release, on the citizen's word, or when the hold lapses. Replies
about a ticket reach the citizen inside and outside the 24-hour window; the rating after
`selesai` takes an optional comment and waits for the window when it is closed."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import boto3
import pytest

from chalicelib.clock import iso
from chalicelib.staff.roles import Role
from tests import payloads as wa
from tests.integration.test_ticket_api import filed
from tests.integration.test_tickets import Citizen
from tests.staffkit import body, open_staff_api

TUESDAY_10_WIB = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)  # office hours


@pytest.fixture
def api(stack, monkeypatch, tmp_path):
    from chalicelib import wiring

    stack.clock.moment = TUESDAY_10_WIB
    monkeypatch.setattr(wiring, "services", lambda: stack.services)  # the stack's clock
    yield from open_staff_api(stack, monkeypatch, tmp_path)


def texts(messages: list[dict]) -> str:
    return json.dumps(messages, ensure_ascii=False)


def asks_for_staff(citizen: Citizen) -> None:
    citizen.tap("menu:contact")
    assert "hand:ask" in texts(citizen.replies()[-1:])
    citizen.tap("hand:ask")
    assert "kami sambungkan dengan petugas" in texts(citizen.replies()[-1:])


def test_a_chat_with_staff_from_request_to_release(api, stack):
    citizen = Citizen(stack)
    citizen.say("Bansos lansia untuk ibu saya belum cair, kenapa ya?")
    asks_for_staff(citizen)
    admin = api.token(Role.ADMIN)

    [waiting] = body(api.get("/admin/conversations?waiting=true", admin))["conversations"]
    assert waiting["state"] == "waiting" and waiting["window_open"]
    assert wa.CITIZEN not in json.dumps(waiting)  # masked phone, opaque id
    conv = waiting["citizen"]

    before = len(citizen.replies())
    citizen.say("Bagaimana cara mendaftar PKH untuk ibu saya?")
    assert len(citizen.replies()) == before  # the bot keeps quiet: the question is for staff

    reply = {"text": "Bisa, Bu. Bawa KK dan KTP ibu ke kantor desa untuk diusulkan ke DTKS."}
    answered = api.post(f"/admin/conversations/{conv}/messages", reply, admin)
    assert answered.status_code == 201, answered.body
    assert body(answered)["delivery"] == "text"
    assert "Bawa KK dan KTP" in texts(citizen.replies()[-1:])
    assert body(api.get("/admin/conversations?waiting=true", admin))["conversations"] == []
    [held] = body(api.get("/admin/conversations", admin))["conversations"]
    assert held["state"] == "held" and held["held_by"] == "Petugas Admin"

    stack.clock.advance(seconds=30)
    citizen.say("Baik, terima kasih. Kantor desanya buka jam berapa?")
    assert "Bawa KK dan KTP" in texts(citizen.replies()[-1:])  # still quiet

    chat = body(api.get(f"/admin/conversations/{conv}", admin))
    lines = [(m["direction"], m["by"], m["text"]) for m in chat["messages"]]
    assert lines[0] == ("in", "warga", "Bansos lansia untuk ibu saya belum cair, kenapa ya?")
    assert ("in", "warga", "Bagaimana cara mendaftar PKH untuk ibu saya?") in lines
    assert ("out", "Petugas Admin", reply["text"]) in lines
    assert lines[-1] == ("in", "warga", "Baik, terima kasih. Kantor desanya buka jam berapa?")
    staff_line = next(m for m in chat["messages"] if m["by"] == "Petugas Admin")
    assert staff_line["status"] in ("sent", "delivered", "read")

    released = api.post(f"/admin/conversations/{conv}/release", {}, admin)
    assert released.status_code == 200 and body(released)["state"] == "none"
    assert "mengakhiri chat" in texts(citizen.replies()[-1:])
    citizen.say("halo")
    assert "menu" in texts(citizen.replies()[-1:]).lower()  # the bot answers again


def test_the_citizen_leaves_the_chat_with_a_word_and_a_lapsed_hold_returns_to_the_bot(api, stack):
    citizen = Citizen(stack)
    asks_for_staff(citizen)
    citizen.say("selesai")
    assert "chat dengan petugas kami akhiri" in texts(citizen.replies()[-2:])
    admin = api.token(Role.ADMIN)
    assert body(api.get("/admin/conversations", admin))["conversations"] == []

    asks_for_staff(citizen)
    [chat] = body(api.get("/admin/conversations", admin))["conversations"]
    api.post(
        f"/admin/conversations/{chat['citizen']}/messages",
        {"text": "Ada yang bisa dibantu?"},
        admin,
    )
    stack.clock.advance(minutes=61)  # nobody wrote for an hour: the hold lapsed
    citizen.say("halo")
    assert "Chat dengan petugas sudah berakhir" in texts(citizen.replies()[-2:])
    citizen.say("halo")
    assert "sudah berakhir" not in texts(citizen.replies()[-1:])  # said once


def test_a_cry_for_help_is_answered_even_while_staff_hold_the_chat(api, stack):
    citizen = Citizen(stack)
    asks_for_staff(citizen)
    citizen.say("Tolong ada orang tenggelam di sungai sekarang!")
    assert "112" in texts(citizen.replies()[-1:])


def test_the_request_is_not_offered_outside_office_hours(api, stack):
    stack.clock.moment = datetime(2026, 11, 28, 14, 0, tzinfo=UTC)  # Saturday evening
    citizen = Citizen(stack)
    citizen.tap("menu:contact")
    assert "hand:ask" not in texts(citizen.replies()[-1:])
    citizen.tap("hand:ask")  # an old button tapped late: no promise of a reply
    assert "di luar jam layanan" in texts(citizen.replies()[-1:])
    assert body(api.get("/admin/conversations", api.token(Role.ADMIN)))["conversations"] == []


def _close_the_window(stack, wa_id: str = wa.CITIZEN) -> None:
    boto3.client("dynamodb").update_item(
        TableName=stack.outputs["TableName"],
        Key={"pk": {"S": f"SESSION#{wa_id}"}, "sk": {"S": "SESSION"}},
        UpdateExpression="SET updated_at = :old",
        ExpressionAttributeValues={":old": {"S": iso(stack.clock() - timedelta(hours=25))}},
    )


def test_an_asesor_writes_to_the_reporter_of_a_ticket_in_their_scope(api, stack):
    number = filed(stack)
    code = stack.services.store.tickets.get(number).kecamatan.code
    asesor = api.token(Role.ASESOR, kecamatan=(code,))
    message = {"text": "Besok pagi kami berkunjung. Apakah ada yang bisa ditemui di rumah?"}
    answered = api.post(f"/admin/tickets/{number}/messages", message, asesor)
    assert answered.status_code == 201, answered.body
    assert body(answered)["delivery"] == "text"
    last = texts(stack.sent_to(wa.CITIZEN)[-1:])
    assert number in last and "Besok pagi kami berkunjung" in last

    citizen = Citizen(stack)
    citizen.say("Ada, istri saya di rumah sepanjang hari.")  # for the asesor, not the bot
    assert "Besok pagi" in texts(stack.sent_to(wa.CITIZEN)[-1:])
    detail = body(api.get(f"/admin/tickets/{number}", asesor))
    said = [(m["direction"], m["text"]) for m in detail["conversation"]]
    assert ("in", "Ada, istri saya di rumah sepanjang hari.") in said
    assert api.get("/admin/conversations", asesor).status_code == 403  # the inbox is the admins'

    outsider = api.token(Role.ASESOR, kecamatan=("14.04.01",))
    assert api.post(f"/admin/tickets/{number}/messages", message, outsider).status_code == 404
    pimpinan = api.token(Role.PIMPINAN)
    assert api.post(f"/admin/tickets/{number}/messages", message, pimpinan).status_code == 403


def test_outside_the_window_the_template_goes_first_and_the_text_when_the_citizen_answers(
    api, stack
):
    number = filed(stack)
    _close_the_window(stack)
    admin = api.token(Role.ADMIN)
    message = {"text": "Mohon kirimkan foto KK untuk melengkapi laporan."}
    answered = api.post(f"/admin/tickets/{number}/messages", message, admin)
    assert answered.status_code == 201 and body(answered)["delivery"] == "template"
    template = stack.sent_to(wa.CITIZEN)[-1]
    assert template["type"] == "template" and "foto KK" not in texts([template])

    conv = body(answered)["conversation"]["citizen"]
    again = api.post(f"/admin/conversations/{conv}/messages", {"text": "Foto KTP juga."}, admin)
    assert again.status_code == 201 and body(again)["delivery"] == "template"  # the inbox too

    Citizen(stack).say("Baik, ada kabar apa?")
    last = texts(stack.sent_to(wa.CITIZEN)[-2:])
    assert "foto KK" in last and "Foto KTP" in last  # released by the citizen's message


def test_the_inbox_cannot_write_outside_the_window_to_a_citizen_without_a_ticket(api, stack):
    citizen = Citizen(stack, "6281277770000")
    asks_for_staff(citizen)
    admin = api.token(Role.ADMIN)
    [chat] = body(api.get("/admin/conversations", admin))["conversations"]
    _close_the_window(stack, "6281277770000")
    path = f"/admin/conversations/{chat['citizen']}/messages"
    refused = api.post(path, {"text": "Halo?"}, admin)
    assert refused.status_code == 409 and body(refused)["error"] == "window_closed"


def test_after_selesai_the_rating_takes_a_comment_and_waits_for_a_closed_window(api, stack):
    number = filed(stack)
    admin = api.token(Role.ADMIN)
    for status in ("diverifikasi", "ditindaklanjuti", "selesai"):
        if status == "selesai":
            _close_the_window(stack)
        change = {"status": status, "public_note": f"Status: {status}."}
        moved = api.post(f"/admin/tickets/{number}/transitions", change, admin)
        assert moved.status_code == 200, moved.body
    assert stack.sent_to(wa.CITIZEN)[-1]["type"] == "template"  # no rating question yet

    citizen = Citizen(stack)
    citizen.say("Terima kasih, bantuannya sudah sampai.")
    assert f"rate:{number}:5" in texts(stack.sent_to(wa.CITIZEN)[-1:])  # asked now
    citizen.tap(f"rate:{number}:5")
    assert "Lewati" in texts(stack.sent_to(wa.CITIZEN)[-1:])
    citizen.say("Petugasnya ramah dan cepat datang.")
    rating = body(api.get(f"/admin/tickets/{number}", admin))["satisfaction"]
    assert rating["score"] == 5 and rating["comment"] == "Petugasnya ramah dan cepat datang."
    detail = body(api.get(f"/admin/tickets/{number}", admin))
    assert [n["kind"] for n in detail["notices"]][-1] == "template"
    assert all(n["status"] in ("sent", "delivered", "read") for n in detail["notices"])


def test_unknown_or_malformed_conversation_ids_are_404(api, stack):
    admin = api.token(Role.ADMIN)
    for conv in ("0" * 20, "..%2F..", "abc-def"):
        response = api.get(f"/admin/conversations/{conv}", admin)
        assert response.status_code == 404
    empty = api.post(f"/admin/conversations/{'0' * 20}/messages", {"text": "   "}, admin)
    assert empty.status_code == 400


def test_a_staff_reply_racing_a_citizen_message_loses_neither(api, stack):
    from chalicelib.store.dynamo import ConcurrentUpdate

    citizen = Citizen(stack)
    asks_for_staff(citizen)
    admin = api.token(Role.ADMIN)
    [chat] = body(api.get("/admin/conversations", admin))["conversations"]
    path = f"/admin/conversations/{chat['citizen']}"
    converse = stack.services.converse

    def staff_answer_meanwhile(*args, **kwargs):
        stack.services.converse = converse  # only once
        reply = {"text": "Selamat pagi, ada yang bisa kami bantu?"}
        assert api.post(f"{path}/messages", reply, admin).status_code == 201
        return converse(*args, **kwargs)

    # A message that only adds to the chat: no conflict, both kept.
    stack.services.converse = staff_answer_meanwhile
    citizen.say("Halo, saya mau bertanya soal bantuan sembako.")
    said = [(m["by"], m["text"]) for m in body(api.get(path, admin))["messages"]]
    assert ("Petugas Admin", "Selamat pagi, ada yang bisa kami bantu?") in said
    assert said.count(("warga", "Halo, saya mau bertanya soal bantuan sembako.")) == 1

    # A message that changes the chat (leaving it) on a stale read: refused, then redelivered.
    stack.services.converse = staff_answer_meanwhile
    leave = wa.text("selesai", at=stack.clock().timestamp())
    with pytest.raises(ConcurrentUpdate):  # SQS delivers it again
        citizen.send(leave)
    citizen.send(leave)
    assert body(api.get(path, admin))["state"] == "none"
    said = [(m["by"], m["text"]) for m in body(api.get(path, admin))["messages"]]
    assert said.count(("Petugas Admin", "Selamat pagi, ada yang bisa kami bantu?")) == 2
    assert said.count(("warga", "selesai")) == 1


def test_a_photo_sent_to_staff_is_kept_and_linked_not_answered_by_the_bot(api, stack):
    citizen = Citizen(stack)
    asks_for_staff(citizen)
    before = len(citizen.replies())
    citizen.send(wa.image(caption="Ini kartu KKS ibu saya"))
    assert len(citizen.replies()) == before
    admin = api.token(Role.ADMIN)
    [chat] = body(api.get("/admin/conversations", admin))["conversations"]
    [photo] = [
        m
        for m in body(api.get(f"/admin/conversations/{chat['citizen']}", admin))["messages"]
        if m["kind"] == "image"
    ]
    assert photo["text"] == "[foto] Ini kartu KKS ibu saya"
    assert "/evidence/" in photo["media_url"] and "Signature" in photo["media_url"]


def test_the_dashboard_counts_what_is_new_urgent_and_waiting_per_role(api, stack):
    number = filed(stack)
    asks_for_staff(Citizen(stack, "6281255550000"))
    admin = api.token(Role.ADMIN)
    figures = body(api.get("/admin/dashboard", admin))
    assert figures["today"] == 1 and figures["week"] == 1 and figures["open"] == 1
    assert figures["waiting_conversations"] == 1
    assert len(figures["per_day"]) == 30 and figures["per_day"][-1]["count"] == 1
    assert sum(d["count"] for d in figures["per_day"]) == sum(
        s["count"] for s in figures["per_service"]
    )
    [kecamatan] = figures["per_kecamatan"]
    assert kecamatan["count"] == 1 and kecamatan["label"]
    assert figures["per_status"] == [{"key": "diterima", "label": "Diterima", "count": 1}]

    code = stack.services.store.tickets.get(number).kecamatan.code
    elsewhere = body(api.get("/admin/dashboard", api.token(Role.ASESOR, kecamatan=("14.04.01",))))
    assert elsewhere["today"] == 0 and elsewhere["waiting_conversations"] is None
    mine = body(api.get("/admin/dashboard", api.token(Role.ASESOR, kecamatan=(code,))))
    assert mine["today"] == 1


def test_an_erasure_removes_the_citizens_chats_with_staff_and_their_photos(api, stack):
    citizen = Citizen(stack)
    citizen.say("Bansos lansia untuk ibu saya belum cair, kenapa ya?")
    asks_for_staff(citizen)
    stack.graph.state.media["1234567890"] = (b"\xff\xd8\xff\xe0 foto", "image/jpeg")
    citizen.send(wa.image(caption="Ini kartu KKS ibu saya"))
    admin = api.token(Role.ADMIN)
    [chat] = body(api.get("/admin/conversations", admin))["conversations"]

    erased = api.post("/admin/erasures", {"whatsapp": wa.CITIZEN}, admin)
    assert erased.status_code == 200, erased.body
    assert body(erased)["erased"]["chat_messages"] >= 4
    assert api.get(f"/admin/conversations/{chat['citizen']}", admin).status_code == 404
    table = stack.outputs["TableName"]
    left = boto3.client("dynamodb").scan(TableName=table)["Items"]  # test only: look everywhere
    assert not [i for i in left if i["pk"]["S"].startswith(("CHAT#", "CONV#"))]
    versions = boto3.client("s3").list_object_versions(
        Bucket=stack.settings.media_bucket, Prefix="evidence/"
    )
    assert not versions.get("Versions") and not versions.get("DeleteMarkers")
