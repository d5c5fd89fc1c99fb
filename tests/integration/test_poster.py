"""make poster: the kit is rendered for real (reportlab, pypdfium2) and read back the way a
citizen's phone and a printer would: the QR codes decoded with zxing-cpp, the PDF's text and page
size read with pypdf."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
import yaml
import zxingcpp
from PIL import Image, ImageChops
from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics

from chalicelib.catalogue.office import OFFICE_PATH, Office, load_office
from chalicelib.catalogue.services import load_catalogue
from chalicelib.datafiles import load_yaml
from chalicelib.sosialisasi.kit import load_kit, poster_content
from chalicelib.sosialisasi.link import click_to_chat_link
from tools.poster import (
    PREVIEW_WIDTH_PX,
    SQUARE_PX,
    Written,
    main,
    page_png,
    poster_pdf,
    write_kit,
    write_previews,
)

OFFICE = load_office()
CATALOGUE = load_catalogue()
KIT = load_kit()
A4_POINTS = (595.28, 841.89)
DOCS = Path(__file__).parents[2] / "docs" / "sosialisasi"


@pytest.fixture(scope="module")
def kit(tmp_path_factory: pytest.TempPathFactory) -> list[Written]:
    out = tmp_path_factory.mktemp("sosialisasi")
    return write_kit(out, OFFICE, CATALOGUE, KIT, ["TBH01", "ktm02", "TBH01"])


def kampar(tmp_path: Path) -> Office:
    data = load_yaml(OFFICE_PATH)
    data.update(
        name="Dinas Sosial Kabupaten Kampar",
        whatsapp="+62 812-6655-4433",
        hours_text="Senin–Jumat 08.00–15.00 WIB",
    )
    path = tmp_path / "office.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return load_office(path)


def qr_texts(image: Image.Image) -> list[str]:
    return [
        code.text for code in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    ]


def pdf_page_image(pdf: bytes) -> Image.Image:
    return Image.open(BytesIO(page_png(pdf, PREVIEW_WIDTH_PX)))


def pdf_text_sizes(pdf: bytes) -> dict[str, float]:
    """Each line of text on the page and the size it is set in (points)."""
    sizes: dict[str, float] = {}

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            sizes[text.strip()] = size * tm[0] * cm[0]

    (page,) = PdfReader(BytesIO(pdf)).pages
    page.extract_text(visitor_text=visit)
    return sizes


def test_one_pair_for_the_office_and_one_per_distinct_campaign_code(kit: list[Written]) -> None:
    assert [pair.code for pair in kit] == [None, "TBH01", "KTM02"]
    names = {path.name for path in kit[0].poster.parent.iterdir()}
    expected = {
        f"{kind}{suffix}"
        for kind in ("poster", "square", "qr")
        for suffix in ("", "-TBH01", "-KTM02")
    }
    assert names == {
        name + (".pdf" if name.startswith("poster") else ".png") for name in expected
    } | {"links.txt"}
    links = (kit[0].poster.parent / "links.txt").read_text(encoding="utf-8").splitlines()
    assert links == [f"{pair.code or '(tanpa kode)'}\t{pair.link}" for pair in kit]


def test_every_qr_code_opens_the_chat_with_its_own_link(kit: list[Written]) -> None:
    for pair in kit:
        link = click_to_chat_link(OFFICE, KIT.greeting, pair.code)
        assert pair.link == link
        assert qr_texts(Image.open(pair.qr)) == [link]
        assert qr_texts(Image.open(pair.square)) == [link]
        assert qr_texts(pdf_page_image(pair.poster.read_bytes())) == [link]


def test_campaign_qr_codes_carry_the_code_in_the_greeting(kit: list[Written]) -> None:
    by_code = {pair.code: qr_texts(Image.open(pair.qr))[0] for pair in kit}
    assert by_code[None].endswith("?text=Halo%20Dinas%20Sosial")
    assert by_code["TBH01"].endswith("?text=Halo%20Dinas%20Sosial%20%28TBH01%29")
    assert by_code["KTM02"].endswith("?text=Halo%20Dinas%20Sosial%20%28KTM02%29")


def test_poster_is_one_a4_page_with_the_number_as_large_text(kit: list[Written]) -> None:
    pdf = kit[0].poster.read_bytes()
    (page,) = PdfReader(BytesIO(pdf)).pages
    assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(
        A4_POINTS, abs=0.5
    )
    sizes = pdf_text_sizes(pdf)
    assert sizes["0811-7600-808"] >= 40
    assert max(sizes.values()) == sizes["0811-7600-808"]


def test_poster_says_the_essentials_in_indonesian(kit: list[Written]) -> None:
    text = " ".join(PdfReader(kit[1].poster).pages[0].extract_text().split())
    for words in (
        "LIGAT",
        "Dinas Sosial Kabupaten Indragiri Hilir",
        "Simpan nomor",
        "Kirim “halo”",
        "Pilih layanan",
        "wa.me/628117600808",
        OFFICE.hours_text,
        "UU 27/2022",
        "Kode TBH01",
    ):
        assert words in text
    for service in CATALOGUE.services:
        assert service.short_name in text


def test_square_image_is_1080_by_1080(kit: list[Written]) -> None:
    for pair in kit:
        with Image.open(pair.square) as image:
            assert image.format == "PNG" and image.size == (SQUARE_PX, SQUARE_PX) == (1080, 1080)


def test_square_qr_still_scans_after_a_social_network_shrinks_and_recompresses_it(
    kit: list[Written],
) -> None:
    with Image.open(kit[1].square) as image:
        shrunk = image.convert("RGB").resize((540, 540), Image.Resampling.LANCZOS)
    buffer = BytesIO()
    shrunk.save(buffer, format="JPEG", quality=60)
    assert qr_texts(Image.open(buffer)) == [kit[1].link]


def test_another_kabupaten_gets_its_own_kit_from_its_office_file(tmp_path: Path) -> None:
    office = kampar(tmp_path)
    (pair,) = write_kit(tmp_path / "out", office, CATALOGUE, KIT)
    link = "https://wa.me/6281266554433?text=Halo%20Dinas%20Sosial"
    assert pair.link == link
    assert qr_texts(Image.open(pair.square)) == [link]
    assert qr_texts(pdf_page_image(pair.poster.read_bytes())) == [link]
    text = " ".join(PdfReader(pair.poster).pages[0].extract_text().split())
    assert "0812-6655-4433" in text and "Dinas Sosial Kabupaten Kampar" in text
    assert "Senin–Jumat 08.00–15.00 WIB" in text and "0811-7600-808" not in text


def test_a_longer_office_name_is_set_smaller_not_off_the_page(tmp_path: Path) -> None:
    name = "Dinas Sosial, Pemberdayaan Perempuan dan Perlindungan Anak Kabupaten Kepulauan Meranti"
    office = OFFICE.model_copy(update={"name": name})
    pdf = poster_pdf(poster_content(office, CATALOGUE, KIT))
    (page,) = PdfReader(BytesIO(pdf)).pages
    placed: list[tuple[str, float, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip() == name:
            placed.append((text, tm[4], size))

    page.extract_text(visitor_text=visit)
    ((_, x, size),) = placed
    assert x + pdfmetrics.stringWidth(name, "Vera", size) <= float(page.mediabox.width) - 30


def test_content_too_long_for_the_page_is_refused_not_cut_off() -> None:
    wordy = OFFICE.model_copy(update={"hours_text": "Senin–Kamis 07.30–16.00 WIB " * 30})
    with pytest.raises(ValueError, match="does not fit"):
        poster_pdf(poster_content(wordy, CATALOGUE, KIT))


def test_make_poster_writes_the_kit_and_refuses_a_code_the_bot_would_miss(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--out", str(tmp_path), "kpr07"]) == 0
    assert (tmp_path / "poster-KPR07.pdf").exists() and (tmp_path / "square-KPR07.png").exists()
    with pytest.raises(SystemExit) as refused:
        main(["--out", str(tmp_path / "bad"), "TBH-01"])
    assert refused.value.code == 2
    assert "not a campaign code" in capsys.readouterr().err
    assert not (tmp_path / "bad").exists()


def test_readme_pictures_show_the_configured_kit(tmp_path: Path) -> None:
    fresh = write_previews(tmp_path, OFFICE, CATALOGUE, KIT)
    link = click_to_chat_link(OFFICE, KIT.greeting)
    for path in fresh:
        committed = DOCS / path.name
        with Image.open(path) as new, Image.open(committed) as old:
            assert old.size == new.size
            assert qr_texts(old) == qr_texts(new) == [link]
            # Anti-aliasing may differ by a shade between machines; a changed word does not.
            changed = ImageChops.difference(old.convert("L"), new.convert("L")).point(
                lambda shade: 255 if shade > 64 else 0
            )
            assert changed.histogram()[255] <= 100, (
                f"{committed} is stale: python -m tools.poster --preview docs/sosialisasi"
            )
    with Image.open(DOCS / "poster.png") as poster:
        assert poster.width == PREVIEW_WIDTH_PX
        assert poster.height == round(PREVIEW_WIDTH_PX * A4_POINTS[1] / A4_POINTS[0])
