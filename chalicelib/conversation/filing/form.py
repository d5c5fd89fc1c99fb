"""The form: the order of the steps, and what moving through them means (next, back, change
one field from the summary, resume after a pause, cancel)."""

from __future__ import annotations

from datetime import timedelta

from chalicelib.conversation import messages as m
from chalicelib.conversation.filing import (
    consent,
    permit,
    person,
    place,
    service,
    story,
    summary,
    urgent,
)
from chalicelib.conversation.filing.steps import (
    Again,
    GoTo,
    Next,
    NotUnderstood,
    Outcome,
    Step,
    age,
    choice,
    draft_of,
    report_copy,
)
from chalicelib.conversation.knowledge import Knowledge
from chalicelib.conversation.model import Attachment, Draft, Incoming, Reply, Session
from chalicelib.whatsapp.outbound import ListMessage, OutboundMessage, Row, Section

DRAFT_LIFETIME = timedelta(hours=24)
RESUME, RESTART, MENU = "rpt:resume", "rpt:restart", "menu"

# The problem comes first; whether the reporter's identity may be known comes before any name
# or NIK. Photos are taken at any step (see `answer`); the media step is reached only to
# change them from the summary.
NEW_FORM: tuple[Step, ...] = (
    consent.PRIVACY,
    service.SERVICE,
    permit.CHOOSER,
    service.DUPLICATE,
    story.DESCRIPTION,
    person.ABOUT,
    person.SUBJECT,
    person.AFFECTED,
    person.ANONYMITY,
    person.REMEMBERED,
    person.NAME,
    person.NIK,
    place.KECAMATAN,
    place.DESA,
    place.ADDRESS,
    summary.SUMMARY,
)
APPEND_FORM: tuple[Step, ...] = (story.DESCRIPTION, story.MEDIA, summary.SUMMARY)
URGENT_FORM: tuple[Step, ...] = (urgent.PLACE, urgent.STORY, urgent.SEND_STEP)
PERMIT_FORM: tuple[Step, ...] = (
    consent.PRIVACY,
    permit.KIND,
    permit.ORGANISATION,
    permit.PURPOSE,
    permit.DATE,
    permit.PEOPLE,
    permit.ADDRESS,
    person.NAME,
    permit.SUMMARY,
)
# The order before the problem came first (drafts kept in sessions from then carry
# `legacy_step`): what came before that step was answered, and a step it did not have is not
# needed to finish it.
LEGACY_ORDER = (
    "privacy",
    "service",
    "duplicate",
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
# Steps whose answer is the citizen's own words; media there is part of the answer.
MEDIA_STEPS = frozenset({"description", "media", "urgent_story"})


def _edit_ask(state: Session, kb: Knowledge) -> Reply:
    copy = report_copy(kb)
    draft = draft_of(state)
    rows = [
        Row(id=f"rpt:edit:{step.name}", title=m.fit(copy["summary_fields"][step.label]))
        for step in EDITABLE
        if step.label and step.applies(draft)
    ]
    message = ListMessage(
        body=copy["edit_ask"],
        button=copy["edit_button"],
        sections=[Section(title=copy["edit"], rows=rows)],
    )
    return Reply([message])


def _edit_answer(state: Session, incoming: Incoming, kb: Knowledge) -> Outcome:
    name = (incoming.choice_id or "").removeprefix("rpt:edit:")
    step = STEPS.get(name)
    draft = draft_of(state)
    if not (incoming.choice_id or "").startswith("rpt:edit:") or step is None or not step.label:
        return Again(report_copy(kb)["edit_ask"], repeat=True)
    if not step.applies(draft):
        return Again(report_copy(kb)["edit_ask"], repeat=True)
    if name == "service":
        draft.service_id = None
    if name == "media":
        draft.media = []
    draft.editing = True
    return GoTo(name)


EDIT = Step("edit", _edit_ask, _edit_answer)
STEPS: dict[str, Step] = {
    step.name: step for step in (*NEW_FORM, story.MEDIA, *URGENT_FORM, *PERMIT_FORM, EDIT)
}
EDITABLE: tuple[Step, ...] = (*NEW_FORM[:5], story.MEDIA, *NEW_FORM[5:])


def form_of(draft: Draft) -> tuple[Step, ...]:
    if draft.mode == "append":
        return APPEND_FORM
    if draft.mode == "urgent":
        return URGENT_FORM
    if draft.mode == "permit":
        return PERMIT_FORM
    return NEW_FORM


# -- moving through the form ------------------------------------------------------------------


def go(state: Session, kb: Knowledge, name: str) -> Reply:
    """Ask step `name`, or the first one after it with something to ask."""
    draft = draft_of(state)
    form = form_of(draft)
    names = [step.name for step in form]
    position = names.index(name) if name in names else None
    if position is None:  # the edit list and the media step, outside the order of the form
        return _must_ask(state, kb, STEPS[name])
    for step in form[position:]:
        if not step.applies(draft) or step.known(draft) or _answered_before(draft, step):
            if draft.editing and step.name != "service":
                return _must_ask(state, kb, _last(draft))
            continue
        reply = _ask(state, kb, step)
        if reply is not None:
            return reply
    return _must_ask(state, kb, _last(draft))


def _must_ask(state: Session, kb: Knowledge, step: Step) -> Reply:
    """A step that always has a question (the summary, the edit list)."""
    return _ask(state, kb, step) or Reply([m.main_menu(kb.copy)])


def _answered_before(draft: Draft, step: Step) -> bool:
    """A step a draft from the old order had already answered, or never had."""
    if draft.legacy_step is None or draft.editing or draft.mode != "new":
        return False
    reached = draft.legacy_step if draft.legacy_step in LEGACY_ORDER else "summary"
    if step.name not in LEGACY_ORDER:
        return step.name != "summary"
    return LEGACY_ORDER.index(step.name) < LEGACY_ORDER.index(reached)


def _last(draft: Draft) -> Step:
    return form_of(draft)[-1]


def _ask(state: Session, kb: Knowledge, step: Step) -> Reply | None:
    reply = step.ask(state, kb)
    if reply is not None and not reply.needs:
        state.flow, state.step = "report", step.name
        draft_of(state).step = step.name
    return reply


def after(state: Session, kb: Knowledge, done: Step) -> Reply:
    draft = draft_of(state)
    if draft.editing and done.back_to_summary:
        return go(state, kb, _last(draft).name)
    form = form_of(draft)
    names = [step.name for step in form]
    if done.name not in names:  # the media step: a draft from the old order goes on from there
        draft.legacy_step = draft.legacy_step and done.name
        return go(state, kb, form[0].name if draft.legacy_step else _last(draft).name)
    return go(state, kb, form[names.index(done.name) + 1].name)


def answer(state: Session, incoming: Incoming, kb: Knowledge) -> Reply:
    """The citizen's answer to the step they are at."""
    if state.step == "resume":
        return _answer_resume(state, incoming, kb)
    step = STEPS.get(state.step or "")
    if step is None or state.draft is None:
        state.flow, state.step = None, None
        return Reply([m.main_menu(kb.copy)])
    if step.name not in MEDIA_STEPS and incoming.kind in story.EVIDENCE_KINDS:
        return _media_aside(state, incoming, kb, step)
    return _outcome(state, kb, step, step.answer(state, incoming, kb))


def _media_aside(state: Session, incoming: Incoming, kb: Knowledge, step: Step) -> Reply:
    """A photo sent while another question is open: kept as evidence, the question asked
    again (its caption, if any, is kept with the photo for staff)."""
    fetched = story.attach(draft_of(state), incoming)
    copy = report_copy(kb)
    if fetched is None:
        return Reply([m.text(copy["media_full"].format(maximum=story.MEDIA_MAX))])
    received = copy["media_aside"].format(count=len(draft_of(state).media))
    return Reply([m.text(received), *_reask(state, kb, step)], [fetched])


def _outcome(state: Session, kb: Knowledge, step: Step, outcome: Outcome) -> Reply:
    match outcome:
        case Reply():
            return outcome
        case Next():
            reply = after(state, kb, step)
            messages: list[OutboundMessage] = [*outcome.before, *reply.messages]
            return Reply(messages, [*outcome.effects, *reply.effects], reply.needs)
        case GoTo(step="cancel"):
            return cancel(state, kb)
        case GoTo(step="send"):
            return summary.send(state, kb)
        case GoTo():
            return go(state, kb, outcome.step)
        case Again():
            question = _reask(state, kb, step) if outcome.repeat else []
            return Reply([m.text(outcome.problem), *question])
        case NotUnderstood():
            problem = report_copy(kb)["not_understood"].format(question="")
            return Reply([m.text(problem), *_reask(state, kb, step)])
    raise TypeError(outcome)


def _reask(state: Session, kb: Knowledge, step: Step) -> list[OutboundMessage]:
    reply = step.ask(state, kb)
    return reply.messages if reply is not None else []


def back(state: Session, kb: Knowledge) -> Reply:
    draft = draft_of(state)
    form = form_of(draft)
    names = [step.name for step in form]
    position = names.index(state.step) if state.step in names else 0
    for previous in reversed(form[:position]):
        if previous.applies(draft) and previous.name not in ("duplicate", "remembered"):
            if previous.name == "service":  # asking again means forgetting the earlier choice
                draft.service_id = None
                draft.duplicate_checked = False
            if previous.forget is not None:
                previous.forget(draft)
            draft.editing = False
            return go(state, kb, previous.name)
    state.flow, state.step = None, None
    return Reply([m.main_menu(kb.copy)])


def cancel(state: Session, kb: Knowledge) -> Reply:
    discard(state)
    return Reply([m.text(kb.copy["cancelled"]), m.main_menu(kb.copy)])


def discard(state: Session) -> None:
    state.draft = None
    state.flow, state.step = None, None


# -- starting and resuming --------------------------------------------------------------------


def start(
    state: Session,
    kb: Knowledge,
    kind: str,
    service_id: str | None = None,
    description: str | None = None,
    media: list[Attachment] | None = None,
) -> Reply:
    """Start a report or request; what the citizen already said (the problem, a photo) is
    kept, so the form asks only what is missing."""
    draft = state.draft
    fresh = draft and draft.mode != "urgent" and age(draft, kb.now) < DRAFT_LIFETIME
    if fresh and draft and draft.type == kind and draft.step and not (description or media):
        state.flow, state.step = "report", "resume"
        return Reply([_resume_question(kb, draft)])
    new = Draft(type="permohonan" if kind == "permohonan" else "pengaduan", started_at=kb.now)
    chosen = kb.catalogue.service(service_id) if service_id else None
    if chosen and (new.type == "pengaduan" or chosen.accepts_request):
        new.service_id = chosen.id
        if new.type == "permohonan" and chosen.permits:
            permit.begin(new, kb)
    if description and len(description) >= story.DESCRIPTION_MIN:
        new.description = description[: story.DESCRIPTION_MAX]
    new.media = list(media or [])[: story.MEDIA_MAX]
    state.draft, state.flow = new, "report"
    return go(state, kb, "privacy")


def start_urgent(
    state: Session, kb: Knowledge, text: str | None, media: list[Attachment] | None = None
) -> Reply:
    """The fast urgent report. What the citizen already gave (in the emergency message or in
    a report form they were filling) is kept, so only what is missing is asked."""
    old = state.draft
    new = Draft(type="pengaduan", mode="urgent", started_at=kb.now, urgent=True)
    new.consent_at = kb.now  # the first urgent message carries the one-line privacy notice
    if old is not None:
        new.kecamatan, new.desa, new.place = old.kecamatan, old.desa, old.place
        new.address, new.media = old.address, old.media
        new.reporter_name, new.about, new.subject = old.reporter_name, old.about, old.subject
        new.service_id, new.description = old.service_id, old.description
    if text:
        told = f"{new.description}\n{text}" if new.description else text
        new.description = told[: story.DESCRIPTION_MAX]
        intent = kb.router.classify(text)
        if intent.service_ids and new.service_id is None:
            new.service_id = intent.service_ids[0]
    new.service_id = new.service_id or service.OTHER
    new.media = [*new.media, *(media or [])][: story.MEDIA_MAX]
    state.draft, state.flow = new, "report"
    new.reporter_name = person.suggested_name(state)
    return go(state, kb, URGENT_FORM[0].name)


def offer_resume(state: Session, kb: Knowledge) -> Reply:
    """The citizen came back after the 30-minute idle limit in the middle of a report."""
    draft = state.draft
    if draft is None or age(draft, kb.now) >= DRAFT_LIFETIME:
        discard(state)
        return Reply([m.text(report_copy(kb)["draft_expired"]), m.main_menu(kb.copy)])
    if state.step != "resume":  # idle again at the resume question: keep the step to resume
        draft.step = state.step
    state.step = "resume"
    return Reply([_resume_question(kb, draft)])


def _resume_question(kb: Knowledge, draft: Draft) -> OutboundMessage:
    copy = report_copy(kb)
    body = copy["resume"].format(type=copy["types"].get(draft.type, ""))
    choices = [
        (RESUME, copy["resume_yes"]),
        (RESTART, copy["restart"]),
        (MENU, kb.copy["answer_actions"]["menu"]),
    ]
    return m.buttons(body, choices)


def _answer_resume(state: Session, incoming: Incoming, kb: Knowledge) -> Reply:
    draft = state.draft
    picked = choice(incoming, kb, (RESUME, RESTART))
    if draft is not None and picked == RESUME and draft.step in STEPS:
        return go(state, kb, draft.step or "privacy")
    if draft is not None and picked == RESTART:
        kind, service_id = draft.type, draft.service_id
        state.draft = None
        return start(state, kb, kind, service_id)
    problem = report_copy(kb)["not_understood"].format(question="")
    question = _resume_question(kb, draft) if draft else m.main_menu(kb.copy)
    return Reply([m.text(problem), question])
