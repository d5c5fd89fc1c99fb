"""Offers to start a report from what the citizen already sent: the emergency numbers and the
fast urgent report for danger now, a problem described in their own words, a photo or voice
note sent outside a form. What they sent is carried into the report, so it is not asked again.

What an offer carries lives in `session.data` for one turn only: the engine drops it when the
next message is not the tap that accepts it.
"""

from __future__ import annotations

from typing import Any

from chalicelib.conversation import filing
from chalicelib.conversation import messages as m
from chalicelib.conversation.filing.story import DESCRIPTION_MIN
from chalicelib.conversation.knowledge import Knowledge
from chalicelib.conversation.model import (
    Attachment,
    FetchMedia,
    Incoming,
    MediaRef,
    Reply,
    Session,
    evidence_key,
)

URGENT_TEXT, PENDING_TEXT, PENDING_MEDIA = "urgent_text", "pending_text", "pending_media"
CARRIED = (URGENT_TEXT, PENDING_TEXT, PENDING_MEDIA)
TEXT_MAX = 2000
PROBLEM_MIN = 40  # a message this long that asks nothing is a story, not a question


def take(state: Session) -> dict[str, Any]:
    """What the previous turn offered, removed from the session (offers last one turn)."""
    return {key: state.data.pop(key) for key in CARRIED if key in state.data}


def in_danger(state: Session, incoming: Incoming, kb: Knowledge) -> bool:
    """A text (or a caption) describing danger now, outside the urgent report itself (whose
    answers describe the danger already reported)."""
    if incoming.kind not in ("text", "image", "video", "document") or not incoming.text:
        return False
    if state.flow == "report" and state.draft is not None and state.draft.mode == "urgent":
        return False
    return kb.router.is_urgent(incoming.text)


def safety_net(state: Session, incoming: Incoming, kb: Knowledge) -> Reply:
    """The emergency numbers at once, and the fast urgent report offered. Inside a report
    form the draft is kept, marked urgent, and can be continued."""
    copy = kb.copy["urgent"]
    text = " ".join((incoming.text or "").split())[:TEXT_MAX]
    state.data[URGENT_TEXT] = text
    if incoming.media is not None:
        state.data[PENDING_MEDIA] = [_pending(incoming, incoming.media)]
    choices = [("urg:start", copy["report"])]
    draft = state.draft
    if state.flow == "report" and draft is not None and state.step:
        draft.urgent = True
        if state.step == "description" and len(text) >= DESCRIPTION_MIN:
            draft.description = text
        if state.step != "resume":
            draft.step = state.step
        state.step = "resume"
        choices.append(("rpt:resume", copy["continue"]))
    choices.append(("menu", kb.copy["answer_actions"]["menu"]))
    body = copy["alert"].format(emergency=m.emergency_list(kb.office))
    return Reply([m.buttons(body, choices)])


def start_urgent(state: Session, kb: Knowledge, carried: dict[str, Any]) -> Reply:
    pending = [Attachment.model_validate(a) for a in carried.get(PENDING_MEDIA) or []]
    reply = filing.start_urgent(state, kb, carried.get(URGENT_TEXT), pending)
    return _with_media(state, reply, carried)


def media_outside_a_form(state: Session, incoming: Incoming, kb: Knowledge) -> Reply:
    """A photo, document, video or voice note outside a form: kept for a report, if the
    citizen wants one (a caption is kept as the story)."""
    copy = kb.copy["media_offer"]
    media = incoming.media
    if media is None:
        return Reply([m.main_menu(kb.copy)])
    state.data[PENDING_MEDIA] = [_pending(incoming, media)]
    if incoming.text:
        state.data[PENDING_TEXT] = incoming.text[:TEXT_MAX]
    body = copy.get(incoming.kind, copy["image"])
    choices = [("adu:", copy["report"]), ("menu", kb.copy["answer_actions"]["menu"])]
    return Reply([m.buttons(body, choices)])


def problem_told(state: Session, text: str, service_id: str | None, kb: Knowledge) -> Reply:
    """The citizen describes a problem: offer to report it with these words as the story."""
    copy = kb.copy["problem_offer"]
    state.data[PENDING_TEXT] = text[:TEXT_MAX]
    choices = [(f"adu:{service_id or ''}", copy["report"])]
    if service_id:
        choices.append((f"svc:{service_id}", copy["information"]))
    choices.append(("menu", kb.copy["answer_actions"]["menu"]))
    return Reply([m.buttons(copy["body"], choices)])


def looks_like_a_problem(text: str, kb: Knowledge) -> bool:
    return len(text) >= PROBLEM_MIN and not kb.router.is_question(text)


def start_report(
    state: Session, kb: Knowledge, kind: str, service_id: str | None, carried: dict[str, Any]
) -> Reply:
    """A report or request, with what the previous turn offered carried in."""
    pending = [Attachment.model_validate(a) for a in carried.get(PENDING_MEDIA) or []]
    reply = filing.start(
        state,
        kb,
        kind,
        service_id=service_id,
        description=carried.get(PENDING_TEXT),
        media=pending,
    )
    return _with_media(state, reply, carried)


def _with_media(state: Session, reply: Reply, carried: dict[str, Any]) -> Reply:
    """The carried media is copied to S3 now that it belongs to a report."""
    draft = state.draft
    if draft is None or reply.needs:
        return reply
    kept = {a.key for a in draft.media}
    fetches = [
        FetchMedia(attachment=Attachment.model_validate(a))
        for a in carried.get(PENDING_MEDIA) or []
        if a.get("key") in kept
    ]
    return Reply(reply.messages, [*fetches, *reply.effects], reply.needs)


def _pending(incoming: Incoming, media: MediaRef) -> dict[str, Any]:
    attachment = Attachment(**media.model_dump(), key=evidence_key(incoming.wamid, media.media_id))
    return attachment.model_dump(mode="json")
