"""Where: kecamatan, then desa/kelurahan (or a shared location pin), then the address detail."""

from __future__ import annotations

from chalicelib.catalogue.regions import Kecamatan, Village, match_kecamatan, match_village
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
from chalicelib.conversation.model import Incoming, RegionRef, Reply, Session
from chalicelib.whatsapp.outbound import Row

SKIP = "rpt:skip"
ADDRESS_MIN, ADDRESS_MAX = 5, 300


def ask_kecamatan(state: Session, kb: Knowledge, page: int = 0) -> Reply:
    copy = report_copy(kb)
    rows = [
        Row(
            id=f"rpt:kec:{k.code}",
            title=m.fit(k.name),
            description=copy["kecamatan_row"].format(villages=len(k.villages)),
        )
        for k in kb.regions.kecamatan
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
    found: list[Kecamatan] = []
    if picked.startswith("rpt:kec:"):
        kecamatan = kb.regions.by_code(picked.removeprefix("rpt:kec:"))
        found = [kecamatan] if isinstance(kecamatan, Kecamatan) else []
    elif incoming.kind == "text":
        found = match_kecamatan(incoming.text or "", kb.regions)
    if len(found) == 1:
        draft.kecamatan = RegionRef(code=found[0].code, name=found[0].name)
        draft.place, draft.desa = None, None
        return GoTo("desa")
    if len(found) > 1:
        choices = [(f"rpt:kec:{k.code}", k.name) for k in found[:3]]
        return pick_one(kb, choices, copy["kecamatan_button"], copy["kecamatan_section"])
    return Again(copy["kecamatan_unknown"].format(text=quote(incoming.text)), repeat=True)


def ask_desa(state: Session, kb: Knowledge, page: int = 0) -> Reply:
    copy = report_copy(kb)
    kecamatan = draft_of(state).kecamatan
    if kecamatan is None:
        return Reply([])
    rows = [
        Row(id=f"rpt:desa:{v.code}", title=m.fit(v.name), description=v.kind.capitalize())
        for v in kb.regions.villages_of(kecamatan.code)
    ]
    body = copy["desa"].format(kecamatan=kecamatan.name)
    message = paged_list(
        kb, body, copy["desa_button"], m.fit(kecamatan.name), rows, page, "rpt:desapage"
    )
    return Reply([message])


def answer_desa(state: Session, incoming: Incoming, kb: Knowledge) -> Outcome:
    copy = report_copy(kb)
    draft = draft_of(state)
    kecamatan = draft.kecamatan
    picked = incoming.choice_id or ""
    if picked.startswith("rpt:desapage:"):
        return ask_desa(state, kb, page_of(picked))
    if kecamatan is None or (incoming.kind == "location" and incoming.place):
        return answer_kecamatan(state, incoming, kb)
    found: list[Village] = []
    if picked.startswith("rpt:desa:"):
        village = kb.regions.by_code(picked.removeprefix("rpt:desa:"))
        found = [village] if isinstance(village, Village) else []
    elif incoming.kind == "text":
        found = match_village(kecamatan.code, incoming.text or "", kb.regions)
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


def quote(text: str | None) -> str:
    return m.fit(" ".join((text or "").split()), 40) or "-"


KECAMATAN = Step(
    "kecamatan", ask_kecamatan, answer_kecamatan, label="location", back_to_summary=False
)
DESA = Step("desa", ask_desa, answer_desa, applies=lambda d: d.place is None)
ADDRESS = Step("address", ask_address, answer_address, label="address")
