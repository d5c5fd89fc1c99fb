"""The ticket lifecycle (SPEC §3): which status may follow which, and who may make each move.
This table is the only place that says so; the staff API, the console and the tests read it.

Every change returns the new ticket (version + 1) and the `Event` that records it: who, when,
from, to, and the notes. Pure functions over the typed model.
"""

from __future__ import annotations

from datetime import datetime

from chalicelib.staff.roles import Role
from chalicelib.tickets.model import (
    CITIZEN,
    Assessment,
    Event,
    EventKind,
    Satisfaction,
    Status,
    Ticket,
)

_ADMIN = frozenset({Role.ADMIN})
_FIELD = frozenset({Role.ADMIN, Role.ASESOR})

# status -> next status -> roles that may make the move
TRANSITIONS: dict[Status, dict[Status, frozenset[Role]]] = {
    Status.DITERIMA: {
        Status.DIVERIFIKASI: _ADMIN,
        Status.DITOLAK: _ADMIN,
        Status.DIALIHKAN: _ADMIN,
    },
    Status.DIVERIFIKASI: {
        Status.ASESMEN: _FIELD,
        Status.DITINDAKLANJUTI: _ADMIN,
        Status.DITOLAK: _ADMIN,
        Status.DIALIHKAN: _ADMIN,
    },
    Status.ASESMEN: {
        Status.DITINDAKLANJUTI: _FIELD,
        Status.DITOLAK: _ADMIN,
    },
    Status.DITINDAKLANJUTI: {
        Status.SELESAI: _ADMIN,
        Status.ASESMEN: _ADMIN,  # back to the field: the action needs another look
    },
}
# A closed ticket can only be reopened, by an admin, to verification.
REOPEN_FROM = frozenset({Status.SELESAI, Status.DITOLAK, Status.DIALIHKAN})
REOPEN_TO = Status.DIVERIFIKASI
REOPEN_ROLES = _ADMIN
# Leaving these states ends the verification stage (verified, rejected or redirected).
_VERIFIED_BY = frozenset({Status.DIVERIFIKASI, Status.DITOLAK, Status.DIALIHKAN})


class TransitionRefused(Exception):
    """SPEC §3 does not allow this move from the ticket's status."""

    def __init__(self, from_status: Status, to_status: Status, allowed: tuple[Status, ...]):
        super().__init__(f"{from_status} -> {to_status}")
        self.from_status, self.to_status, self.allowed = from_status, to_status, allowed


class MoveForbidden(Exception):
    """The move is allowed, but not to this role."""


class VersionConflict(Exception):
    """The ticket changed since the caller read it."""


def allowed_next(status: Status) -> tuple[Status, ...]:
    return tuple(TRANSITIONS.get(status, {}))


def may_move(role: Role, from_status: Status, to_status: Status) -> bool:
    if from_status in REOPEN_FROM and to_status is REOPEN_TO:
        return role in REOPEN_ROLES
    return role in TRANSITIONS.get(from_status, {}).get(to_status, frozenset())


def moves_of(role: Role) -> frozenset[tuple[Status, Status]]:
    """Every move a role may make (for the console's buttons and the role tests)."""
    moves = {
        (a, b) for a, nexts in TRANSITIONS.items() for b, roles in nexts.items() if role in roles
    }
    if role in REOPEN_ROLES:
        moves |= {(a, REOPEN_TO) for a in REOPEN_FROM}
    return frozenset(moves)


def transition(
    ticket: Ticket,
    to: Status,
    actor: str,
    role: Role,
    now: datetime,
    public_note: str | None = None,
    internal_note: str | None = None,
) -> tuple[Ticket, Event]:
    if to not in TRANSITIONS.get(ticket.status, {}):
        raise TransitionRefused(ticket.status, to, allowed_next(ticket.status))
    if not may_move(role, ticket.status, to):
        raise MoveForbidden(f"{role} may not move {ticket.status} -> {to}")
    return _moved(ticket, to, actor, now, "status", public_note, internal_note)


def reopen(
    ticket: Ticket,
    actor: str,
    role: Role,
    now: datetime,
    public_note: str | None = None,
    internal_note: str | None = None,
) -> tuple[Ticket, Event]:
    if ticket.status not in REOPEN_FROM:
        raise TransitionRefused(ticket.status, REOPEN_TO, allowed_next(ticket.status))
    if role not in REOPEN_ROLES:
        raise MoveForbidden(f"{role} may not reopen")
    reopened, event = _moved(ticket, REOPEN_TO, actor, now, "reopened", public_note, internal_note)
    return reopened.model_copy(update={"closed_at": None}), event


def _moved(
    ticket: Ticket,
    to: Status,
    actor: str,
    now: datetime,
    kind: EventKind,
    public_note: str | None,
    internal_note: str | None,
) -> tuple[Ticket, Event]:
    update: dict[str, object] = {"status": to, "updated_at": now, "version": ticket.version + 1}
    if ticket.status is Status.DITERIMA and to in _VERIFIED_BY:
        update["verified_at"] = now
    if public_note:
        update["public_note"] = public_note
        if ticket.first_response_at is None:
            update["first_response_at"] = now
    if to.closed:
        update["closed_at"] = now
    event = Event(
        at=now,
        by=actor,
        kind=kind,
        from_status=ticket.status,
        to_status=to,
        public_note=public_note or None,
        internal_note=internal_note or None,
    )
    return ticket.model_copy(update=update), event


def assign(ticket: Ticket, staff_id: str | None, actor: str, now: datetime) -> tuple[Ticket, Event]:
    event = Event(
        at=now,
        by=actor,
        kind="assigned",
        detail={"from": ticket.assignee, "to": staff_id},
    )
    return _touched(ticket, now, assignee=staff_id), event


def add_note(ticket: Ticket, text: str, actor: str, now: datetime) -> tuple[Ticket, Event]:
    return _touched(ticket, now), Event(at=now, by=actor, kind="note", internal_note=text)


def record_assessment(
    ticket: Ticket, assessment: Assessment, actor: str, now: datetime
) -> tuple[Ticket, Event]:
    recorded = assessment.model_copy(update={"by": actor, "at": now})
    event = Event(
        at=now,
        by=actor,
        kind="assessment",
        internal_note=recorded.findings,
        detail={
            "visit_date": recorded.visit_date.isoformat(),
            "recommendation": recorded.recommendation,
        },
    )
    return _touched(ticket, now, assessment=recorded), event


def mark_duplicate(
    ticket: Ticket, original: str, actor: str, now: datetime, internal_note: str | None = None
) -> tuple[Ticket, Event]:
    event = Event(
        at=now, by=actor, kind="duplicate", internal_note=internal_note, detail={"of": original}
    )
    return _touched(ticket, now, duplicate_of=original), event


def record_satisfaction(
    ticket: Ticket, score: int, comment: str | None, now: datetime
) -> tuple[Ticket, Event]:
    rating = Satisfaction(score=score, comment=comment, at=now)
    event = Event(at=now, by=CITIZEN, kind="satisfaction", detail={"score": score})
    return _touched(ticket, now, satisfaction=rating), event


def comment_on_rating(ticket: Ticket, comment: str, now: datetime) -> tuple[Ticket, Event]:
    """The citizen's optional comment after their rating (the text stays on the rating)."""
    assert ticket.satisfaction is not None, "a comment follows a rating"
    rating = ticket.satisfaction.model_copy(update={"comment": comment})
    event = Event(at=now, by=CITIZEN, kind="satisfaction", detail={"comment": True})
    return _touched(ticket, now, satisfaction=rating), event


def _touched(ticket: Ticket, now: datetime, **update: object) -> Ticket:
    return ticket.model_copy(update={**update, "updated_at": now, "version": ticket.version + 1})
