"""Working-day service levels and office hours, on the WIB calendar.

Working days skip Saturdays, Sundays and the configured holidays (national holidays and cuti
bersama). Counting starts on the day after receipt, as in the national complaint system: a
complaint received on Monday with 3 working days is due at the end of Thursday.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta

from chalicelib.clock import WIB

OfficeHours = Mapping[int, tuple[time, time] | None]
"""Opening and closing time (WIB) by weekday, 0 = Monday; None or missing = closed."""

_END_OF_DAY = time(23, 59, 59)
_SATURDAY = 5
_ONE_DAY = timedelta(days=1)
_SEARCH_DAYS = 366


def add_working_days(start: datetime, days: int, holidays: frozenset[date]) -> datetime:
    """End (23:59:59 WIB, returned in UTC) of the `days`-th working day after `start`.

    With `days=0` the deadline is the end of the day of `start`, or of the next working day when
    `start` falls on a weekend or holiday.
    """
    if days < 0:
        raise ValueError(f"days must not be negative, got {days}")
    day = _wib(start).date()
    if days == 0 and not is_working_day(day, holidays):
        day = _next_working_day(day, holidays)
    for _ in range(days):
        day = _next_working_day(day, holidays)
    return datetime.combine(day, _END_OF_DAY, WIB).astimezone(UTC)


def working_days_between(start: datetime, end: datetime, holidays: frozenset[date]) -> int:
    """Working days after the WIB day of `start` up to and including the WIB day of `end`.

    Negative when `end` is before `start`; `working_days_between(s, add_working_days(s, n)) == n`
    for every n ≥ 1.
    """
    first, last = _wib(start).date(), _wib(end).date()
    if last < first:
        return -working_days_between(end, start, holidays)
    span = (last - first).days
    weeks, rest = divmod(span, 7)
    count = weeks * 5
    count += sum(_is_weekday(first + timedelta(days=offset)) for offset in range(1, rest + 1))
    count -= sum(1 for holiday in holidays if first < holiday <= last and _is_weekday(holiday))
    return count


def is_working_day(day: date, holidays: frozenset[date]) -> bool:
    return _is_weekday(day) and day not in holidays


def is_office_hours(moment: datetime, hours: OfficeHours, holidays: frozenset[date]) -> bool:
    local = _wib(moment)
    if local.date() in holidays:
        return False
    opening = hours.get(local.weekday())
    return opening is not None and opening[0] <= local.time() < opening[1]


def next_office_open(moment: datetime, hours: OfficeHours, holidays: frozenset[date]) -> datetime:
    """When staff can next pick a case up (UTC): `moment` itself during office hours."""
    if is_office_hours(moment, hours, holidays):
        return moment.astimezone(UTC)
    local = _wib(moment)
    day = local.date()
    for _ in range(_SEARCH_DAYS):
        opening = hours.get(day.weekday())
        if opening is not None and day not in holidays:
            candidate = datetime.combine(day, opening[0], WIB)
            if candidate > local:
                return candidate.astimezone(UTC)
        day += _ONE_DAY
    raise ValueError("office hours never open")


def _next_working_day(day: date, holidays: frozenset[date]) -> date:
    day += _ONE_DAY
    while not is_working_day(day, holidays):
        day += _ONE_DAY
    return day


def _wib(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("moment must be timezone-aware")
    return moment.astimezone(WIB)


def _is_weekday(day: date) -> bool:
    return day.weekday() < _SATURDAY


def deadlines_for(
    received: datetime,
    urgent: bool,
    verification_days: int,
    first_response_days: int,
    ceiling_days: int,
    urgent_hours: int,
    holidays: frozenset[date],
) -> tuple[datetime, datetime, datetime]:
    """(verification, first response, final) deadlines of a ticket received at `received`:
    working days for ordinary tickets, hours for urgent ones; the ceiling in calendar days."""
    final = received.astimezone(UTC) + timedelta(days=ceiling_days)
    if urgent:
        soon = received.astimezone(UTC) + timedelta(hours=urgent_hours)
        return soon, soon, final
    return (
        add_working_days(received, verification_days, holidays),
        add_working_days(received, first_response_days, holidays),
        final,
    )
