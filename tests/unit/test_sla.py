from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.clock import WIB
from chalicelib.tickets.sla import (
    add_working_days,
    is_office_hours,
    is_working_day,
    next_office_open,
    working_days_between,
)

NO_HOLIDAYS: frozenset[date] = frozenset()
# Christmas 2026 (Friday) and the cuti bersama before it (Thursday).
CHRISTMAS = frozenset({date(2026, 12, 24), date(2026, 12, 25)})
WEEKDAY_HOURS = (time(7, 30), time(16, 0))
OFFICE_HOURS: dict[int, tuple[time, time] | None] = {
    0: WEEKDAY_HOURS,
    1: WEEKDAY_HOURS,
    2: WEEKDAY_HOURS,
    3: WEEKDAY_HOURS,
    4: (time(7, 30), time(11, 30)),
    5: None,
    6: None,
}


def wib(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=WIB)


def end_of_wib_day(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 23, 59, 59, tzinfo=WIB).astimezone(UTC)


def test_three_working_days_from_monday_end_on_thursday_night_wib() -> None:
    deadline = add_working_days(wib(2026, 11, 23), 3, NO_HOLIDAYS)

    assert deadline == end_of_wib_day(2026, 11, 26)
    assert deadline == datetime(2026, 11, 26, 16, 59, 59, tzinfo=UTC)
    assert deadline.tzinfo is UTC


def test_working_days_skip_the_weekend() -> None:
    assert add_working_days(wib(2026, 11, 27), 3, NO_HOLIDAYS) == end_of_wib_day(2026, 12, 2)


def test_report_on_saturday_has_monday_as_first_working_day() -> None:
    assert add_working_days(wib(2026, 11, 28), 1, NO_HOLIDAYS) == end_of_wib_day(2026, 11, 30)


def test_working_days_skip_holidays_and_cuti_bersama() -> None:
    deadline = add_working_days(wib(2026, 12, 22), 3, CHRISTMAS)

    assert deadline == end_of_wib_day(2026, 12, 29)


def test_receipt_day_is_the_wib_day_not_the_utc_day() -> None:
    thursday_utc_friday_wib = datetime(2026, 11, 26, 18, 0, tzinfo=UTC)

    assert add_working_days(thursday_utc_friday_wib, 1, NO_HOLIDAYS) == end_of_wib_day(2026, 11, 30)


def test_zero_working_days_is_end_of_receipt_day_or_next_working_day() -> None:
    assert add_working_days(wib(2026, 11, 23), 0, NO_HOLIDAYS) == end_of_wib_day(2026, 11, 23)
    assert add_working_days(wib(2026, 12, 24), 0, CHRISTMAS) == end_of_wib_day(2026, 12, 28)


def test_negative_working_days_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        add_working_days(wib(2026, 11, 23), -1, NO_HOLIDAYS)


def test_naive_start_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        add_working_days(datetime(2026, 11, 23, 10), 3, NO_HOLIDAYS)


@pytest.mark.parametrize(
    ("start", "end", "holidays", "expected"),
    [
        (wib(2026, 11, 23), wib(2026, 11, 26), NO_HOLIDAYS, 3),
        (wib(2026, 11, 23, 8), wib(2026, 11, 23, 17), NO_HOLIDAYS, 0),
        (wib(2026, 11, 27), wib(2026, 11, 30), NO_HOLIDAYS, 1),
        (wib(2026, 11, 28), wib(2026, 11, 29), NO_HOLIDAYS, 0),
        (wib(2026, 12, 22), wib(2026, 12, 29), CHRISTMAS, 3),
        (wib(2026, 12, 22), wib(2026, 12, 29), NO_HOLIDAYS, 5),
        (wib(2026, 11, 2), wib(2026, 12, 28), NO_HOLIDAYS, 40),
        (wib(2026, 11, 26), wib(2026, 11, 23), NO_HOLIDAYS, -3),
    ],
)
def test_working_days_between_counts_days_after_receipt(
    start: datetime, end: datetime, holidays: frozenset[date], expected: int
) -> None:
    assert working_days_between(start, end, holidays) == expected


def test_holiday_on_a_weekend_is_not_subtracted_twice() -> None:
    saturday = frozenset({date(2026, 11, 28)})

    assert working_days_between(wib(2026, 11, 27), wib(2026, 11, 30), saturday) == 1


moments = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(UTC)
)
holiday_sets = st.frozensets(
    st.dates(min_value=date(2025, 1, 1), max_value=date(2029, 6, 30)), max_size=30
)


@given(moments, st.integers(min_value=1, max_value=60), holiday_sets)
def test_working_days_between_undoes_add_working_days(
    start: datetime, days: int, holidays: frozenset[date]
) -> None:
    deadline = add_working_days(start, days, holidays)

    assert working_days_between(start, deadline, holidays) == days
    assert is_working_day(deadline.astimezone(WIB).date(), holidays)


@given(moments, moments, holiday_sets)
def test_working_days_between_matches_counting_day_by_day(
    start: datetime, end: datetime, holidays: frozenset[date]
) -> None:
    first, last = sorted([start.astimezone(WIB).date(), end.astimezone(WIB).date()])
    days = (first + timedelta(days=n) for n in range(1, (last - first).days + 1))
    counted = sum(is_working_day(day, holidays) for day in days)

    assert abs(working_days_between(start, end, holidays)) == counted


@pytest.mark.parametrize(
    ("moment", "open_now"),
    [
        (wib(2026, 11, 23, 7, 30), True),
        (wib(2026, 11, 23, 15, 59), True),
        (wib(2026, 11, 23, 7, 29), False),
        (wib(2026, 11, 23, 16, 0), False),
        (wib(2026, 11, 27, 11, 0), True),
        (wib(2026, 11, 27, 13, 0), False),
        (wib(2026, 11, 28, 10, 0), False),
        (wib(2026, 12, 24, 10, 0), False),
        (datetime(2026, 11, 23, 2, 0, tzinfo=UTC), True),
        (datetime(2026, 11, 23, 10, 0, tzinfo=UTC), False),
    ],
)
def test_office_hours_follow_the_wib_weekly_schedule_and_holidays(
    moment: datetime, open_now: bool
) -> None:
    assert is_office_hours(moment, OFFICE_HOURS, CHRISTMAS) is open_now


def test_weekday_missing_from_schedule_is_closed() -> None:
    assert not is_office_hours(wib(2026, 11, 23), {1: WEEKDAY_HOURS}, NO_HOLIDAYS)


def test_during_office_hours_staff_pick_up_now() -> None:
    moment = wib(2026, 11, 23, 10)

    assert next_office_open(moment, OFFICE_HOURS, NO_HOLIDAYS) == moment


def test_message_before_opening_is_picked_up_at_opening_the_same_day() -> None:
    opening = next_office_open(wib(2026, 11, 23, 6), OFFICE_HOURS, NO_HOLIDAYS)

    assert opening == wib(2026, 11, 23, 7, 30)
    assert opening.tzinfo is UTC


def test_message_on_friday_afternoon_is_picked_up_on_monday_morning() -> None:
    opening = next_office_open(wib(2026, 11, 27, 14), OFFICE_HOURS, NO_HOLIDAYS)

    assert opening == wib(2026, 11, 30, 7, 30)


def test_message_before_christmas_is_picked_up_after_the_holidays() -> None:
    opening = next_office_open(wib(2026, 12, 23, 20), OFFICE_HOURS, CHRISTMAS)

    assert opening == wib(2026, 12, 28, 7, 30)


def test_schedule_that_never_opens_is_a_configuration_error() -> None:
    with pytest.raises(ValueError, match="never open"):
        next_office_open(wib(2026, 11, 23), {}, NO_HOLIDAYS)
