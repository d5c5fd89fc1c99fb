"""Filing a complaint or request over WhatsApp, step by step (pure engine)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.conversation.model import TICKET_NUMBER, CreateTicket, FetchMedia, TicketView
from tests.chat import Chat, choice_ids, texts


def complaint_until(chat: Chat, step: str) -> None:
    """Walk a complaint about someone else up to (not including) `step`."""
    answers = [
        ("privacy", lambda: chat.tap("rpt:agree")),
        ("service", lambda: chat.tap("rpt:svc:gepeng_odha")),
        ("about", lambda: chat.tap("rpt:other")),
        ("subject", lambda: chat.say("Seorang bapak tua, tidur di emperan toko")),
        ("name", lambda: chat.tap("rpt:name_ok")),
        ("nik", lambda: chat.tap("rpt:nik_unknown")),
        ("kecamatan", lambda: chat.say("tembilahan")),
        ("desa", lambda: chat.say("tembilahan kota")),
        ("address", lambda: chat.say("Jl. Sudirman depan pasar")),
        ("description", lambda: chat.say("Sudah tiga hari tidur di emperan toko, tampak lapar.")),
        ("media", lambda: chat.tap("rpt:skip")),
        ("anonymity", lambda: chat.tap("rpt:anonymous")),
    ]
    chat.tap("menu:complaint")
    for name, answer in answers:
        if name == step:
            return
        assert chat.step == name, f"expected step {name}, at {chat.step}"
        answer()


def test_citizen_files_a_complaint_and_gets_a_ticket_number_after_confirming():
    chat = Chat()
    complaint_until(chat, "summary")
    assert chat.step == "summary"
    summary = texts(chat.turns[-1])
    assert "Gepeng & ODHA" in summary or "Gelandangan" in summary
    assert "Dirahasiakan" in summary

    turn = chat.tap("rpt:send")

    [effect] = turn.effects
    assert isinstance(effect, CreateTicket)
    draft = effect.draft
    assert draft["type"] == "pengaduan" and draft["about"] == "other"
    assert draft["kecamatan"]["name"] == "Tembilahan" and draft["anonymous"] is True
    assert draft["reporter_name"] == "Siti Aminah" and draft["priority"] == "normal"
    assert TICKET_NUMBER in texts(turn) and "3 hari kerja" in texts(turn)
    assert chat.session.flow is None and "draft" not in chat.session.data


def test_privacy_notice_comes_before_any_personal_question():
    turn = Chat().tap("menu:complaint")
    assert "UU 27/2022" in texts(turn)
    assert choice_ids(turn) == ["rpt:agree", "rpt:cancel"]


def test_service_list_is_paged_within_ten_rows():
    chat = Chat()
    chat.tap("menu:complaint")
    first = chat.tap("rpt:agree")
    rows = choice_ids(first)
    assert len(rows) <= 10 and rows[-1] == "rpt:svcpage:1"
    second = chat.tap("rpt:svcpage:1")
    assert "rpt:svc:lainnya" in choice_ids(second) and choice_ids(second)[0] == "rpt:svcpage:0"


def test_request_from_a_service_answer_skips_the_service_question():
    chat = Chat()
    chat.tap("svc:pkh")
    chat.tap("req:pkh")
    chat.tap("rpt:agree")
    assert chat.step == "about" and chat.draft["service_id"] == "pkh"


@pytest.mark.parametrize(
    ("nik", "reason"),
    [
        ("12345", "16 digit"),
        ("1404021303850000", "0000"),
        ("1404023203850001", "tanggal lahir"),
        ("1404021213850001", "bulan"),
        ("9904021203850001", "provinsi"),
    ],
)
def test_bad_nik_is_asked_again_with_the_reason_and_an_example(nik, reason):
    chat = Chat()
    complaint_until(chat, "nik")
    turn = chat.say(nik)
    assert chat.step == "nik"
    assert reason in texts(turn) and "Contoh" in texts(turn)


def test_nik_of_a_woman_and_from_outside_inhil_is_accepted():
    chat = Chat()
    complaint_until(chat, "nik")
    chat.say("3171 0452 0990 0003")  # Jakarta, born 12-05-1990, +40 for women
    assert chat.step == "kecamatan" and chat.draft["nik"] == "3171045209900003"


def test_request_for_oneself_requires_a_nik():
    chat = Chat()
    chat.tap("req:pkh")
    chat.tap("rpt:agree")
    chat.tap("rpt:self")
    chat.tap("rpt:name_ok")
    assert "rpt:nik_unknown" not in choice_ids(chat.turns[-1])
    turn = chat.say("tidak tahu")
    assert chat.step == "nik" and "diperlukan" in texts(turn)


def test_kecamatan_list_is_paged_and_typed_names_are_matched_tolerantly():
    chat = Chat()
    complaint_until(chat, "kecamatan")
    rows = choice_ids(chat.turns[-1])
    assert len(rows) <= 10
    chat.say("tmbilahan hulu")
    assert chat.draft["kecamatan"]["name"] == "Tembilahan Hulu" and chat.step == "desa"


def test_unknown_place_is_asked_again_politely():
    chat = Chat()
    complaint_until(chat, "kecamatan")
    turn = chat.say("Jakarta Selatan")
    assert chat.step == "kecamatan" and "belum kami temukan" in texts(turn)


def test_location_pin_replaces_kecamatan_and_desa():
    chat = Chat()
    complaint_until(chat, "kecamatan")
    chat.pin()
    assert chat.step == "address" and chat.draft["place"]["latitude"] == -0.3269


@pytest.mark.parametrize(
    ("text", "problem"), [("tolong", "terlalu singkat"), ("x" * 2001, "terlalu panjang")]
)
def test_description_has_a_minimum_and_a_maximum(text, problem):
    chat = Chat()
    complaint_until(chat, "description")
    assert problem in texts(chat.say(text)) and chat.step == "description"


def test_several_photos_are_collected_and_fetched():
    chat = Chat()
    complaint_until(chat, "media")
    first = chat.photo("m1", caption="rumah")
    chat.photo("m2")
    assert isinstance(first.effects[0], FetchMedia)
    key = first.effects[0].attachment.key
    assert key.startswith("evidence/") and key.endswith("/m1")
    assert chat.citizen not in key  # S3 keys end up in logs: no WhatsApp id in them
    chat.tap("rpt:media_done")
    assert chat.step == "anonymity" and len(chat.draft["media"]) == 2


def test_ubah_changes_one_field_without_starting_again():
    chat = Chat()
    complaint_until(chat, "summary")
    chat.tap("rpt:edit")
    assert "rpt:edit:address" in choice_ids(chat.turns[-1])
    chat.tap("rpt:edit:address")
    chat.say("RT 05 RW 02, Gang Mawar")
    assert chat.step == "summary"
    assert chat.draft["address"] == "RT 05 RW 02, Gang Mawar"
    assert chat.draft["description"].startswith("Sudah tiga hari")


def test_kembali_goes_to_the_previous_step_and_batal_discards_the_draft():
    chat = Chat()
    complaint_until(chat, "address")
    chat.say("kembali")
    assert chat.step == "desa"
    turn = chat.say("batal")
    assert "dibatalkan" in texts(turn) and "draft" not in chat.session.data


def test_menu_anywhere_shows_the_menu_and_the_draft_is_offered_again():
    chat = Chat()
    complaint_until(chat, "address")
    assert "menu:info" in choice_ids(chat.say("menu"))
    turn = chat.tap("menu:complaint")
    assert "rpt:resume" in choice_ids(turn)
    chat.tap("rpt:resume")
    assert chat.step == "address"


def test_idle_flow_keeps_its_answers_and_offers_to_continue():
    chat = Chat()
    complaint_until(chat, "description")
    chat.now += timedelta(hours=3)
    turn = chat.say("halo")
    assert "rpt:resume" in choice_ids(turn)
    chat.tap("rpt:resume")
    assert chat.step == "description" and chat.draft["address"] == "Jl. Sudirman depan pasar"


def test_draft_older_than_a_day_is_dropped_with_a_note():
    chat = Chat()
    complaint_until(chat, "description")
    chat.now += timedelta(hours=25)
    turn = chat.say("halo")
    assert "24 jam" in texts(turn) and "draft" not in chat.session.data


def test_disaster_report_is_urgent_and_gives_emergency_numbers():
    chat = Chat()
    chat.tap("adu:bencana")
    chat.tap("rpt:agree")
    chat.tap("rpt:self")
    chat.tap("rpt:name_ok")
    chat.tap("rpt:nik_unknown")
    chat.say("Kuindra")
    chat.tap(choice_ids(chat.turns[-1])[0])
    chat.tap("rpt:skip")
    chat.say("Rumah kami kebanjiran sejak tadi malam, air setinggi pinggang.")
    chat.tap("rpt:skip")
    chat.tap("rpt:named")
    turn = chat.tap("rpt:send")
    assert turn.effects[0].draft["priority"] == "tinggi"
    assert "mendesak" in texts(turn) and "112" in texts(turn)


def test_urgent_words_in_the_description_raise_the_priority():
    chat = Chat()
    complaint_until(chat, "description")
    chat.say("Ada keluarga yang tidak makan sudah dua hari, anak-anaknya kelaparan.")
    chat.tap("rpt:skip")
    chat.tap("rpt:named")
    assert chat.tap("rpt:send").effects[0].draft["priority"] == "tinggi"


def open_ticket(chat: Chat, service_id: str = "gepeng_odha") -> TicketView:
    ticket = TicketView(
        number="LGT-2611-0007",
        type="pengaduan",
        service_id=service_id,
        status="diverifikasi",
        created_at=chat.now - timedelta(days=3),
        public_note="Petugas akan berkunjung minggu ini.",
    )
    chat.tickets.append(ticket)
    return ticket


def test_open_ticket_for_the_same_service_is_offered_first():
    chat = Chat()
    open_ticket(chat)
    chat.tap("menu:complaint")
    chat.tap("rpt:agree")
    turn = chat.tap("rpt:svc:gepeng_odha")
    assert "LGT-2611-0007" in texts(turn) and choice_ids(turn) == ["rpt:append", "rpt:new"]
    chat.tap("rpt:append")
    chat.say("Orangnya sekarang pindah ke depan masjid raya.")
    chat.tap("rpt:skip")
    turn = chat.tap("rpt:send")
    assert turn.effects[0].kind == "append_ticket" and turn.effects[0].number == "LGT-2611-0007"


def test_cek_status_lists_the_citizens_own_tickets():
    chat = Chat()
    open_ticket(chat)
    body = texts(chat.tap("menu:status"))
    assert "LGT-2611-0007" in body and "Diverifikasi" in body and "berkunjung" in body


def test_someone_elses_ticket_number_reveals_nothing():
    chat = Chat()
    open_ticket(chat)
    mine = texts(chat.say("status LGT-2611-0007"))
    other = texts(chat.say("status lgt 2611 0099"))
    assert "Diverifikasi" in mine
    assert "tidak ditemukan" in other and "Diverifikasi" not in other


def test_citizen_without_tickets_is_told_how_to_file_one():
    assert "belum memiliki laporan" in texts(Chat().tap("menu:status"))


def test_second_confirmation_after_sending_creates_nothing():
    chat = Chat()
    complaint_until(chat, "summary")
    chat.tap("rpt:send")
    again = chat.tap("rpt:send")
    assert not any(e.kind == "create_ticket" for e in again.effects)


def test_ticket_filed_after_hours_says_when_staff_will_pick_it_up():
    chat = Chat()
    chat.now = datetime(2026, 11, 28, 14, 0, tzinfo=UTC)  # Saturday 21:00 WIB
    complaint_until(chat, "summary")
    turn = chat.tap("rpt:send")
    [confirmation] = turn.replies
    assert "di luar jam layanan" in confirmation.body and "Senin, 30-11-2026" in confirmation.body
    assert "nomor darurat di atas" not in confirmation.body


def test_ticket_filed_in_office_hours_is_one_message():
    chat = Chat()
    complaint_until(chat, "summary")
    [confirmation] = chat.tap("rpt:send").replies
    assert "di luar jam layanan" not in confirmation.body


def test_a_draft_stored_before_the_deploy_is_read_back_and_continues():
    """Sessions in DynamoDB kept the draft as data["draft"] with ISO strings; after a deploy
    the citizen continues where they were, and the buttons already sent still work."""
    from chalicelib.conversation.model import Session

    chat = Chat()
    chat.session = Session.model_validate(
        {
            "flow": "report",
            "step": "about",
            "data": {
                "profile_name": "Siti Aminah",
                "draft": {
                    "type": "pengaduan",
                    "started_at": "2026-11-24T02:59:00.000000Z",
                    "mode": "new",
                    "step": "about",
                    "consent_at": "2026-11-24T02:59:10.000000Z",
                    "service_id": "gepeng_odha",
                    "duplicate_checked": True,
                },
            },
            "updated_at": "2026-11-24T02:59:30.000000Z",
        }
    )
    chat.tap("rpt:other")
    assert chat.step == "subject" and chat.draft["service_id"] == "gepeng_odha"
    assert "draft" not in chat.session.data
