"""The conversation engine: (session, incoming message, knowledge) -> turn. Pure: no I/O.

`run_turn` is the one entry point for callers (processor, tests, benchmarks): it runs
`respond` and, when a step asks for the citizen's own tickets, loads them and runs it again.
`respond` applies what holds everywhere (flood limit, the urgent safety net, idle expiry, the
commands menu/batal/kembali/bantuan), then hands the message to the part the citizen is in:
information (`information.py`), a report or request (`filing/`), their status (`status.py`),
or an offer to report what they just sent (`offers.py`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from chalicelib.conversation import filing, handover, information, offers
from chalicelib.conversation import messages as m
from chalicelib.conversation.intent import Intent
from chalicelib.conversation.knowledge import Knowledge
from chalicelib.conversation.model import (
    CommentOnRating,
    Incoming,
    RateTicket,
    Reply,
    Session,
    TicketView,
    Turn,
)
from chalicelib.conversation.status import status
from chalicelib.whatsapp.outbound import OutboundMessage

__all__ = ["Knowledge", "respond", "run_turn"]

SESSION_IDLE = timedelta(minutes=30)
FLOOD_WINDOW = timedelta(minutes=1)
FLOOD_LIMIT = 30
STRICT_COMMANDS = frozenset(
    {"menu", "menu utama", "batal", "cancel", "kembali", "back", "bantuan", "help"}
)


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
    _remember(state, incoming, kb.now)
    carried = offers.take(state)
    if offers.in_danger(state, incoming, kb):  # before anything else, wherever the citizen is
        reply = offers.safety_net(state, incoming, kb)
        state.updated_at = kb.now
        return Turn(session=state, replies=reply.messages)
    if kb.handover in ("waiting", "held"):  # staff have the chat: the bot keeps quiet
        reply = handover.while_handed_over(incoming, kb)
        state.updated_at = kb.now
        return Turn(session=state, replies=reply.messages, effects=reply.effects)
    notice: list[OutboundMessage] = []
    if kb.handover == "lapsed":  # the chat with staff ended while the citizen was away
        notice.append(m.text(kb.copy["handover"]["lapsed"]))
    if state.step == RATING_COMMENT and _idle(state, kb.now):
        state.step = None  # the comment was optional: it lapses without a word
        state.data.pop("rating", None)
    if _idled_out(state, kb.now):
        if state.flow == "report":
            reply = filing.offer_resume(state, kb)
            state.updated_at = kb.now
            return Turn(session=state, replies=reply.messages)
        notice.append(m.text(kb.copy["expired"]))
        state.flow, state.step = None, None
    reply = _dispatch(state, incoming, kb, carried)
    state.updated_at = kb.now
    if reply.needs:
        return Turn(session=state, needs=reply.needs)
    return Turn(session=state, replies=notice + reply.messages, effects=reply.effects)


RECENT = 5  # the citizen's last few texts, shown to staff when they ask for a person


def _remember(state: Session, incoming: Incoming, now: datetime) -> None:
    if incoming.kind != "text" or not incoming.text:
        return
    recent = list(state.data.get("recent") or [])[-(RECENT - 1) :]
    state.data["recent"] = [*recent, {"at": now.isoformat(), "text": incoming.text[:300]}]


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
    return active and _idle(state, now)


def _idle(state: Session, now: datetime) -> bool:
    return state.updated_at is not None and now - state.updated_at > SESSION_IDLE


def _dispatch(state: Session, incoming: Incoming, kb: Knowledge, carried: dict[str, Any]) -> Reply:
    if state.step == RATING_COMMENT and incoming.kind != "text":
        state.step = None  # a tap or a photo instead of a comment: carry on as usual
        state.data.pop("rating", None)
    if incoming.kind == "choice":
        return _on_choice(state, incoming.choice_id or "", incoming, kb, carried)
    if incoming.kind == "text":
        intent = kb.router.classify(incoming.text or "")
        if intent.kind == "command" and intent.command and _is_command(state, incoming, intent):
            return _on_command(state, intent.command, kb)
        if state.step == RATING_COMMENT:
            return _on_rating_comment(state, incoming.text or "", kb)
        if state.flow == "report":
            return filing.answer(state, incoming, kb)
        return _on_free_text(state, incoming.text or "", intent, kb)
    if state.flow == "report":
        return filing.answer(state, incoming, kb)
    return _on_other_type(state, incoming, kb)


def _is_command(state: Session, incoming: Incoming, intent: Intent) -> bool:
    """Inside a report the citizen is typing answers, so only the exact command words count
    (a description that starts with "tolong" is not a cry for help with the bot)."""
    if state.flow != "report":
        return True
    said = " ".join((incoming.text or "").lower().split()).strip(" .!?")
    return said in STRICT_COMMANDS


def _on_command(state: Session, command: str, kb: Knowledge) -> Reply:
    if command == "kembali":
        if state.flow == "report" and state.draft is not None:
            return filing.back(state, kb)
        return information.back(state, kb)
    if command == "batal":
        filing.discard(state)
        return Reply([_menu(kb, kb.copy["cancelled"])])
    state.flow, state.step = None, None  # "menu" leaves a flow; its draft is kept for a day
    if command == "bantuan":
        return Reply([m.text(kb.copy["help"]["body"]), m.main_menu(kb.copy)])
    return Reply([m.main_menu(kb.copy)])


def _on_choice(
    state: Session, choice: str, incoming: Incoming, kb: Knowledge, carried: dict[str, Any]
) -> Reply:
    action, _, argument = choice.partition(":")
    if action == "rpt" and state.flow == "report":
        return filing.answer(state, incoming, kb)
    if action in ("menu", ""):
        return _on_menu_item(state, argument if action == "menu" else "", kb, carried)
    if action == "grp" and kb.catalogue.group(argument):
        return information.group(state, kb, argument)
    if action == "svc" and kb.catalogue.service(argument):
        return information.answer(state, kb, argument)
    if action == "det" and kb.catalogue.service(argument):
        return information.details(state, kb, argument)
    if action in ("req", "adu"):
        kind = "permohonan" if action == "req" else "pengaduan"
        return offers.start_report(state, kb, kind, argument or None, carried)
    if action == "urg":
        return offers.start_urgent(state, kb, carried)
    if action == "status":
        return status(state, kb, argument or None)
    if action == "rate":
        return _on_rating(state, argument, kb)
    if action == "hand" and argument == "ask":
        return handover.request(state, kb)
    return Reply([_menu(kb, kb.copy["fallback"]["body"])])


RATING_COMMENT = "rating_comment"


def _on_rating(state: Session, argument: str, kb: Knowledge) -> Reply:
    """A score tapped in the satisfaction question ("rate:<ticket>:<1-5>"); the processor
    keeps it only on the citizen's own closed ticket, once. Then an optional comment."""
    number, _, score = argument.rpartition(":")
    if number == "skip":  # "Lewati": no comment
        state.step = None
        state.data.pop("rating", None)
        return Reply([m.main_menu(kb.copy)])
    if not number or score not in ("1", "2", "3", "4", "5"):
        return Reply([_menu(kb, kb.copy["fallback"]["body"])])
    copy = kb.copy["satisfaction"]
    state.flow, state.step = None, RATING_COMMENT
    state.data["rating"] = number
    ask = m.buttons(f"{copy['thanks']}\n\n{copy['ask_comment']}", [("rate:skip:", copy["skip"])])
    return Reply([ask], [RateTicket(number=number, score=int(score))])


def _on_rating_comment(state: Session, text: str, kb: Knowledge) -> Reply:
    """The comment after a rating: kept on that ticket's rating (the processor checks it is
    the citizen's own, rated, and not commented yet)."""
    number = str(state.data.pop("rating", ""))
    state.step = None
    comment = " ".join(text.split())[:500]
    if not number or not comment:
        return Reply([m.main_menu(kb.copy)])
    thanks = m.text(kb.copy["satisfaction"]["comment_thanks"])
    return Reply([thanks], [CommentOnRating(number=number, comment=comment)])


def _on_menu_item(state: Session, item: str, kb: Knowledge, carried: dict[str, Any]) -> Reply:
    state.flow, state.step = None, None
    if item == "info":
        return information.groups(state, kb)
    if item == "complaint":
        return offers.start_report(state, kb, "pengaduan", None, carried)
    if item == "request":
        return offers.start_report(state, kb, "permohonan", None, carried)
    if item == "status":
        return status(state, kb, None)
    if item == "contact":
        return handover.contact(kb)
    if item == "help":
        return information.programmes(state, kb)
    return Reply([m.main_menu(kb.copy)])


def _on_free_text(state: Session, text: str, intent: Intent, kb: Knowledge) -> Reply:
    problem = offers.looks_like_a_problem(text, kb)
    if intent.kind == "service" and intent.service_ids:
        if problem:
            return offers.problem_told(state, text, intent.service_ids[0], kb)
        return information.answer(state, kb, intent.service_ids[0])
    if intent.kind == "ambiguous" and intent.service_ids:
        services = [kb.catalogue.service(s) for s in intent.service_ids[:3]]
        return Reply([m.ambiguous(kb.copy, [s for s in services if s])])
    if intent.kind == "referral" and intent.referral_id:
        return information.referral(state, kb, intent.referral_id)
    if intent.kind == "help":
        return information.programmes(state, kb)
    if intent.kind == "status":
        return status(state, kb, intent.ticket_number)
    if intent.kind == "contact":
        return handover.contact(kb)
    if intent.kind in ("complaint", "request"):
        kind = "pengaduan" if intent.kind == "complaint" else "permohonan"
        return filing.start(state, kb, kind)
    if intent.kind == "greeting":
        state.flow, state.step = None, None
        return Reply([m.main_menu(kb.copy)])
    if problem:
        return offers.problem_told(state, text, None, kb)
    return Reply([_menu(kb, kb.copy["fallback"]["body"])])


def _on_other_type(state: Session, incoming: Incoming, kb: Knowledge) -> Reply:
    if incoming.media is not None and incoming.kind != "sticker":
        return offers.media_outside_a_form(state, incoming, kb)
    note = kb.copy["nontext"].get(incoming.kind, kb.copy["nontext"]["unsupported"])
    if incoming.kind in ("reaction", "sticker"):
        return Reply([m.text(note)])
    return Reply([_menu(kb, note)])


def _menu(kb: Knowledge, body: str) -> OutboundMessage:
    """The main menu with a situational first sentence instead of the welcome."""
    menu = m.main_menu(kb.copy)
    return menu.model_copy(update={"body": body[:1024]})
