"""Retention and erasure of personal data (UU 27/2022, SPEC §9; what each item carries is in
chalicelib/store/keys.py, what a ticket loses in chalicelib/tickets/retention.py).

- The daily job (`apply_retention` in app.py, 02:00 WIB): closed tickets lose the citizen's
  words `LIGAT_RETAIN_CONVERSATION_DAYS` after closing and their personal data
  `LIGAT_RETAIN_TICKETS_DAYS` after closing (5 years), evidence included (every S3 version).
  They are found on the status index (gsi1), where closed tickets sort by closing time, with
  a key condition `closed_at < cutoff` from a cursor kept per level and status: each run reads
  what newly expired, at most `batch` tickets per level, and a crash midway is finished by the
  next run (each ticket is marked when done; redoing one is a no-op). Open tickets are never in
  those partitions, and a ticket reopened meanwhile is checked again before it is touched.
- An admin's erasure of one citizen, on their request (`POST /admin/erasures`): every ticket
  of theirs (gsi3) anonymised whatever its status, their session and draft, the messages to
  them in the outbox with their delivery records, their chats with staff, and their evidence
  (every version).
  Audited: who, when, which tickets and counts, never the personal data itself.

Sessions, message markers and outbox entries also expire by TTL (chalicelib/store/dynamo.py).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from chalicelib.logs import get_logger
from chalicelib.media import erase_evidence
from chalicelib.staff.schemas import WhatsApp
from chalicelib.store import audit
from chalicelib.store.retention import RetentionStore
from chalicelib.store.tickets import TicketStore
from chalicelib.tickets.model import CLOSED
from chalicelib.tickets.retention import Level, applied, evidence_keys, redact, redact_event
from chalicelib.tickets.transitions import VersionConflict

log = get_logger("retention")

# Tickets examined per level and run: well inside the function's 60 s (a few calls each), and
# far above the office's ~20 closures a day; a backlog is worked off over a few nights.
BATCH = 100
ACTIONS = {Level.TEXT: "ticket.text_removed", Level.PERSONAL: "ticket.anonymised"}


class ErasureRequest(BaseModel):
    """Whose data to erase: the citizen's WhatsApp number, or one of their ticket numbers
    (for a citizen without a phone number, or when the number is not at hand)."""

    model_config = ConfigDict(extra="forbid", defer_build=True)
    whatsapp: WhatsApp | None = None
    ticket: Annotated[str, Field(pattern=r"^LGT-\d{4}-\d{4,}$")] | None = None

    @model_validator(mode="after")
    def _one_of(self) -> ErasureRequest:
        if bool(self.whatsapp) == bool(self.ticket):
            raise ValueError("isi salah satu: whatsapp atau ticket")
        return self


class ErasureCounts(BaseModel):
    tickets: int = 0  # anonymised
    messages: int = 0  # outbox entries (replies, notices) deleted
    sessions: int = 0  # the conversation and draft in progress
    chat_messages: int = 0  # messages of their chats with staff (live hand-over)
    media_versions: int = 0  # S3 object versions of the evidence


class Erasure(BaseModel):
    erasure_id: str
    tickets: list[str]  # the numbers (kept in the audit log too)
    erased: ErasureCounts


class TicketGone(LookupError):
    """No such ticket, or its personal data is already gone."""


@dataclass
class Retention:
    tickets: TicketStore
    records: RetentionStore
    dynamodb: Any
    table: str
    s3: Any
    bucket: str
    clock: Callable[[], datetime]
    keep_tickets: timedelta
    keep_conversation: timedelta
    batch: int = BATCH

    # -- the daily job ---------------------------------------------------------------------

    def run(self) -> dict[str, int]:
        """One night's work: per level, the tickets that newly passed their cutoff."""
        now = self.clock()
        periods = ((Level.TEXT, self.keep_conversation), (Level.PERSONAL, self.keep_tickets))
        done = {level.value: self._expire(level, now - keep) for level, keep in periods}
        log.info("retention_applied", extra=done)
        return done

    def _expire(self, level: Level, cutoff: datetime) -> int:
        changed, budget = 0, self.batch
        for status in sorted(CLOSED):
            after = self.records.cursor(level, status)
            while budget > 0:
                limit = min(budget, 100) + bool(after)  # the cursor's own ticket comes back
                found = self.tickets.closed_before(status, cutoff, after, limit)
                fresh = [(sort, number) for sort, number in found if sort != after]
                if not fresh:
                    break
                for sort, number in fresh:
                    budget -= 1
                    try:
                        done = self._apply(number, level, audit.SYSTEM, "retention", cutoff)
                    except VersionConflict:
                        # Changed by staff this very moment: the next run takes it again.
                        log.warning("retention_conflict", extra={"ticket": number})
                        return changed
                    changed += done is not None
                    self.records.advance(level, status, sort)
                    after = sort
        return changed

    # -- one ticket ------------------------------------------------------------------------

    def _apply(
        self,
        number: str,
        level: Level,
        actor: str,
        reason: str,
        cutoff: datetime | None,
        attempts: int = 1,
    ) -> int | None:
        """Apply `level` to one ticket: the evidence versions removed, or None when there was
        nothing to do. Evidence goes first, then the history, then the ticket with its mark
        and audit event, so whatever a crash interrupts, the rerun finishes. A staff edit at
        the same moment (VersionConflict) is read again and redone, up to `attempts` times."""
        versions = 0
        for attempt in range(1, attempts + 1):
            found = self.tickets.history(number)
            if found is None:
                return None
            ticket, events = found
            if applied(ticket, level):
                return None
            if cutoff is not None and not (
                ticket.status in CLOSED and ticket.closed_at and ticket.closed_at < cutoff
            ):
                return None  # reopened since the index was read
            if level is Level.PERSONAL:
                media = evidence_keys(ticket, (event for _sk, event in events))
                versions += erase_evidence(self.s3, self.bucket, media)
                for key in media:
                    self.records.delete_media_job(key)
            now = self.clock()
            changed_events = [
                (sk, redacted)
                for sk, event in events
                if (redacted := redact_event(event, level)) != event
            ]
            record = audit.AuditEvent(
                actor,
                ACTIONS[level],
                f"ticket:{number}",
                {"reason": reason, "media_versions": versions},
                at=now,
            )
            try:
                self.tickets.rewrite(
                    redact(ticket, level, now),
                    ticket.version,
                    changed_events,
                    [{"Put": audit.put_request(self.table, record)}],
                )
            except VersionConflict:
                if attempt == attempts:
                    raise
                continue
            log.info(
                "ticket_retention",
                extra={"ticket": number, "level": level.value, "reason": reason},
            )
            return versions
        return None

    # -- a citizen's erasure ---------------------------------------------------------------

    def citizen_of(self, request: ErasureRequest) -> str:
        if request.whatsapp:
            return request.whatsapp
        ticket = self.tickets.get(str(request.ticket))
        if ticket is None or not ticket.citizen:
            raise TicketGone(str(request.ticket))
        return ticket.citizen

    def erase(self, citizen: str, actor: str) -> Erasure:
        """Everything of one citizen, on their request; audited without the data itself."""
        numbers = self.tickets.numbers_of_citizen(citizen)
        done = [self._apply(n, Level.PERSONAL, actor, "erasure", None, 3) for n in numbers]
        versions = sum(d for d in done if d is not None)
        session = self.records.take_session(citizen)
        if session is not None:
            drafted = sorted(_evidence_in(session))
            versions += erase_evidence(self.s3, self.bucket, drafted)
            for key in drafted:
                self.records.delete_media_job(key)
        chatted, chat_media = self.records.take_chat(citizen)
        versions += erase_evidence(self.s3, self.bucket, sorted(chat_media))
        for key in chat_media:
            self.records.delete_media_job(key)
        messages = self.records.outbox_of(citizen)
        for entry_id, wamid in messages:
            self.records.delete_outbox(entry_id, wamid)
        result = Erasure(
            erasure_id=uuid.uuid4().hex,
            tickets=numbers,
            erased=ErasureCounts(
                tickets=sum(d is not None for d in done),
                messages=len(messages),
                sessions=int(session is not None),
                chat_messages=chatted,
                media_versions=versions,
            ),
        )
        audit.record(
            self.dynamodb,
            self.table,
            actor,
            "citizen.erase",
            f"erasure:{result.erasure_id}",
            {"tickets": numbers, "erased": result.erased.model_dump()},
        )
        log.info(
            "citizen_erased", extra={"erasure": result.erasure_id, **result.erased.model_dump()}
        )
        return result


def _evidence_in(value: Any) -> set[str]:
    """Evidence keys anywhere in a session's state (the draft's attachments, a photo sent
    outside a form): read generically, so the conversation's model can change freely."""
    if isinstance(value, str):
        return {value} if value.startswith("evidence/") else set()
    if isinstance(value, dict):
        return set().union(*(_evidence_in(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(_evidence_in(v) for v in value))
    return set()


def retention() -> Retention:
    """Wired from this container's services."""
    from chalicelib.wiring import services

    built = services()
    settings = built.settings
    return Retention(
        tickets=built.store.tickets,
        records=RetentionStore(built.store.client, settings.table_name),
        dynamodb=built.store.client,
        table=settings.table_name,
        s3=built.s3,
        bucket=settings.media_bucket,
        clock=built.clock,
        keep_tickets=timedelta(days=settings.retain_tickets_days),
        keep_conversation=timedelta(days=settings.retain_conversation_days),
    )
