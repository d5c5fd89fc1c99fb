"""Citizens get information about the 14 services: menus, routing, commands, expiry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.catalogue.services import load_catalogue
from chalicelib.conversation.model import CountInformation, MediaRef
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
            assert service.name in body and "Dokumen utama" in body and "Biaya" in body
            assert len(body) <= 700
            assert "menu" in choice_ids(answer)
            details = chat.tap(f"det:{service.id}").replies[0].body
            assert "Persyaratan lengkap" in details and "Dasar hukum" in details
            assert answer.effects == [CountInformation(service_id=service.id)]
            seen.add(service.id)
    assert seen == {s.id for s in CATALOGUE.services}


def test_answer_offers_details_request_and_menu_and_details_offer_a_complaint():
    chat = Chat()
    turn = chat.tap("svc:pkh")
    assert choice_ids(turn)[-3:] == ["det:pkh", "req:pkh", "menu"]
    assert choice_ids(chat.tap("det:pkh"))[-3:] == ["req:pkh", "adu:pkh", "menu"]


def test_complaint_service_cannot_be_requested_only_reported():
    turn = Chat().tap("svc:pengaduan")
    assert "req:pengaduan" not in choice_ids(turn)


def test_unconfirmed_facts_are_marked_for_the_citizen_not_presented_as_certain():
    service = next(s for s in CATALOGUE.services if "duration" in s.to_complete)
    body = Chat().tap(f"det:{service.id}").replies[0].body
    assert "mohon konfirmasi ke kantor" in body and service.duration not in body


def test_urgent_service_answer_gives_emergency_numbers():
    body = Chat().tap("svc:rujukan_pasien").replies[0].body
    assert "112" in body


@pytest.mark.parametrize(
    ("text", "service"),
    [
        ("pkh kapan cair", "pkh"),
        ("daftar dtks", "dtks"),
        ("kis mati", "pbi"),
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


def test_voice_note_outside_a_form_is_offered_as_a_report_and_attached():
    chat = Chat()
    turn = chat.send("voice", media=MediaRef(media_id="v1", mime_type="audio/ogg"))
    assert "pesan suara" in texts(turn) and choice_ids(turn) == ["adu:", "menu"]
    started = chat.tap("adu:")
    assert [e.kind for e in started.effects] == ["fetch_media"]
    assert chat.draft["media"][0]["media_id"] == "v1" and chat.step == "privacy"


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


# -- the second round: referrals, the programmes chooser, honest contact, Bapak/Ibu -----------


@pytest.mark.parametrize(
    ("text", "referral", "says"),
    [
        ("kemana lapor kdrt", "kekerasan_rumah_tangga", "129"),
        ("mau tanya bantuan bedah rumah", "bedah_rumah", "desa"),
        ("dana pip anak saya belum cair", "beasiswa_sekolah", "sekolah"),
        ("cara buat kk baru", "adminduk", "Disdukcapil"),
        ("santunan kematian untuk ahli waris", "santunan_kematian", "BPJS Ketenagakerjaan"),
        ("mau minta bantuan modal usaha", "modal_usaha", "KUR"),
    ],
)
def test_questions_outside_the_services_get_a_short_referral(text, referral, says):
    turn = Chat().say(text)
    found = CATALOGUE.referral(referral)
    assert found is not None and found.title in texts(turn) and says in texts(turn)
    assert "belum memahami" not in texts(turn)
    assert all(len(r.model_dump().get("body") or "") <= 1024 for r in turn.replies)


@pytest.mark.parametrize(
    "text", ["gimana cara dapat bantuan", "nk tanye pasal bantuan", "mau minta bantuan pemerintah"]
)
def test_a_generic_question_about_assistance_gets_the_programmes(text):
    turn = Chat().say(text)
    ids = choice_ids(turn)
    assert "svc:pkh" in ids and "svc:pbi" in ids and "menu:info" in ids


def test_hubungi_petugas_offers_a_chat_with_staff_only_when_someone_can_answer():
    chat = Chat()
    turn = chat.tap("menu:contact")
    assert "hand:ask" in choice_ids(turn) and "Chat petugas" in texts(turn)
    chat.now = datetime(2026, 11, 28, 14, 0, tzinfo=UTC)  # Saturday evening
    closed = chat.tap("menu:contact")
    assert "hand:ask" not in choice_ids(closed)
    assert "dijawab otomatis" in texts(closed) and "Senin" in texts(closed)


def test_copy_addresses_citizens_as_bapak_ibu_never_anda():
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "chalicelib"
    for path in (root / "conversation" / "copy.yaml", root / "catalogue" / "services.yaml"):
        assert not re.search(r"\bAnda\b", path.read_text(encoding="utf-8")), path.name


def test_service_labels_do_not_stigmatise():
    labels = " ".join(f"{s.short_name} {s.description}" for s in CATALOGUE.services)
    labels += " ".join(f"{g.title} {g.description}" for g in CATALOGUE.groups)
    for word in ("Gepeng", "ODGJ", "orang gila"):
        assert word not in labels
