"""The staff ticket API on moto: the queue by role, the detail masked by role, the SPEC §3 moves
with their roles, version checks, the citizen told on WhatsApp, cursors that neither skip nor
repeat, and no Scan on any request path."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import boto3
import pytest

from chalicelib.catalogue.office import load_office
from chalicelib.clock import iso
from chalicelib.staff.roles import Role
from chalicelib.store.tickets import TicketStore
from chalicelib.tickets.intake import ticket_from_draft
from tests import payloads as wa
from tests.integration.test_tickets import TICKET, Citizen, file_complaint
from tests.staffkit import body, open_staff_api

TEMBILAHAN = "14.04.05"  # Kemendagri code of Kec. Tembilahan, where the complaints are filed


@pytest.fixture
def api(stack, monkeypatch, tmp_path):
    from chalicelib import wiring

    monkeypatch.setattr(wiring, "services", lambda: stack.services)  # the stack's clock
    yield from open_staff_api(stack, monkeypatch, tmp_path)


def filed(stack, wa_id: str = wa.CITIZEN, anonymous: bool = False) -> str:
    citizen = Citizen(stack, wa_id)
    file_complaint(citizen, "Sudah tiga hari tidur di emperan toko dan tampak lapar sekali.")
    [number] = set(TICKET.findall(json.dumps(citizen.replies()[-1])))
    if anonymous:
        store = stack.services.store.tickets
        ticket = store.get(number)
        store.save(
            ticket.model_copy(update={"anonymous": True, "version": ticket.version + 1}),
            ticket.version,
            [],
        )
    return number


def kecamatan_of(stack, number: str) -> str:
    return stack.services.store.tickets.get(number).kecamatan.code


def test_admin_lists_verifies_with_a_public_note_and_the_citizen_is_told(api, stack):
    number = filed(stack)
    admin = api.token(Role.ADMIN)
    listed = body(api.get("/admin/tickets?status=diterima", admin))
    assert [t["number"] for t in listed["tickets"]] == [number]

    before = len(stack.sent_to(wa.CITIZEN))
    change = {
        "status": "diverifikasi",
        "public_note": "Laporan sudah kami periksa; petugas akan datang minggu ini.",
        "internal_note": "Koordinasi dengan kepala desa dulu",
        "version": listed["tickets"][0]["version"],
    }
    response = api.post(f"/admin/tickets/{number}/transitions", change, admin)
    assert response.status_code == 200, response.body
    ticket = body(response)
    assert ticket["status"] == "diverifikasi" and ticket["verified_at"]
    assert [e["kind"] for e in ticket["history"]] == ["created", "status"]

    [notice] = stack.sent_to(wa.CITIZEN)[before:]
    text = notice["text"]["body"]
    assert number in text and "Diverifikasi" in text and "petugas akan datang" in text
    assert "kepala desa" not in text  # the internal note never leaves the office
    assert notice["biz_opaque_callback_data"].startswith(f"notify#{number}#")


def test_outside_the_24_hour_window_the_approved_template_is_used(api, stack):
    number = filed(stack)
    boto3.client("dynamodb").update_item(
        TableName=stack.outputs["TableName"],
        Key={"pk": {"S": f"SESSION#{wa.CITIZEN}"}, "sk": {"S": "SESSION"}},
        UpdateExpression="SET updated_at = :old",
        ExpressionAttributeValues={":old": {"S": iso(datetime.now(UTC) - timedelta(hours=25))}},
    )
    admin = api.token(Role.ADMIN)
    change = {"status": "diverifikasi", "public_note": "Sudah diverifikasi."}
    assert api.post(f"/admin/tickets/{number}/transitions", change, admin).status_code == 200
    notice = stack.sent_to(wa.CITIZEN)[-1]
    assert notice["type"] == "template"
    assert notice["template"]["name"] == "ligat_status_update"
    params = [p["text"] for p in notice["template"]["components"][0]["parameters"]]
    assert params == [number, "Diverifikasi"]


def test_a_move_spec_3_does_not_allow_is_refused_with_the_allowed_next_states(api, stack):
    number = filed(stack)
    admin = api.token(Role.ADMIN)
    response = api.post(f"/admin/tickets/{number}/transitions", {"status": "selesai"}, admin)
    assert response.status_code == 409
    answer = body(response)
    assert answer["error"] == "transition_refused"
    assert answer["fields"][0]["message"] == "diverifikasi, ditolak, dialihkan"
    assert body(api.get(f"/admin/tickets/{number}", admin))["status"] == "diterima"


def test_two_staff_changing_the_same_ticket_cannot_overwrite_each_other(api, stack):
    number = filed(stack)
    admin = api.token(Role.ADMIN)
    version = body(api.get(f"/admin/tickets/{number}", admin))["version"]
    first = {"text": "Saya yang tangani", "version": version}
    second = {"text": "Tidak, saya", "version": version}
    assert api.post(f"/admin/tickets/{number}/notes", first, admin).status_code == 200
    conflict = api.post(f"/admin/tickets/{number}/notes", second, admin)
    assert conflict.status_code == 409 and body(conflict)["error"] == "version_conflict"


def test_asesor_sees_their_kecamatan_moves_along_the_assessment_only(api, stack):
    number = filed(stack)
    code = kecamatan_of(stack, number)
    admin = api.token(Role.ADMIN)
    here = api.token(Role.ASESOR, kecamatan=(code,))
    elsewhere = api.token(Role.ASESOR, kecamatan=("14.04.01",))

    assert [t["number"] for t in body(api.get("/admin/tickets", here))["tickets"]] == [number]
    assert body(api.get("/admin/tickets", elsewhere))["tickets"] == []
    assert api.get(f"/admin/tickets/{number}", elsewhere).status_code == 404

    verify = {"status": "diverifikasi"}
    assert api.post(f"/admin/tickets/{number}/transitions", verify, here).status_code == 403
    assert api.post(f"/admin/tickets/{number}/transitions", verify, admin).status_code == 200
    visit = {"status": "asesmen", "public_note": "Petugas akan berkunjung besok."}
    assert api.post(f"/admin/tickets/{number}/transitions", visit, here).status_code == 200
    record = {"visit_date": "2026-12-03", "findings": "Rumah rusak", "recommendation": "usul_pkh"}
    assessed = api.post(f"/admin/tickets/{number}/assessment", record, here)
    assert assessed.status_code == 200 and body(assessed)["assessment"]["by"]
    detail = body(api.get(f"/admin/tickets/{number}", here))
    assert detail["nik"] is None or "*" in detail["nik"]


def test_anonymous_reporter_is_never_shown_to_an_asesor_nor_the_head_of_office(api, stack):
    number = filed(stack, anonymous=True)
    code = kecamatan_of(stack, number)
    for viewer in (api.token(Role.ASESOR, kecamatan=(code,)), api.token(Role.PIMPINAN)):
        listed = json.dumps(body(api.get("/admin/tickets", viewer)))
        detail = json.dumps(body(api.get(f"/admin/tickets/{number}", viewer)))
        for shown in (listed, detail):
            assert "(dirahasiakan)" in shown
            assert wa.CITIZEN not in shown and wa.CITIZEN_NAME not in shown
    admin_view = body(api.get(f"/admin/tickets/{number}", api.token(Role.ADMIN)))
    assert admin_view["reporter_name"] == wa.CITIZEN_NAME


def test_pimpinan_reads_but_changes_nothing(api, stack):
    number = filed(stack)
    head = api.token(Role.PIMPINAN)
    assert api.get(f"/admin/tickets/{number}", head).status_code == 200
    change = {"status": "diverifikasi"}
    assert api.post(f"/admin/tickets/{number}/transitions", change, head).status_code == 403


def test_bad_filters_and_bodies_get_a_400_naming_the_field(api, stack):
    admin = api.token(Role.ADMIN)
    bad = api.get("/admin/tickets?status=hilang", admin)
    assert bad.status_code == 400 and body(bad)["fields"][0]["field"] == "status"
    assert api.get("/admin/tickets?cursor=bukan-penanda", admin).status_code == 400
    number = filed(stack)
    wrong = api.post(f"/admin/tickets/{number}/transitions", {"status": 5}, admin)
    assert wrong.status_code == 400 and body(wrong)["fields"][0]["field"] == "status"
    assert api.get("/admin/tickets/LGT-0000-0000", admin).status_code == 404


def seed_tickets(stack, count: int, start: datetime) -> list[str]:
    """Tickets written as the processor writes them, one minute apart."""
    store: TicketStore = stack.services.store.tickets
    numbers = []
    for n in range(count):
        now = start + timedelta(minutes=n)
        draft = {"service_id": "pkh", "kecamatan": {"code": TEMBILAHAN, "name": "Tembilahan"}}
        ticket, event = ticket_from_draft(
            f"LGT-2612-{n + 1:04d}", draft, f"62812{n:08d}", now, load_office()
        )
        stack.services.store.client.transact_write_items(
            TransactItems=store.creation_writes(ticket, event)
        )
        numbers.append(ticket.number)
    return numbers


class OperationLog:
    """Every DynamoDB operation the API makes while listed here."""

    def __init__(self) -> None:
        self.operations: list[str] = []

    def __call__(self, event_name: str, **_kwargs: object) -> None:
        self.operations.append(event_name.rsplit(".", 1)[-1])


def test_cursor_pages_never_skip_or_repeat_while_tickets_arrive_and_never_scan(api, stack):
    start = stack.clock() - timedelta(days=1)
    numbers = seed_tickets(stack, 60, start)
    admin = api.token(Role.ADMIN)
    operations = OperationLog()
    events = stack.dynamodb.meta.events  # the client every ticket request goes through
    events.register("before-call.dynamodb", operations, unique_id="no-scan")
    try:
        seen: list[str] = []
        cursor = None
        while True:
            path = "/admin/tickets?limit=25" + (f"&cursor={cursor}" if cursor else "")
            page = body(api.get(path, admin))
            seen += [t["number"] for t in page["tickets"]]
            seed_ticket_now(stack, len(seen))  # a new ticket arrives between two pages
            cursor = page["cursor"]
            if not cursor:
                break
        detail = api.get(f"/admin/tickets/{numbers[0]}", admin)
        assert detail.status_code == 200
    finally:
        events.unregister("before-call.dynamodb", unique_id="no-scan")
    originals = [n for n in seen if n in numbers]
    assert sorted(originals) == sorted(numbers) and len(originals) == len(set(originals))
    assert "Scan" not in operations.operations and "Query" in operations.operations


def seed_ticket_now(stack, n: int) -> None:
    store = stack.services.store.tickets
    ticket, event = ticket_from_draft(
        f"LGT-2612-9{n:03d}",
        {"service_id": "pkh"},
        "6281299999999",
        datetime.now(UTC),
        load_office(),
    )
    stack.services.store.client.transact_write_items(
        TransactItems=store.creation_writes(ticket, event)
    )


def test_every_read_and_change_is_in_the_audit_log_for_admins_only(api, stack):
    number = filed(stack)
    admin = api.token(Role.ADMIN)
    api.get(f"/admin/tickets/{number}", admin)
    api.post(f"/admin/tickets/{number}/transitions", {"status": "diverifikasi"}, admin)
    events = body(api.get(f"/admin/audit?ticket={number}", admin))["events"]
    assert [e["action"] for e in events] == ["ticket.transition", "ticket.read"]
    assert events[0]["detail"] == {"kind": "status", "from": "diterima", "to": "diverifikasi"}
    me = body(api.get("/admin/me", admin))["id"]
    assert {e["action"] for e in body(api.get(f"/admin/audit?staff={me}", admin))["events"]} >= {
        "ticket.read",
        "ticket.transition",
    }
    assert api.get("/admin/audit", api.token(Role.ASESOR)).status_code == 403
    assert api.get("/admin/audit?ticket=bukan", admin).status_code == 400


def test_a_notice_refused_for_a_closed_window_is_resent_once_as_the_template(api, stack):
    from chalicelib.processor import process_item
    from tests.integration.test_reliability import status_item

    number = filed(stack)
    admin = api.token(Role.ADMIN)
    change = {"status": "diverifikasi", "public_note": "Sudah kami periksa."}
    assert api.post(f"/admin/tickets/{number}/transitions", change, admin).status_code == 200
    notice = stack.graph.state.sent[-1]
    assert notice.body["type"] == "text"
    failed = wa.status(notice.wamid, "failed", errors=[{"code": 131047, "title": "Re-engagement"}])
    for _delivery in range(2):  # Meta may deliver the status twice
        process_item(status_item(failed), stack.services)
    templates = [m for m in stack.sent_to(wa.CITIZEN) if m["type"] == "template"]
    assert len(templates) == 1
    params = [p["text"] for p in templates[0]["template"]["components"][0]["parameters"]]
    assert params == [number, "Diverifikasi"]


def test_a_campaign_coded_greeting_gets_the_menu_and_is_counted_once(api, stack):
    from chalicelib.clock import wib_day
    from chalicelib.processor import process_item
    from chalicelib.sosialisasi.campaign import greeting_with_code
    from tests.integration.test_processing import is_main_menu, queue_body

    greeting = greeting_with_code("Halo Dinas Sosial", "TBH01")
    body_ = queue_body(wa.text(greeting, sender="6281277770001"))
    process_item(body_, stack.services)
    process_item(body_, stack.services)  # Meta delivers it twice
    [reply] = stack.sent_to("6281277770001")
    assert is_main_menu(reply) and "TBH01" not in json.dumps(reply)
    day = wib_day(stack.clock())
    assert stack.services.store.campaign_counts(day) == {"TBH01": 1}

    head = api.token(Role.PIMPINAN)
    counts = body(api.get(f"/admin/sosialisasi?start={day}&end={day}", head))
    assert counts["totals"] == {"TBH01": 1} and counts["days"] == {day: {"TBH01": 1}}
    assert api.get(f"/admin/sosialisasi?start={day}&end=2030-01-01", head).status_code == 400


def test_the_morning_check_flags_new_breaches_and_tells_the_admins_once(api, stack):
    from moto.backends import get_backend

    from chalicelib.tickets.overdue import OverdueCheck

    number = filed(stack)
    api.add(Role.ADMIN, email="kabid@dinsos.test")
    store = stack.services.store

    def check() -> list:
        admins = lambda: ["kabid@dinsos.test"]  # noqa: E731
        return OverdueCheck(
            store, store.tickets, stack.clock, admins, stack.services.outbox.deliver
        ).run()

    assert check() == []  # nothing is late yet
    stack.clock.advance(days=20)  # verification (3) and first response (5 working days) missed
    assert check() == [(number, ("verification", "first_response"))]
    assert check() == []  # never twice for the same breach
    ses = get_backend("ses")["123456789012"]["ap-southeast-3"]
    [mail] = [m for m in ses.sent_messages if "batas layanan" in m.subject]
    assert number in mail.body and "verifikasi" in mail.body
    history = body(api.get(f"/admin/tickets/{number}", api.token(Role.ADMIN)))["history"]
    assert history[-1]["detail"] == {"overdue": ["verification", "first_response"]}


def test_urgent_alerts_go_to_the_duty_officers_marked_in_the_staff_directory(api, stack):
    from moto.backends import get_backend

    account = api.add(Role.ADMIN, email="piket@dinsos.test")
    admin = api.token(Role.ADMIN)
    duty = {"duty_officer": True, "whatsapp": "6281377770000"}
    assert api.patch(f"/admin/staff/{account['id']}", duty, admin).status_code == 200

    citizen = Citizen(stack, "6281288880000")
    citizen.say("Rumah warga terbakar, satu keluarga tidak punya tempat tinggal.")
    citizen.tap("urg:start")
    citizen.say("Tembilahan Kota")
    citizen.tap("rpt:send")

    [alert] = [m for m in stack.sent_to("6281377770000") if m["type"] == "template"]
    assert alert["template"]["name"] == "ligat_staff_alert"
    ses = get_backend("ses")["123456789012"]["ap-southeast-3"]
    assert any("piket@dinsos.test" in json.dumps(m.destinations) for m in ses.sent_messages)


def test_after_selesai_the_citizen_rates_the_handling_once(api, stack):
    number = filed(stack)
    admin = api.token(Role.ADMIN)
    moves = ("diverifikasi", "ditindaklanjuti", "selesai")
    for status in moves:
        change = {"status": status, "public_note": f"Status: {status}."}
        assert api.post(f"/admin/tickets/{number}/transitions", change, admin).status_code == 200
    question = stack.sent_to(wa.CITIZEN)[-1]
    assert question["type"] == "interactive" and question["interactive"]["type"] == "list"
    rows = question["interactive"]["action"]["sections"][0]["rows"]
    assert [r["id"] for r in rows] == [f"rate:{number}:{n}" for n in (5, 4, 3, 2, 1)]

    citizen = Citizen(stack)
    citizen.tap(f"rate:{number}:4")
    citizen.tap(f"rate:{number}:1")  # a second tap changes nothing
    assert "Terima kasih atas penilaian" in json.dumps(stack.sent_to(wa.CITIZEN)[-1])
    ticket = body(api.get(f"/admin/tickets/{number}", admin))
    assert ticket["satisfaction"]["score"] == 4
    assert ticket["history"][-1]["kind"] == "satisfaction"

    stranger = Citizen(stack, "6285299990000")
    stranger.tap(f"rate:{number}:1")  # someone else's tap rates nothing
    assert body(api.get(f"/admin/tickets/{number}", admin))["satisfaction"]["score"] == 4


def test_a_group_report_carries_how_many_are_affected_to_the_ticket_and_the_api(api, stack):
    citizen = Citizen(stack, "6281266660000")
    citizen.tap("menu:complaint")
    citizen.tap("rpt:agree")
    citizen.tap("rpt:svc:gepeng_odha")
    citizen.say("Sekelompok anak jalanan mengemis di lampu merah setiap malam sampai larut.")
    citizen.tap("rpt:group")
    citizen.say("Anak-anak jalanan di simpang lampu merah Jalan Sudirman")
    citizen.say("banyak, mungkin tiga puluh")  # not a number: asked again politely
    assert "dengan angka" in json.dumps(stack.sent_to("6281266660000")[-1])
    citizen.say("sekitar 30 KK")
    citizen.tap("rpt:named")
    citizen.tap("rpt:name_ok")
    citizen.tap("rpt:nik_unknown")
    citizen.say("Tembilahan")
    citizen.say("Tembilahan Kota")
    citizen.say("Jl. Sudirman")
    citizen.tap("rpt:skip")
    summary = json.dumps(stack.sent_to("6281266660000")[-3:])  # summary, then Kirim/Ubah/Batal
    assert "sekitar 30 orang/keluarga" in summary
    citizen.tap("rpt:send")
    [number] = set(TICKET.findall(json.dumps(stack.sent_to("6281266660000")[-1])))
    ticket = body(api.get(f"/admin/tickets/{number}", api.token(Role.ADMIN)))
    assert (ticket["about"], ticket["affected"]) == ("group", 30)
