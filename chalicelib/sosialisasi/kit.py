"""What a poster says, assembled from configuration: the office, the catalogue and `kit.yaml`.

The drawing is elsewhere (`tools/poster.py`); this module decides the words, so a console that
offers the kit for download later says the same.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from chalicelib.catalogue.office import Office
from chalicelib.catalogue.services import Catalogue
from chalicelib.datafiles import load_yaml
from chalicelib.sosialisasi.campaign import campaign_code
from chalicelib.sosialisasi.link import click_to_chat_link, display_number, short_link

KIT_PATH = Path(__file__).with_name("kit.yaml")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Step(_Model):
    title: str = Field(min_length=1, max_length=20)
    detail: str = Field(min_length=1, max_length=80)


class Kit(_Model):
    greeting: str = Field(min_length=1, max_length=60)
    title: str = Field(min_length=1, max_length=20)
    subtitle: str = Field(min_length=1, max_length=60)
    headline: str = Field(min_length=1, max_length=120)
    number_label: str = Field(min_length=1, max_length=20)
    steps: tuple[Step, Step, Step]
    scan: str = Field(min_length=1, max_length=60)
    services_heading: str = Field(min_length=1, max_length=40)
    free: str = Field(min_length=1, max_length=80)
    hours: str = Field(min_length=1, max_length=200)
    privacy: str = Field(min_length=1, max_length=240)
    emergency: str = Field(min_length=1, max_length=120)


@cache
def load_kit(path: Path = KIT_PATH) -> Kit:
    return Kit.model_validate(load_yaml(path))


class Entry(_Model):
    """One line of the services block: a name in bold and plain words after it."""

    name: str
    words: str


class PosterContent(_Model):
    office_name: str
    title: str
    subtitle: str
    headline: str
    number_label: str
    number: str
    link: str
    short_link: str
    code: str | None
    steps: tuple[Step, Step, Step]
    scan: str
    services_heading: str
    services: tuple[Entry, ...]
    # The services in one breath, from the catalogue's groups, for the square image.
    services_in_brief: str
    free: str | None
    hours: str
    privacy: str
    emergency: str


def poster_content(
    office: Office, catalogue: Catalogue, kit: Kit, code: str | None = None
) -> PosterContent:
    """The words of the poster and square image for the office, with a campaign code or not."""
    code = None if code is None else campaign_code(code)
    number = display_number(office)
    steps = tuple(
        step.model_copy(update={"detail": step.detail.format(number=number)}) for step in kit.steps
    )
    services = sorted(catalogue.services, key=lambda s: s.number)
    all_free = all(s.cost.lower().startswith("gratis") for s in services)
    return PosterContent(
        office_name=office.name,
        title=kit.title,
        subtitle=kit.subtitle,
        headline=kit.headline,
        number_label=kit.number_label,
        number=number,
        link=click_to_chat_link(office, kit.greeting, code),
        short_link=short_link(office),
        code=code,
        steps=(steps[0], steps[1], steps[2]),
        scan=kit.scan,
        services_heading=kit.services_heading,
        services=tuple(Entry(name=s.short_name, words=s.description) for s in services),
        services_in_brief="; ".join(g.description for g in catalogue.groups) + ".",
        free=kit.free if all_free else None,
        hours=kit.hours.format(hours=office.hours_text),
        privacy=kit.privacy,
        emergency=kit.emergency.format(numbers=_emergency_numbers(office)),
    )


def _emergency_numbers(office: Office) -> str:
    return ", ".join(f"{e.label} {e.number}" for e in office.emergency)
