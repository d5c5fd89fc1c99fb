"""The working-day calendar in office.yaml: complete years, one line per day, weekends only on
purpose, the next year added in time, and service levels that cross the year boundary right."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, date, datetime

from chalicelib.catalogue.office import OFFICE_PATH, load_office
from chalicelib.clock import WIB
from chalicelib.datafiles import load_yaml
from chalicelib.tickets.intake import ticket_from_draft

ENTRY = re.compile(r'^\s+- "(?P<day>\d{4}-\d{2}-\d{2})"\s*(?:#(?P<comment>.*))?$')


def listed() -> list[tuple[date, str]]:
    """(day, comment) of each holiday line of office.yaml, in file order."""
    lines = OFFICE_PATH.read_text(encoding="utf-8").splitlines()
    start = lines.index("holidays:") + 1
    entries = []
    for line in lines[start:]:
        if line.strip().startswith("#"):
            continue
        match = ENTRY.match(line)
        if match is None:
            break
        entries.append((date.fromisoformat(match["day"]), (match["comment"] or "").strip()))
    return entries


def test_every_line_of_the_list_is_read_and_is_what_the_office_loads() -> None:
    days = [day for day, _ in listed()]
    assert [date.fromisoformat(str(d)) for d in load_yaml(OFFICE_PATH)["holidays"]] == days
    assert load_office().holidays == frozenset(days)


def test_every_listed_year_is_complete() -> None:
    per_year = Counter(day.year for day, _ in listed())
    assert per_year, "office.yaml lists no holidays"
    for year, count in per_year.items():
        assert count >= 15, f"{year} lists {count} days; a year has 15 or more (SKB 3 Menteri)"
    assert sorted(per_year) == list(range(min(per_year), max(per_year) + 1)), "a year is missing"


def test_days_are_sorted_unique_and_named() -> None:
    entries = listed()
    days = [day for day, _ in entries]
    assert days == sorted(days)
    assert len(days) == len(set(days)), [d for d, n in Counter(days).items() if n > 1]
    assert all(comment for _, comment in entries), "every day says what it is in a comment"


def test_a_day_on_a_weekend_is_listed_only_on_purpose() -> None:
    unexplained = [
        day.isoformat()
        for day, comment in listed()
        if day.weekday() >= 5 and "weekend" not in comment
    ]
    assert not unexplained, f"on a Saturday or Sunday without a 'weekend' comment: {unexplained}"


def test_next_years_holidays_are_listed_from_november() -> None:
    """The real clock, on purpose: this test starts failing on 1 November of the last year in
    office.yaml, so the office adds next year's SKB 3 Menteri before service levels need it."""
    last = max(day.year for day, _ in listed())
    today = datetime.now(WIB).date()
    assert today < date(last, 11, 1), (
        f"office.yaml lists holidays up to {last} only: add {last + 1}'s national holidays and "
        "cuti bersama (SKB 3 Menteri) to chalicelib/catalogue/office.yaml"
    )


def test_deadlines_of_a_ticket_filed_before_christmas_skip_the_holidays_and_the_new_year() -> None:
    filed = datetime(2026, 12, 23, 10, 0, tzinfo=WIB)  # Wednesday
    ticket, _event = ticket_from_draft(
        "LGT-2612-0001",
        {"type": "pengaduan", "service_id": "lainnya", "description": "Lansia terlantar."},
        "6281234567890",
        filed.astimezone(UTC),
        load_office(),
    )
    # 24 Dec cuti bersama, 25 Dec Christmas, 26-27 weekend: Mon 28, Tue 29, Wed 30.
    assert ticket.due.verification == datetime(2026, 12, 30, 23, 59, 59, tzinfo=WIB)
    # Thu 31, then 1 Jan 2027 (holiday) and 2-3 Jan (weekend): Monday 4 Jan 2027 is the fifth.
    assert ticket.due.first_response == datetime(2027, 1, 4, 23, 59, 59, tzinfo=WIB)
