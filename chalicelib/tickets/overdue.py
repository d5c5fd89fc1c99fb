"""The morning service-level check: open tickets that newly missed a deadline are flagged, and
the admins get one e-mail listing them, never twice for the same breach.

Exactly once: the e-mail is queued first, under an outbox id derived from what it reports,
then each ticket records the breaches reported (`overdue_notified`) on a version-checked save.
A run retried after a crash computes the same e-mail (already queued: not again) and finishes
the flags; a later run finds the breaches reported.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chalicelib.clock import WIB, wib_day
from chalicelib.logs import get_logger
from chalicelib.store.dynamo import DynamoStore, OutboxEntry
from chalicelib.store.tickets import TicketStore
from chalicelib.tickets.model import SYSTEM, Event, Status, Ticket
from chalicelib.tickets.transitions import VersionConflict

log = get_logger("tickets.overdue")

OPEN = (Status.DITERIMA, Status.DIVERIFIKASI, Status.ASESMEN, Status.DITINDAKLANJUTI)
BREACH_LABELS = {
    "verification": "verifikasi",
    "first_response": "tanggapan pertama",
    "final": "batas 60 hari",
}


@dataclass
class OverdueCheck:
    store: DynamoStore
    tickets: TicketStore
    clock: Callable[[], datetime]
    admins: Callable[[], Sequence[str]]  # e-mail addresses of the active admins
    deliver: Callable[[Sequence[OutboxEntry]], int]

    def run(self) -> list[tuple[str, tuple[str, ...]]]:
        """Flag new breaches; returns (ticket number, new breaches) for those reported."""
        now = self.clock()
        newly: list[tuple[Ticket, tuple[str, ...]]] = []
        for ticket in self._open_tickets(now):
            fresh = tuple(b for b in ticket.breaches(now) if b not in ticket.overdue_notified)
            if fresh:
                newly.append((ticket, fresh))
        entry = self._queue_email(newly, now) if newly else None
        flagged = [(t, fresh) for t, fresh in newly if self._flag(t, fresh, now)]
        if entry is not None:
            self.deliver([entry])
        log.info("overdue_checked", extra={"newly_overdue": [t.number for t, _ in flagged]})
        return [(t.number, fresh) for t, fresh in flagged]

    def _open_tickets(self, now: datetime) -> list[Ticket]:
        from chalicelib.store.tickets import TicketQuery

        found: list[Ticket] = []
        for status in OPEN:
            cursor = None
            while True:
                page = self.tickets.page(TicketQuery(status=status, overdue=True), now, 100, cursor)
                found += [t for s in page.items if (t := self.tickets.get(s.number))]
                cursor = page.cursor
                if not cursor:
                    break
        return found

    def _flag(self, ticket: Ticket, fresh: tuple[str, ...], now: datetime) -> bool:
        flagged = ticket.model_copy(
            update={
                "overdue_notified": ticket.overdue_notified + fresh,
                "version": ticket.version + 1,
            }
        )
        event = Event(
            at=now,
            by=SYSTEM,
            kind="note",
            detail={"overdue": list(fresh)},
            internal_note="Melewati batas layanan: " + ", ".join(BREACH_LABELS[b] for b in fresh),
        )
        try:
            self.tickets.save(flagged, ticket.version, [event])
        except VersionConflict:
            return False  # changed meanwhile; tomorrow's check sees it again
        return True

    def _queue_email(
        self, newly: list[tuple[Ticket, tuple[str, ...]]], now: datetime
    ) -> OutboxEntry | None:
        recipients = list(self.admins())
        if not recipients:
            log.warning("overdue_no_admin_email")
            return None
        lines = [
            f"{len(newly)} laporan melewati batas layanan per "
            f"{now.astimezone(WIB):%d-%m-%Y %H.%M} WIB:",
            "",
        ]
        for ticket, fresh in newly:
            missed = ", ".join(BREACH_LABELS[b] for b in fresh)
            lines.append(f"- {ticket.number} ({ticket.status.label}): {missed}")
        lines += ["", "Mohon ditindaklanjuti melalui konsol LIGAT."]
        message: dict[str, Any] = {
            "kind": "email",
            "to": recipients,
            "subject": f"[LIGAT] {len(newly)} laporan melewati batas layanan",
            "text": "\n".join(lines),
        }
        reported = "|".join(f"{t.number}:{','.join(fresh)}" for t, fresh in newly)
        digest = hashlib.sha256(reported.encode()).hexdigest()[:16]
        entry = OutboxEntry(f"overdue#{wib_day(now)}#{digest}", ",".join(recipients), message)
        if not self.store.queue_once(entry, now):
            return None  # queued by an earlier try of this run: on its way already
        return entry


def morning_check() -> list[tuple[str, tuple[str, ...]]]:
    """The scheduled run, wired from this container's services."""
    from chalicelib.staff.roles import Role
    from chalicelib.staff.services import staff_services
    from chalicelib.wiring import services

    built = services()

    def admins() -> list[str]:
        members = staff_services().directory.members()
        return [m.email for m in members if m.active and m.role is Role.ADMIN]

    check = OverdueCheck(
        built.store, built.store.tickets, built.clock, admins, built.outbox.deliver
    )
    return check.run()
