"""What the citizen is told when staff change their ticket (SPEC §6: the 24-hour window).

Inside the customer-service window a free text carries the ticket number, the new status and
the public note; outside it only the approved template `ligat_status_update` may be sent, with
the number and the status label (never the note: template variables carry nothing sensitive).
The internal note never leaves the office. Pure: the caller says whether the window is open.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from chalicelib.tickets.model import Ticket
from chalicelib.whatsapp.outbound import TEXT_MAX, ListMessage, Row, Section, Template, Text

STATUS_TEMPLATE = "ligat_status_update"
WINDOW = timedelta(hours=24)


def window_open(last_inbound: datetime | None, now: datetime) -> bool:
    return last_inbound is not None and now - last_inbound < WINDOW


def status_message(ticket: Ticket, note: str | None, in_window: bool) -> Text | Template:
    if not in_window:
        return Template(name=STATUS_TEMPLATE, body_params=[ticket.number, ticket.status.label])
    lines = [
        f"Kabar laporan Bapak/Ibu *{ticket.number}*: {ticket.status.label}.",
    ]
    if note:
        lines.append(note)
    lines.append("Terima kasih. Ketik *status* untuk melihat laporan Bapak/Ibu.")
    return Text(body="\n\n".join(lines)[:TEXT_MAX])


def rating_question(ticket: Ticket) -> ListMessage:
    """After `selesai`: the citizen rates the handling 1-5 (a list: buttons allow only three).
    Each row's id names the ticket, so a late tap still rates the right one."""
    from chalicelib.conversation.copy import load_copy

    copy = load_copy()["satisfaction"]
    rows = [
        Row(id=f"rate:{ticket.number}:{score}", title=str(copy["scores"][score]))
        for score in (5, 4, 3, 2, 1)
    ]
    return ListMessage(
        body=copy["question"].format(number=ticket.number),
        button=copy["button"],
        sections=[Section(title=copy["section"], rows=rows)],
    )
