"""The staff's use cases on tickets: list, read, move, assign, note, assess, mark duplicate,
reopen. Every read of personal data and every change is audited; every change is saved on a
version check with its history events, its audit event and, when the citizen is to be told,
the outbox entry of the message, in one transaction (so the notice goes out once, or not at
all). The dependencies come in as arguments; the routes only translate HTTP.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from chalicelib.logs import get_logger
from chalicelib.staff.roles import Principal
from chalicelib.store import audit
from chalicelib.store.chats import ChatStore, Pending, new_chat
from chalicelib.store.dynamo import DynamoStore, OutboxEntry
from chalicelib.store.tickets import Page, TicketQuery, TicketStore
from chalicelib.tickets import notify
from chalicelib.tickets import transitions as lifecycle
from chalicelib.tickets.model import Assessment, Event, Status, Ticket
from chalicelib.tickets.views import (
    MEDIA_LINK_SECONDS,
    AssessmentBody,
    AssignBody,
    DuplicateBody,
    MediaLink,
    NoteBody,
    NoticeView,
    ReopenBody,
    TicketDetail,
    TicketList,
    TransitionBody,
    chat_line,
    detail,
    row,
)

log = get_logger("tickets")


class TicketNotFound(Exception):
    """No such ticket, or not one this staff member may see (the answer is the same)."""


@dataclass
class TicketService:
    store: DynamoStore
    tickets: TicketStore
    dynamodb: Any  # for audit events recorded on their own (reads)
    table: str
    clock: Callable[[], datetime]
    deliver: Callable[[Sequence[OutboxEntry]], int]  # the outbox: sends what was committed
    chats: ChatStore | None = None  # the citizen's chat with staff (messages, deferred asks)
    s3: Any = None  # evidence links
    bucket: str = ""

    # -- reads ----------------------------------------------------------------------------

    def queue(
        self, viewer: Principal, query: TicketQuery, limit: int, cursor: str | None
    ) -> TicketList:
        scoped = self._scope(viewer, query)
        now = self.clock()
        page: Page = self.tickets.page(scoped, now, limit, cursor)
        return TicketList(tickets=[row(s, viewer, now) for s in page.items], cursor=page.cursor)

    def detail(self, viewer: Principal, number: str) -> TicketDetail:
        record = self.tickets.record(number)
        if record is None or not self._may_see(viewer, record.ticket):
            raise TicketNotFound(number)
        audit.record(
            self.dynamodb,
            self.table,
            viewer.sub,
            "ticket.read",
            f"ticket:{number}",
            {"unmasked_nik": viewer.sees_unmasked_nik()},
        )
        return self._detail(record.ticket, record.events, viewer, self.clock())

    def visible(self, viewer: Principal, number: str) -> Ticket:
        """The ticket, if this member of staff may see it (e.g. to write to its reporter)."""
        ticket = self.tickets.get(number)
        if ticket is None or not self._may_see(viewer, ticket):
            raise TicketNotFound(number)
        return ticket

    # -- changes --------------------------------------------------------------------------

    def transition(self, viewer: Principal, number: str, body: TransitionBody) -> TicketDetail:
        def change(ticket: Ticket, now: datetime) -> tuple[Ticket, Event]:
            return lifecycle.transition(
                ticket,
                body.status,
                viewer.sub,
                viewer.role,
                now,
                body.public_note,
                body.internal_note,
            )

        return self._change(
            viewer,
            number,
            body.version,
            "ticket.transition",
            change,
            tell=body.public_note is not None,
        )

    def reopen(self, viewer: Principal, number: str, body: ReopenBody) -> TicketDetail:
        def change(ticket: Ticket, now: datetime) -> tuple[Ticket, Event]:
            return lifecycle.reopen(
                ticket, viewer.sub, viewer.role, now, body.public_note, body.internal_note
            )

        return self._change(
            viewer, number, body.version, "ticket.reopen", change, tell=body.public_note is not None
        )

    def assign(self, viewer: Principal, number: str, body: AssignBody) -> TicketDetail:
        def change(ticket: Ticket, now: datetime) -> tuple[Ticket, Event]:
            return lifecycle.assign(ticket, body.staff_id, viewer.sub, now)

        return self._change(viewer, number, body.version, "ticket.assign", change)

    def note(self, viewer: Principal, number: str, body: NoteBody) -> TicketDetail:
        def change(ticket: Ticket, now: datetime) -> tuple[Ticket, Event]:
            return lifecycle.add_note(ticket, body.text, viewer.sub, now)

        return self._change(viewer, number, body.version, "ticket.note", change)

    def assess(self, viewer: Principal, number: str, body: AssessmentBody) -> TicketDetail:
        assessment = Assessment(
            visit_date=body.visit_date,
            findings=body.findings,
            recommendation=body.recommendation,
        )

        def change(ticket: Ticket, now: datetime) -> tuple[Ticket, Event]:
            return lifecycle.record_assessment(ticket, assessment, viewer.sub, now)

        return self._change(viewer, number, body.version, "ticket.assess", change)

    def mark_duplicate(self, viewer: Principal, number: str, body: DuplicateBody) -> TicketDetail:
        if body.of == number or self.tickets.get(body.of) is None:
            raise TicketNotFound(body.of)

        def change(ticket: Ticket, now: datetime) -> tuple[Ticket, Event]:
            return lifecycle.mark_duplicate(ticket, body.of, viewer.sub, now, body.internal_note)

        return self._change(viewer, number, body.version, "ticket.duplicate", change)

    def _change(
        self,
        viewer: Principal,
        number: str,
        version: int | None,
        action: str,
        change: Callable[[Ticket, datetime], tuple[Ticket, Event]],
        tell: bool = False,
    ) -> TicketDetail:
        ticket = self.tickets.get(number)
        if ticket is None or not self._may_see(viewer, ticket):
            raise TicketNotFound(number)
        if version is not None and version != ticket.version:
            raise lifecycle.VersionConflict(number)
        now = self.clock()
        changed, event = change(ticket, now)
        record = audit.AuditEvent(
            viewer.sub, action, f"ticket:{number}", _audit_detail(event), at=now
        )
        extra = [{"Put": audit.put_request(self.table, record)}]
        outbox: list[OutboxEntry] = []
        if tell and changed.citizen:  # an anonymised ticket has nobody left to tell
            outbox, later = self._notices(changed, event, now)
            extra += [{"Put": put} for put in self.store.outbox_puts(outbox, now)] + later
        self.tickets.save(changed, ticket.version, [event], extra)
        log.info("ticket_changed", extra={"ticket": number, "action": action, "by": viewer.sub})
        if outbox:
            self.deliver(outbox)
        record_ = self.tickets.record(number)
        assert record_ is not None
        return self._detail(record_.ticket, record_.events, viewer, now)

    def _detail(
        self, ticket: Ticket, events: list[Event], viewer: Principal, now: datetime
    ) -> TicketDetail:
        """The detail with what lives outside the ticket: evidence links, the delivery of
        every notice sent to the citizen, their chat with staff since the ticket, and whether
        their 24-hour window is open (a reply then goes as text, else as the status template)."""
        shown = detail(ticket, events, viewer, now)
        versions = range(max(2, ticket.version - 30), ticket.version + 1)  # the latest changes
        entries = [f"notify#{ticket.number}#{v}#{n}" for v in versions for n in ("00", "01", "t")]
        notices = [
            NoticeView(entry=e, status=d.status, at=d.at or None, kind=d.kind)
            for e, d in sorted(self.store.deliveries(entries).items(), key=lambda i: i[1].at)
        ]
        conversation = []
        chat = self.chats.get(ticket.citizen) if self.chats else None
        if chat is not None and self.chats is not None:
            messages = [m for m in self.chats.messages(chat.conv) if m.at >= ticket.created_at]
            statuses = self.store.deliveries([m.entry_id for m in messages if m.entry_id])
            conversation = [
                chat_line(
                    m,
                    statuses[m.entry_id].status if m.entry_id in statuses else None,
                    self.link,
                )
                for m in messages
            ]
        last = self.store.last_inbound(ticket.citizen) if ticket.citizen else None
        window_open = notify.window_open(last, now)
        return shown.model_copy(
            update={
                "media_links": self._links(ticket.media),
                "notices": notices,
                "conversation": conversation,
                "window_open": window_open,
                "window_until": last + notify.WINDOW if last and window_open else None,
            }
        )

    def _links(self, keys: Sequence[str]) -> list[MediaLink]:
        if self.s3 is None or not self.bucket:
            return []
        return [MediaLink(key=k, url=self.link(k), expires_in=MEDIA_LINK_SECONDS) for k in keys]

    def link(self, key: str) -> str:
        """A short-lived link to one evidence object (presigned locally: no AWS call)."""
        if self.s3 is None or not self.bucket:
            return ""
        return str(
            self.s3.generate_presigned_url(
                "get_object",
                Params={"Bucket": self.bucket, "Key": key},
                ExpiresIn=MEDIA_LINK_SECONDS,
            )
        )

    def _notices(
        self, ticket: Ticket, event: Event, now: datetime
    ) -> tuple[list[OutboxEntry], list[dict[str, Any]]]:
        """The WhatsApp messages that tell the citizen (their ids make them one per change),
        and writes for what must wait. A closed ticket also asks for a rating: at once while
        the window is open; otherwise the question waits on the citizen's chat and goes out
        when they next write (the status template has invited them to)."""
        in_window = notify.window_open(self.store.last_inbound(ticket.citizen), now)
        message = notify.status_message(ticket, event.public_note, in_window)
        turn = f"notify#{ticket.number}#{ticket.version}"  # sent in order, as one turn
        notice = message.model_dump(exclude_none=True)
        entries = [OutboxEntry(f"{turn}#00", ticket.citizen, notice)]
        if ticket.status is not Status.SELESAI or ticket.satisfaction is not None:
            return entries, []
        question = notify.rating_question(ticket).model_dump(exclude_none=True)
        if in_window:
            return [*entries, OutboxEntry(f"{turn}#01", ticket.citizen, question)], []
        if self.chats is None:
            return entries, []
        chat = self.chats.get(ticket.citizen) or new_chat(ticket.citizen)
        asked = replace(chat, pending=(*chat.pending, Pending(message=question, by="bot")))
        return entries, self.chats.writes(asked, chat.version)

    # -- scope ----------------------------------------------------------------------------

    @staticmethod
    def _scope(viewer: Principal, query: TicketQuery) -> TicketQuery:
        """An asesor's queue: their tickets, and unassigned ones in their kecamatan."""
        if viewer.spec.ticket_scope == "all":
            return query
        return replace(query, assignee=viewer.sub, unassigned_in=viewer.kecamatan)

    @staticmethod
    def _may_see(viewer: Principal, ticket: Ticket) -> bool:
        if viewer.spec.ticket_scope == "all":
            return True
        if ticket.assignee == viewer.sub:
            return True
        code = ticket.kecamatan.code if ticket.kecamatan else None
        return ticket.assignee is None and code in viewer.kecamatan


def _audit_detail(event: Event) -> dict[str, Any]:
    detail: dict[str, Any] = {"kind": event.kind}
    if event.from_status:
        detail["from"] = event.from_status.value
    if event.to_status:
        detail["to"] = event.to_status.value
    return detail
