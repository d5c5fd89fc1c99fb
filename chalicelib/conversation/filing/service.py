"""Which service the report or request is about, and an open ticket for the same service."""

from __future__ import annotations

from datetime import timedelta

from chalicelib.catalogue.services import Service
from chalicelib.conversation import messages as m
from chalicelib.conversation.filing import permit
from chalicelib.conversation.filing.lists import page_of, paged_list
from chalicelib.conversation.filing.steps import (
    Again,
    GoTo,
    Next,
    NotUnderstood,
    Outcome,
    Step,
    choice,
    draft_of,
    report_copy,
)
from chalicelib.conversation.knowledge import Knowledge
from chalicelib.conversation.model import Draft, Incoming, Reply, Session, TicketView
from chalicelib.conversation.status import ticket_line
from chalicelib.whatsapp.outbound import Row

OTHER = "lainnya"
DUPLICATE_WINDOW = timedelta(days=30)
OPEN_STATUSES = frozenset({"diterima", "diverifikasi", "asesmen", "ditindaklanjuti"})
APPEND, NEW = "rpt:append", "rpt:new"


def choices(draft: Draft, kb: Knowledge) -> list[Service]:
    services = sorted(kb.catalogue.services, key=lambda s: s.number)
    if draft.type == "permohonan":
        return [s for s in services if s.accepts_request]
    return services


def ask(state: Session, kb: Knowledge, page: int = 0) -> Reply:
    copy = report_copy(kb)
    draft = draft_of(state)
    rows = [
        Row(id=f"rpt:svc:{s.id}", title=s.short_name, description=s.description)
        for s in choices(draft, kb)
    ]
    if draft.type == "pengaduan":
        rows.append(Row(**copy["other_row"]))
    body = copy[f"service_{draft.type}"]
    button = copy["service_button"]
    return Reply([paged_list(kb, body, button, button, rows, page, "rpt:svcpage")])


def answer(state: Session, incoming: Incoming, kb: Knowledge) -> Outcome:
    draft = draft_of(state)
    picked = incoming.choice_id or ""
    if picked.startswith("rpt:svcpage:"):
        return ask(state, kb, page_of(picked))
    service_id: str | None = None
    if picked.startswith("rpt:svc:"):
        service_id = picked.removeprefix("rpt:svc:")
    elif incoming.kind == "text":
        intent = kb.router.classify(incoming.text or "")
        if intent.service_ids:
            service_id = intent.service_ids[0]
        elif choice(incoming, kb, ("rpt:svc:lainnya",)):
            service_id = OTHER
    allowed = {s.id for s in choices(draft, kb)}
    if draft.type == "pengaduan":
        allowed.add(OTHER)
    elif service_id == OTHER or _only_reported(service_id, kb):
        # A request for something only reported (a complaint, "lainnya") is a complaint:
        # a citizen who cannot tell the two apart still ends in the right form.
        draft.type = "pengaduan"
        allowed.add(service_id or OTHER)
    if service_id not in allowed:
        return Again(report_copy(kb)["service_unknown"], repeat=True)
    draft.service_id = service_id
    chosen = kb.catalogue.service(service_id or "")
    if draft.type == "permohonan" and chosen and chosen.permits and not draft.editing:
        permit.begin(draft, kb)
        return GoTo("permit_kind")
    return Next()


def _only_reported(service_id: str | None, kb: Knowledge) -> bool:
    service = kb.catalogue.service(service_id or "")
    return service is not None and not service.accepts_request


def ask_duplicate(state: Session, kb: Knowledge) -> Reply | None:
    """Before collecting everything, point out an open ticket for the same service; nothing
    to ask when there is none. The citizen's tickets are asked for first."""
    draft = draft_of(state)
    if draft.mode == "append":
        return None
    if not draft.duplicate_checked:
        if kb.tickets is None:
            return Reply(needs=["tickets"])
        draft.duplicate_checked = True
        open_ticket = _open_ticket_for(kb, draft.service_id)
        if open_ticket is not None:
            draft.duplicate_of = open_ticket.number
            draft.duplicate_line = ticket_line(kb, open_ticket, with_note=False)
    if draft.duplicate_of is None:
        return None
    copy = report_copy(kb)
    body = copy["duplicate"].format(ticket=draft.duplicate_line or "")
    buttons = [(APPEND, copy["add_to_existing"]), (NEW, copy["new_ticket"])]
    return Reply([m.buttons(body, buttons)])


def answer_duplicate(state: Session, incoming: Incoming, kb: Knowledge) -> Outcome:
    picked = choice(incoming, kb, (APPEND, NEW))
    draft = draft_of(state)
    if picked == APPEND:
        draft.mode = "append"
        return GoTo("description")
    if picked == NEW:
        draft.duplicate_of = None
        return Next()
    return NotUnderstood()


def _open_ticket_for(kb: Knowledge, service_id: str | None) -> TicketView | None:
    recent = kb.now - DUPLICATE_WINDOW
    for ticket in sorted(kb.tickets or (), key=lambda t: t.created_at, reverse=True):
        if (
            ticket.service_id == service_id
            and ticket.status in OPEN_STATUSES
            and ticket.created_at >= recent
        ):
            return ticket
    return None


SERVICE = Step("service", ask, answer, known=lambda d: d.service_id is not None, label="service")
DUPLICATE = Step("duplicate", ask_duplicate, answer_duplicate)
