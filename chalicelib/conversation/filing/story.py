"""What happened: the description (typed, a photo's caption, or a voice note), and photos,
documents or voice notes as evidence."""

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
)
from chalicelib.conversation.knowledge import Knowledge
from chalicelib.conversation.model import (
    Attachment,
    Draft,
    FetchMedia,
    Incoming,
    Reply,
    Session,
    evidence_key,
)

DESCRIPTION_MIN, DESCRIPTION_MAX = 20, 2000
MEDIA_MAX = 5
DONE, SKIP = "rpt:media_done", "rpt:skip"
EVIDENCE_KINDS = ("image", "document", "voice", "audio", "video")
SPOKEN_KINDS = ("voice", "audio")


def attach(draft: Draft, incoming: Incoming) -> FetchMedia | None:
    """Keep the media of a message as evidence (copied to S3 by the processor)."""
    if incoming.kind not in EVIDENCE_KINDS or incoming.media is None:
        return None
    if len(draft.media) >= MEDIA_MAX:
        return None
    attachment = Attachment(
        **incoming.media.model_dump(), key=evidence_key(incoming.wamid, incoming.media.media_id)
    )
    draft.media.append(attachment)
    return FetchMedia(attachment=attachment)


def spoken(incoming: Incoming, kb: Knowledge) -> str:
    """What the message says: its text or a media caption, or a note that a voice note holds
    it (staff listen to it)."""
    if incoming.kind in SPOKEN_KINDS:
        return str(report_copy(kb)["voice_description"])
    if incoming.kind == "text" or incoming.media is not None:
        return (incoming.text or "").strip()
    return ""


def ask_description(state: Session, kb: Knowledge) -> Reply:
    return Reply([m.text(_question(state, kb))])


def _question(state: Session, kb: Knowledge) -> str:
    copy = report_copy(kb)
    draft = draft_of(state)
    return str(copy["description_permohonan" if draft.type == "permohonan" else "description"])


def answer_description(state: Session, incoming: Incoming, kb: Knowledge) -> Outcome:
    copy = report_copy(kb)
    draft = draft_of(state)
    if incoming.choice_id in (DONE, SKIP):
        return Reply([m.text(_question(state, kb))])
    if incoming.kind in EVIDENCE_KINDS:
        fetched = attach(draft, incoming)
        text = spoken(incoming, kb)
        if incoming.kind in SPOKEN_KINDS or len(text) >= DESCRIPTION_MIN:
            draft.description = text[:DESCRIPTION_MAX]
            received = [m.text(copy["description_from_media"])]
            return Next(before=received, effects=[fetched] if fetched else [])
        # A photo without a caption: kept, and the story is asked for after it.
        body = copy["media_received_ask_story"].format(count=len(draft.media))
        return Reply([m.text(body)], [fetched] if fetched else [])
    value = (incoming.text or "").strip() if incoming.kind == "text" else ""
    if len(value) < DESCRIPTION_MIN:
        return Again(copy["description_short"].format(minimum=DESCRIPTION_MIN))
    if len(value) > DESCRIPTION_MAX:
        return Again(copy["description_long"].format(length=len(value), maximum=DESCRIPTION_MAX))
    draft.description = value
    return Next()


def ask_media(state: Session, kb: Knowledge) -> Reply:
    copy = report_copy(kb)
    body = copy["media"].format(maximum=MEDIA_MAX)
    return Reply([m.buttons(body, [(DONE, copy["media_done"]), (SKIP, copy["media_skip"])])])


def answer_media(state: Session, incoming: Incoming, kb: Knowledge) -> Outcome:
    copy = report_copy(kb)
    draft = draft_of(state)
    if incoming.kind in EVIDENCE_KINDS and incoming.media:
        fetched = attach(draft, incoming)
        if fetched is None:
            return Reply([m.text(copy["media_full"].format(maximum=MEDIA_MAX))])
        body = copy["media_received"].format(count=len(draft.media))
        return Reply([m.buttons(body, [(DONE, copy["media_done"])])], [fetched])
    if choice(incoming, kb, (DONE, SKIP)):
        return Next()
    return Again(copy["media_wrong"])


def _forget_description(draft: Draft) -> None:
    draft.description = None


DESCRIPTION = Step(
    "description",
    ask_description,
    answer_description,
    known=lambda d: bool(d.description) and not d.editing,
    forget=_forget_description,
    label="description",
)
MEDIA = Step("media", ask_media, answer_media, label="media")
