"""The privacy notice (UU 27/2022), shown before any personal question."""

from __future__ import annotations

from chalicelib.conversation import messages as m
from chalicelib.conversation.filing.steps import (
    GoTo,
    Next,
    NotUnderstood,
    Outcome,
    Step,
    choice,
    draft_of,
    report_copy,
    type_word,
)
from chalicelib.conversation.knowledge import Knowledge
from chalicelib.conversation.model import Incoming, Reply, Session

AGREE, CANCEL = "rpt:agree", "rpt:cancel"


def ask(state: Session, kb: Knowledge) -> Reply:
    copy = report_copy(kb)
    draft = draft_of(state)
    body = (
        copy["privacy_permit"]
        if draft.mode == "permit"
        else copy["privacy"].format(type=type_word(kb, draft))
    )
    return Reply([m.buttons(body, [(AGREE, copy["agree"]), (CANCEL, copy["cancel"])])])


def answer(state: Session, incoming: Incoming, kb: Knowledge) -> Outcome:
    picked = choice(incoming, kb, (AGREE, CANCEL))
    if picked == AGREE:
        draft_of(state).consent_at = kb.now
        return Next()
    if picked == CANCEL:
        return GoTo("cancel")
    return NotUnderstood()


PRIVACY = Step("privacy", ask, answer)
