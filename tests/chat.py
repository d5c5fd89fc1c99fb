"""Drive the pure conversation engine like a citizen would, without AWS."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

from chalicelib.conversation.engine import run_turn
from chalicelib.conversation.knowledge import build_knowledge
from chalicelib.conversation.model import Incoming, MediaRef, Place, Session, TicketView, Turn

# A Tuesday, 10:00 WIB: inside office hours.
OFFICE_HOURS = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)
_ids = itertools.count(1)


class Chat:
    def __init__(self, citizen: str = "6281234565678", name: str | None = "Siti Aminah"):
        self.citizen, self.name = citizen, name
        self.session: Session | None = None
        self.now = OFFICE_HOURS
        self.tickets: list[TicketView] = []
        self.turns: list[Turn] = []
        self.pause = timedelta(seconds=20)  # between two messages
        self.handover: str | None = None  # "waiting"/"held": staff have the chat

    def send(self, kind: str = "text", **fields: Any) -> Turn:
        incoming = Incoming(
            wamid=f"wamid.T{next(_ids)}",
            citizen=self.citizen,
            kind=kind,  # type: ignore[arg-type]
            sent_at=self.now,
            profile_name=self.name,
            **fields,
        )
        kb = build_knowledge(self.now, handover=self.handover)
        turn = run_turn(self.session, incoming, kb, lambda: self.tickets)
        self.session = turn.session
        self.turns.append(turn)
        self.now += self.pause
        return turn

    def say(self, text: str) -> Turn:
        return self.send("text", text=text)

    def tap(self, choice_id: str, title: str = "") -> Turn:
        return self.send("choice", choice_id=choice_id, choice_title=title)

    def photo(self, media_id: str = "9001", caption: str | None = None) -> Turn:
        media = MediaRef(media_id=media_id, mime_type="image/jpeg", sha256="ab", caption=caption)
        return self.send("image", media=media, text=caption)

    def pin(self, lat: float = -0.3269, lon: float = 103.1573, name: str = "Pasar") -> Turn:
        return self.send("location", place=Place(latitude=lat, longitude=lon, name=name))

    @property
    def step(self) -> str | None:
        return self.session.step if self.session else None

    @property
    def draft(self) -> dict[str, Any]:
        """The draft's answers so far, as JSON (unanswered fields left out)."""
        if self.session is None or self.session.draft is None:
            return {}
        return self.session.draft.model_dump(mode="json", exclude_none=True)


def texts(turn: Turn) -> str:
    """Everything the citizen reads in a turn, as one string."""
    parts = []
    for reply in turn.replies:
        data = reply.model_dump()
        parts.append(data.get("body") or "")
        for section in data.get("sections") or []:
            parts.extend(row["title"] for row in section["rows"])
        parts.extend(b["title"] for b in data.get("buttons") or [])
    return "\n".join(parts)


def choice_ids(turn: Turn) -> list[str]:
    ids = []
    for reply in turn.replies:
        data = reply.model_dump()
        for section in data.get("sections") or []:
            ids.extend(row["id"] for row in section["rows"])
        ids.extend(b["id"] for b in data.get("buttons") or [])
    return ids
