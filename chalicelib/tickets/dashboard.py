"""The console's home page in figures (GET /admin/dashboard): what is new today and this week,
what is urgent or overdue, who is waiting for a chat, and the last 30 days per day, service and
kecamatan. Read from the indexes only: the month partitions of the last 30 days (gsi2) and the
open statuses (gsi1), summaries only (no NIK, no description). Scoped like the queue: an asesor
counts their own tickets and the unassigned ones in their kecamatan."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from pydantic import BaseModel

from chalicelib.clock import WIB
from chalicelib.staff.roles import Permission, Principal
from chalicelib.store import keys
from chalicelib.store.tickets import TicketStore
from chalicelib.tickets.model import CLOSED, Status, TicketSummary

DAYS = 30
OPEN = tuple(s for s in Status if s not in CLOSED)


class DayCount(BaseModel):
    day: date
    count: int


class Count(BaseModel):
    key: str
    label: str
    count: int


class Dashboard(BaseModel):
    today: int  # new tickets today (WIB)
    week: int  # new tickets in the last 7 WIB days, today included
    open: int  # tickets not yet closed
    urgent_open: int
    overdue: int  # open tickets past a service level
    due_today: int  # open tickets whose next deadline falls today
    waiting_conversations: int | None  # chats waiting for staff (None: not this role's inbox)
    per_day: list[DayCount]  # the last 30 WIB days, oldest first, zeros included
    per_service: list[Count]  # the last 30 days, most first
    per_kecamatan: list[Count]
    per_status: list[Count]  # the open backlog


@dataclass
class DashboardService:
    tickets: TicketStore
    service_name: Callable[[str], str]
    waiting: Callable[[], int]
    clock: Callable[[], datetime]

    def figures(self, viewer: Principal) -> Dashboard:
        now = self.clock()
        today = now.astimezone(WIB).date()
        first = today - timedelta(days=DAYS - 1)
        new = [s for s in self._received(first, today, now) if _in_scope(viewer, s)]
        backlog = [s for s in self._open(now) if _in_scope(viewer, s)]
        per_day = Counter(s.wib_day for s in new)
        week = {(today - timedelta(days=n)).isoformat() for n in range(7)}
        return Dashboard(
            today=per_day[today.isoformat()],
            week=sum(per_day[d] for d in week),
            open=len(backlog),
            urgent_open=sum(1 for s in backlog if s.urgent),
            overdue=sum(1 for s in backlog if s.overdue(now)),
            due_today=sum(1 for s in backlog if _due_on(s, today, now)),
            waiting_conversations=(
                self.waiting() if viewer.may(Permission.CONVERSATIONS_INBOX) else None
            ),
            per_day=[DayCount(day=d, count=per_day[d.isoformat()]) for d in _days(first, DAYS)],
            per_service=_counted((s.service_id, self.service_name(s.service_id)) for s in new),
            per_kecamatan=_counted(
                (s.kecamatan.code, s.kecamatan.name) if s.kecamatan else ("", "Tanpa kecamatan")
                for s in new
            ),
            per_status=_counted((s.status.value, s.status.label) for s in backlog),
        )

    def _received(self, first: date, last: date, now: datetime) -> list[TicketSummary]:
        start = datetime.combine(first, datetime.min.time(), WIB).astimezone(UTC)
        months = sorted({first.strftime("%Y-%m"), last.strftime("%Y-%m")})
        end = now + timedelta(seconds=1)
        return [
            summary
            for month in months
            for summary in self.tickets.between(keys.month_partition(month), "gsi2", start, end)
        ]

    def _open(self, now: datetime) -> list[TicketSummary]:
        since = datetime(2000, 1, 1, tzinfo=UTC)
        end = now + timedelta(seconds=1)
        return [
            summary
            for status in OPEN
            for summary in self.tickets.between(keys.status_partition(status), "gsi1", since, end)
        ]


def _in_scope(viewer: Principal, summary: TicketSummary) -> bool:
    """The queue's scope (TicketService._may_see), on a summary."""
    if viewer.spec.ticket_scope == "all":
        return True
    if summary.assignee == viewer.sub:
        return True
    code = summary.kecamatan.code if summary.kecamatan else None
    return summary.assignee is None and code in viewer.kecamatan


def _due_on(summary: TicketSummary, day: date, now: datetime) -> bool:
    pending = [summary.due.final]
    if summary.verified_at is None:
        pending.append(summary.due.verification)
    if summary.first_response_at is None:
        pending.append(summary.due.first_response)
    return any(d >= now and d.astimezone(WIB).date() == day for d in pending)


def _days(first: date, count: int) -> list[date]:
    return [first + timedelta(days=n) for n in range(count)]


def _counted(pairs: Iterable[tuple[str, str]]) -> list[Count]:
    counts: Counter[tuple[str, str]] = Counter(pairs)
    return [
        Count(key=key, label=label, count=n)
        for (key, label), n in sorted(counts.items(), key=lambda item: (-item[1], item[0][1]))
    ]
