"""The conversation engine: (session, incoming message, knowledge) -> turn. Pure: no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chalicelib.conversation.model import Incoming, Session, Turn
from chalicelib.whatsapp.outbound import ListMessage, Row, Section


@dataclass(frozen=True)
class Knowledge:
    """Everything the engine reads besides the message: copy, catalogue, office, clock."""

    copy: dict[str, Any]
    now: datetime


def respond(session: Session | None, incoming: Incoming, knowledge: Knowledge) -> Turn:
    return Turn(session=Session(updated_at=knowledge.now), replies=[main_menu(knowledge)])


def main_menu(knowledge: Knowledge) -> ListMessage:
    menu = knowledge.copy["main_menu"]
    rows = [Row(**row) for row in menu["rows"]]
    return ListMessage(
        header=menu["header"],
        body=menu["body"],
        footer=menu["footer"],
        button=menu["button"],
        sections=[Section(title=menu["section"], rows=rows)],
    )
