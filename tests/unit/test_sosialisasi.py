"""Sosialisasi: the click-to-chat link comes from the office configuration alone, and a campaign
code carried in a first message is recognised, stripped, and never reaches the router."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from chalicelib.catalogue.office import OFFICE_PATH, Office, load_office
from chalicelib.catalogue.services import load_catalogue
from chalicelib.conversation.intent import Router
from chalicelib.datafiles import load_yaml
from chalicelib.sosialisasi.campaign import (
    campaign_code,
    greeting_with_code,
    split_campaign_code,
)
from chalicelib.sosialisasi.kit import load_kit, poster_content
from chalicelib.sosialisasi.link import (
    click_to_chat_link,
    display_number,
    short_link,
    wa_digits,
)

OFFICE = load_office()
CATALOGUE = load_catalogue()
KIT = load_kit()
ROUTER = Router(CATALOGUE)


def other_office(tmp_path: Path, **changes: object) -> Office:
    """Another kabupaten's office.yaml: the same shape, its own identity."""
    data = load_yaml(OFFICE_PATH)
    data.update(
        name="Dinas Sosial Kabupaten Kampar",
        short_name="Dinas Sosial Kampar",
        whatsapp="+62 812-6655-4433",
        hours_text="Senin–Jumat 08.00–15.00 WIB",
    )
    data.update(changes)
    path = tmp_path / "office.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return load_office(path)


def prefilled(link: str) -> str:
    return parse_qs(urlsplit(link).query)["text"][0]


# The link


def test_link_opens_a_chat_with_the_configured_number_and_a_greeting() -> None:
    link = click_to_chat_link(OFFICE, KIT.greeting)
    assert link == "https://wa.me/628117600808?text=Halo%20Dinas%20Sosial"
    assert prefilled(link) == "Halo Dinas Sosial"


def test_campaign_link_carries_the_code_in_the_greeting_url_encoded() -> None:
    link = click_to_chat_link(OFFICE, KIT.greeting, "tbh01")
    assert link == "https://wa.me/628117600808?text=Halo%20Dinas%20Sosial%20%28TBH01%29"
    assert prefilled(link) == "Halo Dinas Sosial (TBH01)"


def test_number_is_shown_the_way_people_save_it() -> None:
    assert wa_digits(OFFICE) == "628117600808"
    assert display_number(OFFICE) == "0811-7600-808"
    assert short_link(OFFICE) == "wa.me/628117600808"


def test_another_kabupaten_gets_its_own_link_from_configuration_only(tmp_path: Path) -> None:
    kampar = other_office(tmp_path)
    link = click_to_chat_link(kampar, KIT.greeting, "KPR07")
    assert link.startswith("https://wa.me/6281266554433?text=")
    assert prefilled(link) == "Halo Dinas Sosial (KPR07)"
    assert display_number(kampar) == "0812-6655-4433"
    content = poster_content(kampar, CATALOGUE, KIT, "KPR07")
    assert content.office_name == "Dinas Sosial Kabupaten Kampar"
    assert content.number == "0812-6655-4433" and content.link == link
    assert "Senin–Jumat 08.00–15.00 WIB" in content.hours


@pytest.mark.parametrize(
    ("configured", "shown"),
    [("+628117600808", "0811-7600-808"), ("+62 811 7600 808", "0811-7600-808")],
)
def test_number_written_without_or_with_other_grouping(
    tmp_path: Path, configured: str, shown: str
) -> None:
    office = other_office(tmp_path, whatsapp=configured)
    assert wa_digits(office) == "628117600808"
    assert display_number(office) == shown


def test_a_foreign_number_is_shown_as_configured(tmp_path: Path) -> None:
    office = other_office(tmp_path, whatsapp="+60 12-345 6789")
    assert wa_digits(office) == "60123456789"
    assert display_number(office) == "+60 12-345 6789"


@pytest.mark.parametrize("number", ["0811-7600-808", "811-7600-808", "+62 81", "+62 811-7600-808x"])
def test_a_number_not_in_international_form_is_refused(tmp_path: Path, number: str) -> None:
    with pytest.raises(ValueError, match="international"):
        click_to_chat_link(other_office(tmp_path, whatsapp=number), KIT.greeting)


def test_prefilled_greeting_gets_the_main_menu_once_the_code_is_stripped() -> None:
    for code in (None, "TBH01", "KTM02"):
        code_seen, rest = split_campaign_code(
            prefilled(click_to_chat_link(OFFICE, KIT.greeting, code))
        )
        assert code_seen == code
        assert ROUTER.classify(rest).kind == "greeting"


def test_without_stripping_a_code_would_confuse_the_router() -> None:
    assert ROUTER.classify(greeting_with_code(KIT.greeting, "TBH01")).kind != "greeting"


# Campaign codes


@pytest.mark.parametrize(
    ("text", "code", "rest"),
    [
        ("Halo Dinas Sosial (TBH01)", "TBH01", "Halo Dinas Sosial"),
        ("(TBH01) Halo Dinas Sosial", "TBH01", "Halo Dinas Sosial"),
        ("halo (TBH01) mau tanya PKH", "TBH01", "halo mau tanya PKH"),
        ("halo (TBH01), mau daftar DTKS", "TBH01", "halo, mau daftar DTKS"),
        ("halo (tbh01)", "TBH01", "halo"),
        ("Halo [ktm02]", "KTM02", "Halo"),
        ("halo ( TBH01 )", "TBH01", "halo"),
        ("(RADIO1)", "RADIO1", ""),
        ("halo (tbh01)\nmau tanya beasiswa", "TBH01", "halo\nmau tanya beasiswa"),
        ("Halo Dinas Sosial (TBH01) (KTM02)", "TBH01", "Halo Dinas Sosial"),
        ("Halo Dinas Sosial 🙏 (TBH01)", "TBH01", "Halo Dinas Sosial 🙏"),
    ],
)
def test_code_is_recognised_anywhere_and_stripped(text: str, code: str, rest: str) -> None:
    assert split_campaign_code(text) == (code, rest)


@pytest.mark.parametrize(
    "text",
    [
        "halo",
        "",
        "Halo Dinas Sosial",
        "TBH01",  # bare: citizens write RT05, KM5 and the like without brackets
        "rumah kebanjiran di RT05 RW02",
        "NIK saya 1404011234567890",
        "NIK (1404011234567890)",
        "nomor saya (0811-7600-808)",
        "hubungi (08117600808) ya",
        "cek (LGT-2611-0042)",
        "mau tanya (PKH) dan (KIS)",
        "bantuan tahun (2026)",
        "(A1) terlalu pendek",
        "(ABCDEFG1) terlalu banyak huruf",
        "(TBH01234) terlalu banyak angka",
        "(TBH01A) huruf di belakang",
        "(01TBH) angka di depan",
        "(TB H01) ada spasi",
        "(TBH-01) ada tanda hubung",
        "(TBH01] kurung tidak serasi",
        "(ＴＢＨ０１) huruf lebar",
    ],
)
def test_look_alikes_are_not_codes_and_the_text_is_left_alone(text: str) -> None:
    assert split_campaign_code(text) == (None, text)


def test_the_code_never_survives_in_the_rest() -> None:
    for text in ("(TBH01)halo", "halo(TBH01)", "a (TBH01) b [TBH01] c", "(tbh01)(TBH01)"):
        code, rest = split_campaign_code(text)
        assert code == "TBH01"
        assert "tbh01" not in rest.lower() and "()" not in rest and "[]" not in rest


@pytest.mark.parametrize(("given", "canonical"), [("TBH01", "TBH01"), (" ktm02 ", "KTM02")])
def test_poster_codes_are_checked_and_uppercased(given: str, canonical: str) -> None:
    assert campaign_code(given) == canonical


@pytest.mark.parametrize("bad", ["", "TBH", "01", "TBH-01", "1404011234567890", "TBH01A", "T01"])
def test_poster_refuses_a_code_the_bot_would_not_recognise(bad: str) -> None:
    with pytest.raises(ValueError, match="not a campaign code"):
        campaign_code(bad)


# The poster's words


def test_poster_content_says_the_essentials_from_configuration() -> None:
    content = poster_content(OFFICE, CATALOGUE, KIT)
    assert content.number == "0811-7600-808" and content.code is None
    assert [step.title for step in content.steps] == [
        "Simpan nomor",
        "Kirim “halo”",
        "Pilih layanan",
    ]
    assert "0811-7600-808" in content.steps[0].detail
    assert [entry.name for entry in content.services] == [
        s.short_name for s in sorted(CATALOGUE.services, key=lambda s: s.number)
    ]
    assert OFFICE.hours_text in content.hours
    assert "UU 27/2022" in content.privacy
    assert "112" in content.emergency
    assert content.free is not None  # every service in the catalogue is free of charge


def test_poster_content_with_a_code_links_with_that_code() -> None:
    content = poster_content(OFFICE, CATALOGUE, KIT, "ktm02")
    assert content.code == "KTM02"
    assert prefilled(content.link) == "Halo Dinas Sosial (KTM02)"


def test_free_line_is_left_out_when_a_service_costs_something() -> None:
    pkh = CATALOGUE.service("pkh")
    assert pkh is not None
    paid = pkh.model_copy(update={"cost": "Rp10.000 per berkas"})
    catalogue = CATALOGUE.model_copy(
        update={"services": tuple(paid if s.id == "pkh" else s for s in CATALOGUE.services)}
    )
    assert poster_content(OFFICE, catalogue, KIT).free is None
