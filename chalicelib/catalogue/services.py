"""The service catalogue: 14 services in groups, validated against WhatsApp limits at load.

The versioned source is `services.yaml` next to this file. It is seeded into DynamoDB, where
staff edits live; the bot reads the table (see `CatalogueSource`).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from chalicelib.datafiles import load_yaml
from chalicelib.whatsapp.outbound import BUTTON_TITLE_MAX, ROW_DESCRIPTION_MAX, ROW_TITLE_MAX

SERVICES_PATH = Path(__file__).with_name("services.yaml")

Slug = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)
# Permits the office issues; each has its own short form in the conversation.
PermitKind = Literal["ziarah", "sumbangan", "lks"]
Completable = Literal[
    "summary", "eligibility", "requirements", "steps", "cost", "duration", "legal_basis"
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Group(_Model):
    id: str = Slug
    title: str = Field(min_length=1, max_length=ROW_TITLE_MAX)
    description: str = Field(min_length=1, max_length=ROW_DESCRIPTION_MAX)


class Service(_Model):
    id: str = Slug
    number: int = Field(ge=1, le=99)
    group: str
    name: str = Field(min_length=1, max_length=100)
    # Also the label of a reply button (ambiguous choices), so the tighter button limit applies.
    short_name: str = Field(min_length=1, max_length=BUTTON_TITLE_MAX)
    description: str = Field(min_length=1, max_length=ROW_DESCRIPTION_MAX)
    urgent: bool = False
    accepts_request: bool = True
    # A request for this service is a permit (its own short form), not a welfare case.
    permits: tuple[PermitKind, ...] = ()
    summary: str = Field(min_length=1, max_length=600)
    eligibility: tuple[str, ...] = Field(min_length=1)
    requirements: tuple[str, ...] = Field(min_length=1)
    steps: tuple[str, ...] = Field(min_length=1)
    cost: str = Field(min_length=1)
    duration: str = Field(min_length=1)
    legal_basis: tuple[str, ...] = Field(min_length=1)
    # Where facts beyond the office's own LIGAT document come from (for staff; not shown).
    sources: tuple[str, ...] = ()
    keywords: tuple[str, ...] = Field(min_length=3)
    # Facts the office still has to confirm: shown to staff, never presented as certain.
    to_complete: tuple[Completable, ...] = ()

    @model_validator(mode="after")
    def _keywords_lowercase(self) -> Service:
        if any(k != k.lower().strip() or not k for k in self.keywords):
            raise ValueError(f"{self.id}: keywords must be lowercase and trimmed")
        return self


class Referral(_Model):
    """A question outside the office's services, answered with who handles it instead."""

    id: str = Slug
    title: str = Field(min_length=1, max_length=60)
    answer: str = Field(min_length=1, max_length=700)
    keywords: tuple[str, ...] = Field(min_length=2)
    # Where the fact comes from, for staff reviewing the answer; not shown to citizens.
    source: str = Field(min_length=1)
    # The office still has to confirm the answer: shown with one "to confirm" note.
    to_complete: bool = False

    @model_validator(mode="after")
    def _keywords_lowercase(self) -> Referral:
        if any(k != k.lower().strip() or not k for k in self.keywords):
            raise ValueError(f"{self.id}: keywords must be lowercase and trimmed")
        return self


class Catalogue(_Model):
    version: int = Field(ge=1)
    groups: tuple[Group, ...] = Field(min_length=1, max_length=9)
    services: tuple[Service, ...] = Field(min_length=1)
    referrals: tuple[Referral, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> Catalogue:
        group_ids = [g.id for g in self.groups]
        service_ids = [s.id for s in self.services]
        numbers = [s.number for s in self.services]
        referral_ids = [r.id for r in self.referrals]
        for name, values in (
            ("group", group_ids),
            ("service", service_ids),
            ("number", numbers),
            ("referral", referral_ids),
        ):
            if len(set(values)) != len(values):
                raise ValueError(f"duplicate {name} in the catalogue")
        orphans = {s.group for s in self.services} - set(group_ids)
        if orphans:
            raise ValueError(f"services refer to unknown groups: {sorted(orphans)}")
        for group in self.groups:
            members = self.in_group(group.id)
            # One WhatsApp list: up to 9 services plus a row back to the groups.
            if not 1 <= len(members) <= 9:
                raise ValueError(f"group {group.id} must hold 1-9 services, has {len(members)}")
        return self

    def service(self, service_id: str) -> Service | None:
        return next((s for s in self.services if s.id == service_id), None)

    def referral(self, referral_id: str) -> Referral | None:
        return next((r for r in self.referrals if r.id == referral_id), None)

    def group(self, group_id: str) -> Group | None:
        return next((g for g in self.groups if g.id == group_id), None)

    def in_group(self, group_id: str) -> list[Service]:
        return sorted((s for s in self.services if s.group == group_id), key=lambda s: s.number)


def parse_catalogue(data: object) -> Catalogue:
    return Catalogue.model_validate(data)


@cache
def load_catalogue(path: Path = SERVICES_PATH) -> Catalogue:
    return parse_catalogue(load_yaml(path))
