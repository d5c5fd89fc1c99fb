"""Live hand-over: the citizen asks for a person, staff answer in the console, the bot keeps
quiet until either side ends the chat or it lapses (chalicelib/store/chats.py keeps the state;
the processor tells the engine through `Knowledge.handover`).

Offered only in office hours, and it lasts until closing time: a chat nobody can answer is
never promised. The urgent safety net still speaks while staff hold the chat (engine.respond
runs it first), because a cry for help must never wait for a reply from a desk.
"""

from __future__ import annotations

from datetime import datetime

from chalicelib.clock import WIB
from chalicelib.conversation import messages as m
from chalicelib.conversation.knowledge import Knowledge
from chalicelib.conversation.model import (
    Attachment,
    EndHandover,
    FetchMedia,
    Incoming,
    Reply,
    RequestHandover,
    Session,
    evidence_key,
)

ASK = "hand:ask"


def contact(kb: Knowledge) -> Reply:
    """The office's contact card; in office hours with the offer to chat with staff."""
    card = m.contact(kb.copy, kb.office, kb.now)
    if not m.office_open(kb.office, kb.now):
        return Reply([card])
    spec = kb.copy["handover"]
    return Reply([m.buttons(card.body, [(ASK, spec["ask"]), ("menu:", spec["menu"])])])


def request(state: Session, kb: Knowledge) -> Reply:
    """The citizen tapped *Chat petugas*: wait for staff until closing time."""
    state.flow, state.step = None, None
    closing = closes_at(kb)
    if closing is None:  # tapped after hours (an old button): say when staff are back
        return Reply([m.contact(kb.copy, kb.office, kb.now)])
    body = kb.copy["handover"]["waiting"].format(closing=f"{closing.astimezone(WIB):%H.%M}")
    return Reply([m.text(body)], [RequestHandover(until=closing)])


def while_handed_over(incoming: Incoming, kb: Knowledge) -> Reply:
    """Staff have the chat: the citizen's messages are theirs (the processor keeps them for
    the console, and copies a photo or document for staff to open), and only an explicit word
    to leave brings the bot back."""
    said = " ".join((incoming.text or "").lower().split()).strip(" .!?")
    if incoming.kind == "text" and said in kb.copy["handover"]["end_words"]:
        ended = m.text(kb.copy["handover"]["ended"])
        return Reply([ended, m.main_menu(kb.copy)], [EndHandover()])
    if incoming.media is not None and incoming.kind != "sticker":
        key = evidence_key(incoming.wamid, incoming.media.media_id)
        attachment = Attachment(**incoming.media.model_dump(), key=key)
        return Reply([], [FetchMedia(attachment=attachment)])
    return Reply()


def closes_at(kb: Knowledge) -> datetime | None:
    """Today's closing time (UTC), or None outside office hours."""
    if not m.office_open(kb.office, kb.now):
        return None
    local = kb.now.astimezone(WIB)
    opening = kb.office.hours.get(local.weekday())
    assert opening is not None  # open now, so open today
    return datetime.combine(local.date(), opening[1], WIB)
