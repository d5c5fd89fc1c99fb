"""Builders of the messages the citizen sees; all wording comes from copy.yaml."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.catalogue.office import Office
from chalicelib.catalogue.services import Catalogue, Service
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


def service_answer(copy: Copy, service: Service, office: Office) -> Text:
    """One readable message: what, who, documents, steps, cost, duration, where, legal basis."""
    labels = copy["answer"]
    pending = set(service.to_complete)

    def section(field: str, lines: tuple[str, ...], numbered: bool = False) -> str:
        items = [f"{n}. {line}" if numbered else f"• {line}" for n, line in enumerate(lines, 1)]
        note = [labels["to_confirm"]] if field in pending else []
        return "\n".join([f"*{labels[field]}*", *items, *note])

    def line(field: str, value: str) -> str:
        note = f" {labels['to_confirm']}" if field in pending else ""
        return f"*{labels[field]}:* {value}{note}"

    summary = (
        f"{service.summary} {labels['to_confirm']}" if "summary" in pending else service.summary
    )
    parts = [f"*{service.name}*", summary]
    if service.urgent:
        parts.append(labels["urgent"].format(emergency=emergency_line(office)))
    parts += [
        section("eligibility", service.eligibility),
        section("requirements", service.requirements),
        section("steps", service.steps, numbered=True),
        line("cost", service.cost),
        line("duration", service.duration),
        f"*{labels['place']}:* {office.address}. {office.hours_text}.",
        section("legal_basis", service.legal_basis),
    ]
    return text("\n\n".join(parts))


def answer_actions(copy: Copy, service: Service) -> Buttons:
    spec = copy["answer_actions"]
    choices = [(f"adu:{service.id}", spec["complaint"]), ("menu", spec["menu"])]
    if service.accepts_request:
        choices.insert(0, (f"req:{service.id}", spec["request"]))
    return buttons(spec["body"].format(service=service.short_name), choices)


def ambiguous(copy: Copy, services: list[Service]) -> Buttons:
    return buttons(copy["ambiguous"]["body"], [(f"svc:{s.id}", s.short_name) for s in services])


def emergency_line(office: Office) -> str:
    return ", ".join(f"{e.label} {e.number}" for e in office.emergency)


def contact(copy: Copy, office: Office, now: datetime) -> Text:
    spec = copy["contact"]
    emergency = "\n".join(f"• {e.label}: *{e.number}*" for e in office.emergency)
    body = spec["body"].format(
        office=office.name,
        address=office.address,
        hours=office.hours_text,
        whatsapp=office.whatsapp,
        emergency=emergency,
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
