from dataclasses import FrozenInstanceError
from datetime import date

import pytest

from chalicelib.tickets.nik import NikReason, check_nik, is_inhil, normalize_nik

TODAY = date(2026, 11, 15)
PROVINCE_RANGE_BOUNDARIES = [11, 19, 21, 31, 36, 51, 53, 61, 65, 71, 76, 81, 82, 91, 96]


def full_width(text: str) -> str:
    """What some phone keyboards send: full-width forms of ASCII letters, digits and dashes."""
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)


def nik(
    province: str = "14",
    regency: str = "04",
    district: str = "01",
    day: str = "15",
    month: str = "05",
    year: str = "90",
    serial: str = "0001",
) -> str:
    return province + regency + district + day + month + year + serial


def test_nik_of_a_man_gives_birth_date_and_region() -> None:
    check = check_nik(nik(), TODAY)

    assert check.ok
    assert check.reason is None
    assert check.nik == "1404011505900001"
    assert check.birth_date == date(1990, 5, 15)
    assert check.female is False
    assert check.region_code == "14.04.01"


def test_nik_of_a_woman_has_day_plus_40() -> None:
    check = check_nik(nik(day="55"), TODAY)

    assert check.ok
    assert check.female is True
    assert check.birth_date == date(1990, 5, 15)


@pytest.mark.parametrize(
    "typed",
    [
        "1404 0115 0590 0001",
        "1404.0115.0590.0001",
        "1404-0115-0590-0001",
        "14.04.01 150590 0001",
        "  1404011505900001 ",
        "1404\u20100115\u20100590\u20100001",
        full_width("1404011505900001"),
    ],
)
def test_nik_typed_with_separators_or_full_width_digits_is_accepted(typed: str) -> None:
    check = check_nik(typed, TODAY)

    assert check.ok
    assert check.nik == "1404011505900001"


@pytest.mark.parametrize(
    ("typed", "region_code"),
    [
        (nik(province="31", regency="71", district="02"), "31.71.02"),
        (nik(province="14", regency="71", district="03"), "14.71.03"),
        (nik(province="96", regency="01", district="01"), "96.01.01"),
    ],
)
def test_nik_issued_outside_inhil_is_accepted(typed: str, region_code: str) -> None:
    check = check_nik(typed, TODAY)

    assert check.ok
    assert check.region_code == region_code
    assert not is_inhil(typed)


@pytest.mark.parametrize("typed", ["1404011505900001", "1404 0115 0590 0001"])
def test_nik_starting_1404_is_from_inhil(typed: str) -> None:
    assert is_inhil(typed)


@pytest.mark.parametrize("typed", ["3171011505900001", "1403011505900001", "", "14"])
def test_nik_not_starting_1404_is_not_from_inhil(typed: str) -> None:
    assert not is_inhil(typed)


@pytest.mark.parametrize(
    "typed", ["", "   ", "1404", "140401150590000", "14040115059000011", "1404 0115 0590"]
)
def test_nik_without_16_digits_is_refused_for_length(typed: str) -> None:
    check = check_nik(typed, TODAY)

    assert not check.ok
    assert check.reason is NikReason.LENGTH


@pytest.mark.parametrize(
    "typed",
    [
        "14040115O5900001",
        "NIK 1404011505900001",
        "1404/0115/0590/0001",
        "tidak tahu",
        "\u0661\u0664\u0660\u0664",
    ],
)
def test_nik_with_other_characters_is_refused_as_not_digits(typed: str) -> None:
    check = check_nik(typed, TODAY)

    assert not check.ok
    assert check.reason is NikReason.NOT_DIGITS


@pytest.mark.parametrize("province", PROVINCE_RANGE_BOUNDARIES)
def test_nik_of_every_province_range_boundary_is_accepted(province: int) -> None:
    assert check_nik(nik(province=str(province)), TODAY).ok


@pytest.mark.parametrize(
    "province", ["00", "10", "20", "22", "30", "37", "50", "54", "60", "66", "77", "83", "90", "97"]
)
def test_nik_with_unknown_province_is_refused(province: str) -> None:
    check = check_nik(nik(province=province), TODAY)

    assert not check.ok
    assert check.reason is NikReason.PROVINCE


@pytest.mark.parametrize(
    ("day", "birth_day", "female"),
    [("01", 1, False), ("31", 31, False), ("41", 1, True), ("71", 31, True)],
)
def test_nik_boundary_days_are_accepted(day: str, birth_day: int, female: bool) -> None:
    check = check_nik(nik(day=day, month="01"), TODAY)

    assert check.ok
    assert check.birth_date == date(1990, 1, birth_day)
    assert check.female is female


@pytest.mark.parametrize("day", ["00", "32", "40", "72", "99"])
def test_nik_with_day_outside_both_ranges_is_refused(day: str) -> None:
    check = check_nik(nik(day=day), TODAY)

    assert not check.ok
    assert check.reason is NikReason.DAY


@pytest.mark.parametrize("month", ["01", "12"])
def test_nik_boundary_months_are_accepted(month: str) -> None:
    assert check_nik(nik(month=month), TODAY).ok


@pytest.mark.parametrize("month", ["00", "13", "99"])
def test_nik_with_month_outside_1_to_12_is_refused(month: str) -> None:
    check = check_nik(nik(month=month), TODAY)

    assert not check.ok
    assert check.reason is NikReason.MONTH


@pytest.mark.parametrize(
    ("day", "month", "year"),
    [
        ("31", "02", "90"),
        ("30", "02", "92"),
        ("31", "04", "90"),
        ("29", "02", "23"),
        ("69", "02", "23"),
        ("29", "02", "99"),
    ],
)
def test_nik_with_impossible_calendar_date_is_refused(day: str, month: str, year: str) -> None:
    check = check_nik(nik(day=day, month=month, year=year), TODAY)

    assert not check.ok
    assert check.reason is NikReason.DATE


@pytest.mark.parametrize(
    ("day", "year", "birth_date"),
    [
        ("29", "24", date(2024, 2, 29)),
        ("69", "96", date(1996, 2, 29)),
        ("29", "00", date(2000, 2, 29)),
    ],
)
def test_nik_born_on_29_february_of_a_leap_year_is_accepted(
    day: str, year: str, birth_date: date
) -> None:
    check = check_nik(nik(day=day, month="02", year=year), TODAY)

    assert check.ok
    assert check.birth_date == birth_date


def test_nik_with_birth_date_after_today_is_refused() -> None:
    check = check_nik(nik(day="16", month="11", year="26"), TODAY)

    assert not check.ok
    assert check.reason is NikReason.DATE


def test_nik_of_a_baby_born_today_is_accepted() -> None:
    check = check_nik(nik(day="15", month="11", year="26"), TODAY)

    assert check.ok
    assert check.birth_date == TODAY


@pytest.mark.parametrize(
    ("year", "birth_year"), [("00", 2000), ("25", 2025), ("26", 2026), ("27", 1927), ("99", 1999)]
)
def test_two_digit_year_resolves_to_most_recent_year_not_after_today(
    year: str, birth_year: int
) -> None:
    check = check_nik(nik(day="01", month="01", year=year), TODAY)

    assert check.birth_date is not None
    assert check.birth_date.year == birth_year


def test_nik_with_serial_0000_is_refused() -> None:
    check = check_nik(nik(serial="0000"), TODAY)

    assert not check.ok
    assert check.reason is NikReason.SERIAL


@pytest.mark.parametrize("serial", ["0001", "9999"])
def test_nik_with_nonzero_serial_is_accepted(serial: str) -> None:
    assert check_nik(nik(serial=serial), TODAY).ok


def test_refused_nik_carries_no_personal_data() -> None:
    check = check_nik(nik(serial="0000"), TODAY)

    assert (check.nik, check.birth_date, check.female, check.region_code) == (None,) * 4


def test_reason_codes_are_stable_strings() -> None:
    assert [reason.value for reason in NikReason] == [
        "length",
        "not_digits",
        "province",
        "day",
        "month",
        "date",
        "serial",
    ]
    assert check_nik("1404", TODAY).reason == "length"


def test_nik_check_is_immutable() -> None:
    check = check_nik(nik(), TODAY)

    with pytest.raises(FrozenInstanceError):
        check.ok = False  # type: ignore[misc]


def test_normalize_nik_removes_only_separators() -> None:
    assert normalize_nik(" 1404.0115-0590 0001 ") == "1404011505900001"
