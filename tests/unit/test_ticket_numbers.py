from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.clock import WIB
from chalicelib.tickets.numbers import format_ticket_number, month_key, parse_ticket_number


def full_width(text: str) -> str:
    """What some phone keyboards send: full-width forms of ASCII letters, digits and dashes."""
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)


def test_ticket_number_has_year_month_and_four_digit_sequence() -> None:
    assert format_ticket_number(datetime(2026, 11, 10, 3, tzinfo=UTC), 42) == "LGT-2611-0042"


@pytest.mark.parametrize(
    ("moment", "number"),
    [
        (datetime(2026, 11, 30, 16, 59, 59, tzinfo=UTC), "LGT-2611-0001"),
        (datetime(2026, 11, 30, 17, 0, 0, tzinfo=UTC), "LGT-2612-0001"),
        (datetime(2026, 11, 30, 18, 0, 0, tzinfo=UTC), "LGT-2612-0001"),
        (datetime(2026, 12, 31, 17, 0, 0, tzinfo=UTC), "LGT-2701-0001"),
        (datetime(2026, 12, 1, 6, 0, 0, tzinfo=WIB), "LGT-2612-0001"),
        (datetime(2026, 11, 30, 23, 0, 0, tzinfo=timezone(timedelta(hours=-5))), "LGT-2612-0001"),
    ],
)
def test_ticket_month_follows_the_wib_calendar(moment: datetime, number: str) -> None:
    assert format_ticket_number(moment, 1) == number


@pytest.mark.parametrize(("sequence", "number"), [(1, "LGT-2612-0001"), (9999, "LGT-2612-9999")])
def test_sequence_is_zero_padded_to_four_digits(sequence: int, number: str) -> None:
    assert format_ticket_number(datetime(2026, 12, 1, tzinfo=UTC), sequence) == number


def test_sequence_beyond_9999_grows_instead_of_wrapping() -> None:
    assert format_ticket_number(datetime(2026, 12, 1, tzinfo=UTC), 10000) == "LGT-2612-10000"


@pytest.mark.parametrize("sequence", [0, -1])
def test_sequence_must_be_positive(sequence: int) -> None:
    with pytest.raises(ValueError, match="positive"):
        format_ticket_number(datetime(2026, 12, 1, tzinfo=UTC), sequence)


def test_naive_moment_is_refused_because_its_wib_month_is_unknown() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        format_ticket_number(datetime(2026, 12, 1), 1)


def test_month_key_is_wib_year_and_month() -> None:
    assert month_key(datetime(2026, 10, 31, 17, 30, tzinfo=UTC)) == "2611"


@pytest.mark.parametrize(
    "text",
    [
        "LGT-2611-0042",
        "lgt-2611-0042",
        "status lgt 2611 42",
        "LGT26110042",
        "LGT 2611 0042",
        "cek status Lgt-2611-42 ya pak",
        "tolong cek lgt-26-11-0042",
        "LGT.2611.0042",
        "nomor: LGT\u20102611\u20100042",
        full_width("LGT-2611-0042"),
        "lgt 2611 00042",
    ],
)
def test_ticket_number_is_found_in_free_text(text: str) -> None:
    assert parse_ticket_number(text) == "LGT-2611-0042"


def test_five_digit_sequence_is_found_in_free_text() -> None:
    assert parse_ticket_number("lgt 2612 10000") == "LGT-2612-10000"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "status",
        "2611-0042",
        "0812-3456-5678",
        "LGT-2611",
        "LGT-2613-0042",
        "LGT-2600-0042",
        "LGT-2611-0000",
        "bulgt 2611 0042",
        "LGT-2611-0042123",
    ],
)
def test_text_without_a_ticket_number_gives_none(text: str) -> None:
    assert parse_ticket_number(text) is None


def test_first_ticket_number_in_text_wins() -> None:
    assert parse_ticket_number("LGT-2613-0001 eh maaf LGT-2611-0042 dan LGT-2611-0043") == (
        "LGT-2611-0042"
    )


@given(
    st.datetimes(
        min_value=datetime(2000, 1, 2), max_value=datetime(2098, 12, 30), timezones=st.just(UTC)
    ),
    st.integers(min_value=1, max_value=999_999),
)
def test_every_formatted_ticket_number_parses_back_to_itself(
    moment: datetime, sequence: int
) -> None:
    number = format_ticket_number(moment, sequence)

    assert parse_ticket_number(number) == number
    assert parse_ticket_number(number.lower().replace("-", " ")) == number
