"""Numbers, dates and times as an Indonesian reader writes them: `1.234`, `4,5`,
*Kamis, 26 November 2026*, `08.15 WIB` (PUEBI: a period between hours and minutes)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from chalicelib.clock import WIB

DAY_NAMES = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")  # Monday first
MONTH_NAMES = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
_HOURS_PER_DAY = 24


def number(value: float, decimals: int = 0) -> str:
    """`1234` → `1.234`; `4.25` with one decimal → `4,3` (half rounds up, as people expect)."""
    quantum = Decimal(1).scaleb(-decimals)
    rounded = Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)
    sign = "-" if rounded < 0 else ""
    whole, _, fraction = f"{abs(rounded):f}".partition(".")
    grouped = f"{int(whole):,}".replace(",", ".")
    return f"{sign}{grouped},{fraction}" if fraction else f"{sign}{grouped}"


def long_date(day: date | datetime) -> str:
    """*Kamis, 26 November 2026*; a datetime is read on the WIB calendar."""
    day = _wib_date(day)
    return f"{DAY_NAMES[day.weekday()]}, {plain_date(day)}"


def plain_date(day: date | datetime) -> str:
    """*26 November 2026*."""
    day = _wib_date(day)
    return f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


def short_date(day: date | datetime) -> str:
    """*26/11/2026*, for narrow table cells."""
    day = _wib_date(day)
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def month_year(day: date) -> str:
    """*November 2026*."""
    return f"{MONTH_NAMES[day.month - 1]} {day.year}"


def time_wib(moment: datetime) -> str:
    """`08.15 WIB`."""
    local = moment.astimezone(WIB)
    return f"{local.hour:02d}.{local.minute:02d} WIB"


def moment_wib(moment: datetime) -> str:
    """`26/11/2026 08.15 WIB`."""
    return f"{short_date(moment)} {time_wib(moment)}"


def days(count: int) -> str:
    """`1 hari`, `12 hari` (Indonesian nouns do not change in the plural)."""
    return f"{number(count)} hari"


def duration(hours: float | None) -> str:
    """A response time: `2,5 jam` under a day, `3,2 hari` from a day on, `–` when unknown."""
    if hours is None:
        return "–"
    if hours < _HOURS_PER_DAY:
        return f"{number(hours, 1)} jam"
    return f"{number(hours / _HOURS_PER_DAY, 1)} hari"


def _wib_date(day: date | datetime) -> date:
    return day.astimezone(WIB).date() if isinstance(day, datetime) else day
