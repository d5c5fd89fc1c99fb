"""What a step of the form is, and what answering it can lead to.

A step is declared once: the question it asks, how it reads the answer, when it applies, and
how it appears in the summary. An answer leads to one of a few outcomes (`Next`, `GoTo`,
`Again`, `NotUnderstood`, or a ready `Reply`); the form (`form.py`) turns the outcome into
messages, so a step never needs to know which step follows it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from chalicelib.conversation.knowledge import Knowledge
from chalicelib.conversation.model import Draft, Effect, Incoming, Reply, Session
from chalicelib.whatsapp.outbound import OutboundMessage


@dataclass
class Next:
    """The answer is taken: ask the next step that applies (or the summary when editing)."""

    before: Sequence[OutboundMessage] = ()
    effects: Sequence[Effect] = ()


@dataclass
class GoTo:
    step: str


@dataclass
class Again:
    """The answer does not fit: say why, and repeat the question when `repeat`."""

    problem: str
    repeat: bool = False


@dataclass
class NotUnderstood:
    pass


Outcome = Reply | Next | GoTo | Again | NotUnderstood
# A question, or None when there is nothing to ask (the step is passed over).
Ask = Callable[[Session, Knowledge], Reply | None]
Answer = Callable[[Session, Incoming, Knowledge], Outcome]


def _always(_draft: Draft) -> bool:
    return True


def _never(_draft: Draft) -> bool:
    return False


@dataclass(frozen=True)
class Step:
    name: str
    ask: Ask
    answer: Answer
    # Whether the question concerns this draft at all (the subject only for someone else).
    applies: Callable[[Draft], bool] = _always
    # Already answered before the form reached it (a service chosen from its answer).
    known: Callable[[Draft], bool] = _never
    # The summary label of the field this step fills, when the citizen may change it there.
    label: str | None = None
    # Going back to a known step forgets its answer, so it is asked again.
    forget: Callable[[Draft], None] | None = None
    # Changing this field from the summary goes back to the summary right after it (false
    # when a follow-up question belongs to it, as the desa does to the kecamatan).
    back_to_summary: bool = True


def draft_of(state: Session) -> Draft:
    if state.draft is None:
        raise LookupError("no draft in this session")
    return state.draft


def report_copy(kb: Knowledge) -> dict[str, Any]:
    return kb.copy["report"]


def said(incoming: Incoming) -> str:
    """What the citizen typed, lowercased, spaces squeezed, end punctuation dropped."""
    return " ".join((incoming.text or "").lower().split()).strip(" .!?")


def choice(incoming: Incoming, kb: Knowledge, ids: Iterable[str]) -> str | None:
    """A tapped button id, or the same answer typed as one of its words (copy.yaml
    `report.answers`), or None. Button ids stay accepted after a deploy: old buttons in a
    citizen's chat stay tappable for days."""
    allowed = tuple(ids)
    if incoming.choice_id:
        return incoming.choice_id if incoming.choice_id in allowed else None
    words = report_copy(kb)["answers"]
    typed = said(incoming)
    return next((i for i in allowed if typed and typed in words.get(i, ())), None)


def typed_text(incoming: Incoming) -> str:
    return (incoming.text or "").strip() if incoming.kind == "text" else ""


def type_word(kb: Knowledge, draft: Draft) -> str:
    return str(report_copy(kb)["types"].get(draft.type, "pengaduan"))


def age(draft: Draft, now: datetime) -> timedelta:
    return now - draft.started_at
