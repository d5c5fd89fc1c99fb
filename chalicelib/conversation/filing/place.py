"""Where: kecamatan, then desa/kelurahan (or a shared location pin), then the address detail.

A desa typed at the kecamatan question is found across the whole kabupaten (the citizen need
not know the kecamatan); lists carry each name in full in the row description; the desa list
has a row to change the kecamatan.
"""

from __future__ import annotations

from chalicelib.catalogue.regions import (
    Kecamatan,
    Village,
    match_kecamatan,
    match_village,
    match_village_anywhere,
)
from chalicelib.conversation import messages as m
from chalicelib.conversation.filing.lists import page_of, paged_list, pick_one
from chalicelib.conversation.filing.steps import (
    Again,
    GoTo,
    Next,
    Outcome,
    Step,
    choice,
    draft_of,
    report_copy,
    typed_text,
)
from chalicelib.conversation.knowledge import Knowledge
from chalicelib.conversation.model import Draft, Incoming, RegionRef, Reply, Session
from chalicelib.whatsapp.outbound import ROW_DESCRIPTION_MAX, ROW_TITLE_MAX, Row

SKIP = "rpt:skip"
CHANGE_KECAMATAN = "rpt:kec_change"
ADDRESS_MIN, ADDRESS_MAX = 5, 300


def ask_kecamatan(state: Session, kb: Knowledge, page: int = 0) -> Reply:
    copy = report_copy(kb)
    rows = [
        Row(
            id=f"rpt:kec:{k.code}",
            title=m.fit(k.name),
            description=_full(k.name, copy["kecamatan_row"].format(villages=len(k.villages))),
        )
        for k in kb.regions.alphabetical
    ]
    message = paged_list(
        kb,
        copy["kecamatan"],
        copy["kecamatan_button"],
        copy["kecamatan_section"],
        rows,
        page,
        "rpt:kecpage",
    )
    return Reply([message])


def answer_kecamatan(state: Session, incoming: Incoming, kb: Knowledge) -> Outcome:
    copy = report_copy(kb)
    draft = draft_of(state)
    picked = incoming.choice_id or ""
    if picked.startswith("rpt:kecpage:"):
        return ask_kecamatan(state, kb, page_of(picked))
    if incoming.kind == "location" and incoming.place:
        draft.place, draft.kecamatan, draft.desa = incoming.place, None, None
        return Next(before=[m.text(copy["location_received"])])
    if picked.startswith("rpt:desa:"):  # a desa offered from what was typed here
        return _take_village(draft, kb, kb.regions.by_code(picked.removeprefix("rpt:desa:")))
    found: list[Kecamatan] = []
    villages: list[Village] = []
    if picked.startswith("rpt:kec:"):
        kecamatan = kb.regions.by_code(picked.removeprefix("rpt:kec:"))
        found = [kecamatan] if isinstance(kecamatan, Kecamatan) else []
    elif incoming.kind == "text":
        found = match_kecamatan(incoming.text or "", kb.regions)
        villages = find_villages(incoming.text or "", kb)
        if villages and not _means_kecamatan(found, villages, incoming.text or ""):
            if len(villages) == 1:
                return _take_village(draft, kb, villages[0])
            choices = [(f"rpt:desa:{v.code}", village_label(v, kb)) for v in villages]
            return pick_one(kb, choices, copy["desa_button"], copy["kecamatan_section"])
    if len(found) == 1:
        draft.kecamatan = RegionRef(code=found[0].code, name=found[0].name)
        draft.place, draft.desa = None, None
        return GoTo("desa")
    if len(found) > 1:
        choices = [(f"rpt:kec:{k.code}", k.name) for k in found[:3]]
        return pick_one(kb, choices, copy["kecamatan_button"], copy["kecamatan_section"])
    return Again(copy["kecamatan_unknown"].format(text=quote(incoming.text)), repeat=True)


def _means_kecamatan(found: list[Kecamatan], villages: list[Village], text: str) -> bool:
    """The text names a kecamatan rather than a desa: it is the kecamatan's own name
    ("Tembilahan"), or the desa it matches shares a kecamatan's name ("Tembilahan Hulu")."""
    names = {k.name.casefold() for k in found}
    said = " ".join(text.casefold().split()).removeprefix("kecamatan ").removeprefix("kec ")
    return said in names or any(v.name.casefold() in names for v in villages)


def _take_village(draft: Draft, kb: Knowledge, village: object) -> Outcome:
    if not isinstance(village, Village):
        return Again(report_copy(kb)["kecamatan_unknown"].format(text="-"), repeat=True)
    kecamatan = kb.regions.kecamatan_of(village)
    if kecamatan is None:
        return Again(report_copy(kb)["kecamatan_unknown"].format(text="-"), repeat=True)
    draft.kecamatan = RegionRef(code=kecamatan.code, name=kecamatan.name)
    draft.desa = RegionRef(code=village.code, name=village.name)
    draft.place = None
    return Next()


def find_villages(text: str, kb: Knowledge) -> list[Village]:
    return match_village_anywhere(text, kb.regions)


def village_label(village: Village, kb: Knowledge) -> str:
    kecamatan = kb.regions.kecamatan_of(village)
    return f"{village.name}, Kec. {kecamatan.name}" if kecamatan else village.name


def ask_desa(state: Session, kb: Knowledge, page: int = 0) -> Reply:
    copy = report_copy(kb)
    kecamatan = draft_of(state).kecamatan
    if kecamatan is None:
        return Reply([])
    rows = [
        Row(
            id=f"rpt:desa:{v.code}",
            title=m.fit(v.name),
            description=_full(v.name, v.kind.capitalize()),
        )
        for v in kb.regions.villages_of(kecamatan.code)
    ]
    body = copy["desa"].format(kecamatan=kecamatan.name)
    change = Row(id=CHANGE_KECAMATAN, **copy["kecamatan_change_row"])
    message = paged_list(
        kb, body, copy["desa_button"], m.fit(kecamatan.name), rows, page, "rpt:desapage", [change]
    )
    return Reply([message])


def answer_desa(state: Session, incoming: Incoming, kb: Knowledge) -> Outcome:
    copy = report_copy(kb)
    draft = draft_of(state)
    kecamatan = draft.kecamatan
    picked = incoming.choice_id or ""
    if picked.startswith("rpt:desapage:"):
        return ask_desa(state, kb, page_of(picked))
    if picked == CHANGE_KECAMATAN:
        draft.kecamatan = draft.desa = None
        return GoTo("kecamatan")
    if kecamatan is None or (incoming.kind == "location" and incoming.place):
        return answer_kecamatan(state, incoming, kb)
    found: list[Village] = []
    if picked.startswith("rpt:desa:"):
        village = kb.regions.by_code(picked.removeprefix("rpt:desa:"))
        if isinstance(village, Village) and village.kecamatan_code != kecamatan.code:
            return _take_village(draft, kb, village)
        found = [village] if isinstance(village, Village) else []
    elif incoming.kind == "text":
        found = match_village(kecamatan.code, incoming.text or "", kb.regions)
        if not found:  # perhaps in another kecamatan than the one chosen
            elsewhere = find_villages(incoming.text or "", kb)
            if len(elsewhere) == 1:
                return _take_village(draft, kb, elsewhere[0])
    if len(found) == 1:
        draft.desa = RegionRef(code=found[0].code, name=found[0].name)
        return Next()
    if len(found) > 1:
        choices = [(f"rpt:desa:{v.code}", v.name) for v in found[:3]]
        return pick_one(kb, choices, copy["desa_button"], kecamatan.name)
    problem = copy["desa_unknown"].format(text=quote(incoming.text), kecamatan=kecamatan.name)
    return Again(problem, repeat=True)


def ask_address(state: Session, kb: Knowledge) -> Reply:
    copy = report_copy(kb)
    return Reply([m.buttons(copy["address"], [(SKIP, copy["address_skip"])])])


def answer_address(state: Session, incoming: Incoming, kb: Knowledge) -> Outcome:
    draft = draft_of(state)
    if choice(incoming, kb, (SKIP,)):
        draft.address = None
        return Next()
    value = typed_text(incoming)
    if not ADDRESS_MIN <= len(value) <= ADDRESS_MAX:
        return Again(report_copy(kb)["address_invalid"])
    draft.address = value
    return Next()


def location_text(kb: Knowledge, draft: Draft) -> str:
    """The place as the citizen recognises it: desa and kecamatan, or the pin's own name."""
    copy = report_copy(kb)
    if draft.place:
        label = draft.place.name or draft.place.address
        return copy["pin_named"].format(name=label) if label else copy["pin"]
    kecamatan = draft.kecamatan.name if draft.kecamatan else "-"
    if draft.desa:
        return f"{draft.desa.name}, Kec. {kecamatan}"
    return f"Kec. {kecamatan}"


def quote(text: str | None) -> str:
    return m.fit(" ".join((text or "").split()), 40) or "-"


def _full(name: str, otherwise: str) -> str:
    """A row's description: the full name when the title had to cut it."""
    return m.fit(name, ROW_DESCRIPTION_MAX) if len(name) > ROW_TITLE_MAX else otherwise


def _forget_desa(draft: Draft) -> None:
    draft.desa = None


def _forget_place(draft: Draft) -> None:
    draft.remembered = False
    draft.kecamatan = draft.desa = None


KECAMATAN = Step(
    "kecamatan",
    ask_kecamatan,
    answer_kecamatan,
    known=lambda d: d.remembered and d.kecamatan is not None and not d.editing,
    forget=_forget_place,
    label="location",
    back_to_summary=False,
)
DESA = Step(
    "desa",
    ask_desa,
    answer_desa,
    applies=lambda d: d.place is None,
    known=lambda d: d.desa is not None,
    forget=_forget_desa,
)
ADDRESS = Step("address", ask_address, answer_address, label="address")
