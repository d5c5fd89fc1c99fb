"""`make poster`: the sosialisasi kit in dist/sosialisasi/.

For the office and for each campaign code: an A4 poster (PDF, one page, text kept as text), a
1080×1080 PNG for social media, the bare QR code (PNG) and the link. The words come from
`chalicelib.sosialisasi.kit` (office.yaml, services.yaml, kit.yaml); this module only draws.

    python -m tools.poster [--out DIR] [--office office.yaml] [CODE ...]
    python -m tools.poster --preview docs/sosialisasi     # the README's pictures

A tool, not Lambda code: reportlab, segno and pypdfium2 are in requirements-dev.txt. The font is
Bitstream Vera, shipped inside reportlab, so a fresh machine renders the same poster.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import pypdfium2
import segno
from reportlab.lib.colors import Color, HexColor, white
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from chalicelib.catalogue.office import OFFICE_PATH, Office, load_office
from chalicelib.catalogue.services import Catalogue, load_catalogue
from chalicelib.sosialisasi.campaign import campaign_code
from chalicelib.sosialisasi.kit import Entry, Kit, PosterContent, load_kit, poster_content

DEFAULT_OUT = Path("dist/sosialisasi")
SQUARE_PX = 1080
PREVIEW_WIDTH_PX = 1240  # the A4 page at 150 dpi
REGULAR, BOLD = "Vera", "VeraBd"
INK = HexColor("#1B2A2F")
MUTED = HexColor("#4A5A60")
BRAND = HexColor("#075E54")  # WhatsApp's dark teal: people know the colour
ACCENT = HexColor("#128C7E")
PALE = HexColor("#E7F3F1")

pdfmetrics.registerFont(TTFont(REGULAR, "Vera.ttf"))
pdfmetrics.registerFont(TTFont(BOLD, "VeraBd.ttf"))


@dataclass(frozen=True)
class Written:
    """The files of one pair (poster and square image) and the link they carry."""

    code: str | None
    link: str
    poster: Path
    square: Path
    qr: Path


def write_kit(
    out: Path, office: Office, catalogue: Catalogue, kit: Kit, codes: Iterable[str] = ()
) -> list[Written]:
    """The office's pair, then one pair per campaign code; `links.txt` lists every link."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for code in (None, *dict.fromkeys(campaign_code(c) for c in codes)):
        content = poster_content(office, catalogue, kit, code)
        suffix = f"-{code}" if code else ""
        pair = Written(
            code=code,
            link=content.link,
            poster=out / f"poster{suffix}.pdf",
            square=out / f"square{suffix}.png",
            qr=out / f"qr{suffix}.png",
        )
        pair.poster.write_bytes(poster_pdf(content))
        pair.square.write_bytes(square_png(content))
        segno.make(content.link, error="m").save(str(pair.qr), kind="png", scale=10, border=4)
        written.append(pair)
    lines = [f"{pair.code or '(tanpa kode)'}\t{pair.link}" for pair in written]
    (out / "links.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return written


def write_previews(out: Path, office: Office, catalogue: Catalogue, kit: Kit) -> list[Path]:
    """The README's pictures of the kit: the A4 poster as a PNG and the square image."""
    out.mkdir(parents=True, exist_ok=True)
    content = poster_content(office, catalogue, kit)
    poster, square = out / "poster.png", out / "square.png"
    poster.write_bytes(page_png(poster_pdf(content), PREVIEW_WIDTH_PX))
    square.write_bytes(square_png(content))
    return [poster, square]


def poster_pdf(content: PosterContent) -> bytes:
    """One A4 page: band, number, QR code and steps, services, hours, privacy."""
    width, height = A4
    page = _Page(width, height)
    margin = 36.0
    inner = width - 2 * margin

    y = page.band(height, 90, content, title_size=42, subtitle=15, small=11.5, margin=margin)
    y = page.paragraph(margin, y - 26, inner, content.headline, BOLD, 17, INK, leading=1.25)
    y = page.number(margin, y - 6, inner, content, label_size=14, max_size=54)

    qr_size = 160.0
    top = y - 18
    page.qr(margin, top - qr_size, qr_size, content.link)
    below = page.paragraph(margin, top - qr_size - 12, qr_size, content.scan, REGULAR, 10, MUTED)
    page.line(margin, below - 2, content.short_link, BOLD, 11, ACCENT)
    steps_x = margin + qr_size + 24
    page.steps(steps_x, top, width - margin - steps_x, qr_size, content, title=20, detail=11.5)

    y = below - 32
    page.line(margin, y, content.services_heading, BOLD, 15, BRAND)
    y = page.entries(margin, y - 19, inner, content.services, size=9.3)

    page.rule(margin, y + 2, inner)
    y -= 14
    if content.free:
        y = page.paragraph(margin, y, inner, content.free, BOLD, 11, INK) - 3
    for line in (content.hours, content.emergency):
        y = page.paragraph(margin, y, inner, line, REGULAR, 10, INK) - 3
    y = page.paragraph(margin, y, inner, content.privacy, REGULAR, 9, MUTED)
    return page.finish(lowest_baseline=y, margin=margin)


def square_pdf(content: PosterContent) -> bytes:
    """The square image as a 1080×1080 pt page, rasterised at one pixel per point."""
    size = float(SQUARE_PX)
    page = _Page(size, size)
    margin = 56.0
    inner = size - 2 * margin

    y = page.band(size, 158, content, title_size=76, subtitle=27, small=22, margin=margin)
    y = page.number(margin, y - 30, inner, content, label_size=28, max_size=108)

    qr_size = 372.0
    top = y - 34
    page.qr(margin, top - qr_size, qr_size, content.link)
    steps_x = margin + qr_size + 40
    page.steps(steps_x, top, size - margin - steps_x, qr_size, content, title=40, detail=23)

    y = top - qr_size - 52
    brief = f"{content.services_heading}: "
    y = page.run_in(margin, y, inner, brief, content.services_in_brief, 25, BRAND, INK)
    y = page.paragraph(margin, y - 10, inner, content.hours, REGULAR, 23, INK)
    y = page.paragraph(margin, y - 6, inner, content.privacy, REGULAR, 19, MUTED)
    return page.finish(lowest_baseline=y, margin=margin / 2)


def square_png(content: PosterContent) -> bytes:
    document = pypdfium2.PdfDocument(square_pdf(content))
    try:
        image = document[0].render(scale=1).to_pil()
    finally:
        document.close()
    if image.size != (SQUARE_PX, SQUARE_PX):
        raise RuntimeError(f"square image rendered at {image.size}, not {SQUARE_PX}px")
    buffer = BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def page_png(pdf: bytes, width_px: int) -> bytes:
    """The first page of a PDF as a PNG `width_px` wide (for the README's preview)."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        page = document[0]
        image = page.render(scale=width_px / page.get_width()).to_pil()
    finally:
        document.close()
    buffer = BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


class _Page:
    """A reportlab canvas with the few layout moves the poster and the square image share.

    Coordinates are reportlab's (points, origin bottom left); each block takes the y of its top
    and returns the y below it.
    """

    def __init__(self, width: float, height: float) -> None:
        self.width, self.height = width, height
        self._buffer = BytesIO()
        self.canvas = Canvas(self._buffer, pagesize=(width, height), invariant=True)

    def finish(self, *, lowest_baseline: float, margin: float) -> bytes:
        """The PDF; refused if the text ran into the bottom margin (longer copy, other office).

        `lowest_baseline` is where a next line would have gone, one leading below the last.
        """
        if lowest_baseline < margin * 0.6:
            raise ValueError("the content does not fit the page: shorten kit.yaml or the office")
        self.canvas.showPage()
        self.canvas.save()
        return self._buffer.getvalue()

    def band(
        self,
        top: float,
        depth: float,
        content: PosterContent,
        *,
        title_size: float,
        subtitle: float,
        small: float,
        margin: float,
    ) -> float:
        """The brand band: the title big, the service's full name and the office beside it."""
        c = self.canvas
        c.setFillColor(BRAND)
        c.rect(0, top - depth, self.width, depth, stroke=0, fill=1)
        baseline = top - depth / 2 - title_size * 0.36
        self.line(margin, baseline, content.title, BOLD, title_size, white)
        x = margin + _width(content.title, BOLD, title_size) + title_size * 0.4
        room = self.width - margin - x
        # Another office's longer name gets smaller type rather than running off the page.
        subtitle = _fit(content.subtitle, BOLD, subtitle, room)
        small = _fit(content.office_name, REGULAR, small, room)
        self.line(
            x, baseline + title_size * 0.72 - subtitle, content.subtitle, BOLD, subtitle, white
        )
        self.line(x, baseline, content.office_name, REGULAR, small, white)
        if content.code:
            # For the office's own bookkeeping: which poster or image this is.
            label = f"Kode {content.code}"
            self.line(
                self.width - margin,
                top - small * 1.6,
                label,
                REGULAR,
                small * 0.8,
                PALE,
                right=True,
            )
        return top - depth

    def number(
        self,
        x: float,
        top: float,
        width: float,
        content: PosterContent,
        *,
        label_size: float,
        max_size: float,
    ) -> float:
        """The label, then the number as large as the width allows, on a pale panel."""
        size = _fit(content.number, BOLD, max_size, width * 0.92)
        depth = label_size * 1.6 + size * 1.12
        c = self.canvas
        c.setFillColor(PALE)
        c.roundRect(x, top - depth, width, depth, radius=label_size * 0.6, stroke=0, fill=1)
        centre = x + width / 2
        label_y = top - label_size * 1.3
        self.line(centre, label_y, content.number_label, BOLD, label_size, ACCENT, centred=True)
        number_y = top - label_size * 1.5 - size * 0.9
        self.line(centre, number_y, content.number, BOLD, size, INK, centred=True)
        return top - depth

    def qr(self, x: float, y: float, size: float, data: str) -> None:
        """The QR code as vector modules, quiet zone included in `size`."""
        code = segno.make(data, error="m")
        rows = list(code.matrix_iter(scale=1, border=4))
        module = size / len(rows)
        c = self.canvas
        c.setFillColor(white)
        c.rect(x, y, size, size, stroke=0, fill=1)
        c.setFillColor(Color(0, 0, 0))
        for r, row in enumerate(rows):
            start = None
            for col, dark in enumerate((*row, 0)):
                if dark and start is None:
                    start = col
                elif not dark and start is not None:
                    # One rectangle per run of dark modules: no hairline seams between them.
                    bottom = y + size - (r + 1) * module
                    run = (col - start) * module
                    c.rect(x + start * module, bottom, run, module, stroke=0, fill=1)
                    start = None

    def steps(
        self,
        x: float,
        top: float,
        width: float,
        height: float,
        content: PosterContent,
        *,
        title: float,
        detail: float,
    ) -> None:
        """The three numbered steps, spread over `height` beside the QR code."""
        c = self.canvas
        radius = title * 0.75
        text_x = x + radius * 2 + title * 0.5
        pitch = height / len(content.steps)
        for n, step in enumerate(content.steps):
            centre_y = top - n * pitch - radius
            baseline = centre_y - title * 0.36
            c.setFillColor(ACCENT)
            c.circle(x + radius, centre_y, radius, stroke=0, fill=1)
            self.line(x + radius, baseline, str(n + 1), BOLD, title, white, centred=True)
            self.line(text_x, baseline, step.title, BOLD, title, INK)
            detail_y = baseline - detail * 1.45
            self.paragraph(
                text_x, detail_y, x + width - text_x, step.detail, REGULAR, detail, MUTED
            )

    def entries(
        self, x: float, top: float, width: float, entries: Sequence[Entry], *, size: float
    ) -> float:
        """Two columns of services, each its name in bold running into its plain words."""
        gutter = size * 2
        column = (width - gutter) / 2
        half = -(-len(entries) // 2)
        lowest = top
        for i, chunk in enumerate((entries[:half], entries[half:])):
            y = top
            for entry in chunk:
                left = x + i * (column + gutter)
                y = self.run_in(left, y, column, f"{entry.name} — ", entry.words, size, BRAND, INK)
                y -= size * 0.45
            lowest = min(lowest, y)
        return lowest

    def rule(self, x: float, y: float, width: float) -> None:
        self.canvas.setStrokeColor(PALE)
        self.canvas.setLineWidth(1.5)
        self.canvas.line(x, y, x + width, y)

    def run_in(
        self,
        x: float,
        top: float,
        width: float,
        lead: str,
        text: str,
        size: float,
        lead_color: Color,
        color: Color,
        *,
        leading: float = 1.3,
    ) -> float:
        """A bold lead, then the text on the same line and wrapped at `width` below it."""
        self.line(x, top, lead, BOLD, size, lead_color)
        indent = _width(lead, BOLD, size)
        words = text.split()
        first: list[str] = []
        while words and _width(" ".join([*first, words[0]]), REGULAR, size) <= width - indent:
            first.append(words.pop(0))
        self.line(x + indent, top, " ".join(first), REGULAR, size, color)
        rest = " ".join(words)
        return self.paragraph(x, top - size * leading, width, rest, REGULAR, size, color)

    def line(
        self,
        x: float,
        y: float,
        text: str,
        font: str,
        size: float,
        color: Color,
        *,
        centred: bool = False,
        right: bool = False,
    ) -> None:
        c = self.canvas
        c.setFillColor(color)
        c.setFont(font, size)
        if centred:
            c.drawCentredString(x, y, text)
        elif right:
            c.drawRightString(x, y, text)
        else:
            c.drawString(x, y, text)

    def paragraph(
        self,
        x: float,
        top: float,
        width: float,
        text: str,
        font: str,
        size: float,
        color: Color,
        *,
        leading: float = 1.3,
    ) -> float:
        """Wrapped text whose first baseline is `top`; returns the baseline after the last line."""
        y = top
        for text_line in simpleSplit(text, font, size, width):
            self.line(x, y, text_line, font, size, color)
            y -= size * leading
        return y


def _width(text: str, font: str, size: float) -> float:
    return float(pdfmetrics.stringWidth(text, font, size))


def _fit(text: str, font: str, size: float, width: float) -> float:
    """`size`, or less if the text would be wider than `width` on one line."""
    return min(size, size * width / _width(text, font, size))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make poster", description=__doc__.splitlines()[0])
    parser.add_argument("codes", nargs="*", help="campaign codes, e.g. TBH01 KTM02")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--office", type=Path, default=OFFICE_PATH, help="another office.yaml")
    parser.add_argument(
        "--preview", type=Path, help="write the README's PNG previews to this folder instead"
    )
    args = parser.parse_args(argv)
    office, catalogue, kit = load_office(args.office), load_catalogue(), load_kit()
    if args.preview:
        for path in write_previews(args.preview, office, catalogue, kit):
            print(path)
        return 0
    try:
        codes = [campaign_code(code) for code in args.codes]
    except ValueError as error:
        parser.error(str(error))
    written = write_kit(args.out, office, catalogue, kit, codes)
    for pair in written:
        print(f"{pair.code or 'umum':>8}  {pair.poster}  {pair.square}  {pair.qr}")
        print(f"{'':>8}  {pair.link}")
    print(f"links: {args.out / 'links.txt'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
