"""The rekap of a day: compiled from the indexes, built for each reader's scope, e-mailed through
the outbox (exactly once per reader and day, even when the schedule retries), archived to S3."""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from chalicelib.catalogue.office import load_office
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

log = get_logger("rekap")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
        entries = []
        for reader in readers:
            rekap = self.build(day, Scope.for_staff(reader.role, reader.kecamatan), tickets)
            suffix = "" if once else f"#{now.timestamp():.0f}"
            entry = OutboxEntry(
                f"rekap#{day.isoformat()}#{reader.id}{suffix}", reader.email, _email(rekap, reader)
            )
            if self.store.queue_once(entry, now):
                entries.append(entry)
        self.archive(day, tickets)
        if entries:
            self.deliver(entries)
        log.info("rekap_sent", extra={"day": day.isoformat(), "emails": len(entries)})
        return len(entries)

    def send_month(self, month: date, readers: Sequence[StaffMember]) -> int:
        """The month's rekap (trend per day, response times), once per reader."""
        first, last = month_days(month)
        tickets = period_tickets(self.store, first, last)
        campaigns = campaign_counts(self.store, first, last)
        now = self.clock()
        entries = []
        for reader in readers:
            rekap = build_monthly(
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
            )
            entry = OutboxEntry(
                f"rekap-month#{first:%Y-%m}#{reader.id}", reader.email, _email(rekap, reader)
            )
            if self.store.queue_once(entry, now):
                entries.append(entry)
        if entries:
            self.deliver(entries)
        log.info("rekap_month_sent", extra={"month": f"{first:%Y-%m}", "emails": len(entries)})
        return len(entries)

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


def send_yesterday() -> int:
    """The 07:00 WIB schedule: the previous WIB day's rekap, once per reader."""
    from datetime import timedelta

    from chalicelib.clock import WIB
    from chalicelib.staff.services import staff_services

    service = rekap_service()
    yesterday = service.clock().astimezone(WIB).date() - timedelta(days=1)
    return service.send(yesterday, staff_services().directory.rekap_recipients())


def _period(rekap: Rekap | MonthlyRekap) -> str:
    return rekap.day.isoformat() if isinstance(rekap, Rekap) else f"{rekap.month:%Y-%m}"


def send_last_month_on_the_first() -> int:
    """On the 1st (WIB): last month's rekap to the head of office and the admins."""
    from datetime import timedelta

    from chalicelib.clock import WIB
    from chalicelib.staff.roles import Role
    from chalicelib.staff.services import staff_services

    service = rekap_service()
    today = service.clock().astimezone(WIB).date()
    if today.day != 1:
        return 0
    readers = [
        m
        for m in staff_services().directory.members()
        if m.active and m.role in (Role.PIMPINAN, Role.ADMIN)
    ]
    return service.send_month(today - timedelta(days=1), readers)
