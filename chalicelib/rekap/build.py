"""The rekap's figures and rows, from tickets already fetched (SPEC §8, issue 9).

Pure: the caller fetches the day's tickets (by-day index), the backlog (by-status index) and the
day's closed tickets; this module counts, masks and lays them out. The HTML, text and XLSX
views read only the `Rekap` built here, so they cannot show what it does not hold.

Every personal value in a `Row` is masked by chalicelib/privacy.py. An anonymous ticket's
reporter (name, phone, NIK) is never in a rekap, whoever reads it: the citizen was told so.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from chalicelib.catalogue.office import Office
from chalicelib.catalogue.regions import Regions, load_regions
from chalicelib.catalogue.services import Catalogue
from chalicelib.clock import WIB
from chalicelib.datafiles import load_yaml
from chalicelib.privacy import mask_nik, mask_phone, mask_text
from chalicelib.staff.roles import ROLES, Role
from chalicelib.tickets.model import Priority, Status, Ticket, TicketType

LABELS_PATH = Path(__file__).with_name("labels.yaml")
DESCRIPTION_CHARS = 140
OPEN_STATUSES = tuple(status for status in Status if not status.closed)
CLOSED_STATUSES = tuple(status for status in Status if status.closed)


@cache
def labels() -> dict[str, Any]:
    loaded: dict[str, Any] = load_yaml(LABELS_PATH)
    return loaded


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class Scope(_Model):
    """Whose copy of the rekap this is: the whole kabupaten, or an asesor's kecamatan."""

    kecamatan: frozenset[str] | None = None  # Kemendagri codes; None = every kecamatan
    label: str = ""

    @classmethod
    def everything(cls) -> Scope:
        return cls(label=labels()["whole_kabupaten"])

    @classmethod
    def for_staff(
        cls, role: Role, kecamatan: Iterable[str], regions: Regions | None = None
    ) -> Scope:
        """Admin and pimpinan read the whole kabupaten; an asesor only their kecamatan."""
        if ROLES[role].ticket_scope == "all":
            return cls.everything()
        codes = frozenset(_code_key(code) for code in kecamatan)
        known = regions or load_regions()
        names = sorted(
            region.name if (region := known.by_code(code)) is not None else code for code in codes
        )
        label = "Kecamatan " + ", ".join(names) if names else labels()["no_kecamatan"]
        return cls(kecamatan=codes, label=label)

    def covers(self, ticket: Ticket) -> bool:
        if self.kecamatan is None:
            return True
        return ticket.kecamatan is not None and _code_key(ticket.kecamatan.code) in self.kecamatan


class Line(_Model):
    """One line of a breakdown: what is counted (code and Indonesian label) and how many."""

    key: str
    label: str
    count: int


class StatusLine(Line):
    oldest_days: int  # age of the oldest ticket in this status, in days since receipt


class Row(_Model):
    """One ticket as the rekap shows it; personal data already masked."""

    number: str
    received_at: datetime  # WIB
    type: TicketType
    type_label: str
    service_id: str
    service: str
    priority: Priority
    priority_label: str
    urgent: bool
    status: Status
    status_label: str
    kecamatan: str
    desa: str
    reporter: str
    phone: str
    nik: str
    description: str
    link: str
    age_days: int
    breaches: tuple[str, ...] = ()  # labels of the service levels missed
    due: datetime | None = None  # the nearest deadline not yet met (WIB)
    outcome: str = ""  # closed tickets: final status and the assessment's recommendation
    satisfaction: int | None = None


class NewTickets(_Model):
    total: int
    urgent: int
    affected: int = 0  # people or families in group reports (their rough counts, summed)
    by_type: tuple[Line, ...]
    by_service: tuple[Line, ...]
    by_kecamatan: tuple[Line, ...]
    by_priority: tuple[Line, ...]
    rows: tuple[Row, ...]


class Information(_Model):
    """Information answers given (no ticket), per service; not tied to a kecamatan."""

    total: int
    by_service: tuple[Line, ...]


class Backlog(_Model):
    """Open tickets at the time the rekap is made, whatever day they came in."""

    total: int
    by_status: tuple[StatusLine, ...]
    by_age: tuple[Line, ...]
    overdue: tuple[Row, ...]  # a service level already missed
    due_today: tuple[Row, ...]  # not overdue, a deadline falls today (WIB)


class Closed(_Model):
    total: int
    by_outcome: tuple[Line, ...]
    rows: tuple[Row, ...]


class SatisfactionSummary(_Model):
    count: int
    average: float | None  # 1-5; None without ratings
    by_score: tuple[Line, ...]


class Rekap(_Model):
    """The daily rekap: what came in on `day` (WIB), and the state of the backlog at `made_at`."""

    day: date
    made_at: datetime  # WIB
    office: str
    scope: str
    new: NewTickets
    information: Information
    backlog: Backlog
    urgent: tuple[Row, ...]  # new or open urgent tickets
    closed: Closed
    satisfaction: SatisfactionSummary


class DayLine(_Model):
    day: date
    new: int
    urgent: int
    closed: int


class Duration(_Model):
    """Median of a response time over `count` tickets; None when there are none."""

    count: int
    median_hours: float | None


class MonthlyRekap(_Model):
    """The month's rekap for the head of office: the daily figures over the month, the trend
    per day and the response times."""

    month: date  # the first day of the month
    made_at: datetime  # WIB
    office: str
    scope: str
    new: NewTickets
    information: Information
    backlog: Backlog
    closed: Closed
    satisfaction: SatisfactionSummary
    trend: tuple[DayLine, ...]  # every day of the month
    to_verification: Duration  # received in the month → verified (or rejected/redirected)
    to_closure: Duration  # received → closed, over the tickets closed in the month
    # First messages per sosialisasi campaign code in the month (counts only, no identity).
    campaigns: dict[str, int] = {}


class _Context:
    """What every row needs: names from the catalogue, the console address, the clock."""

    def __init__(self, catalogue: Catalogue, console_url: str, now: datetime) -> None:
        self.catalogue = catalogue
        self.console_url = console_url.rstrip("/")
        self.now = now
        self.today = now.astimezone(WIB).date()

    def service_name(self, service_id: str) -> str:
        service = self.catalogue.service(service_id)
        return service.name if service else labels()["other_service"]

    def service_order(self, service_id: str) -> int:
        service = self.catalogue.service(service_id)
        return service.number if service else 1000

    def age_days(self, ticket: Ticket) -> int:
        return (self.today - ticket.created_at.astimezone(WIB).date()).days

    def row(self, ticket: Ticket) -> Row:
        words = labels()
        hidden = ticket.anonymous
        return Row(
            number=ticket.number,
            received_at=ticket.created_at.astimezone(WIB),
            type=ticket.type,
            type_label=words["types"][ticket.type.value],
            service_id=ticket.service_id,
            service=self.service_name(ticket.service_id),
            priority=ticket.priority,
            priority_label=words["priorities"][ticket.priority.value],
            urgent=ticket.urgent,
            status=ticket.status,
            status_label=ticket.status.label,
            kecamatan=ticket.kecamatan.name if ticket.kecamatan else "",
            desa=ticket.desa.name if ticket.desa else "",
            reporter=words["hidden_reporter"] if hidden else (ticket.reporter_name or ""),
            phone="" if hidden else mask_phone(ticket.citizen),
            nik="" if hidden else mask_nik(ticket.nik),
            description=short_description(ticket.description),
            link=f"{self.console_url}/tickets/{ticket.number}",
            age_days=self.age_days(ticket),
            breaches=tuple(words["breaches"][name] for name in ticket.breaches(self.now)),
            due=_next_deadline(ticket),
            outcome=_outcome(ticket) if ticket.status.closed else "",
            satisfaction=ticket.satisfaction.score if ticket.satisfaction else None,
        )


def build_daily(
    day: date,
    new: Sequence[Ticket],
    backlog: Sequence[Ticket],
    closed: Sequence[Ticket],
    info_counts: dict[str, int],
    now: datetime,
    catalogue: Catalogue,
    office: Office,
    console_url: str,
    scope: Scope | None = None,
) -> Rekap:
    """The rekap of the WIB day `day`, as `scope` may read it.

    `new`: tickets received on `day`; `backlog`: open tickets (closed ones passed by a stale
    index are left out); `closed`: tickets closed on `day` (reopened ones are left out);
    `info_counts`: information answers per service id on `day`.
    """
    scope = scope or Scope.everything()
    for ticket in new:
        if ticket.wib_day != day.isoformat():
            raise ValueError(f"{ticket.number} was received on {ticket.wib_day}, not {day}")
    context = _Context(catalogue, console_url, now)
    new_tickets = _visible(new, scope)
    open_tickets = [t for t in _visible(backlog, scope) if not t.status.closed]
    closed_tickets = [t for t in _visible(closed, scope) if t.status.closed]
    urgent = {t.number: t for t in [*new_tickets, *open_tickets] if t.urgent}
    urgent = {number: t for number, t in urgent.items() if not t.status.closed}
    return Rekap(
        day=day,
        made_at=now.astimezone(WIB),
        office=office.name,
        scope=scope.label,
        new=_new_tickets(new_tickets, context),
        information=_information(info_counts, context),
        backlog=_backlog(open_tickets, context),
        urgent=tuple(context.row(t) for t in _by_receipt(urgent.values())),
        closed=_closed(closed_tickets, context),
        satisfaction=_satisfaction(closed_tickets),
    )


def build_monthly(
    month: date,
    new: Sequence[Ticket],
    backlog: Sequence[Ticket],
    closed: Sequence[Ticket],
    info_counts: dict[str, int],
    now: datetime,
    catalogue: Catalogue,
    office: Office,
    console_url: str,
    scope: Scope | None = None,
    campaigns: dict[str, int] | None = None,
) -> MonthlyRekap:
    """The rekap of the WIB calendar month holding `month`.

    `new`: tickets received in the month; `backlog`: open tickets now; `closed`: tickets
    closed in the month; `info_counts`: information answers per service id in the month.
    Response times come from each ticket's `verified_at` and `closed_at`.
    """
    scope = scope or Scope.everything()
    first = month.replace(day=1)
    days = _days_of_month(first)
    month_days = {day.isoformat() for day in days}
    for ticket in new:
        if ticket.wib_day not in month_days:
            raise ValueError(f"{ticket.number} was received on {ticket.wib_day}, not in {first}")
    context = _Context(catalogue, console_url, now)
    new_tickets = _visible(new, scope)
    open_tickets = [t for t in _visible(backlog, scope) if not t.status.closed]
    closed_tickets = [t for t in _visible(closed, scope) if t.status.closed]
    new_per_day = Counter(t.wib_day for t in new_tickets)
    urgent_per_day = Counter(t.wib_day for t in new_tickets if t.urgent)
    closed_per_day = Counter(
        t.closed_at.astimezone(WIB).date().isoformat() for t in closed_tickets if t.closed_at
    )
    trend = tuple(
        DayLine(
            day=day,
            new=new_per_day[day.isoformat()],
            urgent=urgent_per_day[day.isoformat()],
            closed=closed_per_day[day.isoformat()],
        )
        for day in days
    )
    return MonthlyRekap(
        month=first,
        made_at=now.astimezone(WIB),
        office=office.name,
        scope=scope.label,
        new=_new_tickets(new_tickets, context),
        information=_information(info_counts, context),
        backlog=_backlog(open_tickets, context),
        closed=_closed(closed_tickets, context),
        satisfaction=_satisfaction(closed_tickets),
        trend=trend,
        to_verification=_median(new_tickets, lambda t: t.verified_at),
        to_closure=_median(closed_tickets, lambda t: t.closed_at),
        campaigns=dict(sorted((campaigns or {}).items(), key=lambda kv: (-kv[1], kv[0]))),
    )


def short_description(text: str) -> str:
    """The first 140 characters of the masked description, on one line. Masked before it is
    cut, so a cut can never leave part of a NIK or phone number readable."""
    masked = " ".join(mask_text(text).split())
    if len(masked) <= DESCRIPTION_CHARS:
        return masked
    return masked[:DESCRIPTION_CHARS].rstrip() + "…"


def _new_tickets(tickets: Sequence[Ticket], context: _Context) -> NewTickets:
    words = labels()
    ordered = _by_receipt(tickets)
    services = Counter(t.service_id for t in ordered)
    kecamatan = Counter(_kecamatan_key(t) for t in ordered)
    kecamatan_names = {_kecamatan_key(t): t.kecamatan.name for t in ordered if t.kecamatan}
    return NewTickets(
        total=len(ordered),
        urgent=sum(t.urgent for t in ordered),
        affected=sum(t.affected or 0 for t in ordered),
        by_type=_lines(
            Counter(t.type.value for t in ordered),
            [kind.value for kind in TicketType],
            lambda key: words["types"][key],
            keep_zero=True,
        ),
        by_service=_lines(
            services,
            sorted(services, key=lambda key: (-services[key], context.service_order(key))),
            context.service_name,
        ),
        by_kecamatan=_lines(
            kecamatan,
            sorted(kecamatan, key=lambda key: (-kecamatan[key], key == "", key)),
            lambda key: kecamatan_names.get(key, words["no_kecamatan"]),
        ),
        by_priority=_lines(
            Counter(t.priority.value for t in ordered),
            [Priority.TINGGI.value, Priority.NORMAL.value],
            lambda key: words["priorities"][key],
            keep_zero=True,
        ),
        rows=tuple(context.row(t) for t in ordered),
    )


def _information(info_counts: dict[str, int], context: _Context) -> Information:
    counts = Counter({key: count for key, count in info_counts.items() if count > 0})
    order = sorted(counts, key=lambda key: (-counts[key], context.service_order(key), key))
    return Information(
        total=sum(counts.values()), by_service=_lines(counts, order, context.service_name)
    )


def _backlog(tickets: Sequence[Ticket], context: _Context) -> Backlog:
    by_status = []
    for status in OPEN_STATUSES:
        ages = [context.age_days(t) for t in tickets if t.status is status]
        by_status.append(
            StatusLine(
                key=status.value,
                label=status.label,
                count=len(ages),
                oldest_days=max(ages, default=0),
            )
        )
    buckets: list[dict[str, Any]] = labels()["ages"]
    in_bucket = Counter(_age_bucket(context.age_days(t), buckets) for t in tickets)
    overdue = [t for t in tickets if t.overdue(context.now)]
    due_today = [
        t
        for t in tickets
        if not t.overdue(context.now)
        and any(deadline.astimezone(WIB).date() == context.today for deadline in _pending(t))
    ]
    return Backlog(
        total=len(tickets),
        by_status=tuple(by_status),
        by_age=tuple(
            Line(key=str(i), label=bucket["label"], count=in_bucket[i])
            for i, bucket in enumerate(buckets)
        ),
        overdue=tuple(context.row(t) for t in sorted(overdue, key=_oldest_deadline)),
        due_today=tuple(context.row(t) for t in sorted(due_today, key=_oldest_deadline)),
    )


def _closed(tickets: Sequence[Ticket], context: _Context) -> Closed:
    outcomes = Counter(t.status.value for t in tickets)
    return Closed(
        total=len(tickets),
        by_outcome=tuple(
            Line(key=status.value, label=status.label, count=outcomes[status.value])
            for status in CLOSED_STATUSES
        ),
        rows=tuple(context.row(t) for t in _by_receipt(tickets)),
    )


def _satisfaction(tickets: Sequence[Ticket]) -> SatisfactionSummary:
    scores = [t.satisfaction.score for t in tickets if t.satisfaction]
    counts = Counter(scores)
    return SatisfactionSummary(
        count=len(scores),
        average=round(statistics.fmean(scores), 2) if scores else None,
        by_score=tuple(
            Line(key=str(score), label=str(score), count=counts[score]) for score in range(5, 0, -1)
        ),
    )


def _median(tickets: Sequence[Ticket], until: Callable[[Ticket], datetime | None]) -> Duration:
    hours = [
        (moment - t.created_at).total_seconds() / 3600
        for t in tickets
        if (moment := until(t)) is not None
    ]
    return Duration(
        count=len(hours), median_hours=round(statistics.median(hours), 2) if hours else None
    )


def _lines(
    counts: Counter[str],
    order: Iterable[str],
    label: Callable[[str], str],
    *,
    keep_zero: bool = False,
) -> tuple[Line, ...]:
    return tuple(
        Line(key=key, label=label(key), count=counts[key])
        for key in order
        if keep_zero or counts[key]
    )


def _visible(tickets: Sequence[Ticket], scope: Scope) -> list[Ticket]:
    return [t for t in tickets if scope.covers(t)]


def _by_receipt(tickets: Iterable[Ticket]) -> list[Ticket]:
    return sorted(tickets, key=lambda t: (t.created_at, t.number))


def _kecamatan_key(ticket: Ticket) -> str:
    return ticket.kecamatan.code if ticket.kecamatan else ""


def _pending(ticket: Ticket) -> list[datetime]:
    """Deadlines the office has not met yet."""
    pending = []
    if ticket.verified_at is None:
        pending.append(ticket.due.verification)
    if ticket.first_response_at is None:
        pending.append(ticket.due.first_response)
    if not ticket.status.closed:
        pending.append(ticket.due.final)
    return pending


def _next_deadline(ticket: Ticket) -> datetime | None:
    pending = _pending(ticket)
    return min(pending).astimezone(WIB) if pending else None


def _oldest_deadline(ticket: Ticket) -> tuple[datetime, str]:
    return (min(_pending(ticket), default=datetime.max.replace(tzinfo=UTC)), ticket.number)


def _outcome(ticket: Ticket) -> str:
    outcome = ticket.status.label
    if ticket.assessment:
        outcome += " — " + labels()["recommendations"][ticket.assessment.recommendation]
    return outcome


def _age_bucket(age: int, buckets: list[dict[str, Any]]) -> int:
    for index, bucket in enumerate(buckets):
        if bucket["days"] is None or age <= bucket["days"]:
            return index
    return len(buckets) - 1


def _days_of_month(first: date) -> list[date]:
    following = (first + timedelta(days=32)).replace(day=1)
    return [first + timedelta(days=offset) for offset in range((following - first).days)]


def _code_key(code: str) -> str:
    return code.strip().replace(".", "")
