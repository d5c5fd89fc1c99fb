"""Permits are not complaints: a ziarah/wisata TMP visit, a fundraising permit (izin
sumbangan) or an LKS registration asks only what the office needs (organisation, purpose,
date, number of people, contact), never "ceritakan masalahnya"."""

from __future__ import annotations

from typing import Literal, cast

from chalicelib.conversation import messages as m
from chalicelib.conversation.filing.steps import (
    Again,
    GoTo,
    Next,
    NotUnderstood,
    Outcome,
    Step,
    choice,
    draft_of,
    typed_text,
)
from chalicelib.conversation.knowledge import Knowledge
from chalicelib.conversation.model import Draft, Incoming, Permit, Reply, Session

Kind = Literal["ziarah", "sumbangan", "lks"]
FIELDS = {  # what each permit asks, in order
    "ziarah": ("organisation", "purpose", "date", "people"),
    "sumbangan": ("organisation", "purpose", "date"),
    "lks": ("organisation", "purpose", "address"),
}
TEXT_MIN, TEXT_MAX = 3, 300
PEOPLE_MAX = 5000
REQUEST, COMPLAINT = "rpt:kind_request", "rpt:kind_complaint"
SEND, CANCEL = "rpt:send", "rpt:cancel"


def kinds_of(draft: Draft, kb: Knowledge) -> tuple[str, ...]:
    service = kb.catalogue.service(draft.service_id or "")
    return service.permits if service else ()


def begin(draft: Draft, kb: Knowledge) -> None:
    """Turn the draft into a permit request (its kind is chosen when there are several)."""
    kinds = kinds_of(draft, kb)
    draft.type, draft.mode = "permohonan", "permit"
    draft.permit = Permit(kind=cast(Kind, kinds[0]) if len(kinds) == 1 else None)


# -- pengaduan or permohonan: for a citizen who cannot tell the two apart --------------------


def ask_request_or_complaint(state: Session, kb: Knowledge) -> Reply | None:
    if not kinds_of(draft_of(state), kb):
        return None
    copy = kb.copy["permit"]["chooser"]
    choices = [(REQUEST, copy["request"]), (COMPLAINT, copy["complaint"])]
    return Reply([m.buttons(copy["body"], choices)])


def answer_request_or_complaint(state: Session, incoming: Incoming, kb: Knowledge) -> Outcome:
    picked = choice(incoming, kb, (REQUEST, COMPLAINT))
    draft = draft_of(state)
    if picked == REQUEST:
        begin(draft, kb)
        return GoTo("permit_kind")
    if picked == COMPLAINT:
        draft.permit = None
        return GoTo("duplicate")
    return NotUnderstood()


# -- the permit's own questions ---------------------------------------------------------------


def ask_kind(state: Session, kb: Knowledge) -> Reply | None:
    draft = draft_of(state)
    kinds = kinds_of(draft, kb)
    if draft.permit is None:
        begin(draft, kb)
    if len(kinds) < 2:
        return None
    labels = kb.copy["permit"]["kinds"]
    body = kb.copy["permit"]["kind_question"]
    return Reply([m.buttons(body, [(f"rpt:permit:{k}", labels[k]) for k in kinds])])


def answer_kind(state: Session, incoming: Incoming, kb: Knowledge) -> Outcome:
    draft = draft_of(state)
    kinds = kinds_of(draft, kb)
    picked = choice(incoming, kb, [f"rpt:permit:{k}" for k in kinds])
    if picked is None or draft.permit is None:
        return NotUnderstood()
    draft.permit.kind = cast(Kind, picked.removeprefix("rpt:permit:"))
    return Next()


def _field_step(field: str) -> Step:
    def applies(draft: Draft) -> bool:
        return bool(draft.permit and draft.permit.kind and field in FIELDS[draft.permit.kind])

    def ask(state: Session, kb: Knowledge) -> Reply:
        permit = draft_of(state).permit
        kind = permit.kind if permit and permit.kind else "ziarah"
        questions = kb.copy["permit"]["questions"][field]
        return Reply([m.text(questions.get(kind, questions["default"]))])

    def answer(state: Session, incoming: Incoming, kb: Knowledge) -> Outcome:
        permit = draft_of(state).permit
        value = " ".join(typed_text(incoming).split())
        if permit is None:
            return NotUnderstood()
        if field == "people":
            digits = "".join(c for c in value if c in "0123456789")[:6]
            if not digits or not 1 <= int(digits) <= PEOPLE_MAX:
                return Again(kb.copy["permit"]["people_invalid"])
            permit.people = int(digits)
            return Next()
        if not TEXT_MIN <= len(value) <= TEXT_MAX:
            return Again(kb.copy["permit"]["text_invalid"].format(maximum=TEXT_MAX))
        setattr(permit, field, value)
        return Next()

    return Step(f"permit_{field}", ask, answer, applies=applies)


def details(kb: Knowledge, draft: Draft) -> str:
    """The permit as lines for the summary and for the ticket's description."""
    copy = kb.copy["permit"]
    permit = draft.permit or Permit()
    lines = [copy["kinds_long"].get(permit.kind or "", "")]
    for field in FIELDS.get(permit.kind or "", ()):
        value = getattr(permit, field)
        lines.append(f"{copy['labels'][field]}: {value if value is not None else '-'}")
    return "\n".join(lines)


def ask_summary(state: Session, kb: Knowledge) -> Reply:
    copy = kb.copy["permit"]
    draft = draft_of(state)
    body = copy["summary"].format(details=details(kb, draft), name=draft.reporter_name or "-")
    choices = [(SEND, kb.copy["report"]["send"]), (CANCEL, kb.copy["report"]["cancel"])]
    return Reply([m.buttons(body, choices)])


def answer_summary(state: Session, incoming: Incoming, kb: Knowledge) -> Outcome:
    picked = choice(incoming, kb, (SEND, CANCEL))
    if picked == SEND:
        draft = draft_of(state)
        draft.description = details(kb, draft)
        draft.about = "other" if draft.permit and draft.permit.organisation else "self"
        return GoTo("send")
    if picked == CANCEL:
        return GoTo("cancel")
    return NotUnderstood()


CHOOSER = Step(
    "request_or_complaint",
    ask_request_or_complaint,
    answer_request_or_complaint,
    applies=lambda d: d.type == "pengaduan" and d.permit is None and not d.editing,
)
KIND = Step("permit_kind", ask_kind, answer_kind)
ORGANISATION = _field_step("organisation")
PURPOSE = _field_step("purpose")
DATE = _field_step("date")
PEOPLE = _field_step("people")
ADDRESS = _field_step("address")
SUMMARY = Step("permit_summary", ask_summary, answer_summary)
