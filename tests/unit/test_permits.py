"""Permits are not complaints: ziarah/wisata TMP, izin sumbangan and LKS registration have
their own short forms; a citizen who cannot tell a request from a complaint still ends in the
right one (pure engine)."""

from __future__ import annotations

from chalicelib.conversation.model import CreateTicket
from tests.chat import Chat, choice_ids, texts


def test_a_ziarah_permit_asks_only_what_the_office_needs():
    chat = Chat()
    chat.tap("req:ziarah_tmp")
    chat.tap("rpt:agree")
    asked = [chat.step]
    for answer in ("SMP Negeri 1 Tembilahan", "Ziarah dan tabur bunga", "Senin 10 November 08.00"):
        chat.say(answer)
        asked.append(chat.step)
    chat.say("45 orang")
    asked.append(chat.step)
    assert asked == [
        "permit_organisation",
        "permit_purpose",
        "permit_date",
        "permit_people",
        "name",
    ]
    summary = chat.tap("rpt:name_ok")
    assert "SMP Negeri 1 Tembilahan" in texts(summary) and "45" in texts(summary)
    assert "ceritakan" not in " ".join(texts(t).lower() for t in chat.turns)
    [effect] = chat.tap("rpt:send").effects
    assert isinstance(effect, CreateTicket)
    draft = effect.draft
    assert draft["type"] == "permohonan" and draft["service_id"] == "ziarah_tmp"
    assert "Jumlah peserta: 45" in draft["description"]


def test_people_must_be_a_number():
    chat = Chat()
    chat.tap("req:ziarah_tmp")
    chat.tap("rpt:agree")
    for answer in ("Rombongan RT 03", "Ziarah keluarga", "Minggu pagi"):
        chat.say(answer)
    turn = chat.say("banyak")
    assert chat.step == "permit_people" and "angka" in texts(turn)
    chat.say("²")  # a digit to Unicode, not a number a citizen means (found by the properties)
    assert chat.step == "permit_people"


def test_izin_sumbangan_and_lks_registration_are_told_apart_first():
    chat = Chat()
    chat.tap("req:izin_sumbangan_lks")
    ask = chat.tap("rpt:agree")
    assert choice_ids(ask) == ["rpt:permit:sumbangan", "rpt:permit:lks"]
    chat.tap("rpt:permit:lks")
    for answer in ("Yayasan Kasih Bunda", "Panti asuhan anak yatim", "Jl. Sudirman No. 5"):
        chat.say(answer)
    assert chat.step == "name"
    chat.tap("rpt:name_ok")
    draft = chat.tap("rpt:send").effects[0].draft
    assert "Alamat sekretariat: Jl. Sudirman No. 5" in draft["description"]


def test_a_complaint_about_a_permit_service_asks_which_one_is_meant():
    chat = Chat()
    chat.tap("menu:complaint")
    chat.tap("rpt:agree")
    ask = chat.tap("rpt:svc:ziarah_tmp")
    assert choice_ids(ask) == ["rpt:kind_request", "rpt:kind_complaint"]
    chat.tap("rpt:kind_request")
    assert chat.step == "permit_organisation" and chat.draft["type"] == "permohonan"


def test_a_real_complaint_about_a_permit_service_stays_a_complaint():
    chat = Chat()
    chat.tap("menu:complaint")
    chat.tap("rpt:agree")
    chat.tap("rpt:svc:izin_sumbangan_lks")
    chat.tap("rpt:kind_complaint")
    assert chat.step == "description" and chat.draft["type"] == "pengaduan"


def test_a_request_chosen_from_the_list_of_services_becomes_a_permit():
    chat = Chat()
    chat.tap("menu:request")
    chat.tap("rpt:agree")
    chat.tap("rpt:svc:ziarah_tmp")
    assert chat.step == "permit_organisation"


def test_a_request_for_something_only_reported_becomes_a_complaint():
    chat = Chat()
    chat.tap("menu:request")
    chat.tap("rpt:agree")
    chat.say("mau komplain pelayanan petugas yang lambat")
    assert chat.step == "description" and chat.draft["type"] == "pengaduan"
    assert chat.draft["service_id"] == "pengaduan"
