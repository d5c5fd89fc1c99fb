"""The rekap e-mail: subject, HTML and plain text say the figures in Indonesian, mask personal
data, hide anonymous reporters, and stay safe in any mail client."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from html.parser import HTMLParser

import pytest

from chalicelib.catalogue.office import load_office
from chalicelib.catalogue.services import load_catalogue
from chalicelib.rekap.build import MonthlyRekap, Rekap, Scope, build_monthly
from chalicelib.rekap.html import render_html
from chalicelib.rekap.text import render_text, subject
from chalicelib.staff.roles import Role
from tests.logscan import personal_data_in
from tests.unit.test_rekap_build import (
    ANONYMOUS_NAME,
    ANONYMOUS_NIK,
    ANONYMOUS_PHONE,
    CONSOLE,
    REPORTER_NIK,
    REPORTER_PHONE,
    Day,
    daily,
    realistic_day,
    ticket,
    wib,
)

ASESOR_ENOK = Scope.for_staff(Role.ASESOR, ["14.04.02"])


class Tags(HTMLParser):
    """Every start tag with its attributes, to check what the HTML asks a mail client to do."""

    def __init__(self, markup: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.feed(markup)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {name: value or "" for name, value in attrs}))


def monthly() -> MonthlyRekap:
    data = realistic_day()
    return build_monthly(
        date(2026, 11, 1),
        data.new,
        data.backlog,
        data.closed,
        {"pkh": 1234},
        datetime(2026, 12, 1, 0, 0, tzinfo=UTC),
        load_catalogue(),
        load_office(),
        CONSOLE,
    )


def empty_day() -> Rekap:
    return daily(Day(new=[], backlog=realistic_day().backlog[5:], closed=[], info={}))


def test_subject_names_the_day_the_new_reports_and_the_urgent_ones() -> None:
    assert subject(daily()) == "Rekap LIGAT — Kamis, 26 November 2026 — 5 laporan baru (2 mendesak)"
    assert subject(daily(scope=ASESOR_ENOK)) == (
        "Rekap LIGAT — Kamis, 26 November 2026 — 2 laporan baru"
    )
    assert subject(empty_day()) == "Rekap LIGAT — Kamis, 26 November 2026 — tidak ada laporan baru"
    assert subject(monthly()) == "Rekap Bulanan LIGAT — November 2026 — 5 laporan baru (2 mendesak)"


def test_subject_writes_large_counts_the_indonesian_way() -> None:
    many = [
        ticket(f"LGT-2611-{n:04d}", wib(date(2026, 11, 26), 8), priority="tinggi")
        for n in range(1, 1101)
    ]
    rekap = daily(Day(new=many, backlog=[], closed=[], info={}))

    assert subject(rekap).endswith("1.100 laporan baru (1.100 mendesak)")


@pytest.mark.parametrize("render", [render_html, render_text])
def test_every_new_report_is_in_the_email_with_its_console_link(render) -> None:
    rekap = daily()
    body = render(rekap)

    for row in rekap.new.rows:
        assert row.number in body
        assert f"{CONSOLE}/tickets/{row.number}" in body
    assert "Kamis, 26 November 2026" in body
    assert "08.15 WIB" in body
    assert "Bantuan Sosial Korban Bencana Alam dan Non Alam" in body
    assert "Rata-rata 4,0 dari 5" in body


@pytest.mark.parametrize("render", [render_html, render_text])
def test_an_empty_day_says_there_are_no_new_reports_and_still_lists_the_backlog(render) -> None:
    body = render(empty_day())

    assert "Tidak ada laporan baru" in body
    assert "LGT-2609-0200" in body  # overdue, from the backlog
    assert "LGT-2611-0090" in body  # due today


@pytest.mark.parametrize("scope", [None, Scope.for_staff(Role.PIMPINAN, ()), ASESOR_ENOK])
def test_no_raw_nik_or_phone_and_no_anonymous_reporter_in_any_copy(scope: Scope | None) -> None:
    rekap = daily(scope=scope)
    bodies = [render_html(rekap), render_text(rekap), subject(rekap)]

    for body in bodies:
        assert personal_data_in(body.splitlines()) == []
        for secret in (ANONYMOUS_NAME, ANONYMOUS_PHONE, ANONYMOUS_NIK, REPORTER_PHONE):
            assert secret not in body
        assert REPORTER_NIK not in body
        assert re.search(r"\d{16}", body) is None


@pytest.mark.parametrize("render", [render_html, render_text])
def test_an_asesor_copy_shows_only_tickets_of_their_kecamatan(render) -> None:
    body = render(daily(scope=ASESOR_ENOK))

    assert "Kecamatan Enok" in body
    assert "LGT-2611-0102" in body and "LGT-2611-0103" in body
    for elsewhere in ("LGT-2611-0101", "LGT-2611-0104", "LGT-2611-0105", "LGT-2609-0200"):
        assert elsewhere not in body


def test_html_has_no_script_and_no_external_resource_only_console_links() -> None:
    markup = render_html(daily())
    tags = Tags(markup).tags

    names = {tag for tag, _ in tags}
    assert not names & {"script", "img", "link", "iframe", "object", "embed", "form", "style"}
    assert "javascript:" not in markup.lower() and "@import" not in markup
    for tag, attrs in tags:
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        assert "src" not in attrs
    links = [attrs["href"] for tag, attrs in tags if "href" in attrs]
    assert links and all(link.startswith(f"{CONSOLE}/tickets/LGT-") for link in links)
    assert [
        url for url in re.findall(r"https?://[^\s\"<]+", markup) if not url.startswith(CONSOLE)
    ] == []


def test_html_is_one_column_no_wider_than_600_pixels() -> None:
    markup = render_html(daily())

    widths = [int(w) for w in re.findall(r'width="(\d+)"', markup)]
    pixels = [int(w) for w in re.findall(r"width:\s*(\d+)px", markup)]
    assert widths and max(widths) <= 600
    assert pixels and max(pixels) <= 600
    assert 'name="viewport"' in markup and '<html lang="id">' in markup


def test_values_are_escaped_so_markup_in_a_report_stays_text() -> None:
    data = realistic_day()
    data.new[1] = ticket(
        "LGT-2611-0102",
        wib(date(2026, 11, 26), 9, 30),
        reporter_name='<script>alert("x")</script> Budi',
    )
    markup = render_html(daily(data))

    assert "&lt;b&gt;dipukul&lt;/b&gt;" in markup
    assert "<b>" not in markup
    assert "<script" not in markup
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; Budi" in markup
    assert "Tetangga saya <b>dipukul</b>" in render_text(daily(data))  # plain text is not HTML


@pytest.mark.parametrize("render", [render_html, render_text])
def test_the_month_shows_the_trend_per_day_and_response_times(render) -> None:
    body = render(monthly())

    assert "November 2026" in body
    assert "26/11/2026" in body and "30/11/2026" in body
    assert "1.234" in body  # information requests in the month
    assert "Sampai diverifikasi" in body and "Sampai ditutup" in body
    assert personal_data_in(body.splitlines()) == []
