"""The fast urgent report: where, one line or a voice note, send. At most three steps, and
fewer when the citizen already said what happened or where."""

from __future__ import annotations

from chalicelib.catalogue.regions import Kecamatan, Village, match_kecamatan
from chalicelib.conversation import messages as m
from chalicelib.conversation.filing.lists import pick_one
from chalicelib.conversation.filing.place import find_villages, location_text
from chalicelib.conversation.filing.steps import (
    GoTo,
    Next,
    NotUnderstood,
    Outcome,
    Step,
    choice,
    draft_of,
    typed_text,
)
from chalicelib.conversation.filing.story import attach, spoken
from chalicelib.conversation.knowledge import Knowledge
from chalicelib.conversation.model import Draft, Incoming, RegionRef, Reply, Session

SEND, CANCEL = "rpt:send", "rpt:cancel"
STORY_MIN, STORY_MAX = 3, 2000
ADDRESS_MAX = 300


def urgent_copy(kb: Knowledge) -> dict[str, str]:
    return kb.copy["urgent"]


def ask_place(state: Session, kb: Knowledge) -> Reply:
    return Reply([m.text(urgent_copy(kb)["place"])])


def answer_place(state: Session, incoming: Incoming, kb: Knowledge) -> Outcome:
    draft = draft_of(state)
    picked = incoming.choice_id or ""
    if incoming.kind == "location" and incoming.place:
        draft.place = incoming.place
        return Next()
    if picked.startswith("rpt:desa:"):
        village = kb.regions.by_code(picked.removeprefix("rpt:desa:"))
        if isinstance(village, Village):
            _set_village(draft, village, kb)
            return Next()
    text = typed_text(incoming)
    if not text:
        return NotUnderstood()
    kecamatan = match_kecamatan(text, kb.regions)
    villages = find_villages(text, kb)
    if len(villages) == 1 and not _exact_kecamatan(kecamatan, text):
        _set_village(draft, villages[0], kb)
    elif len(kecamatan) == 1:
        draft.kecamatan = RegionRef(code=kecamatan[0].code, name=kecamatan[0].name)
    elif len(villages) > 1:
        copy = kb.copy["report"]
        choices = [(f"rpt:desa:{v.code}", _village_label(v, kb)) for v in villages]
        return pick_one(kb, choices, copy["desa_button"], copy["kecamatan_section"])
    # In an emergency nothing blocks: a place we cannot find is kept as written for staff.
    draft.address = text[:ADDRESS_MAX]
    return Next()


def _exact_kecamatan(found: list[Kecamatan], text: str) -> bool:
    return len(found) == 1 and found[0].name.casefold() == text.strip().casefold()


def _set_village(draft: Draft, village: Village, kb: Knowledge) -> None:
    kecamatan = kb.regions.kecamatan_of(village)
    draft.desa = RegionRef(code=village.code, name=village.name)
    if kecamatan:
        draft.kecamatan = RegionRef(code=kecamatan.code, name=kecamatan.name)


def _village_label(village: Village, kb: Knowledge) -> str:
    kecamatan = kb.regions.kecamatan_of(village)
    return f"{village.name}, Kec. {kecamatan.name}" if kecamatan else village.name


def ask_story(state: Session, kb: Knowledge) -> Reply:
    return Reply([m.text(urgent_copy(kb)["story"])])


def answer_story(state: Session, incoming: Incoming, kb: Knowledge) -> Outcome:
    draft = draft_of(state)
    attached = attach(draft, incoming)
    text = spoken(incoming, kb)
    if len(text) < STORY_MIN and attached is None:
        return NotUnderstood()
    draft.description = text[:STORY_MAX] or urgent_copy(kb)["media_only"]
    return Next(effects=[attached] if attached else [])


def ask_send(state: Session, kb: Knowledge) -> Reply:
    copy = urgent_copy(kb)
    draft = draft_of(state)
    place = location_text(kb, draft) if (draft.kecamatan or draft.place) else draft.address
    values = kb.copy["report"]["summary_values"]
    count = len(draft.media)
    body = copy["summary"].format(
        place=place or "-",
        story=m.fit(draft.description or "", 300),
        media=values["media_count"].format(count=count) if count else values["no_media"],
    )
    return Reply([m.buttons(body, [(SEND, copy["send"]), (CANCEL, kb.copy["report"]["cancel"])])])


def answer_send(state: Session, incoming: Incoming, kb: Knowledge) -> Outcome:
    picked = choice(incoming, kb, (SEND, CANCEL))
    if picked == SEND:
        return GoTo("send")
    if picked == CANCEL:
        return GoTo("cancel")
    return NotUnderstood()


PLACE = Step(
    "urgent_place",
    ask_place,
    answer_place,
    known=lambda d: bool(d.kecamatan or d.place or d.address),
)
STORY = Step("urgent_story", ask_story, answer_story, known=lambda d: bool(d.description))
SEND_STEP = Step("urgent_send", ask_send, answer_send)
