"""Danger now: the emergency numbers at once, wherever the citizen is, and a fast urgent report
of at most three steps with the office's hour-level target (pure engine)."""

from __future__ import annotations

import pytest

from chalicelib.catalogue.office import load_office
from chalicelib.conversation.intent import is_urgent
from chalicelib.conversation.model import TICKET_NUMBER, CreateTicket, MediaRef
from tests.chat import Chat, choice_ids, texts

HOURS = load_office().service_levels.urgent_response_hours


@pytest.mark.parametrize(
    "text",
    [
        "sudah dua hari tidak makan",
        "tdk makan 2 hari pak",
        "rumah tetangga kebakaran tolong",
        "banjir masuk rumah, air terus naik",
        "anak saya hilang sejak pagi",
        "tetangga saya mau bunuh diri",
        "pasien harus dirujuk malam ini, tidak ada kendaraan",
        "suami memukul saya",
    ],
)
def test_danger_now_is_urgent(text):
    assert is_urgent(text)


@pytest.mark.parametrize(
    "text",
    [
        "bagaimana cara dapat santunan kematian, ayah saya meninggal",
        "bantuan banjir tahun lalu kapan cair",
        "orang tua saya meninggal bulan lalu, apakah ada santunan",
        "syarat pkh",
        "kemana lapor kdrt",
    ],
)
def test_a_question_about_a_benefit_or_the_past_is_not_an_emergency(text):
    assert not is_urgent(text)


def test_urgent_text_outside_a_form_gets_the_numbers_and_a_three_step_report():
    chat = Chat()
    alert = chat.say("Tolong, rumah di sebelah kebakaran, ada nenek di dalam")
    assert "112" in texts(alert) and "113" in texts(alert)
    assert choice_ids(alert) == ["urg:start", "menu"]
    ask_place = chat.tap("urg:start")
    assert chat.step == "urgent_place" and "Di mana" in texts(ask_place)
    summary = chat.say("sungai piring")  # a desa, found without knowing its kecamatan
    assert chat.step == "urgent_send" and "Sungaipiring, Kec. Batang Tuaka" in texts(summary)
    sent = chat.tap("rpt:send")
    [effect] = sent.effects
    assert isinstance(effect, CreateTicket) and effect.draft["priority"] == "tinggi"
    assert effect.draft["kecamatan"] and "kebakaran" in effect.draft["description"]
    assert f"{HOURS} jam" in texts(sent) and "hari kerja" not in texts(sent)
    assert TICKET_NUMBER in texts(sent)
    # Three steps after the alert: start, where, send.
    assert len(chat.turns) == 4


def test_urgent_report_from_the_menu_takes_a_voice_note_as_the_story():
    chat = Chat()
    chat.tap("urg:start")
    chat.pin()
    assert chat.step == "urgent_story"
    turn = chat.send("voice", media=MediaRef(media_id="v9", mime_type="audio/ogg"))
    assert chat.step == "urgent_send" and [e.kind for e in turn.effects] == ["fetch_media"]
    assert "terbatas" not in texts(turn) and "0 huruf" not in texts(turn)
    sent = chat.tap("rpt:send")
    assert sent.effects[0].draft["media"][0]["media_id"] == "v9"


def test_a_place_not_found_never_blocks_an_urgent_report():
    chat = Chat()
    chat.say("ada anak tenggelam di sungai")
    chat.tap("urg:start")
    chat.say("dekat dermaga lama kampung kami")
    assert chat.step == "urgent_send"
    assert chat.tap("rpt:send").effects[0].draft["address"].startswith("dekat dermaga")


def test_urgent_words_at_any_step_of_the_form_give_the_numbers_and_keep_the_draft():
    chat = Chat()
    chat.tap("menu:complaint")
    chat.tap("rpt:agree")
    chat.tap("rpt:svc:anak_lansia")
    chat.say("Nenek di sebelah rumah tinggal sendiri, sakit, tidak ada yang merawat.")
    assert chat.step == "about"
    alert = chat.say("sekarang dia pingsan!")
    assert "112" in texts(alert) and choice_ids(alert) == ["urg:start", "rpt:resume", "menu"]
    chat.tap("rpt:resume")
    assert chat.step == "about" and chat.draft["urgent"] is True


def test_the_fast_report_keeps_what_the_form_already_had():
    chat = Chat()
    chat.tap("menu:complaint")
    chat.tap("rpt:agree")
    chat.tap("rpt:svc:anak_lansia")
    chat.say("Nenek di sebelah rumah tinggal sendiri, sakit, tidak ada yang merawat.")
    chat.say("sekarang dia pingsan!")
    chat.tap("urg:start")
    assert chat.step == "urgent_place"  # the story is known; only where is missing
    chat.say("Tembilahan Kota")
    assert chat.step == "urgent_send"


def test_an_old_alert_button_without_its_text_still_starts_a_report():
    chat = Chat()
    chat.say("sudah dua hari tidak makan")
    chat.say("halo")
    chat.tap("urg:start")
    assert chat.step == "urgent_place"
    chat.say("Kuala Indragiri")
    assert chat.step == "urgent_story"


def test_a_question_about_a_death_benefit_is_answered_not_alarmed():
    turn = Chat().say("ayah saya meninggal, bagaimana cara dapat santunan kematian")
    assert "urg:start" not in choice_ids(turn)
    assert "BPJS Ketenagakerjaan" in texts(turn)
