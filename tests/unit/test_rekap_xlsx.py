"""The rekap's XLSX attachment, read back: the same tickets and figures as the rekap's JSON,
real column types, a usable sheet (frozen header, filter, widths), a native chart, and no
personal data beyond what the e-mail shows."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date

import openpyxl
import pytest

from chalicelib.rekap.build import Rekap, Scope
from chalicelib.rekap.xlsx import SUMMARY_SHEET, TICKET_COLUMNS, TICKETS_SHEET, render_xlsx
from chalicelib.staff.roles import Role
from tests.logscan import personal_data_in
from tests.unit.test_rekap_build import (
    ANONYMOUS_NAME,
    ANONYMOUS_NIK,
    ANONYMOUS_PHONE,
    REPORTER_NIK,
    REPORTER_PHONE,
    Day,
    daily,
    realistic_day,
    ticket,
    wib,
)
from tests.unit.test_rekap_email import empty_day, monthly


def workbook(rekap: Rekap) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(render_xlsx(rekap)))


def every_xml_part(payload: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(payload)) as archive:
        return "\n".join(archive.read(name).decode() for name in archive.namelist())


def test_ticket_sheet_has_one_typed_row_per_new_ticket_matching_the_json() -> None:
    rekap = daily()
    sheet = workbook(rekap)[TICKETS_SHEET]
    rows = list(sheet.iter_rows(values_only=True))

    assert rows[0] == tuple(header for header, _ in TICKET_COLUMNS)
    assert len(rows) == 1 + rekap.new.total
    for cells, row in zip(rows[1:], rekap.new.rows, strict=True):
        assert cells[0] == row.number
        assert cells[1] == row.received_at.replace(tzinfo=None)  # Excel datetime, WIB clock
        assert cells[3] == row.service
        assert (cells[9], cells[10], cells[11]) == (row.phone, row.nik, row.description)
        assert cells[12] == row.age_days and isinstance(cells[12], int)
    first = sheet.cell(row=2, column=14)
    assert first.hyperlink is not None
    assert first.hyperlink.target == "https://ligat.example/console/tickets/LGT-2611-0101"
    assert sheet.cell(row=6, column=2).value.strftime("%H:%M") == "23:30"
    assert sheet.cell(row=2, column=2).number_format == "dd/mm/yyyy hh:mm"


def test_ticket_sheet_has_a_frozen_header_a_filter_and_readable_widths() -> None:
    sheet = workbook(daily())[TICKETS_SHEET]

    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:N6"
    assert sheet.column_dimensions["D"].width > 30  # Layanan
    assert sheet.column_dimensions["L"].width > 50  # Uraian singkat


def test_summary_sheet_holds_the_figures_of_the_json() -> None:
    rekap = daily()
    cells = list(workbook(rekap)[SUMMARY_SHEET].iter_rows(values_only=True))
    by_label = {row[0]: row[1:] for row in cells if row[0]}

    assert by_label["Laporan baru"][0] == rekap.new.total == 5
    assert by_label["Laporan baru mendesak"][0] == 2
    assert by_label["Tiket berjalan"][0] == rekap.backlog.total
    assert by_label["Melewati batas waktu layanan"][0] == len(rekap.backlog.overdue)
    assert by_label["Rata-rata kepuasan (1-5)"][0] == 4
    assert by_label["Program Keluarga Harapan (PKH)"][0] == 7  # information: listed after
    assert by_label["Asesmen lapangan"][:2] == (1, 66)
    assert by_label["Tanpa kecamatan"][0] == 1


def test_summary_sheet_has_a_native_bar_chart_of_new_tickets_per_service() -> None:
    rekap = daily()
    parts = every_xml_part(render_xlsx(rekap))

    assert "<c:barChart>" in parts
    categories = re.search(r"<c:cat>.*?<c:f>(.*?)</c:f>", parts, re.S)
    assert categories is not None
    first, last = re.findall(r"\$A\$(\d+)", categories.group(1))
    assert categories.group(1).startswith(SUMMARY_SHEET)
    sheet = workbook(rekap)[SUMMARY_SHEET]
    labels = [sheet.cell(row=n, column=1).value for n in range(int(first), int(last) + 1)]
    assert labels == [line.label for line in rekap.new.by_service]


def test_an_empty_day_is_a_valid_workbook_with_headers_and_the_backlog() -> None:
    payload = render_xlsx(empty_day())
    book = openpyxl.load_workbook(io.BytesIO(payload))

    assert book[TICKETS_SHEET].max_row == 1
    summary = {row[0]: row[1:] for row in book[SUMMARY_SHEET].iter_rows(values_only=True)}
    assert summary["Laporan baru"][0] == 0
    assert summary["Tiket berjalan"][0] == 3
    assert "<c:barChart>" not in every_xml_part(payload)


@pytest.mark.parametrize(
    "scope", [None, Scope.for_staff(Role.PIMPINAN, ()), Scope.for_staff(Role.ASESOR, ["14.04.02"])]
)
def test_no_raw_nik_or_phone_and_no_anonymous_reporter_anywhere_in_the_file(
    scope: Scope | None,
) -> None:
    parts = every_xml_part(render_xlsx(daily(scope=scope)))

    assert personal_data_in(parts.splitlines()) == []
    for secret in (ANONYMOUS_NAME, ANONYMOUS_PHONE, ANONYMOUS_NIK, REPORTER_PHONE, REPORTER_NIK):
        assert secret not in parts
    assert "Dirahasiakan" in parts


def test_an_asesor_file_lists_only_their_kecamatan() -> None:
    sheet = workbook(daily(scope=Scope.for_staff(Role.ASESOR, ["14.04.02"])))[TICKETS_SHEET]

    numbers = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert numbers == ["LGT-2611-0102", "LGT-2611-0103"]


def test_text_that_looks_like_a_formula_stays_text() -> None:
    data = realistic_day()
    data.new[1] = ticket(
        "LGT-2611-0102",
        wib(date(2026, 11, 26), 9, 30),
        reporter_name='=HYPERLINK("http://evil.example","klik")',
        description="+1+2 =SUM(A1:A9) @hari",
    )
    sheet = workbook(daily(Day(data.new, data.backlog, data.closed, data.info)))[TICKETS_SHEET]

    cell = sheet.cell(row=3, column=9)
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")
    assert sheet.cell(row=3, column=12).data_type == "s"


def test_the_month_workbook_has_every_ticket_and_the_trend_per_day() -> None:
    rekap = monthly()
    book = workbook(rekap)

    assert book[TICKETS_SHEET].max_row == 1 + rekap.new.total
    cells = list(book[SUMMARY_SHEET].iter_rows(values_only=True))
    trend = [row for row in cells if hasattr(row[0], "year")]
    assert len(trend) == 30
    thursday = trend[25]
    assert thursday[0].date() == date(2026, 11, 26)
    assert thursday[1:4] == (5, 2, 2)  # new, urgent, closed
    assert sum(row[1] for row in trend) == rekap.new.total
