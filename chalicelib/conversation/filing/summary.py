"""The summary with Kirim / Ubah / Batal, changing one field, and sending."""

from __future__ import annotations

from chalicelib.clock import iso
from chalicelib.conversation import messages as m
from chalicelib.conversation.filing.place import location_text
from chalicelib.conversation.filing.steps import (
    GoTo,
    NotUnderstood,
    Outcome,
    Step,
    choice,
    draft_of,
    report_copy,
    type_word,
)
from chalicelib.conversation.knowledge import Knowledge
from chalicelib.conversation.model import (
    AppendToTicket,
    CreateTicket,
    Draft,
    Incoming,
    Reply,
    Session,
)
from chalicelib.privacy import mask_nik
from chalicelib.tickets.sla import add_working_days

SEND, EDIT, CANCEL = "rpt:send", "rpt:edit", "rpt:cancel"
TICKET_FIELDS = (
    "type",
    "service_id",
    "about",
    "subject",
    "affected",
    "reporter_name",
    "nik",
    "kecamatan",
    "desa",
    "place",
    "address",
    "description",
    "media",
    "anonymous",
)


def ask_summary(state: Session, kb: Knowledge) -> Reply:
    copy = report_copy(kb)
    draft = draft_of(state)
    draft.editing = False
    if draft.mode == "append":
        body = copy["append_summary"].format(
            number=draft.duplicate_of,
            description=m.fit(draft.description or "", 600),
            media=len(draft.media),
        )
        return Reply([m.buttons(body, [(SEND, copy["send"]), (CANCEL, copy["cancel"])])])
    choices = [(SEND, copy["send"]), (EDIT, copy["edit"]), (CANCEL, copy["cancel"])]
    return Reply([m.text(summary_text(kb, draft)), m.buttons(copy["summary_question"], choices)])


def answer_summary(state: Session, incoming: Incoming, kb: Knowledge) -> Outcome:
    picked = choice(incoming, kb, (SEND, EDIT, CANCEL))
    if picked == SEND:
        return GoTo("send")
    if picked == CANCEL:
        return GoTo("cancel")
    if picked == EDIT and draft_of(state).mode != "append":
        return GoTo("edit")
    return NotUnderstood()


def send(state: Session, kb: Knowledge) -> Reply:
    copy = report_copy(kb)
    draft = draft_of(state)
    state.flow, state.step, state.draft = None, None, None
    if draft.mode == "append" and draft.duplicate_of:
        effect = AppendToTicket(
            number=draft.duplicate_of, description=draft.description or "", attachments=draft.media
        )
        return Reply([m.text(copy["appended"].format(number=effect.number))], [effect])
    service = kb.catalogue.service(draft.service_id or "")
    urgent = (
        draft.urgent
        or bool(service and service.urgent)
        or kb.router.is_urgent(draft.description or "")
    )
    ticket = draft.model_dump(mode="json", include=set(TICKET_FIELDS))
    ticket["anonymous"] = draft.identity in ("hidden", "none") or bool(draft.anonymous)
    ticket["consent_at"] = iso(draft.consent_at) if draft.consent_at else None
    ticket["started_at"] = iso(draft.started_at)
    ticket["priority"] = "tinggi" if urgent else "normal"
    ticket["form"] = draft.mode
    levels = kb.office.service_levels
    deadline = add_working_days(kb.now, levels.verification_working_days, kb.office.holidays)
    ticket["verification_due"] = iso(deadline)
    state.data["last_sent"] = iso(kb.now)
    if urgent:
        body = copy["created_urgent"].format(
            type=type_word(kb, draft),
            hours=levels.urgent_response_hours,
            emergency=m.emergency_line(kb.office),
        )
        return Reply([m.text(body)], [CreateTicket(draft=ticket)])
    confirmation = copy["created"].format(
        type=type_word(kb, draft),
        verification=levels.verification_working_days,
        deadline=m.day_text(kb.copy, deadline),
    )
    if not m.office_open(kb.office, kb.now):
        opens = m.when(kb.copy, m.next_open(kb.office, kb.now))
        confirmation += "\n\n" + copy["created_after_hours"].format(next_open=opens)
    return Reply([m.text(confirmation)], [CreateTicket(draft=ticket)])


def summary_text(kb: Knowledge, draft: Draft) -> str:
    copy = report_copy(kb)
    labels, values = copy["summary_fields"], copy["summary_values"]
    service = kb.catalogue.service(draft.service_id or "")
    about = draft.about or "self"
    lines = [
        copy["summary_title"].format(type=copy["types"][draft.type]),
        f"{labels['service']}: {service.name if service else values['other_service']}",
        f"{labels['about']}: {values[about]}",
    ]
    if about in ("other", "group"):
        lines.append(f"{labels['subject']}: {m.fit(draft.subject or '', 200)}")
    if about == "group" and draft.affected:
        lines.append(f"{labels['affected']}: {values['affected'].format(count=draft.affected)}")
    if draft.identity != "none":
        nik = mask_nik(draft.nik) if draft.nik else values["no_nik"]
        lines += [
            f"{labels['reporter_name']}: {draft.reporter_name or '-'}",
            f"{labels['nik']}: {nik}",
        ]
    lines += [
        f"{labels['location']}: {location_text(kb, draft)}",
        f"{labels['address']}: {draft.address or values['no_address']}",
        f"{labels['description']}: {m.fit(draft.description or '', 500)}",
    ]
    count = len(draft.media)
    media = values["media_count"].format(count=count) if count else values["no_media"]
    lines.append(f"{labels['media']}: {media}")
    identity = draft.identity or ("hidden" if draft.anonymous else "named")
    lines.append(f"{labels['anonymous']}: {values['identity'][identity]}")
    return "\n".join(lines)


SUMMARY = Step("summary", ask_summary, answer_summary)
