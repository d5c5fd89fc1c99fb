"""Who the report is about and who reports it: for whom, the person concerned, the
reporter's name and NIK, and whether the reporter's identity may be known."""

from __future__ import annotations

from chalicelib.conversation import messages as m
from chalicelib.conversation.filing.steps import (
    Again,
    Next,
    NotUnderstood,
    Outcome,
    Step,
    choice,
    draft_of,
    report_copy,
    type_word,
    typed_text,
)
from chalicelib.conversation.knowledge import Knowledge
from chalicelib.conversation.model import Draft, Incoming, Reply, Session
from chalicelib.tickets.nik import check_nik

SELF, OTHER = "rpt:self", "rpt:other"
NAME_OK, NAME_CHANGE = "rpt:name_ok", "rpt:name_change"
NIK_UNKNOWN = "rpt:nik_unknown"
NAMED, ANONYMOUS = "rpt:named", "rpt:anonymous"
SUBJECT_MIN, SUBJECT_MAX = 5, 500
NAME_MAX = 80


def ask_about(state: Session, kb: Knowledge) -> Reply:
    copy = report_copy(kb)
    body = copy["about"].format(type_title=type_word(kb, draft_of(state)).capitalize())
    return Reply([m.buttons(body, [(SELF, copy["about_self"]), (OTHER, copy["about_other"])])])


def answer_about(state: Session, incoming: Incoming, kb: Knowledge) -> Outcome:
    picked = choice(incoming, kb, (SELF, OTHER))
    if picked is None:
        return NotUnderstood()
    draft = draft_of(state)
    draft.about = "self" if picked == SELF else "other"
    if draft.about == "self":
        draft.subject = None
    return Next()


def ask_subject(state: Session, kb: Knowledge) -> Reply:
    return Reply([m.text(report_copy(kb)["subject"])])


def answer_subject(state: Session, incoming: Incoming, kb: Knowledge) -> Outcome:
    value = typed_text(incoming)
    if len(value) < SUBJECT_MIN:
        return Again(report_copy(kb)["subject_short"])
    draft_of(state).subject = value[:SUBJECT_MAX]
    return Next()


def ask_name(state: Session, kb: Knowledge) -> Reply:
    copy = report_copy(kb)
    suggestion = suggested_name(state)
    if suggestion and not draft_of(state).name_typing:
        body = copy["name_confirm"].format(name=suggestion)
        choices = [(NAME_OK, copy["name_yes"]), (NAME_CHANGE, copy["name_change"])]
        return Reply([m.buttons(body, choices)])
    return Reply([m.text(copy["name_ask"])])


def answer_name(state: Session, incoming: Incoming, kb: Knowledge) -> Outcome:
    draft = draft_of(state)
    suggestion = suggested_name(state)
    if incoming.choice_id == NAME_OK and suggestion:
        draft.reporter_name, draft.name_typing = suggestion, False
        return Next()
    if incoming.choice_id == NAME_CHANGE:
        draft.name_typing = True
        return ask_name(state, kb)
    name = " ".join(typed_text(incoming).split())
    if not valid_name(name):
        return Again(report_copy(kb)["name_invalid"])
    draft.reporter_name, draft.name_typing = name, False
    return Next()


def suggested_name(state: Session) -> str | None:
    """The name to confirm: the one already given, else the WhatsApp profile name if it is a
    valid name (profile names are often nicknames, emoji or numbers; those are asked for)."""
    given = draft_of(state).reporter_name
    if given:
        return given
    profile = " ".join(str(state.data.get("profile_name") or "").split())
    return profile if valid_name(profile) else None


def valid_name(name: str) -> bool:
    letters = sum(c.isalpha() for c in name)
    allowed = all(c.isalpha() or c in " .'-," for c in name)
    return 2 <= len(name) <= NAME_MAX and letters >= 2 and allowed


def nik_required(draft: Draft) -> bool:
    return draft.type == "permohonan" and draft.about == "self"


def ask_nik(state: Session, kb: Knowledge) -> Reply:
    copy = report_copy(kb)
    draft = draft_of(state)
    if nik_required(draft):
        return Reply([m.text(copy["nik_self"])])
    body = copy["nik_self"] if draft.about == "self" else copy["nik_other"]
    return Reply([m.buttons(body, [(NIK_UNKNOWN, copy["nik_unknown"])])])


def answer_nik(state: Session, incoming: Incoming, kb: Knowledge) -> Outcome:
    copy = report_copy(kb)
    draft = draft_of(state)
    if choice(incoming, kb, (NIK_UNKNOWN,)):
        if nik_required(draft):
            return Again(copy["nik_required"])
        draft.nik = None
        return Next()
    if incoming.kind != "text":
        return NotUnderstood()
    result = check_nik(incoming.text or "", kb.now.date())
    if not result.ok:
        digits = sum(c.isdigit() for c in incoming.text or "")
        reason = copy["nik_errors"].get(str(result.reason), copy["nik_errors"]["date"])
        return Again(f"{reason.format(digits=digits)} {copy['nik_example']}")
    draft.nik = result.nik
    return Next()


def ask_anonymity(state: Session, kb: Knowledge) -> Reply:
    copy = report_copy(kb)
    choices = [(NAMED, copy["anonymous_no"]), (ANONYMOUS, copy["anonymous_yes"])]
    return Reply([m.buttons(copy["anonymity"], choices)])


def answer_anonymity(state: Session, incoming: Incoming, kb: Knowledge) -> Outcome:
    picked = choice(incoming, kb, (NAMED, ANONYMOUS))
    if picked is None:
        return NotUnderstood()
    draft_of(state).anonymous = picked == ANONYMOUS
    return Next()


ABOUT = Step("about", ask_about, answer_about)
SUBJECT = Step(
    "subject", ask_subject, answer_subject, applies=lambda d: d.about == "other", label="subject"
)
NAME = Step("name", ask_name, answer_name, label="reporter_name")
NIK = Step("nik", ask_nik, answer_nik, label="nik")
ANONYMITY = Step("anonymity", ask_anonymity, answer_anonymity)
