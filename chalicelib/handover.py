"""Live hand-over between the bot and staff, for both sides of the chat.

The citizen's side runs inside the processor's turn (`citizen_turn`): it decides the chat's new
state from the engine's effects, releases what staff wrote while the window was closed, and
logs the messages staff need to read, all as writes of the turn's one transaction.

The staff side (`ChatService`) lists live chats, shows one, replies and releases. A reply takes
the chat (the bot keeps quiet while staff hold it; the hold lapses an hour after the last
message) and goes out through the outbox in the same transaction as the chat's change and its
audit event. WhatsApp allows free text only within 24 hours of the citizen's last message:
outside it, a reply about a ticket goes out as the approved status template and the text
itself waits for the citizen's answer; a reply in the inbox without a ticket is refused with
the reason (no template fits a chat).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, StringConstraints

from chalicelib.clock import parse_iso
from chalicelib.conversation.model import (
    EndHandover,
    Incoming,
    RequestHandover,
    Turn,
    evidence_key,
)
from chalicelib.logs import get_logger
from chalicelib.privacy import mask_phone
from chalicelib.staff.roles import Principal
from chalicelib.store import audit
from chalicelib.store.chats import Chat, ChatConflict, ChatMessage, ChatStore, Pending, new_chat
from chalicelib.store.dynamo import DynamoStore, OutboxEntry
from chalicelib.tickets import notify
from chalicelib.tickets.model import Ticket
from chalicelib.tickets.views import ChatLine, chat_line
from chalicelib.whatsapp.outbound import TEXT_MAX, Text

log = get_logger("handover")

CITIZEN = "warga"
BOT = "bot"


# -- the citizen's side (inside the processor's turn) -------------------------------------


@dataclass
class CitizenTurn:
    writes: list[dict[str, Any]]
    messages: list[dict[str, Any]]  # released staff messages, sent after the bot's replies
    senders: list[Pending]  # who wrote each of them
    conv: str | None = None  # set when this turn belongs to a chat with staff (logged)


def live_state(chat: Chat | None, now: datetime) -> str | None:
    """What the engine is told: "waiting"/"held" (the bot keeps quiet), "lapsed" (the bot
    answers, and says the chat with staff is over) or None. A staff reply waiting for the
    window counts as held: the citizen's answer is for staff, not the bot."""
    if chat is None:
        return None
    state = chat.live(now)
    if state != "none":
        return state
    if any(p.hold for p in chat.pending):
        return "held"
    return "lapsed" if chat.lapsed(now) else None


def citizen_turn(
    chat: Chat | None,
    incoming: Incoming,
    turn: Turn,
    now: datetime,
    chats: ChatStore,
) -> CitizenTurn:
    """The chat's part of a citizen's message. Costs nothing for a citizen who never asked
    for staff (no chat item, no request)."""
    requested = next((e for e in turn.effects if isinstance(e, RequestHandover)), None)
    ended = any(isinstance(e, EndHandover) for e in turn.effects)
    if chat is None and requested is None:
        return CitizenTurn([], [], [])
    before = chat or new_chat(incoming.citizen, incoming.profile_name or "")
    was = live_state(chat, now)
    after, released = before, list(before.pending)
    earlier: list[ChatMessage] = []
    if requested is not None:
        after = before.waiting(now, requested.until)
        earlier = _recent(turn, incoming)
    elif ended or was == "lapsed":
        after = before.released(now)
    else:
        holder = next((p for p in reversed(released) if p.hold), None)
        if holder is not None:
            after = after.held(now, holder.by, holder.by_name, chats.hold_idle)
        after = after.touched(now, chats.hold_idle)
    after = replace(after, pending=(), name=incoming.profile_name or before.name)
    writes = chats.writes(after, before.version) if after != before else []
    with_staff = bool(was in ("waiting", "held") or requested or any(p.hold for p in released))
    if with_staff:
        logged = [*earlier, _inbound(incoming, now)]
        writes += [chats.message_write(after.conv, m, n) for n, m in enumerate(logged)]
    conv = after.conv if with_staff else None
    return CitizenTurn(writes, [p.message for p in released], released, conv)


def _recent(turn: Turn, incoming: Incoming) -> list[ChatMessage]:
    """What the citizen wrote just before asking for a person (the engine keeps their last
    few texts in the session), so staff start with the question rather than a bare request."""
    recent = turn.session.data.get("recent") or []
    return [
        ChatMessage(at=parse_iso(str(r["at"])), direction="in", by=CITIZEN, text=str(r["text"]))
        for r in recent
        if r.get("text") and r.get("at")
    ]


def log_replies(
    chat_conv: str,
    entries: Sequence[OutboxEntry],
    senders: Sequence[Pending],
    at: datetime,
    chats: ChatStore,
) -> list[dict[str, Any]]:
    """The messages sent in a handed-over turn, for staff to read: the bot's own replies,
    then the staff messages released by the citizen's message."""
    bots = len(entries) - len(senders)
    writes = []
    for n, entry in enumerate(entries):
        sender = senders[n - bots] if n >= bots else None
        message = ChatMessage(
            at=at,
            direction="out",
            by=sender.by if sender else BOT,
            by_name=sender.by_name if sender else "",
            kind=str(entry.message.get("kind", "text")),
            text=_text_of(entry.message),
            entry_id=entry.entry_id,
        )
        writes.append(chats.message_write(chat_conv, message, n + 1))
    return writes


def _inbound(incoming: Incoming, now: datetime) -> ChatMessage:
    """Logged at the moment it was processed, so it sorts after the staff messages it answers
    (WhatsApp's own timestamp has whole seconds only). A photo or document is copied to S3 by
    the engine's FetchMedia, under the same key."""
    media = ""
    if incoming.media is not None and incoming.kind != "sticker":
        media = evidence_key(incoming.wamid, incoming.media.media_id)
    return ChatMessage(
        at=now,
        direction="in",
        by=CITIZEN,
        kind=incoming.kind,
        text=describe(incoming),
        media=media,
    )


def describe(incoming: Incoming) -> str:
    """A citizen's message as staff read it in the console."""
    if incoming.kind == "text":
        return incoming.text or ""
    if incoming.kind == "choice":
        return f"[pilih] {incoming.choice_title or incoming.choice_id or ''}".strip()
    if incoming.kind == "location" and incoming.place:
        place = incoming.place
        label = place.name or place.address or f"{place.latitude:.5f}, {place.longitude:.5f}"
        return f"[lokasi] {label}"
    caption = f" {incoming.media.caption}" if incoming.media and incoming.media.caption else ""
    return f"[{LABELS.get(incoming.kind, incoming.kind)}]{caption}"


LABELS = {
    "image": "foto",
    "document": "dokumen",
    "voice": "pesan suara",
    "audio": "audio",
    "video": "video",
    "sticker": "stiker",
    "reaction": "reaksi",
    "contacts": "kontak",
}


def _text_of(message: dict[str, Any]) -> str:
    if message.get("kind") == "template":
        params = ", ".join(str(p) for p in message.get("body_params", []))
        return f"[templat {message.get('name')}] {params}".strip()
    return str(message.get("body") or "")


# -- the staff side -------------------------------------------------------------------------


class ChatNotFound(Exception):
    """No such conversation (or not one this member of staff may see)."""


class WindowClosed(Exception):
    """More than 24 hours since the citizen last wrote: WhatsApp refuses free text."""


class InboxFilters(BaseModel):
    waiting: bool = False  # only chats no one has answered yet


class ConversationRow(BaseModel):
    citizen: str  # the conversation's opaque id (no phone number in URLs)
    name: str | None
    phone: str  # masked
    state: Literal["waiting", "held", "none"]
    since: datetime | None
    until: datetime | None
    held_by: str | None
    window_open: bool
    last_inbound_at: datetime | None


class ConversationList(BaseModel):
    conversations: list[ConversationRow]


class TicketRef(BaseModel):
    number: str
    status: str
    status_label: str


class ConversationDetail(ConversationRow):
    tickets: list[TicketRef]
    messages: list[ChatLine]


class ReplyBody(BaseModel):
    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=3000)]


class ReplyResult(BaseModel):
    delivery: Literal["text", "template"]  # template: the text waits for the citizen's answer
    conversation: ConversationDetail


@dataclass
class ChatService:
    store: DynamoStore
    chats: ChatStore
    table: str
    clock: Callable[[], datetime]
    deliver: Callable[[Sequence[OutboxEntry]], int]
    link: Callable[[str], str] = lambda key: ""  # a short-lived link to an evidence key

    def inbox(self, viewer: Principal, waiting_only: bool) -> ConversationList:
        now = self.clock()
        states: tuple[Any, ...] = ("waiting",) if waiting_only else ("waiting", "held")
        rows = [self._row(chat, now) for chat in self.chats.live(states, now)]
        return ConversationList(conversations=rows)

    def conversation(self, viewer: Principal, conv: str) -> ConversationDetail:
        chat = self._chat(conv)
        audit.record(
            self.store.client, self.table, viewer.sub, "conversation.read", f"chat:{conv}", {}
        )
        return self._detail(chat, self.clock())

    def reply(self, viewer: Principal, conv: str, body: ReplyBody) -> ReplyResult:
        """Answer in the inbox. Outside the window, when the citizen has a ticket, its status
        template goes out and the text follows their answer (as from the ticket page); with
        no ticket no approved template fits, and the reply is refused with the reason."""
        chat = self._chat(conv)
        if not self._window_open(chat.citizen, self.clock()):
            tickets = self.store.tickets.of_citizen(chat.citizen)
            if not tickets:
                raise WindowClosed(conv)
            latest = max(tickets, key=lambda t: t.created_at)
            return self.reply_about(viewer, latest, body)
        for _ in range(3):  # a citizen's message may change the chat meanwhile: re-read
            chat, now = self._chat(conv), self.clock()
            try:
                self._send(viewer, chat, Text(body=body.text[:TEXT_MAX]).model_dump(), now)
            except ChatConflict:
                continue
            return ReplyResult(delivery="text", conversation=self._detail(self._chat(conv), now))
        raise ChatConflict(conv)

    def reply_about(self, viewer: Principal, ticket: Ticket, body: ReplyBody) -> ReplyResult:
        """Answer about a ticket (the ticket page): free text in the window; outside it the
        status template, with the text released when the citizen answers."""
        for _ in range(3):
            now = self.clock()
            chat = self.chats.get(ticket.citizen) or new_chat(ticket.citizen)
            text = f"Pesan petugas tentang laporan *{ticket.number}*:\n\n{body.text}"[:TEXT_MAX]
            message = Text(body=text).model_dump()
            try:
                if self._window_open(ticket.citizen, now):
                    self._send(viewer, chat, message, now, ticket.number)
                    delivery: Literal["text", "template"] = "text"
                else:
                    self._wait_for_window(viewer, chat, ticket, message, now)
                    delivery = "template"
            except ChatConflict:
                continue
            shown = self._detail(self._chat(chat.conv), now)
            return ReplyResult(delivery=delivery, conversation=shown)
        raise ChatConflict(ticket.number)

    def release(self, viewer: Principal, conv: str) -> ConversationDetail:
        """Give the chat back to the bot, telling the citizen (while the window is open)."""
        for _ in range(3):
            chat, now = self._chat(conv), self.clock()
            released = chat.released(now)
            entries: list[OutboxEntry] = []
            if chat.live(now) != "none" and self._window_open(chat.citizen, now):
                copy = _copy()["handover"]["released"]
                entries = [self._entry(chat, Text(body=copy).model_dump())]
            writes = self._logged(chat, entries, viewer, now)
            writes.append(self._audit(viewer, "conversation.release", chat, {}, now))
            try:
                self.chats.save(released, chat.version, writes)
            except ChatConflict:
                continue
            self.deliver(entries)
            return self._detail(self._chat(conv), now)
        raise ChatConflict(conv)

    # -- helpers --------------------------------------------------------------------------

    def _send(
        self,
        viewer: Principal,
        chat: Chat,
        message: dict[str, Any],
        now: datetime,
        ticket: str | None = None,
    ) -> None:
        entry = self._entry(chat, message)
        writes = self._logged(chat, [entry], viewer, now)
        detail = {"ticket": ticket} if ticket else {}
        writes.append(self._audit(viewer, "conversation.reply", chat, detail, now))
        held = chat.held(now, viewer.sub, viewer.name, self.chats.hold_idle)
        self.chats.save(held, chat.version, writes)
        log.info("staff_reply", extra={"conv": chat.conv, "by": viewer.sub, "ticket": ticket})
        self.deliver([entry])

    def _wait_for_window(
        self, viewer: Principal, chat: Chat, ticket: Ticket, message: dict[str, Any], now: datetime
    ) -> None:
        template = notify.status_message(ticket, None, in_window=False).model_dump()
        entry = self._entry(chat, template)
        waiting = Pending(message=message, by=viewer.sub, by_name=viewer.name, hold=True)
        changed = replace(chat, pending=(*chat.pending, waiting))
        writes = self._logged(chat, [entry], viewer, now)
        pending_note = ChatMessage(
            at=now,
            direction="out",
            by=viewer.sub,
            by_name=viewer.name,
            text=f"(menunggu balasan warga) {message['body']}",
        )
        writes.append(self.chats.message_write(chat.conv, pending_note, 99))
        audit_detail = {"ticket": ticket.number, "delivery": "template"}
        writes.append(self._audit(viewer, "conversation.reply", chat, audit_detail, now))
        self.chats.save(changed, chat.version, writes)
        self.deliver([entry])

    def _entry(self, chat: Chat, message: dict[str, Any]) -> OutboxEntry:
        return OutboxEntry(f"staff#{chat.conv}#{uuid.uuid4().hex[:12]}", chat.citizen, message)

    def _logged(
        self, chat: Chat, entries: list[OutboxEntry], viewer: Principal, now: datetime
    ) -> list[dict[str, Any]]:
        writes = [{"Put": put} for put in self.store.outbox_puts(entries, now)]
        sender = Pending(message={}, by=viewer.sub, by_name=viewer.name)
        return writes + log_replies(chat.conv, entries, [sender] * len(entries), now, self.chats)

    def _audit(
        self, viewer: Principal, action: str, chat: Chat, detail: dict[str, Any], now: datetime
    ) -> dict[str, Any]:
        event = audit.AuditEvent(viewer.sub, action, f"chat:{chat.conv}", detail, at=now)
        return {"Put": audit.put_request(self.table, event)}

    def _chat(self, conv: str) -> Chat:
        chat = self.chats.by_conversation(conv) if conv.isalnum() else None
        if chat is None:
            raise ChatNotFound(conv)
        return chat

    def _window_open(self, citizen: str, now: datetime) -> bool:
        return notify.window_open(self.store.last_inbound(citizen), now)

    def _row(self, chat: Chat, now: datetime) -> ConversationRow:
        last = self.store.last_inbound(chat.citizen)
        return ConversationRow(
            citizen=chat.conv,
            name=chat.name or None,
            phone=mask_phone(chat.citizen),
            state=chat.live(now),
            since=chat.since,
            until=chat.until if chat.live(now) != "none" else None,
            held_by=chat.held_by_name or None,
            window_open=notify.window_open(last, now),
            last_inbound_at=last,
        )

    def _detail(self, chat: Chat, now: datetime) -> ConversationDetail:
        messages = self.chats.messages(chat.conv)
        deliveries = self.store.deliveries([m.entry_id for m in messages if m.entry_id])
        statuses = {entry: d.status for entry, d in deliveries.items()}
        tickets = [
            TicketRef(number=t.number, status=t.status.value, status_label=t.status.label)
            for t in self.store.tickets.of_citizen(chat.citizen)
        ]
        return ConversationDetail(
            **self._row(chat, now).model_dump(),
            tickets=tickets,
            messages=[
                chat_line(m, statuses.get(m.entry_id, "pending") if m.entry_id else None, self.link)
                for m in messages
            ],
        )


def _copy() -> dict[str, Any]:
    from chalicelib.conversation.copy import load_copy

    return load_copy()
