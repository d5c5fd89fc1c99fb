"""What happened: the description, and photos or documents as evidence."""

from __future__ import annotations

from chalicelib.conversation import messages as m
from chalicelib.conversation.filing.steps import (
    Again,
    Next,
    Outcome,
    Step,
    choice,
    draft_of,
    report_copy,
    typed_text,
)
from chalicelib.conversation.knowledge import Knowledge
from chalicelib.conversation.model import (
    Attachment,
    FetchMedia,
    Incoming,
    Reply,
    Session,
    evidence_key,
)

DESCRIPTION_MIN, DESCRIPTION_MAX = 20, 2000
MEDIA_MAX = 5
DONE, SKIP = "rpt:media_done", "rpt:skip"
EVIDENCE_KINDS = ("image", "document")


def ask_description(state: Session, kb: Knowledge) -> Reply:
    return Reply([m.text(report_copy(kb)["description"])])


def answer_description(state: Session, incoming: Incoming, kb: Knowledge) -> Outcome:
    copy = report_copy(kb)
    if incoming.kind in EVIDENCE_KINDS or incoming.choice_id in (DONE, SKIP):
        # Evidence first is fine; the text is asked for after it.
        outcome = answer_media(state, incoming, kb)
        return ask_description(state, kb) if isinstance(outcome, Next) else outcome
    value = typed_text(incoming)
    if len(value) < DESCRIPTION_MIN:
        return Again(copy["description_short"].format(length=len(value), minimum=DESCRIPTION_MIN))
    if len(value) > DESCRIPTION_MAX:
        return Again(copy["description_long"].format(length=len(value), maximum=DESCRIPTION_MAX))
    draft_of(state).description = value
    return Next()


def ask_media(state: Session, kb: Knowledge) -> Reply:
    copy = report_copy(kb)
    body = copy["media"].format(maximum=MEDIA_MAX)
    return Reply([m.buttons(body, [(DONE, copy["media_done"]), (SKIP, copy["media_skip"])])])


def answer_media(state: Session, incoming: Incoming, kb: Knowledge) -> Outcome:
    copy = report_copy(kb)
    draft = draft_of(state)
    if incoming.kind in EVIDENCE_KINDS and incoming.media:
        if len(draft.media) >= MEDIA_MAX:
            return Reply([m.text(copy["media_full"].format(maximum=MEDIA_MAX))])
        attachment = Attachment(
            **incoming.media.model_dump(),
            key=evidence_key(incoming.wamid, incoming.media.media_id),
        )
        draft.media.append(attachment)
        body = copy["media_received"].format(count=len(draft.media))
        done = m.buttons(body, [(DONE, copy["media_done"])])
        return Reply([done], [FetchMedia(attachment=attachment)])
    if choice(incoming, kb, (DONE, SKIP)):
        return Next()
    return Again(copy["media_wrong"])


DESCRIPTION = Step("description", ask_description, answer_description, label="description")
MEDIA = Step("media", ask_media, answer_media, label="media")
