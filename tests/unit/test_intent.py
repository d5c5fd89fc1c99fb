import statistics
import time
from pathlib import Path
from typing import get_args

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.routing import load_cases, outcome
from chalicelib.catalogue.services import load_catalogue
from chalicelib.conversation.intent import (
    COMMANDS,
    Intent,
    Kind,
    Router,
    default_router,
    is_urgent,
    load_vocabulary,
    normalize,
)

ROUTING_CASES = Path(__file__).parents[1] / "data" / "routing_cases.yaml"
ACCURACY_FLOOR = 0.95
KINDS = set(get_args(Kind))
CATALOGUE = load_catalogue()
SERVICE_IDS = {service.id for service in CATALOGUE.services}


def classify(text: str) -> Intent:
    return default_router().classify(text)


def routed_to(intent: Intent) -> str:
    """What the routing set labels: the first service offered, or `menu` for everything else."""
    return intent.service_ids[0] if intent.kind in ("service", "ambiguous") else "menu"


def assert_valid(intent: Intent) -> None:
    assert intent.kind in KINDS
    assert (intent.command is not None) == (intent.kind == "command")
    assert intent.command is None or intent.command in COMMANDS
    assert set(intent.service_ids) <= SERVICE_IDS
    if intent.kind == "service":
        assert len(intent.service_ids) == 1
    elif intent.kind == "ambiguous":
        assert 2 <= len(intent.service_ids) <= 3
        assert len(set(intent.service_ids)) == len(intent.service_ids)
    else:
        assert intent.service_ids == ()
    assert intent.ticket_number is None or intent.kind == "status"


# --- the labelled routing set ---


def test_routing_set_reaches_the_labelled_service_at_least_95_percent_of_the_time() -> None:
    cases = load_cases()
    router = default_router()
    misses = []
    for case in cases:
        got = outcome(router, case)
        if got != case["expect"]:
            misses.append(f"{case['text']!r}: expected {case['expect']}, got {got}")
    accuracy = 1 - len(misses) / len(cases)
    print(f"routing accuracy {accuracy:.4f} on {len(cases)} messages, {len(misses)} misses")
    assert accuracy >= ACCURACY_FLOOR, f"accuracy {accuracy:.4f}; misses:\n" + "\n".join(misses)


# --- services ---


@pytest.mark.parametrize(
    ("text", "service_id"),
    [
        ("pkh kapan cair", "pkh"),
        ("daftar dtks", "dtks"),
        ("kis mati", "pbi"),
        ("bpjs pbi", "pbi"),
        ("rumah kebanjiran", "bencana"),
        ("ambulans", "rujukan_pasien"),
        ("orang gila di pasar", "gepeng_odha"),
        ("anak terlantar", "anak_lansia"),  # a child is cared for, not sent home as an OT
        ("orang terlantar", "orang_terlantar"),
        ("beasiswa", "beasiswa"),
        ("ziarah tmp", "ziarah_tmp"),
        ("izin sumbangan", "izin_sumbangan_lks"),
    ],
)
def test_spec_examples_reach_their_service(text: str, service_id: str) -> None:
    intent = classify(text)

    assert intent.kind == "service"
    assert intent.service_ids == (service_id,)


def test_bansos_alone_offers_pkh_and_dtks_to_choose_from() -> None:
    intent = classify("bansos")

    assert intent.kind == "ambiguous"
    assert set(intent.service_ids) == {"pkh", "dtks"}


def test_bantuan_sosial_spelled_out_is_as_ambiguous_as_bansos() -> None:
    assert set(classify("bantuan sosial").service_ids) == {"pkh", "dtks"}


def test_naming_one_of_the_ambiguous_programmes_settles_it() -> None:
    assert classify("bansos pkh").service_ids == ("pkh",)
    assert classify("cek bansos").service_ids == ("dtks",)


@pytest.mark.parametrize(
    ("text", "service_id"),
    [
        ("panti jompo", "anak_lansia"),
        ("panti", "izin_sumbangan_lks"),
        ("pkh lansia", "pkh"),
        ("syarat rekomendasi beasiswa yg tidak terdaftar dtks", "beasiswa"),
        ("Kami mau ambil anak dari panti asuhan untuk dijadikan anak angkat", "pengangkatan_anak"),
    ],
)
def test_longer_more_specific_phrase_outweighs_a_shorter_one(text: str, service_id: str) -> None:
    intent = classify(text)

    assert intent.kind == "service"
    assert intent.service_ids == (service_id,)


@pytest.mark.parametrize(
    ("text", "service_id"),
    [
        ("banjr", "bencana"),
        ("kebanjirn", "bencana"),
        ("amblans", "rujukan_pasien"),
        ("syarat pengajuan krsi roda", "disabilitas"),
        ("kursiroda utk anak sy", "disabilitas"),
        ("lansai terlantar", "anak_lansia"),
        ("difable", "disabilitas"),
        ("adobsi anak", "pengangkatan_anak"),
        ("pkhnya kapan cair?", "pkh"),
        ("bpjsku gak aktif lagi", "pbi"),
        ("PENGADUANN", "pengaduan"),
        ("izin masuk taman makam pahlawn", "ziarah_tmp"),
    ],
)
def test_typos_and_suffixes_still_reach_the_service(text: str, service_id: str) -> None:
    assert routed_to(classify(text)) == service_id


@pytest.mark.parametrize(
    ("text", "service_id"),
    [
        ("Cemana nak mengadu pasal bantuan yang tak sampai ke kami?", "pengaduan"),
        ("mak cik sebelah rumah dah uzur, tinggal sorang", "anak_lansia"),
        ("tak ada duit nak balik ke kampung halaman, terkandas kat tembilahan", "orang_terlantar"),
        ("nak sambung belajar tapi tak mampu bayar yuran, ada biasiswa?", "beasiswa"),
        ("Rumah kami ambruk diterjang angin ribut. Anak-anak tidur di rumah jiran.", "bencana"),
    ],
)
def test_malay_riau_wording_is_understood(text: str, service_id: str) -> None:
    assert routed_to(classify(text)) == service_id


def test_short_words_match_only_exactly() -> None:
    assert classify("kis").service_ids == ("pbi",)
    assert classify("kita").kind != "service"
    assert "pbi" not in classify("kita semua mau tanya").service_ids


def test_everyday_words_are_not_taken_for_typos_of_keywords() -> None:
    # "semua" is one letter from "setua", "tulis" from "tuli", "sarana" from "saran".
    for text in ("semua sudah", "saya mau tulis surat", "sarana umum di desa"):
        assert classify(text).kind not in ("service", "ambiguous"), text


def test_greeting_that_also_asks_about_a_service_routes_to_the_service() -> None:
    assert classify("selamat pagi, mau tanya pkh").service_ids == ("pkh",)
    assert classify("Assalamualaikum pak, anak saya disabilitas").service_ids == ("disabilitas",)


def test_every_catalogue_keyword_alone_reaches_its_service() -> None:
    router = default_router()
    for service in CATALOGUE.services:
        for keyword in service.keywords:
            assert service.id in router.classify(keyword).service_ids, keyword


def test_every_synonym_alone_reaches_its_service() -> None:
    router = default_router()
    for service_id, extra in load_vocabulary()["services"].items():
        for synonym in extra.get("synonyms") or []:
            assert service_id in router.classify(synonym).service_ids, synonym


# --- commands ---


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("menu", "menu"),
        ("Menu utama", "menu"),
        ("MENU!!", "menu"),
        (" menu  dong ", "menu"),
        ("mneu", "menu"),
        ("kembali ke menu", "menu"),
        ("batal", "batal"),
        ("btal", "batal"),
        ("cancel", "batal"),
        ("ga jadi", "batal"),
        ("tidak jadi", "batal"),
        ("gak jadi deh", "batal"),
        ("kembali", "kembali"),
        ("back", "kembali"),
        ("balik", "kembali"),
        ("bantuan", "bantuan"),
        ("help", "bantuan"),
        ("tolong", "bantuan"),
        ("Tolong!", "bantuan"),
    ],
)
def test_command_words_are_recognised_with_case_punctuation_and_typos(
    text: str, command: str
) -> None:
    intent = classify(text)

    assert intent.kind == "command"
    assert intent.command == command


def test_a_real_word_that_looks_like_a_command_is_not_one() -> None:
    assert classify("baik").kind == "greeting"  # not "balik"


def test_command_word_inside_a_request_is_not_a_command() -> None:
    intent = classify("tolong pak, rumah saya terbakar")

    assert intent.kind == "service"
    assert intent.service_ids == ("bencana",)


# --- greetings and chit-chat ---


@pytest.mark.parametrize(
    "text",
    [
        "halo",
        "Halooo 👋",
        "hai",
        "p",
        "Pp",
        "ping",
        "permisi",
        "Assalamualaikum",
        "asslmkm",
        "ass wr wb",
        "assalamu'alaikum wr wb",
        "selamat pagi",
        "slmt sore",
        "met pagi",
        "selamat malam pak",
        "tes tes",
        "test",
        "terima kasih",
        "makasih bu",
        "trims",
        "tq",
        "ok",
        "oke",
        "siap",
        "🙏",
        "👍",
        "🙏🙏",
        "",
        "   ",
        "...",
        "?",
        "mau tanya",
        "Mohon bantuannya",
    ],
)
def test_greetings_thanks_and_acknowledgements_get_the_menu(text: str) -> None:
    assert classify(text).kind == "greeting"


def test_nonsense_is_unknown_so_the_engine_can_say_it_did_not_understand() -> None:
    assert classify("asdfgh").kind == "unknown"
    assert classify("info lowongan kerja di malaysia").kind == "unknown"


# --- status, contact, complaint and request ---


@pytest.mark.parametrize(
    "text",
    ["cek status", "status laporan saya", "sudah sampai mana pengaduan saya", "cek status tiket"],
)
def test_asking_about_ones_report_is_status(text: str) -> None:
    assert classify(text) == Intent("status", score=1.0)


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("LGT-2611-0042", "LGT-2611-0042"),
        ("lgt 2611 42", "LGT-2611-0042"),
        ("pengaduan saya LGT26110042 sudah sampai mana?", "LGT-2611-0042"),
        ("pkh saya, tiket Lgt-2612-0007, gmn?", "LGT-2612-0007"),
    ],
)
def test_a_ticket_number_in_the_text_is_a_status_question_about_it(text: str, number: str) -> None:
    assert classify(text) == Intent("status", ticket_number=number, score=1.0)


def test_status_of_a_named_programme_is_about_the_programme() -> None:
    assert classify("cek status pkh").service_ids == ("pkh",)


@pytest.mark.parametrize(
    "text",
    [
        "alamat kantor dinsos",
        "jam buka",
        "nomor petugas",
        "mau bicara dengan petugas",
        "hubungi admin",
        "kantor dinsos dimana?",
        "nomor wa petugas berapa",
    ],
)
def test_asking_for_the_office_or_a_person_is_contact(text: str) -> None:
    assert classify(text).kind == "contact"


def test_a_service_named_with_opening_hours_is_about_the_service() -> None:
    assert classify("makam pahlawan yudha bhakti buka jam berapa").service_ids == ("ziarah_tmp",)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("saya mau melapor", "complaint"),
        ("mau buat pengaduan", "complaint"),
        ("Selamat pagi, saya mau lapor pak", "complaint"),
        ("mau mengajukan permohonan", "request"),
        ("ajukan permohonan", "request"),
    ],
)
def test_wanting_to_file_without_naming_a_service(text: str, kind: str) -> None:
    assert classify(text).kind == kind


@pytest.mark.parametrize(
    ("text", "service_id"),
    [
        ("saya mau melapor ada pengemis di simpang", "gepeng_odha"),
        ("mau buat pengaduan pungli", "pengaduan"),
        ("sy mau ajukan permohonan kursi roda", "disabilitas"),
        ("gmn cara bikin pengaduan ke dinas sosial?", "pengaduan"),
    ],
)
def test_wanting_to_file_about_a_named_service_is_that_service(text: str, service_id: str) -> None:
    intent = classify(text)

    assert intent.kind == "service"
    assert intent.service_ids == (service_id,)


# --- urgency ---


@pytest.mark.parametrize(
    "text",
    [
        "banjir",
        "Banjir!! air masuk rumah semua",
        "kebakaran di parit 6",
        "rumah kami kebanjirn",
        "ada yg meninggal di rumah sebelah",
        "sudah 3 hari tidak makan",
        "anak kami tak makan berhari-hari",
        "anak tetangga dipukuli bapaknya",
        "DARURAT pak",
        "anak sy kritis harus dibawa ke rs",
        "angin puting beliung merobohkan rumah",
    ],
)
def test_urgent_words_are_recognised(text: str) -> None:
    assert is_urgent(text)


@pytest.mark.parametrize(
    "text",
    [
        "pkh sudah cair",
        "kis saya mati",
        "kritik dan saran",
        "sekarang saya mau daftar dtks",
        "nomor tiket saya hilang",
        "halo",
        "",
    ],
)
def test_ordinary_messages_are_not_urgent(text: str) -> None:
    assert not is_urgent(text)


# --- normalisation ---


@pytest.mark.parametrize(
    ("text", "normalized"),
    [
        ("Halooo 👋", "halo"),
        ("sy mau tanya yg PKH 🙏", "saya mau tanya yang pkh"),
        ("gmn, brp lama? tdk bs!", "bagaimana berapa lama tidak bisa"),
        ("anak2 & lansia", "anak anak lansia"),
        ("assalamu'alaikum", "assalamualaikum"),
        ("  TIDAK   jadi\n", "tidak jadi"),
    ],
)
def test_normalize_lowercases_strips_and_expands(text: str, normalized: str) -> None:
    assert normalize(text) == normalized


# --- robustness and speed ---


@pytest.mark.parametrize(
    "text",
    [
        "a" * 10_000,
        "pkh " * 2_500,
        "\x00\x07\x1b[31m\u200b\ufeff",
        "مرحبا بكم",
        "你好，我想问一下",
        "🙏🏻👍🏽😊🇮🇩",
        "\ud7ff\ue000\U0010ffff",
    ],
)
def test_any_text_gives_an_intent_without_raising(text: str) -> None:
    assert_valid(classify(text))
    is_urgent(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=5000))
def test_classify_never_raises_and_returns_a_valid_intent(text: str) -> None:
    assert_valid(classify(text))


def test_a_500_character_message_is_classified_in_well_under_5_ms() -> None:
    router = default_router()
    cases = yaml.safe_load(ROUTING_CASES.read_text(encoding="utf-8"))
    text = " ".join(case["text"] for case in cases[100:140])[:500]
    router.classify(text)
    timings = []
    for _ in range(30):
        start = time.perf_counter()
        router.classify(text)
        timings.append(time.perf_counter() - start)

    assert statistics.median(timings) < 0.005


# --- the vocabulary is data ---


def test_router_takes_its_vocabulary_as_data() -> None:
    vocabulary = {"services": {"pkh": {"synonyms": ["duit harapan"]}}, "greetings": ["horas"]}
    router = Router(CATALOGUE, vocabulary)

    assert router.classify("duit harapan kapan masuk").service_ids == ("pkh",)
    assert router.classify("horas").kind == "greeting"


def test_vocabulary_for_a_service_no_longer_in_the_catalogue_is_ignored() -> None:
    router = Router(CATALOGUE, {"services": {"sembako_gratis": {"synonyms": ["beras"]}}})

    assert router.classify("beras").kind == "unknown"


def test_intents_yaml_names_only_services_of_the_catalogue() -> None:
    assert set(load_vocabulary()["services"]) <= SERVICE_IDS
