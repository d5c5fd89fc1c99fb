"""The conversation engine: (session, incoming message, knowledge) -> turn. Pure: no I/O.

`run_turn` is the one entry point for callers (processor, tests, benchmarks): it runs
`respond` and, when a step asks for the citizen's own tickets, loads them and runs it again.
`respond` applies what holds everywhere (flood limit, idle expiry, the commands
menu/batal/kembali/bantuan), then hands the message to the step the citizen is in: browsing
information (this module), filing a report or request (`filing/`), or their status
(`status.py`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import datetime, timedelta

from chalicelib.conversation import filing
from chalicelib.conversation import messages as m
from chalicelib.conversation.intent import Intent
from chalicelib.conversation.knowledge import Knowledge
from chalicelib.conversation.model import (
    CountInformation,
    Incoming,
    Reply,
    Session,
    TicketView,
    Turn,
)
from chalicelib.conversation.status import status
from chalicelib.whatsapp.outbound import OutboundMessage

SESSION_IDLE = timedelta(minutes=30)
FLOOD_WINDOW = timedelta(minutes=1)
FLOOD_LIMIT = 30
STRICT_COMMANDS = frozenset(
    {"menu", "menu utama", "batal", "cancel", "kembali", "back", "bantuan", "help"}
)


__all__ = ["Knowledge", "respond", "run_turn"]


def run_turn(
    session: Session | None,
    incoming: Incoming,
    kb: Knowledge,
    load_tickets: Callable[[], Iterable[TicketView]],
) -> Turn:
    """One message, answered: the engine, and again with the citizen's own tickets when a
    step needs them (most messages need none, so they cost no read)."""
    turn = respond(session, incoming, kb)
    if "tickets" in turn.needs and kb.tickets is None:
        turn = respond(session, incoming, replace(kb, tickets=tuple(load_tickets())))
    return turn


def respond(session: Session | None, incoming: Incoming, kb: Knowledge) -> Turn:
    state = (session or Session()).model_copy(deep=True)
    if incoming.kind == "system":  # e.g. the citizen changed number: nothing to answer
        return Turn(session=state)
    if incoming.profile_name:  # prefills the reporter's name in a report
        state.data["profile_name"] = incoming.profile_name[:80]
    flood = _count_message(state, kb)
    if flood is not None:
        return Turn(session=state, replies=flood)
    notice: list[OutboundMessage] = []
    if _idled_out(state, kb.now):
        if state.flow == "report":
            reply = filing.offer_resume(state, kb)
            state.updated_at = kb.now
            return Turn(session=state, replies=reply.messages)
        notice.append(m.text(kb.copy["expired"]))
        state.flow, state.step = None, None
    reply = _dispatch(state, incoming, kb)
    state.updated_at = kb.now
    if reply.needs:
        return Turn(session=state, needs=reply.needs)
    return Turn(session=state, replies=notice + reply.messages, effects=reply.effects)


def _count_message(state: Session, kb: Knowledge) -> list[OutboundMessage] | None:
    """More than FLOOD_LIMIT messages a minute: one polite notice, then silence until the
    minute is over. The session (and any draft in it) is kept as it is."""
    if state.window_start is None or kb.now - state.window_start >= FLOOD_WINDOW:
        state.window_start, state.window_count = kb.now, 0
    state.window_count += 1
    if state.window_count <= FLOOD_LIMIT:
        return None
    if state.window_count == FLOOD_LIMIT + 1:
        return [m.text(kb.copy["throttled"])]
    return []


def _idled_out(state: Session, now: datetime) -> bool:
    active = state.flow is not None or state.step is not None
    return active and state.updated_at is not None and now - state.updated_at > SESSION_IDLE


def _dispatch(state: Session, incoming: Incoming, kb: Knowledge) -> Reply:
    if incoming.kind == "choice":
        return _on_choice(state, incoming.choice_id or "", incoming, kb)
    if incoming.kind == "text":
        intent = kb.router.classify(incoming.text or "")
        if intent.kind == "command" and intent.command and _is_command(state, incoming, intent):
            return _on_command(state, intent.command, kb)
        if state.flow == "report":
            return filing.answer(state, incoming, kb)
        return _on_free_text(state, intent, kb)
    if state.flow == "report":
        return filing.answer(state, incoming, kb)
    return _on_other_type(incoming, kb)


def _is_command(state: Session, incoming: Incoming, intent: Intent) -> bool:
    """Inside a report the citizen is typing answers, so only the exact command words count
    (a description that starts with "tolong" is not a cry for help with the bot)."""
    if state.flow != "report":
        return True
    said = " ".join((incoming.text or "").lower().split()).strip(" .!?")
    return said in STRICT_COMMANDS


def _on_command(state: Session, command: str, kb: Knowledge) -> Reply:
    if command == "kembali":
        if state.flow == "report":
            return filing.back(state, kb)
        return _back_in_information(state, kb)
    if command == "batal":
        filing.discard(state)
        return Reply([_menu(kb, kb.copy["cancelled"])])
    state.flow, state.step = None, None  # "menu" leaves a flow; its draft is kept for a day
    if command == "bantuan":
        return Reply([m.text(kb.copy["help"]["body"]), m.main_menu(kb.copy)])
    return Reply([m.main_menu(kb.copy)])


def _on_choice(state: Session, choice: str, incoming: Incoming, kb: Knowledge) -> Reply:
    action, _, argument = choice.partition(":")
    if action == "rpt" and state.flow == "report":
        return filing.answer(state, incoming, kb)
    if action in ("menu", ""):
        return _on_menu_item(state, argument if action == "menu" else "", kb)
    if action == "grp" and kb.catalogue.group(argument):
        state.flow, state.step = None, f"info:group:{argument}"
        return Reply([m.services_list(kb.copy, kb.catalogue, argument)])
    if action == "svc" and kb.catalogue.service(argument):
        return _answer(state, argument, kb)
    if action in ("req", "adu"):
        kind = "permohonan" if action == "req" else "pengaduan"
        return filing.start(state, kb, kind, service_id=argument or None)
    if action == "status":
        return status(state, kb, argument or None)
    return Reply([_menu(kb, kb.copy["fallback"]["body"])])


def _on_menu_item(state: Session, item: str, kb: Knowledge) -> Reply:
    state.flow, state.step = None, None
    if item == "info":
        state.step = "info:groups"
        return Reply([m.groups_list(kb.copy, kb.catalogue)])
    if item == "complaint":
        return filing.start(state, kb, "pengaduan")
    if item == "request":
        return filing.start(state, kb, "permohonan")
    if item == "status":
        return status(state, kb, None)
    if item == "contact":
        return Reply([m.contact(kb.copy, kb.office, kb.now)])
    return Reply([m.main_menu(kb.copy)])


def _on_free_text(state: Session, intent: Intent, kb: Knowledge) -> Reply:
    if intent.kind == "service" and intent.service_ids:
        return _answer(state, intent.service_ids[0], kb)
    if intent.kind == "ambiguous" and intent.service_ids:
        services = [kb.catalogue.service(s) for s in intent.service_ids[:3]]
        return Reply([m.ambiguous(kb.copy, [s for s in services if s])])
    if intent.kind == "status":
        return status(state, kb, intent.ticket_number)
    if intent.kind == "contact":
        return Reply([m.contact(kb.copy, kb.office, kb.now)])
    if intent.kind in ("complaint", "request"):
        kind = "pengaduan" if intent.kind == "complaint" else "permohonan"
        return filing.start(state, kb, kind)
    if intent.kind == "greeting":
        state.flow, state.step = None, None
        return Reply([m.main_menu(kb.copy)])
    return Reply([_menu(kb, kb.copy["fallback"]["body"])])


def _answer(state: Session, service_id: str, kb: Knowledge) -> Reply:
    service = kb.catalogue.service(service_id)
    if service is None:
        return Reply([m.main_menu(kb.copy)])
    state.flow, state.step = None, f"info:service:{service.id}"
    return Reply(
        [m.service_answer(kb.copy, service, kb.office), m.answer_actions(kb.copy, service)],
        [CountInformation(service_id=service.id)],
    )


def _back_in_information(state: Session, kb: Knowledge) -> Reply:
    step = state.step or ""
    if step.startswith("info:service:"):
        service = kb.catalogue.service(step.removeprefix("info:service:"))
        if service:
            state.step = f"info:group:{service.group}"
            return Reply([m.services_list(kb.copy, kb.catalogue, service.group)])
    if step.startswith("info:group:"):
        state.step = "info:groups"
        return Reply([m.groups_list(kb.copy, kb.catalogue)])
    state.flow, state.step = None, None
    return Reply([m.main_menu(kb.copy)])


def _on_other_type(incoming: Incoming, kb: Knowledge) -> Reply:
    note = kb.copy["nontext"].get(incoming.kind, kb.copy["nontext"]["unsupported"])
    if incoming.kind in ("reaction", "sticker"):
        return Reply([m.text(note)])
    return Reply([_menu(kb, note)])


def _menu(kb: Knowledge, body: str) -> OutboundMessage:
    """The main menu with a situational first sentence instead of the welcome."""
    menu = m.main_menu(kb.copy)
    return menu.model_copy(update={"body": body[:1024]})
