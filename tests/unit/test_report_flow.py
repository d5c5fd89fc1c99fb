"""Filing a complaint or request over WhatsApp, step by step (pure engine)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.conversation.model import (
    TICKET_NUMBER,
    CreateTicket,
    FetchMedia,
    MediaRef,
    TicketView,
)
from tests.chat import Chat, choice_ids, texts


def complaint_until(chat: Chat, step: str) -> None:
    """Walk a complaint about someone else up to (not including) `step`."""
    answers = [
        ("privacy", lambda: chat.tap("rpt:agree")),
        ("service", lambda: chat.tap("rpt:svc:gepeng_odha")),
        ("description", lambda: chat.say("Sudah tiga hari tidur di emperan toko, tampak lapar.")),
        ("about", lambda: chat.tap("rpt:other")),
        ("subject", lambda: chat.say("Seorang bapak tua, tidur di emperan toko")),
        ("anonymity", lambda: chat.tap("rpt:anonymous")),
        ("name", lambda: chat.tap("rpt:name_ok")),
        ("nik", lambda: chat.tap("rpt:nik_unknown")),
        ("kecamatan", lambda: chat.say("tembilahan")),
        ("desa", lambda: chat.say("tembilahan kota")),
        ("address", lambda: chat.say("Jl. Sudirman depan pasar")),
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
    assert chat.step == "description" and chat.draft["service_id"] == "pkh"


@pytest.mark.parametrize(
    "nik", ["12345", "1404021303850000", "1404023203850001", "1404021213850001", "9904021203850001"]
)
def test_bad_nik_says_what_to_do_and_keeps_the_tidak_tahu_choice(nik):
    chat = Chat()
    complaint_until(chat, "nik")
    turn = chat.say(nik)
    assert chat.step == "nik"
    assert "Contoh" in texts(turn) and "digit ke" not in texts(turn).lower()
    assert choice_ids(turn) == ["rpt:nik_unknown"]


@pytest.mark.parametrize(
    "answer", ["tidak tahu", "tdk tau", "gak tau", "lupa", "nanti saja", "ktp hilang", "Saya lupa"]
)
def test_not_knowing_the_nik_never_blocks(answer):
    chat = Chat()
    complaint_until(chat, "nik")
    chat.say(answer)
    assert chat.step == "kecamatan" and "nik" not in chat.draft


def test_nik_of_a_woman_and_from_outside_inhil_is_accepted():
    chat = Chat()
    complaint_until(chat, "nik")
    chat.say("3171 0452 0990 0003")  # Jakarta, born 12-05-1990, +40 for women
    assert chat.step == "kecamatan" and chat.draft["nik"] == "3171045209900003"


def test_request_for_oneself_without_a_nik_continues_with_a_note():
    chat = Chat()
    chat.tap("req:pkh")
    chat.tap("rpt:agree")
    chat.say("Saya ingin didaftarkan sebagai penerima PKH, anak saya tiga.")
    chat.tap("rpt:self")
    chat.tap("rpt:name_ok")
    assert "rpt:nik_unknown" in choice_ids(chat.turns[-1])
    turn = chat.say("gak tau")
    assert chat.step == "kecamatan" and "Kartu Keluarga" in texts(turn)


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
    ("text", "problem"), [("tolong", "lebih lengkap"), ("x" * 2001, "terlalu panjang")]
)
def test_description_has_a_minimum_and_a_maximum(text, problem):
    chat = Chat()
    complaint_until(chat, "description")
    assert problem in texts(chat.say(text)) and chat.step == "description"


def test_several_photos_are_collected_and_fetched():
    chat = Chat()
    complaint_until(chat, "summary")
    chat.tap("rpt:edit")
    chat.tap("rpt:edit:media")
    first = chat.photo("m1", caption="rumah")
    chat.photo("m2")
    assert isinstance(first.effects[0], FetchMedia)
    key = first.effects[0].attachment.key
    assert key.startswith("evidence/") and key.endswith("/m1")
    assert chat.citizen not in key  # S3 keys end up in logs: no WhatsApp id in them
    assert chat.step == "media"
    chat.tap("rpt:media_done")
    assert chat.step == "summary" and len(chat.draft["media"]) == 2


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
    complaint_until(chat, "address")
    chat.now += timedelta(hours=3)
    turn = chat.say("halo")
    assert "rpt:resume" in choice_ids(turn)
    chat.tap("rpt:resume")
    assert chat.step == "address" and chat.draft["desa"]["name"] == "Tembilahan Kota"


def test_draft_older_than_a_day_is_dropped_with_a_note():
    chat = Chat()
    complaint_until(chat, "description")
    chat.now += timedelta(hours=25)
    turn = chat.say("halo")
    assert "24 jam" in texts(turn) and "draft" not in chat.session.data


def test_disaster_report_is_urgent_and_tells_the_hour_target():
    chat = Chat()
    chat.tap("adu:bencana")
    chat.tap("rpt:agree")
    chat.say("Atap rumah kami rusak kena angin semalam, perlu terpal.")
    chat.tap("rpt:self")
    chat.tap("rpt:named")
    chat.tap("rpt:name_ok")
    chat.tap("rpt:nik_unknown")
    chat.say("Kuindra")
    chat.tap(choice_ids(chat.turns[-1])[0])
    chat.tap("rpt:skip")
    turn = chat.tap("rpt:send")
    assert turn.effects[0].draft["priority"] == "tinggi"
    assert "mendesak" in texts(turn) and "112" in texts(turn)
    assert "2 jam" in texts(turn) and "hari kerja" not in texts(turn)


def test_urgent_words_in_the_description_give_the_numbers_and_keep_the_form():
    chat = Chat()
    complaint_until(chat, "description")
    turn = chat.say("Ada keluarga yang tidak makan sudah dua hari, anak-anaknya kelaparan.")
    assert "112" in texts(turn) and "rpt:resume" in choice_ids(turn)
    chat.tap("rpt:resume")
    assert chat.step == "about"  # the description was kept
    chat.tap("rpt:other")
    chat.say("Keluarga Pak Udin di belakang pasar")
    chat.tap("rpt:named")
    chat.tap("rpt:name_ok")
    chat.tap("rpt:nik_unknown")
    chat.say("tembilahan kota")
    chat.tap("rpt:skip")
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


# -- the second round: problem first, identity choice first, remembered data, places ---------


def test_a_problem_told_in_the_first_message_becomes_the_description():
    chat = Chat()
    story = "Tetangga saya lansia tinggal sendirian, sakit dan tidak ada yang merawat."
    offer = chat.say(story)
    assert choice_ids(offer) == ["adu:anak_lansia", "svc:anak_lansia", "menu"]
    chat.tap("adu:anak_lansia")
    chat.tap("rpt:agree")
    assert chat.step == "about"  # service and description are known: not asked again
    assert chat.draft["description"] == story and chat.draft["service_id"] == "anak_lansia"


def test_a_question_is_answered_not_taken_for_a_problem():
    turn = Chat().say("apa syarat untuk mendapatkan bantuan pkh bagi keluarga saya?")
    assert turn.effects and turn.effects[0].kind == "count_information"


def test_identity_is_chosen_before_name_and_nik_and_unrecorded_skips_them():
    chat = Chat()
    complaint_until(chat, "anonymity")
    ask = chat.turns[-1]
    assert choice_ids(ask) == ["rpt:named", "rpt:anonymous", "rpt:unrecorded"]
    assert "petugas lapangan" in texts(ask) and "tidak dicatat" in texts(ask)
    chat.tap("rpt:unrecorded")
    assert chat.step == "kecamatan" and "reporter_name" not in chat.draft
    chat.say("tembilahan kota")
    chat.tap("rpt:skip")
    summary = texts(chat.turns[-1])
    assert "Tanpa identitas" in summary and "Nama pelapor" not in summary
    draft = chat.tap("rpt:send").effects[0].draft
    assert draft["anonymous"] is True and draft["reporter_name"] is None


def test_data_of_the_last_report_is_offered_back_with_consent():
    chat = Chat()
    chat.tickets.append(
        TicketView(
            number="LGT-2611-0003",
            type="permohonan",
            service_id="pbi",
            status="selesai",
            created_at=chat.now - timedelta(days=40),
            about="self",
            reporter_name="Siti Aminah",
            nik="1404021203850001",
            kecamatan={"code": "14.04.04", "name": "Tembilahan"},
            desa={"code": "14.04.04.1001", "name": "Tembilahan Kota"},
        )
    )
    chat.tap("req:pkh")
    chat.tap("rpt:agree")
    chat.say("Saya ingin didaftarkan sebagai penerima PKH, anak saya tiga.")
    offer = chat.tap("rpt:self")
    assert "Pakai data" in texts(offer) and "1404" in texts(offer)
    assert "1404021203850001" not in texts(offer)  # the NIK is shown masked
    chat.tap("rpt:remember_yes")
    assert chat.step == "address"
    assert (
        chat.draft["nik"] == "1404021203850001" and chat.draft["desa"]["name"] == "Tembilahan Kota"
    )


def test_declining_the_remembered_data_asks_it_again():
    chat = Chat()
    chat.tickets.append(
        TicketView(
            number="LGT-2611-0003",
            type="permohonan",
            service_id="pbi",
            status="selesai",
            created_at=chat.now - timedelta(days=40),
            about="self",
            reporter_name="Siti Aminah",
        )
    )
    chat.tap("req:pkh")
    chat.tap("rpt:agree")
    chat.say("Saya ingin didaftarkan sebagai penerima PKH, anak saya tiga.")
    chat.tap("rpt:self")
    chat.tap("rpt:remember_no")
    assert chat.step == "name"


def test_kecamatan_are_listed_alphabetically():
    chat = Chat()
    complaint_until(chat, "kecamatan")
    [listing] = chat.turns[-1].replies
    titles = [row.title for row in listing.sections[0].rows if row.id.startswith("rpt:kec:")]
    assert titles == sorted(titles, key=str.casefold)


def test_a_desa_typed_at_the_kecamatan_question_is_found_in_any_kecamatan():
    chat = Chat()
    complaint_until(chat, "kecamatan")
    chat.say("sungai piring")
    assert chat.step == "address"
    assert chat.draft["desa"]["name"] == "Sungaipiring"
    assert chat.draft["kecamatan"]["name"] == "Batang Tuaka"


def test_a_wrong_kecamatan_can_be_changed_from_the_desa_list():
    chat = Chat()
    complaint_until(chat, "desa")
    assert "rpt:kec_change" in choice_ids(chat.turns[-1])
    chat.tap("rpt:kec_change")
    assert chat.step == "kecamatan" and "kecamatan" not in chat.draft


def test_long_desa_names_are_given_in_full_in_the_row_description():
    chat = Chat()
    complaint_until(chat, "desa")
    rows = [row for section in chat.turns[-1].replies[0].sections for row in section.rows]
    cut = [row for row in rows if row.title.endswith("…")]
    assert cut and all(row.description and not row.description.endswith("…") for row in cut)


def test_a_pin_is_shown_by_its_name_not_raw_coordinates():
    chat = Chat()
    complaint_until(chat, "kecamatan")
    chat.pin(name="Pasar Tembilahan")
    chat.tap("rpt:skip")
    summary = texts(chat.turns[-1])
    assert "Pasar Tembilahan" in summary and "-0.3269" not in summary


def test_a_voice_note_is_accepted_as_the_description():
    chat = Chat()
    complaint_until(chat, "description")
    turn = chat.send("voice", media=MediaRef(media_id="v1", mime_type="audio/ogg"))
    assert chat.step == "about" and "huruf" not in texts(turn)
    assert [e.kind for e in turn.effects] == ["fetch_media"]
    assert chat.draft["media"][0]["media_id"] == "v1"


def test_a_photo_caption_is_kept_as_the_description():
    chat = Chat()
    complaint_until(chat, "description")
    chat.photo("p1", caption="Pengemis anak-anak di simpang lampu merah setiap malam")
    assert chat.step == "about"
    assert chat.draft["description"].startswith("Pengemis anak-anak")


def test_a_photo_without_caption_is_kept_and_the_story_asked_without_a_letter_count():
    chat = Chat()
    complaint_until(chat, "description")
    turn = chat.photo("p1")
    assert chat.step == "description" and "0 huruf" not in texts(turn)
    assert len(chat.draft["media"]) == 1


def test_a_photo_sent_at_another_step_is_attached_and_the_question_repeated():
    chat = Chat()
    complaint_until(chat, "address")
    turn = chat.photo("p2")
    assert chat.step == "address" and len(chat.draft["media"]) == 1
    assert [e.kind for e in turn.effects] == ["fetch_media"]


def test_a_photo_outside_a_form_is_offered_as_a_report_and_attached():
    chat = Chat()
    offer = chat.photo("p3", caption="Atap rumah warga rusak kena angin, keluarganya kehujanan")
    assert choice_ids(offer) == ["adu:", "menu"]
    started = chat.tap("adu:")
    assert [e.kind for e in started.effects] == ["fetch_media"]
    chat.tap("rpt:agree")
    chat.tap("rpt:svc:bencana")
    assert chat.step == "about" and chat.draft["description"].startswith("Atap rumah warga")


def test_a_draft_stored_at_the_photos_step_before_the_deploy_finishes_without_asking_again():
    """The old order asked the photos, then anonymity, after everything else: such a draft
    asks only what it had not reached, then shows the summary."""
    from chalicelib.conversation.model import Session

    chat = Chat()
    chat.session = Session.model_validate(
        {
            "flow": "report",
            "step": "media",
            "data": {
                "draft": {
                    "type": "pengaduan",
                    "started_at": "2026-11-24T02:50:00.000000Z",
                    "step": "media",
                    "consent_at": "2026-11-24T02:50:10.000000Z",
                    "service_id": "gepeng_odha",
                    "duplicate_checked": True,
                    "about": "self",
                    "reporter_name": "Siti Aminah",
                    "nik": None,
                    "kecamatan": {"code": "14.04.04", "name": "Tembilahan"},
                    "desa": {"code": "14.04.04.1001", "name": "Tembilahan Kota"},
                    "address": None,
                    "description": "Sudah tiga hari tidur di emperan toko, tampak lapar.",
                    "media": [],
                },
            },
            "updated_at": "2026-11-24T02:59:30.000000Z",
        }
    )
    chat.tap("rpt:media_done")  # a button sent before the deploy
    assert chat.step == "anonymity"
    chat.tap("rpt:named")
    assert chat.step == "summary"
    assert chat.tap("rpt:send").effects[0].draft["anonymous"] is False
