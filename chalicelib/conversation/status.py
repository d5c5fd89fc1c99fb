"""Cek Status: the citizen's own tickets, their status and last public note."""

from __future__ import annotations

from chalicelib.conversation import messages as m
from chalicelib.conversation.knowledge import Knowledge
from chalicelib.conversation.model import Reply, Session, TicketView

LATEST = 5


def status(state: Session, kb: Knowledge, number: str | None) -> Reply:
    if kb.tickets is None:
        return Reply(needs=["tickets"])
    copy = kb.copy["status"]
    state.flow, state.step = None, None
    if number:
        # Only the citizen's own tickets are searched: anyone else learns nothing, not even
        # whether the number exists.
        ticket = next((t for t in kb.tickets if t.number == number), None)
        if ticket is None:
            return Reply([m.text(copy["not_found"].format(number=number)), m.main_menu(kb.copy)])
        return Reply([m.text(ticket_line(kb, ticket, with_note=True))])
    if not kb.tickets:
        return Reply([m.text(copy["none"]), m.main_menu(kb.copy)])
    latest = sorted(kb.tickets, key=lambda t: t.created_at, reverse=True)[:LATEST]
    lines = [copy["list_title"], *(ticket_line(kb, t, with_note=True) for t in latest)]
    return Reply([m.text("\n\n".join(lines))])


def ticket_line(kb: Knowledge, ticket: TicketView, with_note: bool) -> str:
    copy = kb.copy["status"]
    service = kb.catalogue.service(ticket.service_id)
    line = copy["item"].format(
        number=ticket.number,
        service=service.short_name if service else copy["other_service"],
        status=copy["labels"].get(ticket.status, ticket.status),
        date=m.day_text(kb.copy, ticket.created_at),
    )
    if with_note and ticket.public_note:
        line += "\n" + copy["note"].format(note=m.fit(ticket.public_note, 300))
    return str(line)
