"""Citizens get information about the 14 services: menus, routing, commands, expiry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.catalogue.services import load_catalogue
from chalicelib.conversation.model import CountInformation
from tests.chat import Chat, choice_ids, texts

CATALOGUE = load_catalogue()


def test_greeting_shows_the_main_menu_with_five_items():
    turn = Chat().say("Assalamualaikum")
    assert choice_ids(turn) == [
        "menu:info",
        "menu:complaint",
        "menu:request",
        "menu:status",
        "menu:contact",
    ]


def test_citizen_can_tap_through_every_service_and_read_its_answer():
    chat = Chat()
    chat.say("halo")
    groups = chat.tap("menu:info")
    assert len(choice_ids(groups)) == len(CATALOGUE.groups)
    seen = set()
    for group_id in choice_ids(groups):
        services = chat.tap(group_id)
        for service_id in [i for i in choice_ids(services) if i.startswith("svc:")]:
            answer = chat.tap(service_id)
            service = CATALOGUE.service(service_id.removeprefix("svc:"))
            body = answer.replies[0].body
            assert service.name in body and "Persyaratan" in body and "Dasar hukum" in body
            assert len(body) <= 4096
            assert "menu" in choice_ids(answer)
            assert answer.effects == [CountInformation(service_id=service.id)]
            seen.add(service.id)
    assert seen == {s.id for s in CATALOGUE.services}


def test_answer_offers_request_complaint_and_menu_buttons():
    turn = Chat().tap("svc:pkh")
    assert choice_ids(turn)[-3:] == ["req:pkh", "adu:pkh", "menu"]


def test_complaint_service_cannot_be_requested_only_reported():
    turn = Chat().tap("svc:pengaduan")
    assert "req:pengaduan" not in choice_ids(turn)


def test_unconfirmed_facts_are_marked_for_the_citizen_not_presented_as_certain():
    service = next(s for s in CATALOGUE.services if "duration" in s.to_complete)
    body = Chat().tap(f"svc:{service.id}").replies[0].body
    assert "mohon konfirmasi ke kantor" in body


def test_urgent_service_answer_gives_emergency_numbers():
    body = Chat().tap("svc:rujukan_pasien").replies[0].body
    assert "112" in body


@pytest.mark.parametrize(
    ("text", "service"),
    [
        ("pkh kapan cair", "pkh"),
        ("daftar dtks", "dtks"),
        ("kis mati", "pbi"),
        ("rumah kebanjiran", "bencana"),
        ("ambulans", "rujukan_pasien"),
        ("ziarah tmp", "ziarah_tmp"),
        ("izin sumbangan", "izin_sumbangan_lks"),
    ],
)
def test_free_text_is_routed_to_the_right_service(text, service):
    turn = Chat().say(text)
    assert turn.effects == [CountInformation(service_id=service)]


def test_ambiguous_text_offers_the_likeliest_services_as_buttons():
    turn = Chat().say("bansos")
    ids = choice_ids(turn)
    assert 2 <= len(ids) <= 3 and all(i.startswith("svc:") for i in ids)


def test_unknown_text_gets_a_kind_fallback_with_the_menu():
    turn = Chat().say("qwertyuiop zxcvb")
    assert "belum memahami" in texts(turn)
    assert "menu:info" in choice_ids(turn)


def test_kembali_walks_back_service_group_menu():
    chat = Chat()
    chat.tap("menu:info")
    chat.tap("grp:bantuan")
    chat.tap("svc:pkh")
    assert "svc:pkh" in choice_ids(chat.say("kembali"))
    assert "grp:bantuan" in choice_ids(chat.say("kembali"))
    assert "menu:info" in choice_ids(chat.say("kembali"))


def test_bantuan_explains_how_to_use_the_service():
    turn = Chat().say("bantuan")
    assert "Cara menggunakan LIGAT" in texts(turn)


def test_idle_session_says_it_expired_and_shows_the_menu():
    chat = Chat()
    chat.tap("menu:info")
    chat.now += timedelta(minutes=31)
    turn = chat.say("halo")
    assert "telah berakhir" in texts(turn)
    assert "menu:info" in choice_ids(turn)


def test_voice_note_explains_only_text_is_read_and_offers_the_menu():
    turn = Chat().send("voice")
    assert "pesan suara" in texts(turn) and "menu:info" in choice_ids(turn)


@pytest.mark.parametrize(
    "kind",
    ["sticker", "reaction", "image", "location", "contacts", "unsupported", "unknown", "video"],
)
def test_other_message_types_get_a_short_fitting_reply(kind):
    chat = Chat()
    if kind == "image":
        turn = chat.photo()
    elif kind == "location":
        turn = chat.pin()
    else:
        turn = chat.send(kind)
    assert turn.replies and len(texts(turn)) > 10


def test_contact_gives_office_details_and_hours():
    turn = Chat().tap("menu:contact")
    body = texts(turn)
    assert "811-7600-808" in body and "112" in body and "jam layanan" in body


def test_contact_outside_office_hours_says_when_staff_will_answer():
    chat = Chat()
    chat.now = datetime(2026, 11, 28, 14, 0, tzinfo=UTC)  # Saturday 21:00 WIB
    body = texts(chat.tap("menu:contact"))
    assert "di luar jam layanan" in body and "Senin, 30-11-2026 pukul 07.30 WIB" in body


def test_flood_of_messages_gets_one_polite_notice_and_keeps_the_session():
    chat = Chat()
    chat.tap("menu:complaint")
    before = chat.draft
    chat.pause = timedelta(seconds=1)
    notices = 0
    for n in range(35):
        turn = chat.say(f"pesan {n}")
        notices += "terlalu banyak" in texts(turn)
    assert notices == 1
    assert chat.draft["type"] == before["type"]
    chat.now += timedelta(minutes=2)
    assert chat.say("menu").replies
