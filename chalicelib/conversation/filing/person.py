"""Who the report is about and who reports it: for whom, the person concerned, whether the
reporter's identity may be known (asked before any name or NIK), the data of the citizen's
last report offered back, the reporter's name and NIK."""

from __future__ import annotations

import re
from typing import Literal

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
    said,
    type_word,
    typed_text,
)
from chalicelib.conversation.knowledge import Knowledge
from chalicelib.conversation.model import Draft, Incoming, Reply, Session, TicketView
from chalicelib.privacy import mask_nik
from chalicelib.tickets.nik import check_nik

SELF, OTHER, GROUP = "rpt:self", "rpt:other", "rpt:group"
AFFECTED_MAX = 100_000
NAME_OK, NAME_CHANGE = "rpt:name_ok", "rpt:name_change"
NIK_UNKNOWN = "rpt:nik_unknown"
NAMED, ANONYMOUS, UNRECORDED = "rpt:named", "rpt:anonymous", "rpt:unrecorded"
REMEMBER_YES, REMEMBER_NO = "rpt:remember_yes", "rpt:remember_no"
SUBJECT_MIN, SUBJECT_MAX = 5, 500
NAME_MAX = 80


def ask_about(state: Session, kb: Knowledge) -> Reply:
    copy = report_copy(kb)
    body = copy["about"].format(type_title=type_word(kb, draft_of(state)).capitalize())
    choices = [
        (SELF, copy["about_self"]),
        (OTHER, copy["about_other"]),
        (GROUP, copy["about_group"]),
    ]
    return Reply([m.buttons(body, choices)])


def answer_about(state: Session, incoming: Incoming, kb: Knowledge) -> Outcome:
    picked = choice(incoming, kb, (SELF, OTHER, GROUP))
    if picked is None:
        return NotUnderstood()
    draft = draft_of(state)
    about: dict[str, Literal["self", "other", "group"]] = {
        SELF: "self",
        OTHER: "other",
        GROUP: "group",
    }
    draft.about = about[picked]
    if draft.about == "self":
        draft.subject = None
    if draft.about != "group":
        draft.affected = None
    return Next()


def ask_subject(state: Session, kb: Knowledge) -> Reply:
    copy = report_copy(kb)
    return Reply([m.text(copy["group_subject" if draft_of(state).about == "group" else "subject"])])


def ask_affected(state: Session, kb: Knowledge) -> Reply:
    return Reply([m.text(report_copy(kb)["affected"])])


def answer_affected(state: Session, incoming: Incoming, kb: Knowledge) -> Outcome:
    """A rough count of the people or families affected; any number in the answer will do."""
    digits = re.search(r"[0-9]{1,6}", (incoming.text or "").replace(".", ""))
    count = int(digits.group(0)) if digits else 0
    if not 1 <= count <= AFFECTED_MAX:
        return Again(report_copy(kb)["affected_invalid"])
    draft_of(state).affected = count
    return Next()


def answer_subject(state: Session, incoming: Incoming, kb: Knowledge) -> Outcome:
    value = typed_text(incoming)
    if len(value) < SUBJECT_MIN:
        return Again(report_copy(kb)["subject_short"])
    draft_of(state).subject = value[:SUBJECT_MAX]
    return Next()


def ask_anonymity(state: Session, kb: Knowledge) -> Reply:
    copy = report_copy(kb)
    choices = [
        (NAMED, copy["anonymous_no"]),
        (ANONYMOUS, copy["anonymous_yes"]),
        (UNRECORDED, copy["anonymous_unrecorded"]),
    ]
    return Reply([m.buttons(copy["anonymity"], choices)])


def answer_anonymity(state: Session, incoming: Incoming, kb: Knowledge) -> Outcome:
    picked = choice(incoming, kb, (NAMED, ANONYMOUS, UNRECORDED))
    if picked is None:
        return NotUnderstood()
    draft = draft_of(state)
    identities: dict[str, Literal["named", "hidden", "none"]] = {
        NAMED: "named",
        ANONYMOUS: "hidden",
        UNRECORDED: "none",
    }
    draft.identity = identities[picked]
    draft.anonymous = draft.identity != "named"
    if draft.identity == "none":
        draft.reporter_name = draft.nik = None
    return Next()


def identified(draft: Draft) -> bool:
    return draft.identity != "none"


def last_own_report(kb: Knowledge) -> TicketView | None:
    """The citizen's latest report about themself that holds a name."""
    own = [t for t in kb.tickets or () if t.about == "self" and t.reporter_name]
    return max(own, key=lambda t: t.created_at, default=None)


def ask_remembered(state: Session, kb: Knowledge) -> Reply | None:
    if kb.tickets is None:
        return Reply(needs=["tickets"])
    last = last_own_report(kb)
    if last is None:
        return None
    copy = report_copy(kb)
    place = f"{last.desa.name}, Kec. {last.kecamatan.name}" if last.desa and last.kecamatan else "-"
    body = copy["remembered"].format(
        name=last.reporter_name,
        nik=mask_nik(last.nik) if last.nik else copy["summary_values"]["no_nik"],
        place=place,
    )
    choices = [(REMEMBER_YES, copy["remember_yes"]), (REMEMBER_NO, copy["remember_no"])]
    return Reply([m.buttons(body, choices)])


def answer_remembered(state: Session, incoming: Incoming, kb: Knowledge) -> Outcome:
    picked = choice(incoming, kb, (REMEMBER_YES, REMEMBER_NO))
    draft = draft_of(state)
    if picked == REMEMBER_YES and kb.tickets is None:
        return Reply(needs=["tickets"])
    last = last_own_report(kb)
    if picked == REMEMBER_YES and last is not None:
        draft.remembered = True
        draft.reporter_name, draft.nik = last.reporter_name, last.nik
        if last.kecamatan and last.desa and draft.place is None:
            draft.kecamatan, draft.desa = last.kecamatan, last.desa
        return Next()
    if picked in (REMEMBER_YES, REMEMBER_NO):
        draft.remembered = False
        return Next()
    return NotUnderstood()


def _forget_remembered(draft: Draft) -> None:
    draft.remembered = False


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


def _nik_buttons(kb: Knowledge, body: str) -> Reply:
    return Reply([m.buttons(body, [(NIK_UNKNOWN, report_copy(kb)["nik_unknown"])])])


def ask_nik(state: Session, kb: Knowledge) -> Reply:
    copy = report_copy(kb)
    body = copy["nik_self"] if draft_of(state).about == "self" else copy["nik_other"]
    return _nik_buttons(kb, body)


def _does_not_know(incoming: Incoming, kb: Knowledge) -> bool:
    """ "tidak tahu", "gak tau", "lupa", "ktp hilang"…: any of the words in copy.yaml, alone
    or inside a short sentence without digits."""
    if choice(incoming, kb, (NIK_UNKNOWN,)):
        return True
    typed = said(incoming)
    if not typed or any(c.isdigit() for c in typed):
        return False
    phrases = report_copy(kb)["answers"][NIK_UNKNOWN]
    return any(f" {phrase} " in f" {typed} " for phrase in phrases)


def answer_nik(state: Session, incoming: Incoming, kb: Knowledge) -> Outcome:
    copy = report_copy(kb)
    draft = draft_of(state)
    if _does_not_know(incoming, kb):
        draft.nik = None
        # A request for oneself needs the NIK later; staff ask for it, or a photo of the KK.
        later = [m.text(copy["nik_later"])] if draft.about == "self" else []
        return Next(before=later)
    if incoming.kind != "text":
        return _nik_buttons(kb, copy["nik_invalid"])
    result = check_nik(incoming.text or "", kb.now.date())
    if not result.ok:
        return _nik_buttons(kb, copy["nik_invalid"])
    draft.nik = result.nik
    return Next()


ABOUT = Step("about", ask_about, answer_about)
SUBJECT = Step(
    "subject",
    ask_subject,
    answer_subject,
    applies=lambda d: d.about in ("other", "group"),
    label="subject",
)
AFFECTED = Step(
    "affected",
    ask_affected,
    answer_affected,
    applies=lambda d: d.about == "group",
    label="affected",
)
ANONYMITY = Step(
    "anonymity", ask_anonymity, answer_anonymity, applies=lambda d: d.type == "pengaduan"
)
REMEMBERED = Step(
    "remembered",
    ask_remembered,
    answer_remembered,
    applies=lambda d: d.about == "self" and identified(d) and not d.editing,
    known=lambda d: d.remembered,
    forget=_forget_remembered,
)
NAME = Step(
    "name",
    ask_name,
    answer_name,
    applies=identified,
    known=lambda d: d.remembered and not d.editing,
    forget=_forget_remembered,
    label="reporter_name",
)
NIK = Step(
    "nik",
    ask_nik,
    answer_nik,
    applies=identified,
    known=lambda d: d.remembered and not d.editing,
    forget=_forget_remembered,
    label="nik",
)
