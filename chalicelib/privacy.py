"""The one place that masks personal data (NIK, phone numbers, WhatsApp user ids) before it is
logged, emailed or exported (UU 27/2022; SPEC §9)."""

from __future__ import annotations

import re
import unicodedata

from chalicelib.tickets.nik import normalize_nik

_STAR = "*"
_INDONESIA = "62"
# ITU-T E.164 calling codes of one and two digits; every other country code has three digits.
_SHORT_CALLING_CODES = frozenset(
    {"1", "7"}
    | {"20", "27", "30", "31", "32", "33", "34", "36", "39", "40", "41", "43", "44", "45", "46"}
    | {"47", "48", "49", "51", "52", "53", "54", "55", "56", "57", "58", "60", "61", "62", "63"}
    | {"64", "65", "66", "81", "82", "84", "86", "90", "91", "92", "93", "94", "95", "98"}
)
# Inside a regex character class: the ASCII hyphen and the Unicode dashes keyboards substitute.
_DASHES = "\\-\u2010-\u2015\u2212"
_PHONE_CHARS = re.compile(rf"\+?[\d\s().{_DASHES}]+")
# WhatsApp business-scoped user id: ISO country prefix, a dot, then an opaque id.
_USER_ID = re.compile(r"([A-Za-z]{2})\.(\S+)")
# A run of digits with single spaces, dots or dashes between them, optionally after a "+".
_NUMBER_IN_TEXT = re.compile(rf"(?<!\d)\+?\d(?:[\s.{_DASHES}]?\d)*")
# Groupings of 8+ digits that are not identifiers and that the rekap needs to keep readable.
_NOT_AN_IDENTIFIER = re.compile(
    r"\d{1,2}[-. ]\d{1,2}[-. ]\d{4}"  # date: 12-05-2024
    r"|\d{4}-\d{1,2}-\d{1,2}"  # date: 2024-05-12
    r"|[1-9]\d{0,2}(?:\.\d{3})+"  # amount: 15.000.000
    r"|\d{1,2}\.\d{2}-\d{1,2}\.\d{2}"  # hours: 08.00-16.00
)


def mask_nik(nik: str | None) -> str:
    """`1404010101010001` → `1404********0001`; anything else keeps only its last 2 characters."""
    if not nik:
        return ""
    text = str(nik).strip()
    digits = normalize_nik(text)
    if len(digits) == 16 and digits.isascii() and digits.isdigit():
        return digits[:4] + _STAR * 8 + digits[-4:]
    return _mask_all_but_tail(text)


def mask_phone(number: str | None) -> str:
    """`6281234565678`, `+62 812-3456-5678` or `081234565678` → `+62 812-****-5678`.

    Foreign numbers keep the calling code and the last 4 digits; business-scoped user ids
    (`ID.1234567890ABC`) keep the country prefix and the last 4 characters. Never raises.
    """
    if not number:
        return ""
    text = _ascii_digits(str(number).strip())
    if _PHONE_CHARS.fullmatch(text):
        digits = re.sub(r"\D", "", text)
        return _mask_phone_digits(digits, international=text.startswith("+"))
    user_id = _USER_ID.fullmatch(text)
    if user_id:
        prefix, rest = user_id.groups()
        return f"{prefix.upper()}.…{rest[-4:] if len(rest) >= 8 else ''}"
    return _mask_all_but_tail(text)


def mask_text(text: str) -> str:
    """Mask every possible NIK (16 digits) and phone number (8-15 digits) inside free text.

    Dates (`12-05-2024`), amounts (`Rp 15.000.000`) and hours (`08.00-16.00`) are kept; longer
    digit runs (account numbers) keep only their last 2 digits.
    """
    return _NUMBER_IN_TEXT.sub(_mask_number_match, text)


def _mask_number_match(match: re.Match[str]) -> str:
    found = _ascii_digits(match.group())
    count = sum(ch.isdigit() for ch in found)
    if count == 16:
        return mask_nik(found)
    if count < 8 or _NOT_AN_IDENTIFIER.fullmatch(found):
        return match.group()
    if count > 16:
        return _mask_all_but_tail(found)
    return mask_phone(found)


def _mask_phone_digits(digits: str, *, international: bool) -> str:
    if digits.startswith("00"):
        digits, international = digits[2:], True
    if len(digits) < 8:
        return _mask_all_but_tail(digits)
    if digits.startswith("0") and not international:
        return _mask_subscriber(_INDONESIA, digits[1:])
    code = _calling_code(digits)
    subscriber = digits[len(code) :]
    if code == _INDONESIA:
        return _mask_subscriber(code, subscriber)
    return f"+{code} {_STAR * 4}-{subscriber[-4:]}"


def _mask_subscriber(code: str, subscriber: str) -> str:
    if len(subscriber) < 9:
        return f"+{code} {_STAR * 4}-{subscriber[-2:]}"
    return f"+{code} {subscriber[:3]}-{_STAR * 4}-{subscriber[-4:]}"


def _calling_code(digits: str) -> str:
    for size in (1, 2):
        if digits[:size] in _SHORT_CALLING_CODES:
            return digits[:size]
    return digits[:3]


def _ascii_digits(text: str) -> str:
    # Any script's decimal digits (full-width, Arabic-Indic) count as the digits they stand for.
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in text)


def _mask_all_but_tail(text: str) -> str:
    # Short values are masked entirely so the visible tail is never most of the value.
    tail = text[-2:] if len(text) > 4 else ""
    return _STAR * (len(text) - len(tail)) + tail
