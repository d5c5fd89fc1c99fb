"""The rekap's reads, through indexes only: the day's new tickets (gsi2, one month partition,
a range of the day), the open backlog (gsi1, by status), the day's closed tickets (gsi1, closed
statuses sorted by closing time) and the day's information counts. The work grows with the
day's tickets and the backlog, not with the table."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from chalicelib.clock import WIB
from chalicelib.store import keys
from chalicelib.store.dynamo import DynamoStore
from chalicelib.tickets.model import CLOSED, Status, Ticket

OPEN = tuple(s for s in Status if s not in CLOSED)


@dataclass
class DayTickets:
    new: list[Ticket]
    backlog: list[Ticket]
    closed: list[Ticket]
    info_counts: dict[str, int]


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """00:00 to 24:00 WIB of `day`, in UTC (the end just before the next day)."""
    start = datetime.combine(day, time(0), WIB).astimezone(UTC)
    return start, start + timedelta(days=1) - timedelta(microseconds=1)


def day_tickets(store: DynamoStore, day: date) -> DayTickets:
    return period_tickets(store, day, day)


def month_days(month: date) -> tuple[date, date]:
    first = month.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)


def period_tickets(store: DynamoStore, first: date, last: date) -> DayTickets:
    """Tickets received and closed from `first` to `last` (WIB days, within one month), the
    open backlog, and the information counts of those days."""
    tickets = store.tickets
    start, _ = day_bounds(first)
    _, end = day_bounds(last)
    month = keys.month_partition(first.strftime("%Y-%m"))
    new = tickets.between(month, "gsi2", start, end + timedelta(microseconds=1))
    backlog = [
        summary
        for status in OPEN
        for summary in tickets.between(
            keys.status_partition(status), "gsi1", datetime(2000, 1, 1, tzinfo=UTC), end
        )
    ]
    closed = [
        summary
        for status in CLOSED
        for summary in tickets.between(keys.status_partition(status), "gsi1", start, end)
    ]
    full = {t.number: t for t in tickets.batch([s.number for s in new + backlog + closed])}
    return DayTickets(
        new=[full[s.number] for s in new if s.number in full],
        backlog=[full[s.number] for s in backlog if s.number in full],
        closed=[full[s.number] for s in closed if s.number in full],
        info_counts=_summed(
            store.info_counts((first + timedelta(days=n)).isoformat())
            for n in range((last - first).days + 1)
        ),
    )


def campaign_counts(store: DynamoStore, first: date, last: date) -> dict[str, int]:
    """First messages per sosialisasi campaign code from `first` to `last` (WIB days)."""
    return _summed(
        store.campaign_counts((first + timedelta(days=n)).isoformat())
        for n in range((last - first).days + 1)
    )


def _summed(counts: Iterable[dict[str, int]]) -> dict[str, int]:
    total: dict[str, int] = {}
    for day in counts:
        for key, value in day.items():
            total[key] = total.get(key, 0) + value
    return total
