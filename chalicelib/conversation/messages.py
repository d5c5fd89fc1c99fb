"""Builders of the messages the citizen sees; all wording comes from copy.yaml."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from chalicelib.catalogue.office import Office
from chalicelib.catalogue.services import Catalogue, Referral, Service
from chalicelib.clock import WIB
from chalicelib.tickets.sla import is_office_hours, next_office_open
from chalicelib.whatsapp.outbound import (
    BODY_MAX,
    ROW_TITLE_MAX,
    TEXT_MAX,
    Button,
    Buttons,
    ListMessage,
    Row,
    Section,
    Text,
)

Copy = dict[str, Any]


def fit(value: str, limit: int = ROW_TITLE_MAX) -> str:
    """Shorten to `limit` characters, marking the cut with an ellipsis."""
    return value if len(value) <= limit else value[: limit - 1] + "…"


def text(body: str) -> Text:
    return Text(body=fit(body, TEXT_MAX))


def buttons(body: str, choices: list[tuple[str, str]]) -> Buttons:
    return Buttons(body=fit(body, BODY_MAX), buttons=[Button(id=i, title=t) for i, t in choices])


def main_menu(copy: Copy) -> ListMessage:
    menu = copy["main_menu"]
    return ListMessage(
        header=menu["header"],
        body=menu["body"],
        footer=menu["footer"],
        button=menu["button"],
        sections=[Section(title=menu["section"], rows=[Row(**row) for row in menu["rows"]])],
    )


def groups_list(copy: Copy, catalogue: Catalogue) -> ListMessage:
    spec = copy["groups_list"]
    rows = [
        Row(id=f"grp:{g.id}", title=g.title, description=g.description) for g in catalogue.groups
    ]
    return ListMessage(
        body=spec["body"],
        button=spec["button"],
        sections=[Section(title=spec["section"], rows=rows)],
    )


def services_list(copy: Copy, catalogue: Catalogue, group_id: str) -> ListMessage:
    spec = copy["services_list"]
    group = catalogue.group(group_id)
    rows = [
        Row(id=f"svc:{s.id}", title=s.short_name, description=s.description)
        for s in catalogue.in_group(group_id)
    ]
    rows.append(Row(**spec["back_row"]))
    title = group.title if group else spec["button"]
    return ListMessage(
        body=spec["body"], button=spec["button"], sections=[Section(title=title, rows=rows)]
    )


ANSWER_MAX = 700  # the first answer about a service fits one phone screen
# (summary length, eligibility lines, requirement lines), from the fullest first answer down.
SHORTER = ((600, 2, 3), (240, 2, 3), (160, 2, 2), (160, 1, 2), (120, 1, 1))


def service_answer(copy: Copy, service: Service, office: Office) -> Text:
    """The first answer: what it is, who qualifies, the key documents, cost. One note at most
    when a fact shown is still to be confirmed; the rest follows on a tap (`service_details`).
    Fits one phone screen: a long summary is cut first, then fewer lines are shown."""
    body = ""
    for body in _answer_variants(copy, service, office):
        if len(body) <= ANSWER_MAX:
            break
    return text(fit(body, ANSWER_MAX))


def full_answer_length(copy: Copy, service: Service, office: Office) -> int:
    """The first answer's length before any cut: over ANSWER_MAX, the bot shortens it."""
    return len(next(_answer_variants(copy, service, office)))


def _answer_variants(copy: Copy, service: Service, office: Office) -> Iterator[str]:
    """The first answer from the fullest down (SHORTER)."""
    labels = copy["answer"]
    pending = set(service.to_complete)
    cost = labels["cost_unknown"] if "cost" in pending else service.cost
    note = (
        [labels["to_confirm"]]
        if pending & {"summary", "eligibility", "requirements", "cost"}
        else []
    )
    urgent = [labels["urgent"].format(emergency=emergency_line(office))] if service.urgent else []
    for summary_max, eligibility, requirements in SHORTER:
        parts = [
            f"*{service.name}*",
            fit(service.summary, summary_max),
            *urgent,
            _items(labels["eligibility"], service.eligibility[:eligibility]),
            _items(labels["key_requirements"], service.requirements[:requirements]),
            f"*{labels['cost']}:* {cost}",
            *note,
            labels["more"],
        ]
        yield "\n\n".join(parts)


def service_details(copy: Copy, service: Service, office: Office) -> Text:
    """Everything else, on a tap: all requirements, steps, duration, place, legal basis."""
    labels = copy["answer"]
    pending = set(service.to_complete)
    shown = {"requirements", "steps", "duration", "legal_basis"}
    duration = labels["duration_unknown"] if "duration" in pending else service.duration
    parts = [
        f"*{service.name}*",
        _items(labels["requirements"], service.requirements),
        _items(labels["steps"], service.steps, numbered=True),
        f"*{labels['duration']}:* {duration}",
        f"*{labels['place']}:* {office.address}. {office.hours_text}.",
        _items(labels["legal_basis"], service.legal_basis),
    ]
    if pending & shown:
        parts.append(labels["to_confirm"])
    return text("\n\n".join(parts))


def _items(title: str, lines: tuple[str, ...], numbered: bool = False) -> str:
    items = [f"{n}. {line}" if numbered else f"• {line}" for n, line in enumerate(lines, 1)]
    return "\n".join([f"*{title}*", *items])


def answer_actions(copy: Copy, service: Service) -> Buttons:
    spec = copy["answer_actions"]
    first = (
        (f"req:{service.id}", spec["request"])
        if service.accepts_request
        else (f"adu:{service.id}", spec["complaint"])
    )
    choices = [(f"det:{service.id}", spec["details"]), first, ("menu", spec["menu"])]
    return buttons(spec["body"].format(service=service.short_name), choices)


def details_actions(copy: Copy, service: Service) -> Buttons:
    spec = copy["answer_actions"]
    choices = [(f"adu:{service.id}", spec["complaint"]), ("menu", spec["menu"])]
    if service.accepts_request:
        choices.insert(0, (f"req:{service.id}", spec["request"]))
    return buttons(spec["body"].format(service=service.short_name), choices)


def programmes_list(copy: Copy, catalogue: Catalogue) -> ListMessage:
    """The assistance programmes, for a citizen who asks about "bantuan" in general."""
    spec = copy["programmes"]
    services = [catalogue.service(sid) for sid in spec["services"]]
    rows = [
        Row(id=f"svc:{s.id}", title=s.short_name, description=s.description)
        for s in services
        if s is not None
    ]
    rows.append(Row(**spec["all_row"]))
    return ListMessage(
        body=spec["body"],
        button=spec["button"],
        sections=[Section(title=spec["section"], rows=rows)],
    )


def referral_answer(copy: Copy, referral: Referral) -> Buttons:
    spec = copy["referral"]
    body = f"*{referral.title}*\n{referral.answer}"
    if referral.to_complete:
        body += f"\n\n{spec['to_confirm']}"
    choices = [("menu:info", spec["services"]), ("menu", copy["answer_actions"]["menu"])]
    return buttons(body, choices)


def ambiguous(copy: Copy, services: list[Service]) -> Buttons:
    return buttons(copy["ambiguous"]["body"], [(f"svc:{s.id}", s.short_name) for s in services])


def emergency_line(office: Office) -> str:
    return ", ".join(f"{e.label} {e.number}" for e in office.emergency)


def emergency_list(office: Office) -> str:
    return "\n".join(f"• {e.label}: *{e.number}*" for e in office.emergency)


def contact(copy: Copy, office: Office, now: datetime) -> Text:
    spec = copy["contact"]
    phone = spec["phone"].format(phone=office.phone) if office.phone else ""
    body = spec["body"].format(
        office=office.name,
        address=office.address,
        hours=office.hours_text,
        phone=phone,
        whatsapp=office.whatsapp,
        emergency=emergency_list(office),
    )
    return text(f"{body}\n\n{availability(copy, office, now)}")


def availability(copy: Copy, office: Office, now: datetime) -> str:
    """Whether staff are at work now, or when they will pick the case up."""
    if office_open(office, now):
        return str(copy["contact"]["open"])
    return str(copy["contact"]["closed"].format(next_open=when(copy, next_open(office, now))))


def office_open(office: Office, now: datetime) -> bool:
    return is_office_hours(now, office.hours, office.holidays)


def next_open(office: Office, now: datetime) -> datetime:
    return next_office_open(now, office.hours, office.holidays)


def day_text(copy: Copy, moment: datetime) -> str:
    local = moment.astimezone(WIB)
    day = copy["weekdays"][local.weekday()]
    return f"{day}, {local.day:02d}-{local.month:02d}-{local.year}"


def when(copy: Copy, moment: datetime) -> str:
    return f"{day_text(copy, moment)} pukul {moment.astimezone(WIB):%H.%M} WIB"
