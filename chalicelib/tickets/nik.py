"""NIK (Nomor Induk Kependudukan) validation.

Layout of the 16 digits: PP KK CC DD MM YY SSSS, i.e. province, regency, district (the region
that first issued the NIK, kept for life), day of birth (+40 for women), month, two-digit year,
and a serial number.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

# Kemendagri province codes (including the Papua provinces created in 2022).
PROVINCE_CODES = frozenset(
    {*range(11, 20), 21, *range(31, 37), *range(51, 54), *range(61, 66), *range(71, 77), 81, 82}
    | {*range(91, 97)}
)
INHIL_PREFIX = "1404"
_SEPARATORS = re.compile(r"[\s.\-\u2010-\u2015\u2212]")
_WOMAN_DAY_OFFSET = 40


class NikReason(StrEnum):
    """Why a NIK was refused; stable codes the conversation maps to its own copy."""

    LENGTH = "length"
    NOT_DIGITS = "not_digits"
    PROVINCE = "province"
    DAY = "day"
    MONTH = "month"
    DATE = "date"
    SERIAL = "serial"


@dataclass(frozen=True, slots=True)
class NikCheck:
    ok: bool
    nik: str | None = None
    reason: NikReason | None = None
    birth_date: date | None = None
    female: bool | None = None
    region_code: str | None = None


def check_nik(text: str, today: date) -> NikCheck:
    """Validate the structure of a NIK typed by a citizen (spaces, dots or dashes allowed).

    `today` bounds the birth date and resolves the two-digit year to the most recent year that is
    not after today's year.
    """
    nik = normalize_nik(text)
    if not nik.isascii() or not nik.isdigit():
        return _refused(NikReason.NOT_DIGITS if nik else NikReason.LENGTH)
    if len(nik) != 16:
        return _refused(NikReason.LENGTH)
    if int(nik[:2]) not in PROVINCE_CODES:
        return _refused(NikReason.PROVINCE)
    day = int(nik[6:8])
    female = day > _WOMAN_DAY_OFFSET
    if female:
        day -= _WOMAN_DAY_OFFSET
    if not 1 <= day <= 31:
        return _refused(NikReason.DAY)
    month = int(nik[8:10])
    if not 1 <= month <= 12:
        return _refused(NikReason.MONTH)
    year = _resolve_year(int(nik[10:12]), today)
    try:
        birth_date = date(year, month, day)
    except ValueError:
        return _refused(NikReason.DATE)
    if birth_date > today:
        return _refused(NikReason.DATE)
    if nik[12:] == "0000":
        return _refused(NikReason.SERIAL)
    return NikCheck(
        ok=True,
        nik=nik,
        birth_date=birth_date,
        female=female,
        region_code=f"{nik[:2]}.{nik[2:4]}.{nik[4:6]}",
    )


def is_inhil(nik: str) -> bool:
    """Whether the NIK was first issued in Kabupaten Indragiri Hilir (Kemendagri 14.04)."""
    return normalize_nik(nik).startswith(INHIL_PREFIX)


def normalize_nik(text: str) -> str:
    """Drop the spaces, dots and dashes typed between digits; full-width digits become ASCII."""
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", text))


def _resolve_year(two_digits: int, today: date) -> int:
    year = today.year // 100 * 100 + two_digits
    return year if year <= today.year else year - 100


def _refused(reason: NikReason) -> NikCheck:
    return NikCheck(ok=False, reason=reason)
