"""Numbers, dates and times in the rekap read as an Indonesian officer writes them."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from chalicelib.rekap import formatting


@pytest.mark.parametrize(
    ("value", "decimals", "written"),
    [
        (0, 0, "0"),
        (999, 0, "999"),
        (1234, 0, "1.234"),
        (1234567, 0, "1.234.567"),
        (-1500, 0, "-1.500"),
        (4.25, 1, "4,3"),
        (4.0, 1, "4,0"),
        (1234.5, 2, "1.234,50"),
        (2.5, 0, "3"),
    ],
)
def test_numbers_use_a_period_for_thousands_and_a_comma_for_decimals(
    value: float, decimals: int, written: str
) -> None:
    assert formatting.number(value, decimals) == written


def test_dates_name_the_day_and_month_in_indonesian() -> None:
    assert formatting.long_date(date(2026, 11, 26)) == "Kamis, 26 November 2026"
    assert formatting.long_date(date(2026, 8, 17)) == "Senin, 17 Agustus 2026"
    assert formatting.plain_date(date(2027, 1, 3)) == "3 Januari 2027"
    assert formatting.month_year(date(2026, 2, 1)) == "Februari 2026"
    assert formatting.short_date(date(2026, 3, 9)) == "09/03/2026"
    assert [formatting.long_date(date(2026, 11, d)).split(",")[0] for d in range(23, 30)] == [
        "Senin",
        "Selasa",
        "Rabu",
        "Kamis",
        "Jumat",
        "Sabtu",
        "Minggu",
    ]


def test_times_are_shown_in_wib_with_a_period_between_hours_and_minutes() -> None:
    late_evening = datetime(2026, 11, 26, 16, 30, tzinfo=UTC)  # 23.30 WIB

    assert formatting.time_wib(late_evening) == "23.30 WIB"
    assert formatting.moment_wib(late_evening) == "26/11/2026 23.30 WIB"
    # 17.10 UTC is already the next WIB day.
    assert formatting.long_date(datetime(2026, 11, 26, 17, 10, tzinfo=UTC)) == (
        "Jumat, 27 November 2026"
    )


def test_response_times_read_in_hours_under_a_day_and_in_days_after() -> None:
    assert formatting.duration(2.5) == "2,5 jam"
    assert formatting.duration(36) == "1,5 hari"
    assert formatting.duration(None) == "–"
    assert formatting.days(1) == "1 hari"
    assert formatting.days(1200) == "1.200 hari"
