"""The rekap of a day: compiled from the indexes, built for each reader's scope, e-mailed through
the outbox (exactly once per reader and day, even when the schedule retries), archived to S3.

The morning run catches up: every day of the last CATCH_UP_DAYS whose rekap was never issued
(the schedule did not fire, the account was down) is sent, oldest first, and last month's rekap
is sent on the first run of the month's first CATCH_UP_DAYS days. A day or month counts as
issued once its e-mails are in the outbox (chalicelib/store/rekap.py records it); the outbox
then sends them, retries them, and keeps one that cannot go visible as failed."""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from chalicelib.catalogue.office import load_office
from chalicelib.clock import WIB
from chalicelib.logs import get_logger
from chalicelib.rekap.build import MonthlyRekap, Rekap, Scope, build_daily, build_monthly
from chalicelib.rekap.query import (
    DayTickets,
    campaign_counts,
    day_tickets,
    month_days,
    period_tickets,
)
from chalicelib.staff.model import StaffMember
from chalicelib.store.dynamo import DynamoStore, OutboxEntry
from chalicelib.store.rekap import DAILY, MONTHLY

log = get_logger("rekap")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CATCH_UP_DAYS = 7  # how far back the morning run looks for a day whose rekap was never issued


@dataclass
class RekapService:
    store: DynamoStore
    catalogue: Callable[[], Any]
    clock: Callable[[], datetime]
    console_url: str
    s3: Any
    bucket: str
    deliver: Callable[[Sequence[OutboxEntry]], int]

    def compile(self, day: date) -> DayTickets:
        return day_tickets(self.store, day)

    def build(self, day: date, scope: Scope, tickets: DayTickets | None = None) -> Rekap:
        tickets = tickets or self.compile(day)
        return build_daily(
            day,
            tickets.new,
            tickets.backlog,
            tickets.closed,
            tickets.info_counts,
            self.clock(),
            self.catalogue(),
            load_office(),
            self.console_url,
            scope,
        )

    def send(self, day: date, readers: Sequence[StaffMember], once: bool = True) -> int:
        """E-mail each reader their copy; with `once`, a reader already sent this day's rekap
        is skipped (a retried schedule). Returns how many e-mails were queued."""
        tickets = self.compile(day)
        now = self.clock()
        suffix = "" if once else f"#{now.timestamp():.0f}"
        queued = self._queue(
            [
                (
                    _daily_entry(day, reader) + suffix,
                    reader,
                    self.build(day, Scope.for_staff(reader.role, reader.kecamatan), tickets),
                )
                for reader in readers
            ],
            now,
        )
        self.archive(day, tickets)
        self._deliver("rekap_sent", {"day": day.isoformat()}, queued)
        return len(queued)

    def send_month(self, month: date, readers: Sequence[StaffMember]) -> int:
        """The month's rekap (trend per day, response times), once per reader."""
        first, last = month_days(month)
        tickets = period_tickets(self.store, first, last)
        campaigns = campaign_counts(self.store, first, last)
        now = self.clock()
        built = [
            (
                _monthly_entry(first, reader),
                reader,
                build_monthly(
                    first,
                    tickets.new,
                    tickets.backlog,
                    tickets.closed,
                    tickets.info_counts,
                    now,
                    self.catalogue(),
                    load_office(),
                    self.console_url,
                    Scope.for_staff(reader.role, reader.kecamatan),
                    campaigns,
                ),
            )
            for reader in readers
        ]
        queued = self._queue(built, now)
        self._deliver("rekap_month_sent", {"month": f"{first:%Y-%m}"}, queued)
        return len(queued)

    def send_missing_days(self, readers: Sequence[StaffMember]) -> list[date]:
        """The morning run: every WIB day of the last CATCH_UP_DAYS, up to yesterday, whose
        rekap was not issued yet, oldest first. Days before the schedule's first run are not
        owed: a new deployment starts with yesterday. Two queries, whatever the table holds."""
        runs = self.store.rekap_runs
        today = self.clock().astimezone(WIB).date()
        yesterday = today - timedelta(days=1)
        since = runs.first(DAILY)
        start = yesterday
        if since is not None:
            start = max(today - timedelta(days=CATCH_UP_DAYS), date.fromisoformat(since))
        issued = runs.issued(DAILY, start.isoformat(), yesterday.isoformat())
        days = [start + timedelta(days=n) for n in range((yesterday - start).days + 1)]
        missing = [day for day in days if day.isoformat() not in issued]
        for day in missing:
            self.send(day, readers)
            entries = [_daily_entry(day, reader) for reader in readers]
            runs.record(DAILY, day.isoformat(), self.clock(), entries)
        if len(missing) > 1:
            log.warning("rekap_caught_up", extra={"days": [d.isoformat() for d in missing]})
        return missing

    def send_last_month(self, readers: Sequence[StaffMember]) -> date | None:
        """Last month's rekap, on the month's first run within its first CATCH_UP_DAYS days
        (the 1st, or the day after a missed 1st), if the schedule was already running on the
        1st. Returns the month sent, if any."""
        runs = self.store.rekap_runs
        today = self.clock().astimezone(WIB).date()
        last_day = today.replace(day=1) - timedelta(days=1)
        month = f"{last_day:%Y-%m}"
        if today.day > CATCH_UP_DAYS or runs.issued(MONTHLY, month, month):
            return None
        since = runs.first(DAILY)
        if today.day != 1 and (since is None or date.fromisoformat(since) > last_day):
            return None  # deployed after the 1st: no monthly run was missed
        self.send_month(last_day, readers)
        entries = [_monthly_entry(last_day, reader) for reader in readers]
        runs.record(MONTHLY, month, self.clock(), entries)
        return last_day

    def _queue(
        self, built: Sequence[tuple[str, StaffMember, Rekap | MonthlyRekap]], now: datetime
    ) -> list[OutboxEntry]:
        """Each reader's e-mail into the outbox, unless a previous run already put it there."""
        queued = []
        for entry_id, reader, rekap in built:
            entry = OutboxEntry(entry_id, reader.email, _email(rekap, reader))
            if self.store.queue_once(entry, now):
                queued.append(entry)
        return queued

    def _deliver(self, event: str, period: dict[str, str], queued: list[OutboxEntry]) -> None:
        """Send what was queued now. `rekap_sent` (the alarm's metric) is logged only when all
        of it went; otherwise the outbox retries it and the operator is told."""
        delivered = self.deliver(queued) if queued else 0
        if delivered < len(queued):
            extra = {**period, "emails": len(queued), "delivered": delivered}
            log.error("rekap_not_delivered", extra=extra)
            return
        log.info(event, extra={**period, "emails": len(queued)})

    def archive(self, day: date, tickets: DayTickets | None = None) -> None:
        """The whole kabupaten's rekap under rekap/<day>/: HTML, XLSX and the figures' JSON."""
        from chalicelib.rekap.html import render_html
        from chalicelib.rekap.xlsx import render_xlsx

        rekap = self.build(day, Scope.everything(), tickets)
        prefix = f"rekap/{day.isoformat()}/"
        files = (
            ("rekap.html", render_html(rekap).encode(), "text/html; charset=utf-8"),
            ("rekap.xlsx", render_xlsx(rekap), XLSX),
            ("rekap.json", rekap.model_dump_json().encode(), "application/json"),
        )
        for name, data, content_type in files:
            self.s3.put_object(
                Bucket=self.bucket, Key=prefix + name, Body=data, ContentType=content_type
            )


def _daily_entry(day: date, reader: StaffMember) -> str:
    """The outbox id of a reader's daily rekap: one per day and reader, whoever queues it."""
    return f"rekap#{day.isoformat()}#{reader.id}"


def _monthly_entry(month: date, reader: StaffMember) -> str:
    return f"rekap-month#{month:%Y-%m}#{reader.id}"


def _email(rekap: Rekap | MonthlyRekap, reader: StaffMember) -> dict[str, Any]:
    from chalicelib.rekap.html import render_html
    from chalicelib.rekap.text import render_text, subject
    from chalicelib.rekap.xlsx import render_xlsx

    return {
        "kind": "email",
        "to": [reader.email],
        "subject": subject(rekap),
        "text": render_text(rekap),
        "html": render_html(rekap),
        "attachments": [
            {
                "filename": f"rekap-ligat-{_period(rekap)}.xlsx",
                "content_type": XLSX,
                "data": base64.b64encode(render_xlsx(rekap)).decode(),
            }
        ],
    }


def rekap_service() -> RekapService:
    """Wired from this container's services."""
    from chalicelib.wiring import services

    built = services()
    return RekapService(
        built.store,
        built.catalogue.get,
        built.clock,
        built.settings.console_url,
        built.s3,
        built.settings.media_bucket,
        built.outbox.deliver,
    )


def send_missing_days() -> list[date]:
    """The 07:00 WIB schedule: yesterday's rekap, and any day before it the schedule missed."""
    from chalicelib.staff.services import staff_services

    return rekap_service().send_missing_days(staff_services().directory.rekap_recipients())


def _period(rekap: Rekap | MonthlyRekap) -> str:
    return rekap.day.isoformat() if isinstance(rekap, Rekap) else f"{rekap.month:%Y-%m}"


def send_last_month() -> date | None:
    """Early in the month (WIB): last month's rekap to the head of office and the admins."""
    from chalicelib.staff.roles import Role
    from chalicelib.staff.services import staff_services

    readers = [
        m
        for m in staff_services().directory.members()
        if m.active and m.role in (Role.PIMPINAN, Role.ADMIN)
    ]
    return rekap_service().send_last_month(readers)
