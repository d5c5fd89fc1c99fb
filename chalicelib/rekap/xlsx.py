"""The rekap's XLSX attachment: a sheet of tickets (one row each, masked exactly as in the
e-mail) and a sheet of summaries with a native chart of the new tickets per service.

Cells carry real types (dates as Excel datetimes in WIB, counts as numbers). Text is written
as text only: a description starting with "=" never becomes a formula.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import UTC, datetime

import xlsxwriter
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from chalicelib.clock import WIB
from chalicelib.rekap import formatting
from chalicelib.rekap.build import Line, MonthlyRekap, Rekap, Row
from chalicelib.rekap.text import subject

TICKETS_SHEET = "Tiket"
SUMMARY_SHEET = "Ringkasan"
# (header, column width in characters)
TICKET_COLUMNS = (
    ("Nomor tiket", 15),
    ("Diterima (WIB)", 17),
    ("Jenis", 12),
    ("Layanan", 34),
    ("Prioritas", 10),
    ("Status", 16),
    ("Kecamatan", 18),
    ("Desa/Kelurahan", 20),
    ("Pelapor", 20),
    ("Telepon", 18),
    ("NIK", 18),
    ("Uraian singkat", 60),
    ("Umur (hari)", 11),
    ("Tautan konsol", 20),
)
_DATETIME = "dd/mm/yyyy hh:mm"
_DATE = "dd/mm/yyyy"
_CHART_ROWS = 18  # rows of the summary sheet the chart covers


def render_xlsx(rekap: Rekap | MonthlyRekap) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    workbook.set_properties(
        {
            "title": subject(rekap),
            "author": "LIGAT",
            "company": rekap.office,
            # The archive stays byte-identical when the same rekap is rendered again.
            "created": rekap.made_at.astimezone(UTC).replace(tzinfo=None),
        }
    )
    styles = _Styles(workbook)
    _tickets_sheet(workbook.add_worksheet(TICKETS_SHEET), rekap.new.rows, styles)
    _summary_sheet(workbook, workbook.add_worksheet(SUMMARY_SHEET), rekap, styles)
    workbook.close()
    return buffer.getvalue()


class _Styles:
    def __init__(self, workbook: Workbook) -> None:
        self.header = workbook.add_format(
            {"bold": True, "bg_color": "#0B4F6C", "font_color": "#FFFFFF", "text_wrap": True}
        )
        self.title = workbook.add_format({"bold": True, "font_size": 14})
        self.section = workbook.add_format({"bold": True, "font_color": "#0B4F6C"})
        self.datetime = workbook.add_format({"num_format": _DATETIME})
        self.date = workbook.add_format({"num_format": _DATE})
        self.decimal = workbook.add_format({"num_format": "0.0"})
        self.link = workbook.get_default_url_format()


def _tickets_sheet(sheet: Worksheet, rows: Sequence[Row], styles: _Styles) -> None:
    for col, (header, width) in enumerate(TICKET_COLUMNS):
        sheet.write_string(0, col, header, styles.header)
        sheet.set_column(col, col, width)
    for index, row in enumerate(rows, start=1):
        texts = (
            row.number,
            None,
            row.type_label,
            row.service,
            row.priority_label,
            row.status_label,
            row.kecamatan,
            row.desa,
            row.reporter,
            row.phone,
            row.nik,
            row.description,
        )
        for col, text in enumerate(texts):
            if text is not None:
                sheet.write_string(index, col, text)
        sheet.write_datetime(index, 1, _excel_time(row.received_at), styles.datetime)
        sheet.write_number(index, 12, row.age_days)
        sheet.write_url(index, 13, row.link, styles.link, string="Buka di konsol", tip=row.number)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(len(rows), 1), len(TICKET_COLUMNS) - 1)


def _summary_sheet(
    workbook: Workbook, sheet: Worksheet, rekap: Rekap | MonthlyRekap, styles: _Styles
) -> None:
    sheet.set_column(0, 0, 44)
    sheet.set_column(1, 2, 12)
    monthly = isinstance(rekap, MonthlyRekap)
    period = (
        formatting.month_year(rekap.month)
        if isinstance(rekap, MonthlyRekap)
        else formatting.long_date(rekap.day)
    )
    sheet.write_string(
        0, 0, "Rekap Bulanan LIGAT" if monthly else "Rekap Harian LIGAT", styles.title
    )
    sheet.write_string(1, 0, f"{rekap.office} — {period}")
    sheet.write_string(2, 0, f"{rekap.scope}; dibuat {formatting.moment_wib(rekap.made_at)}")
    writer = _Blocks(sheet, styles, start=4)
    figures = [
        ("Laporan baru", rekap.new.total),
        ("Laporan baru mendesak", rekap.new.urgent),
        ("Tiket berjalan", rekap.backlog.total),
        ("Melewati batas waktu layanan", len(rekap.backlog.overdue)),
        ("Jatuh tempo hari ini", len(rekap.backlog.due_today)),
        ("Tiket ditutup", rekap.closed.total),
        ("Permintaan informasi", rekap.information.total),
        ("Penilaian kepuasan warga", rekap.satisfaction.count),
    ]
    if isinstance(rekap, Rekap):
        figures.insert(2, ("Tiket mendesak belum ditutup", len(rekap.urgent)))
    writer.pairs("Angka utama", figures)
    writer.value("Rata-rata kepuasan (1-5)", rekap.satisfaction.average)
    if isinstance(rekap, MonthlyRekap):
        writer.blank()
        writer.heading("Waktu tanggapan (median, jam)", "Jam", "Tiket")
        for label, measured in (
            ("Sampai diverifikasi", rekap.to_verification),
            ("Sampai ditutup", rekap.to_closure),
        ):
            writer.value(label, measured.median_hours, measured.count)
    services_at = writer.lines("Laporan baru per layanan", rekap.new.by_service)
    writer.lines("Laporan baru per jenis", rekap.new.by_type)
    writer.lines("Laporan baru per prioritas", rekap.new.by_priority)
    writer.lines("Laporan baru per kecamatan", rekap.new.by_kecamatan)
    writer.blank()
    writer.heading("Tiket berjalan per status", "Jumlah", "Tertua (hari)")
    for status_line in rekap.backlog.by_status:
        writer.value(status_line.label, status_line.count, status_line.oldest_days)
    writer.lines("Tiket berjalan per umur", rekap.backlog.by_age)
    writer.lines("Tiket ditutup per hasil", rekap.closed.by_outcome)
    writer.lines("Permintaan informasi per layanan", rekap.information.by_service)
    if isinstance(rekap, MonthlyRekap):
        writer.blank()
        writer.heading("Tren harian", "Baru", "Mendesak", "Ditutup")
        for day in rekap.trend:
            sheet.write_datetime(
                writer.row, 0, datetime.combine(day.day, datetime.min.time()), styles.date
            )
            for col, count in enumerate((day.new, day.urgent, day.closed), start=1):
                sheet.write_number(writer.row, col, count)
            writer.row += 1
    if rekap.new.by_service:
        _services_chart(workbook, sheet, services_at, len(rekap.new.by_service))


def _services_chart(workbook: Workbook, sheet: Worksheet, first_row: int, count: int) -> None:
    chart = workbook.add_chart({"type": "bar"})
    last_row = first_row + count - 1
    chart.add_series(
        {
            "name": "Laporan baru",
            "categories": [SUMMARY_SHEET, first_row, 0, last_row, 0],
            "values": [SUMMARY_SHEET, first_row, 1, last_row, 1],
            "fill": {"color": "#0B4F6C"},
            "data_labels": {"value": True},
        }
    )
    chart.set_title({"name": "Laporan baru per layanan"})
    chart.set_legend({"none": True})
    chart.set_y_axis({"reverse": True})  # the busiest service on top, as in the table
    chart.set_x_axis({"min": 0})
    chart.set_size({"width": 640, "height": 20 * _CHART_ROWS + 20 * count})
    sheet.insert_chart(4, 4, chart)


class _Blocks:
    """Writes titled two- or three-column blocks down the summary sheet."""

    def __init__(self, sheet: Worksheet, styles: _Styles, start: int) -> None:
        self.sheet = sheet
        self.styles = styles
        self.row = start

    def blank(self) -> None:
        self.row += 1

    def heading(self, title: str, *columns: str) -> None:
        self.sheet.write_string(self.row, 0, title, self.styles.header)
        for col, name in enumerate(columns, start=1):
            self.sheet.write_string(self.row, col, name, self.styles.header)
        self.row += 1

    def pairs(self, title: str, pairs: Sequence[tuple[str, int]]) -> None:
        self.heading(title, "Jumlah")
        for label, count in pairs:
            self.value(label, count)

    def lines(self, title: str, lines: Sequence[Line]) -> int:
        """A block of counted lines; returns the row of its first line (for the chart)."""
        self.blank()
        self.heading(title, "Jumlah")
        first = self.row
        for line in lines:
            self.value(line.label, line.count)
        if not lines:
            self.sheet.write_string(self.row, 0, "Tidak ada")
            self.row += 1
        return first

    def value(self, label: str, *numbers: float | None) -> None:
        self.sheet.write_string(self.row, 0, label)
        for col, number in enumerate(numbers, start=1):
            if number is not None:
                self.sheet.write_number(
                    self.row,
                    col,
                    number,
                    self.styles.decimal if isinstance(number, float) else None,
                )
        self.row += 1


def _excel_time(moment: datetime) -> datetime:
    """Excel has no time zones: the WIB wall-clock time, as the office reads it."""
    return moment.astimezone(WIB).replace(tzinfo=None)
