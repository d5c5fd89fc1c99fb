"""Filing a complaint (pengaduan) or a request (permohonan), step by step, and checking status.

The draft lives in `session.data["draft"]`; `session.step` names the step the citizen is
answering. Each step has an `_ask_<step>` (what the citizen sees) and an `_on_<step>` (what
their answer does). Every answer is validated; a bad one is re-asked with the reason and an
example, and nothing already given is lost.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from chalicelib.catalogue.regions import Kecamatan, Village, match_kecamatan, match_village
from chalicelib.catalogue.services import Service
from chalicelib.clock import iso
from chalicelib.conversation import messages as m
from chalicelib.conversation.intent import is_urgent
from chalicelib.conversation.model import (
    AppendToTicket,
    Attachment,
    CreateTicket,
    FetchMedia,
    Incoming,
    Reply,
    Session,
    TicketView,
    evidence_key,
)
from chalicelib.privacy import mask_nik
from chalicelib.tickets.nik import check_nik
from chalicelib.tickets.sla import add_working_days
from chalicelib.whatsapp.outbound import (
    BUTTON_TITLE_MAX,
    ROW_DESCRIPTION_MAX,
    ListMessage,
    OutboundMessage,
    Row,
    Section,
)

if TYPE_CHECKING:
    from chalicelib.conversation.engine import Knowledge

DRAFT_LIFETIME = timedelta(hours=24)
DESCRIPTION_MIN, DESCRIPTION_MAX = 20, 2000
MEDIA_MAX = 5
DUPLICATE_WINDOW = timedelta(days=30)
OPEN_STATUSES = frozenset({"diterima", "diverifikasi", "asesmen", "ditindaklanjuti"})
PAGE = 8  # list rows per page, leaving room for "previous" and "next" rows

NEW_STEPS = (
    "privacy",
    "service",
    "about",
    "subject",
    "name",
    "nik",
    "kecamatan",
    "desa",
    "address",
    "description",
    "media",
    "anonymity",
    "summary",
)
APPEND_STEPS = ("description", "media", "summary")
EDIT_LABELS = {"name": "reporter_name", "kecamatan": "location"}  # step -> summary label
EDITABLE = ("service", "subject", "name", "nik", "kecamatan", "address", "description", "media")


def _reply(messages: list[OutboundMessage], effects: list[Any] | None = None) -> Reply:
    return Reply(messages, effects or [])


def _needs(what: str) -> Reply:
    return Reply(needs=[what])


def _copy(kb: Knowledge) -> dict[str, Any]:
    return kb.copy["report"]


def _draft(state: Session) -> dict[str, Any]:
    return state.data.setdefault("draft", {})


# -- entry points ---------------------------------------------------------------------------


def start(state: Session, kb: Knowledge, kind: str, service_id: str | None = None) -> Reply:
    draft = state.data.get("draft") or {}
    fresh = draft and _age(draft, kb.now) < DRAFT_LIFETIME
    if fresh and draft.get("type") == kind and draft.get("step"):
        state.flow, state.step = "report", "resume"
        return _reply([_resume_question(kb, draft)])
    state.data["draft"] = {"type": kind, "started_at": iso(kb.now), "mode": "new"}
    service = kb.catalogue.service(service_id) if service_id else None
    if service and (kind == "pengaduan" or service.accepts_request):
        state.data["draft"]["service_id"] = service.id
    state.flow = "report"
    return _go(state, kb, "privacy")


def on_message(state: Session, incoming: Incoming, kb: Knowledge) -> Reply:
    step = state.step or "privacy"
    if step == "resume":
        return _on_resume(state, incoming, kb)
    handler = _HANDLERS.get(step)
    if handler is None:
        state.flow, state.step = None, None
        return _reply([m.main_menu(kb.copy)])
    return handler(state, incoming, kb)


def back(state: Session, kb: Knowledge) -> Reply:
    draft = _draft(state)
    steps = _steps(draft)
    current = state.step if state.step in steps else steps[0]
    position = steps.index(current)
    for previous in reversed(steps[:position]):
        if _applies(previous, draft):
            if previous == "service":  # asking again means forgetting the earlier choice
                draft.pop("service_id", None)
                draft.pop("duplicate_checked", None)
            return _go(state, kb, previous, edit=False)
    state.flow, state.step = None, None
    return _reply([m.main_menu(kb.copy)])


def discard(state: Session) -> None:
    state.data.pop("draft", None)


def offer_resume(state: Session, incoming: Incoming, kb: Knowledge) -> Reply:
    """The citizen came back after the 30-minute idle limit in the middle of a report."""
    draft = state.data.get("draft") or {}
    if _age(draft, kb.now) >= DRAFT_LIFETIME:
        discard(state)
        state.flow, state.step = None, None
        return _reply([m.text(_copy(kb)["draft_expired"]), m.main_menu(kb.copy)])
    if state.step != "resume":  # idle again at the resume question: keep the step to resume
        draft["step"] = state.step
    state.step = "resume"
    return _reply([_resume_question(kb, draft)])


def status(state: Session, kb: Knowledge, number: str | None) -> Reply:
    if kb.tickets is None:
        return _needs("tickets")
    copy = kb.copy["status"]
    state.flow, state.step = None, None
    if number:
        # Only the citizen's own tickets are searched: anyone else learns nothing, not even
        # whether the number exists.
        ticket = next((t for t in kb.tickets if t.number == number), None)
        if ticket is None:
            return _reply([m.text(copy["not_found"].format(number=number)), m.main_menu(kb.copy)])
        return _reply([m.text(_ticket_line(kb, ticket, with_note=True))])
    if not kb.tickets:
        return _reply([m.text(copy["none"]), m.main_menu(kb.copy)])
    latest = sorted(kb.tickets, key=lambda t: t.created_at, reverse=True)[:5]
    lines = [copy["list_title"], *(_ticket_line(kb, t, with_note=True) for t in latest)]
    return _reply([m.text("\n\n".join(lines))])


# -- step machinery -------------------------------------------------------------------------


def _steps(draft: dict[str, Any]) -> tuple[str, ...]:
    return APPEND_STEPS if draft.get("mode") == "append" else NEW_STEPS


def _applies(step: str, draft: dict[str, Any]) -> bool:
    if step == "subject":
        return draft.get("about") == "other"
    if step == "desa":
        return "place" not in draft
    return True


def _go(state: Session, kb: Knowledge, step: str, edit: bool | None = None) -> Reply:
    """Ask `step` (skipping what does not apply, or what is already known)."""
    draft = _draft(state)
    if edit is not None:
        draft["editing"] = edit
    steps = _steps(draft)
    while not _applies(step, draft) or (step == "service" and draft.get("service_id")):
        if draft.get("editing") and step != "service":
            step = "summary"
            break
        step = steps[steps.index(step) + 1]
    state.flow, state.step = "report", step
    draft["step"] = step
    return _ASKERS[step](state, kb)


def _next(state: Session, kb: Knowledge, done: str) -> Reply:
    draft = _draft(state)
    if draft.get("editing") and done not in ("kecamatan",):
        return _go(state, kb, "summary")
    steps = _steps(draft)
    return _go(state, kb, steps[steps.index(done) + 1])


def _again(kb: Knowledge, problem: str, ask: Reply) -> Reply:
    """Re-ask a step: the reason first, then the question again."""
    return _reply([m.text(problem), *ask.messages])


# -- privacy --------------------------------------------------------------------------------


def _ask_privacy(state: Session, kb: Knowledge) -> Reply:
    copy = _copy(kb)
    body = copy["privacy"].format(type=_type_word(kb, state))
    return _reply([m.buttons(body, [("rpt:agree", copy["agree"]), ("rpt:cancel", copy["cancel"])])])


def _on_privacy(state: Session, incoming: Incoming, kb: Knowledge) -> Reply:
    answer = _choice(incoming, {"setuju": "rpt:agree", "ya": "rpt:agree", "batal": "rpt:cancel"})
    if answer == "rpt:agree":
        _draft(state)["consent_at"] = iso(kb.now)
        return (
            _after_service_known(state, kb)
            if _draft(state).get("service_id")
            else _go(state, kb, "service")
        )
    if answer == "rpt:cancel":
        discard(state)
        state.flow, state.step = None, None
        return _reply([m.text(kb.copy["cancelled"]), m.main_menu(kb.copy)])
    return _not_understood(state, kb)


# -- service --------------------------------------------------------------------------------


def _service_choices(state: Session, kb: Knowledge) -> list[Service]:
    services = sorted(kb.catalogue.services, key=lambda s: s.number)
    if _draft(state).get("type") == "permohonan":
        return [s for s in services if s.accepts_request]
    return services


def _ask_service(state: Session, kb: Knowledge, page: int = 0) -> Reply:
    copy = _copy(kb)
    rows = [
        Row(id=f"rpt:svc:{s.id}", title=s.short_name, description=s.description)
        for s in _service_choices(state, kb)
    ]
    if _draft(state).get("type") == "pengaduan":
        rows.append(Row(**copy["other_row"]))
    body = copy[f"service_{_draft(state).get('type', 'pengaduan')}"]
    return _reply(
        [
            _paged_list(
                kb, body, copy["service_button"], copy["service_button"], rows, page, "rpt:svcpage"
            )
        ]
    )


def _on_service(state: Session, incoming: Incoming, kb: Knowledge) -> Reply:
    choice = incoming.choice_id or ""
    if choice.startswith("rpt:svcpage:"):
        return _ask_service(state, kb, _page(choice))
    service_id: str | None = None
    if choice.startswith("rpt:svc:"):
        service_id = choice.removeprefix("rpt:svc:")
    elif incoming.kind == "text":
        intent = kb.router.classify(incoming.text or "")
        if intent.service_ids:
            service_id = intent.service_ids[0]
        elif (incoming.text or "").strip().lower() in ("lainnya", "lain"):
            service_id = "lainnya"
    allowed = {s.id for s in _service_choices(state, kb)}
    if _draft(state).get("type") == "pengaduan":
        allowed.add("lainnya")
    if service_id not in allowed:
        return _again(kb, _copy(kb)["service_unknown"], _ask_service(state, kb))
    draft = _draft(state)
    draft["service_id"] = service_id
    if draft.get("editing"):
        return _go(state, kb, "summary")
    return _after_service_known(state, kb)


def _after_service_known(state: Session, kb: Knowledge) -> Reply:
    """Before collecting everything, point out an open ticket for the same service."""
    draft = _draft(state)
    if draft.get("duplicate_checked"):
        return _go(state, kb, "about")
    if kb.tickets is None:
        return _needs("tickets")
    draft["duplicate_checked"] = True
    open_ticket = _open_ticket_for(kb, draft.get("service_id"))
    if open_ticket is None:
        return _go(state, kb, "about")
    draft["duplicate_of"] = open_ticket.number
    draft["duplicate_line"] = _ticket_line(kb, open_ticket, with_note=False)
    state.step = draft["step"] = "duplicate"
    return _ask_duplicate(state, kb)


def _ask_duplicate(state: Session, kb: Knowledge) -> Reply:
    copy = _copy(kb)
    body = copy["duplicate"].format(ticket=_draft(state).get("duplicate_line", ""))
    choices = [("rpt:append", copy["add_to_existing"]), ("rpt:new", copy["new_ticket"])]
    return _reply([m.buttons(body, choices)])


def _on_duplicate(state: Session, incoming: Incoming, kb: Knowledge) -> Reply:
    answer = _choice(
        incoming, {"tambahkan": "rpt:append", "buat baru": "rpt:new", "baru": "rpt:new"}
    )
    draft = _draft(state)
    if answer == "rpt:append":
        draft["mode"] = "append"
        return _go(state, kb, "description")
    if answer == "rpt:new":
        draft.pop("duplicate_of", None)
        return _go(state, kb, "about")
    return _not_understood(state, kb)


def _open_ticket_for(kb: Knowledge, service_id: str | None) -> TicketView | None:
    recent = kb.now - DUPLICATE_WINDOW
    for ticket in sorted(kb.tickets or (), key=lambda t: t.created_at, reverse=True):
        if (
            ticket.service_id == service_id
            and ticket.status in OPEN_STATUSES
            and ticket.created_at >= recent
        ):
            return ticket
    return None


# -- about, subject, name -------------------------------------------------------------------


def _ask_about(state: Session, kb: Knowledge) -> Reply:
    copy = _copy(kb)
    body = copy["about"].format(type_title=_type_word(kb, state).capitalize())
    choices = [("rpt:self", copy["about_self"]), ("rpt:other", copy["about_other"])]
    return _reply([m.buttons(body, choices)])


def _on_about(state: Session, incoming: Incoming, kb: Knowledge) -> Reply:
    answer = _choice(
        incoming,
        {
            "diri sendiri": "rpt:self",
            "sendiri": "rpt:self",
            "saya": "rpt:self",
            "orang lain": "rpt:other",
            "lain": "rpt:other",
        },
    )
    if answer not in ("rpt:self", "rpt:other"):
        return _not_understood(state, kb)
    draft = _draft(state)
    draft["about"] = "self" if answer == "rpt:self" else "other"
    if draft["about"] == "self":
        draft.pop("subject", None)
    return _next(state, kb, "about")


def _ask_subject(state: Session, kb: Knowledge) -> Reply:
    return _reply([m.text(_copy(kb)["subject"])])


def _on_subject(state: Session, incoming: Incoming, kb: Knowledge) -> Reply:
    value = (incoming.text or "").strip() if incoming.kind == "text" else ""
    if len(value) < 5:
        return _again(kb, _copy(kb)["subject_short"], _reply([]))
    _draft(state)["subject"] = value[:500]
    return _next(state, kb, "subject")


def _ask_name(state: Session, kb: Knowledge) -> Reply:
    copy = _copy(kb)
    draft = _draft(state)
    suggestion = _suggested_name(state)
    if suggestion and not draft.get("name_typing"):
        body = copy["name_confirm"].format(name=suggestion)
        return _reply(
            [
                m.buttons(
                    body,
                    [("rpt:name_ok", copy["name_yes"]), ("rpt:name_change", copy["name_change"])],
                )
            ]
        )
    return _reply([m.text(copy["name_ask"])])


def _on_name(state: Session, incoming: Incoming, kb: Knowledge) -> Reply:
    draft = _draft(state)
    choice = incoming.choice_id or ""
    suggestion = _suggested_name(state)
    if choice == "rpt:name_ok" and suggestion:
        draft["reporter_name"] = suggestion
        draft.pop("name_typing", None)
        return _next(state, kb, "name")
    if choice == "rpt:name_change":
        draft["name_typing"] = True
        return _ask_name(state, kb)
    name = " ".join((incoming.text or "").split()) if incoming.kind == "text" else ""
    if not _valid_name(name):
        return _again(kb, _copy(kb)["name_invalid"], _reply([]))
    draft["reporter_name"] = name
    draft.pop("name_typing", None)
    return _next(state, kb, "name")


def _suggested_name(state: Session) -> str | None:
    """The name to confirm: the one already given, else the WhatsApp profile name if it is a
    valid name (profile names are often nicknames, emoji or numbers; those are asked for)."""
    given = _draft(state).get("reporter_name")
    if given:
        return str(given)
    profile = " ".join(str(state.data.get("profile_name") or "").split())
    return profile if _valid_name(profile) else None


def _valid_name(name: str) -> bool:
    letters = sum(c.isalpha() for c in name)
    allowed = all(c.isalpha() or c in " .'-," for c in name)
    return 2 <= len(name) <= 80 and letters >= 2 and allowed


# -- NIK ------------------------------------------------------------------------------------


def _nik_required(state: Session) -> bool:
    draft = _draft(state)
    return draft.get("type") == "permohonan" and draft.get("about") == "self"


def _ask_nik(state: Session, kb: Knowledge) -> Reply:
    copy = _copy(kb)
    if _nik_required(state):
        return _reply([m.text(copy["nik_self"])])
    body = copy["nik_self"] if _draft(state).get("about") == "self" else copy["nik_other"]
    return _reply([m.buttons(body, [("rpt:nik_unknown", copy["nik_unknown"])])])


def _on_nik(state: Session, incoming: Incoming, kb: Knowledge) -> Reply:
    copy = _copy(kb)
    draft = _draft(state)
    said = (incoming.text or "").strip().lower() if incoming.kind == "text" else ""
    if incoming.choice_id == "rpt:nik_unknown" or said in (
        "tidak tahu",
        "tdk tahu",
        "ga tahu",
        "gak tahu",
        "tidak tau",
        "tau",
    ):
        if _nik_required(state):
            return _again(kb, copy["nik_required"], _reply([]))
        draft["nik"] = None
        return _next(state, kb, "nik")
    if incoming.kind != "text":
        return _not_understood(state, kb)
    result = check_nik(incoming.text or "", kb.now.date())
    if not result.ok:
        digits = sum(c.isdigit() for c in incoming.text or "")
        reason = copy["nik_errors"].get(str(result.reason), copy["nik_errors"]["date"])
        problem = f"{reason.format(digits=digits)} {copy['nik_example']}"
        return _again(kb, problem, _reply([]))
    draft["nik"] = result.nik
    return _next(state, kb, "nik")


# -- location -------------------------------------------------------------------------------


def _ask_kecamatan(state: Session, kb: Knowledge, page: int = 0) -> Reply:
    copy = _copy(kb)
    rows = [
        Row(
            id=f"rpt:kec:{k.code}",
            title=m.fit(k.name),
            description=f"{len(k.villages)} desa/kelurahan",
        )
        for k in kb.regions.kecamatan
    ]
    return _reply(
        [
            _paged_list(
                kb,
                copy["kecamatan"],
                copy["kecamatan_button"],
                copy["kecamatan_section"],
                rows,
                page,
                "rpt:kecpage",
            )
        ]
    )


def _on_kecamatan(state: Session, incoming: Incoming, kb: Knowledge) -> Reply:
    copy = _copy(kb)
    draft = _draft(state)
    choice = incoming.choice_id or ""
    if choice.startswith("rpt:kecpage:"):
        return _ask_kecamatan(state, kb, _page(choice))
    if incoming.kind == "location" and incoming.place:
        draft["place"] = incoming.place.model_dump(exclude_none=True)
        draft.pop("kecamatan", None)
        draft.pop("desa", None)
        reply = _next_after_location(state, kb)
        return _reply([m.text(copy["location_received"]), *reply.messages], reply.effects)
    found: list[Kecamatan] = []
    if choice.startswith("rpt:kec:"):
        kecamatan = kb.regions.by_code(choice.removeprefix("rpt:kec:"))
        found = [kecamatan] if isinstance(kecamatan, Kecamatan) else []
    elif incoming.kind == "text":
        found = match_kecamatan(incoming.text or "", kb.regions)
    if len(found) == 1:
        draft["kecamatan"] = {"code": found[0].code, "name": found[0].name}
        draft.pop("place", None)
        draft.pop("desa", None)
        return _go(state, kb, "desa")
    if len(found) > 1:
        choices = [(f"rpt:kec:{k.code}", k.name) for k in found[:3]]
        return _pick_one(kb, choices, copy["kecamatan_button"], copy["kecamatan_section"])
    problem = copy["kecamatan_unknown"].format(text=_quote(incoming.text))
    return _again(kb, problem, _ask_kecamatan(state, kb))


def _next_after_location(state: Session, kb: Knowledge) -> Reply:
    if _draft(state).get("editing"):
        return _go(state, kb, "summary")
    return _go(state, kb, "address")


def _ask_desa(state: Session, kb: Knowledge, page: int = 0) -> Reply:
    copy = _copy(kb)
    kecamatan = _draft(state)["kecamatan"]
    villages = kb.regions.villages_of(kecamatan["code"])
    rows = [
        Row(id=f"rpt:desa:{v.code}", title=m.fit(v.name), description=v.kind.capitalize())
        for v in villages
    ]
    body = copy["desa"].format(kecamatan=kecamatan["name"])
    return _reply(
        [
            _paged_list(
                kb, body, copy["desa_button"], m.fit(kecamatan["name"]), rows, page, "rpt:desapage"
            )
        ]
    )


def _on_desa(state: Session, incoming: Incoming, kb: Knowledge) -> Reply:
    copy = _copy(kb)
    draft = _draft(state)
    kecamatan = draft["kecamatan"]
    choice = incoming.choice_id or ""
    if choice.startswith("rpt:desapage:"):
        return _ask_desa(state, kb, _page(choice))
    if incoming.kind == "location" and incoming.place:
        return _on_kecamatan(state, incoming, kb)
    found: list[Village] = []
    if choice.startswith("rpt:desa:"):
        village = kb.regions.by_code(choice.removeprefix("rpt:desa:"))
        found = [village] if isinstance(village, Village) else []
    elif incoming.kind == "text":
        found = match_village(kecamatan["code"], incoming.text or "", kb.regions)
    if len(found) == 1:
        draft["desa"] = {"code": found[0].code, "name": found[0].name}
        return _next_after_location(state, kb)
    if len(found) > 1:
        choices = [(f"rpt:desa:{v.code}", v.name) for v in found[:3]]
        return _pick_one(kb, choices, copy["desa_button"], kecamatan["name"])
    problem = copy["desa_unknown"].format(text=_quote(incoming.text), kecamatan=kecamatan["name"])
    return _again(kb, problem, _ask_desa(state, kb))


def _ask_address(state: Session, kb: Knowledge) -> Reply:
    copy = _copy(kb)
    return _reply([m.buttons(copy["address"], [("rpt:skip", copy["address_skip"])])])


def _on_address(state: Session, incoming: Incoming, kb: Knowledge) -> Reply:
    draft = _draft(state)
    if incoming.choice_id == "rpt:skip" or (incoming.text or "").strip().lower() == "lewati":
        draft["address"] = None
        return _next(state, kb, "address")
    value = (incoming.text or "").strip() if incoming.kind == "text" else ""
    if not 5 <= len(value) <= 300:
        return _again(kb, _copy(kb)["address_invalid"], _reply([]))
    draft["address"] = value
    return _next(state, kb, "address")


# -- description, media, anonymity ----------------------------------------------------------


def _ask_description(state: Session, kb: Knowledge) -> Reply:
    return _reply([m.text(_copy(kb)["description"])])


def _on_description(state: Session, incoming: Incoming, kb: Knowledge) -> Reply:
    copy = _copy(kb)
    value = (incoming.text or "").strip() if incoming.kind == "text" else ""
    if incoming.kind in ("image", "document"):
        return _on_media(state, incoming, kb)  # evidence first is fine; ask for the text after
    if len(value) < DESCRIPTION_MIN:
        problem = copy["description_short"].format(length=len(value), minimum=DESCRIPTION_MIN)
        return _again(kb, problem, _reply([]))
    if len(value) > DESCRIPTION_MAX:
        problem = copy["description_long"].format(length=len(value), maximum=DESCRIPTION_MAX)
        return _again(kb, problem, _reply([]))
    _draft(state)["description"] = value
    return _next(state, kb, "description")


def _ask_media(state: Session, kb: Knowledge) -> Reply:
    copy = _copy(kb)
    body = copy["media"].format(maximum=MEDIA_MAX)
    return _reply(
        [
            m.buttons(
                body, [("rpt:media_done", copy["media_done"]), ("rpt:skip", copy["media_skip"])]
            )
        ]
    )


def _on_media(state: Session, incoming: Incoming, kb: Knowledge) -> Reply:
    copy = _copy(kb)
    draft = _draft(state)
    attachments = draft.setdefault("media", [])
    if incoming.kind in ("image", "document") and incoming.media:
        if len(attachments) >= MEDIA_MAX:
            return _reply([m.text(copy["media_full"].format(maximum=MEDIA_MAX))])
        attachment = Attachment(
            **incoming.media.model_dump(),
            key=evidence_key(incoming.wamid, incoming.media.media_id),
        )
        attachments.append(attachment.model_dump())
        done = [("rpt:media_done", copy["media_done"])]
        body = copy["media_received"].format(count=len(attachments))
        return _reply([m.buttons(body, done)], [FetchMedia(attachment=attachment)])
    said = (incoming.text or "").strip().lower()
    if incoming.choice_id in ("rpt:media_done", "rpt:skip") or said in (
        "selesai",
        "lewati",
        "sudah",
    ):
        if state.step == "description":
            return _ask_description(state, kb)
        return _next(state, kb, "media")
    return _again(kb, copy["media_wrong"], _reply([]))


def _ask_anonymity(state: Session, kb: Knowledge) -> Reply:
    copy = _copy(kb)
    choices = [("rpt:named", copy["anonymous_no"]), ("rpt:anonymous", copy["anonymous_yes"])]
    return _reply([m.buttons(copy["anonymity"], choices)])


def _on_anonymity(state: Session, incoming: Incoming, kb: Knowledge) -> Reply:
    answer = _choice(
        incoming, {"boleh": "rpt:named", "rahasiakan": "rpt:anonymous", "rahasia": "rpt:anonymous"}
    )
    if answer not in ("rpt:named", "rpt:anonymous"):
        return _not_understood(state, kb)
    _draft(state)["anonymous"] = answer == "rpt:anonymous"
    return _next(state, kb, "anonymity")


# -- summary, edit, send --------------------------------------------------------------------


def _ask_summary(state: Session, kb: Knowledge) -> Reply:
    copy = _copy(kb)
    draft = _draft(state)
    draft["editing"] = False
    if draft.get("mode") == "append":
        body = copy["append_summary"].format(
            number=draft["duplicate_of"],
            description=m.fit(draft.get("description", ""), 600),
            media=len(draft.get("media", [])),
        )
        choices = [("rpt:send", copy["send"]), ("rpt:cancel", copy["cancel"])]
        return _reply([m.buttons(body, choices)])
    summary = m.text(_summary_text(kb, draft))
    choices = [
        ("rpt:send", copy["send"]),
        ("rpt:edit", copy["edit"]),
        ("rpt:cancel", copy["cancel"]),
    ]
    return _reply([summary, m.buttons(copy["summary_question"], choices)])


def _on_summary(state: Session, incoming: Incoming, kb: Knowledge) -> Reply:
    answer = _choice(incoming, {"kirim": "rpt:send", "ubah": "rpt:edit", "batal": "rpt:cancel"})
    if answer == "rpt:send":
        return _send(state, kb)
    if answer == "rpt:cancel":
        discard(state)
        state.flow, state.step = None, None
        return _reply([m.text(kb.copy["cancelled"]), m.main_menu(kb.copy)])
    if answer == "rpt:edit" and _draft(state).get("mode") != "append":
        state.step = _draft(state)["step"] = "edit"
        return _ask_edit(state, kb)
    return _not_understood(state, kb)


def _ask_edit(state: Session, kb: Knowledge) -> Reply:
    copy = _copy(kb)
    labels = copy["summary_fields"]
    draft = _draft(state)
    fields = [
        f
        for f in EDITABLE
        if _applies(f, draft) and (f != "subject" or draft.get("about") == "other")
    ]
    rows = [Row(id=f"rpt:edit:{f}", title=m.fit(labels[EDIT_LABELS.get(f, f)])) for f in fields]
    message = ListMessage(
        body=copy["edit_ask"],
        button=copy["edit_button"],
        sections=[Section(title=copy["edit"], rows=rows)],
    )
    return _reply([message])


def _on_edit(state: Session, incoming: Incoming, kb: Knowledge) -> Reply:
    choice = incoming.choice_id or ""
    field = choice.removeprefix("rpt:edit:")
    if not choice.startswith("rpt:edit:") or field not in EDITABLE:
        return _again(kb, _copy(kb)["edit_ask"], _ask_edit(state, kb))
    draft = _draft(state)
    if field == "service":
        draft.pop("service_id", None)
    if field == "media":
        draft["media"] = []
    return _go(state, kb, field, edit=True)


def _send(state: Session, kb: Knowledge) -> Reply:
    copy = _copy(kb)
    draft = _draft(state)
    state.flow, state.step = None, None
    if draft.get("mode") == "append":
        effect = AppendToTicket(
            number=draft["duplicate_of"],
            description=draft.get("description", ""),
            attachments=[Attachment(**a) for a in draft.get("media", [])],
        )
        discard(state)
        return _reply([m.text(copy["appended"].format(number=effect.number))], [effect])
    service = kb.catalogue.service(draft.get("service_id") or "")
    urgent = bool(service and service.urgent) or is_urgent(draft.get("description", ""))
    ticket = {
        key: draft.get(key)
        for key in (
            "type",
            "service_id",
            "about",
            "subject",
            "reporter_name",
            "nik",
            "kecamatan",
            "desa",
            "place",
            "address",
            "description",
            "media",
            "anonymous",
            "consent_at",
            "started_at",
        )
    }
    ticket["priority"] = "tinggi" if urgent else "normal"
    levels = kb.office.service_levels
    deadline = add_working_days(kb.now, levels.verification_working_days, kb.office.holidays)
    ticket["verification_due"] = iso(deadline)
    confirmation = copy["created"].format(
        type=_type_word(kb, state),
        verification=levels.verification_working_days,
        deadline=m.day_text(kb.copy, deadline),
    )
    if not m.office_open(kb.office, kb.now):
        opens = m.when(kb.copy, m.next_open(kb.office, kb.now))
        confirmation += "\n\n" + copy["created_after_hours"].format(next_open=opens)
    messages: list[OutboundMessage] = [m.text(confirmation)]
    if urgent:
        messages.append(
            m.text(copy["created_urgent"].format(emergency=m.emergency_line(kb.office)))
        )
    discard(state)
    state.data["last_sent"] = iso(kb.now)
    return _reply(messages, [CreateTicket(draft=ticket)])


def _summary_text(kb: Knowledge, draft: dict[str, Any]) -> str:
    copy = _copy(kb)
    labels, values = copy["summary_fields"], copy["summary_values"]
    service = kb.catalogue.service(draft.get("service_id") or "")
    lines = [
        copy["summary_title"].format(type=copy["types"][draft.get("type", "pengaduan")]),
        f"{labels['service']}: {service.name if service else values['other_service']}",
        f"{labels['about']}: {values[draft.get('about', 'self')]}",
    ]
    if draft.get("about") == "other":
        lines.append(f"{labels['subject']}: {m.fit(draft.get('subject') or '', 200)}")
    nik = mask_nik(draft["nik"]) if draft.get("nik") else values["no_nik"]
    lines += [
        f"{labels['reporter_name']}: {draft.get('reporter_name', '-')}",
        f"{labels['nik']}: {nik}",
    ]
    lines.append(f"{labels['location']}: {_location_text(draft)}")
    lines.append(f"{labels['address']}: {draft.get('address') or values['no_address']}")
    lines.append(f"{labels['description']}: {m.fit(draft.get('description', ''), 500)}")
    count = len(draft.get("media", []))
    media = values["media_count"].format(count=count) if count else values["no_media"]
    lines.append(f"{labels['media']}: {media}")
    lines.append(
        f"{labels['anonymous']}: {values['anonymous' if draft.get('anonymous') else 'named']}"
    )
    return "\n".join(lines)


def _location_text(draft: dict[str, Any]) -> str:
    if draft.get("place"):
        place = draft["place"]
        name = place.get("name") or place.get("address") or ""
        return f"📍 {place['latitude']:.5f}, {place['longitude']:.5f} {name}".strip()
    kecamatan = (draft.get("kecamatan") or {}).get("name", "-")
    desa = (draft.get("desa") or {}).get("name")
    return f"{desa}, Kec. {kecamatan}" if desa else f"Kec. {kecamatan}"


# -- resume ---------------------------------------------------------------------------------


def _resume_question(kb: Knowledge, draft: dict[str, Any]) -> OutboundMessage:
    copy = _copy(kb)
    body = copy["resume"].format(type=copy["types"].get(draft.get("type", "pengaduan"), ""))
    choices = [
        ("rpt:resume", copy["resume_yes"]),
        ("rpt:restart", copy["restart"]),
        ("menu", kb.copy["answer_actions"]["menu"]),
    ]
    return m.buttons(body, choices)


def _on_resume(state: Session, incoming: Incoming, kb: Knowledge) -> Reply:
    draft = _draft(state)
    answer = _choice(
        incoming, {"lanjutkan": "rpt:resume", "lanjut": "rpt:resume", "mulai baru": "rpt:restart"}
    )
    if answer == "rpt:resume" and draft.get("step") in _ASKERS:
        return _go(state, kb, draft["step"])
    if answer == "rpt:restart":
        kind = draft.get("type", "pengaduan")
        discard(state)
        return start(state, kb, kind, draft.get("service_id"))
    return _not_understood(state, kb)


# -- helpers --------------------------------------------------------------------------------


def _choice(incoming: Incoming, words: dict[str, str]) -> str | None:
    """A tapped button id, or the same answer typed as a word."""
    if incoming.choice_id:
        return incoming.choice_id
    said = " ".join((incoming.text or "").lower().split()).strip(" .!")
    return words.get(said)


def _not_understood(state: Session, kb: Knowledge) -> Reply:
    if state.step == "resume":
        ask = _reply([_resume_question(kb, _draft(state))])
    else:
        ask = _ASKERS[state.step or "privacy"](state, kb)
    return _reply([m.text(_copy(kb)["not_understood"].format(question="")), *ask.messages])


_PAGE_NUMBER = re.compile(r"-?[0-9]{1,4}")


def _page(choice: str) -> int:
    """The page a "next"/"previous" row points to; a forged or garbled one shows the first."""
    number = choice.rsplit(":", 1)[1]
    return int(number) if _PAGE_NUMBER.fullmatch(number) else 0


def _pick_one(kb: Knowledge, choices: list[tuple[str, str]], button: str, section: str) -> Reply:
    """Offer a few close matches (id, name): as buttons when the names stay distinct at a
    button's length, else as a list, whose rows are longer and carry the full name."""
    copy = _copy(kb)
    titles = [m.fit(name, BUTTON_TITLE_MAX) for _, name in choices]
    if len(set(titles)) == len(titles):
        ids = [choice_id for choice_id, _ in choices]
        return _reply([m.buttons(copy["pick_one"], list(zip(ids, titles, strict=True)))])
    rows = [
        Row(id=choice_id, title=m.fit(name), description=m.fit(name, ROW_DESCRIPTION_MAX))
        for choice_id, name in choices
    ]
    message = ListMessage(
        body=copy["pick_one"], button=button, sections=[Section(title=m.fit(section), rows=rows)]
    )
    return _reply([message])


def _paged_list(
    kb: Knowledge, body: str, button: str, section: str, rows: list[Row], page: int, page_id: str
) -> ListMessage:
    copy = _copy(kb)
    pages = max(1, -(-len(rows) // PAGE))
    page = min(max(page, 0), pages - 1)
    shown = rows[page * PAGE : (page + 1) * PAGE] if len(rows) > 10 else rows
    if len(rows) > 10 and page > 0:
        shown = [Row(id=f"{page_id}:{page - 1}", **copy["prev_row"]), *shown]
    if len(rows) > 10 and page < pages - 1:
        shown = [*shown, Row(id=f"{page_id}:{page + 1}", **copy["next_row"])]
    return ListMessage(
        body=body[:1024], button=button, sections=[Section(title=m.fit(section), rows=shown)]
    )


def _ticket_line(kb: Knowledge, ticket: TicketView, with_note: bool) -> str:
    copy = kb.copy["status"]
    service = kb.catalogue.service(ticket.service_id)
    line = copy["item"].format(
        number=ticket.number,
        service=service.short_name
        if service
        else kb.copy["report"]["summary_values"]["other_service"],
        status=copy["labels"].get(ticket.status, ticket.status),
        date=m.day_text(kb.copy, ticket.created_at),
    )
    if with_note and ticket.public_note:
        line += "\n" + copy["note"].format(note=m.fit(ticket.public_note, 300))
    return str(line)


def _type_word(kb: Knowledge, state: Session) -> str:
    return str(_copy(kb)["types"].get(_draft(state).get("type", "pengaduan"), "pengaduan"))


def _age(draft: dict[str, Any], now: datetime) -> timedelta:
    started = draft.get("started_at")
    if not started:
        return timedelta(0)
    return now - datetime.fromisoformat(str(started).replace("Z", "+00:00"))


def _quote(text: str | None) -> str:
    return m.fit(" ".join((text or "").split()), 40) or "-"


_ASKERS: dict[str, Callable[[Session, Knowledge], Reply]] = {
    "privacy": _ask_privacy,
    "service": _ask_service,
    "duplicate": _ask_duplicate,
    "about": _ask_about,
    "subject": _ask_subject,
    "name": _ask_name,
    "nik": _ask_nik,
    "kecamatan": _ask_kecamatan,
    "desa": _ask_desa,
    "address": _ask_address,
    "description": _ask_description,
    "media": _ask_media,
    "anonymity": _ask_anonymity,
    "summary": _ask_summary,
    "edit": _ask_edit,
}
_HANDLERS: dict[str, Callable[[Session, Incoming, Knowledge], Reply]] = {
    "privacy": _on_privacy,
    "service": _on_service,
    "duplicate": _on_duplicate,
    "about": _on_about,
    "subject": _on_subject,
    "name": _on_name,
    "nik": _on_nik,
    "kecamatan": _on_kecamatan,
    "desa": _on_desa,
    "address": _on_address,
    "description": _on_description,
    "media": _on_media,
    "anonymity": _on_anonymity,
    "summary": _on_summary,
    "edit": _on_edit,
}
