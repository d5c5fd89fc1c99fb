"""Answers of the staff API that have no domain model of their own (the audit log, a catalogue
entry as stored, the sosialisasi counts, the sign-in answer, ...), so /admin/openapi.json
describes every JSON answer. Routes name them as "chalicelib.routes.answers:Name": this module is
imported on the first request that needs it, never on the webhook's cold start."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, RootModel

from chalicelib.staff.schemas import Challenge, Tokens


class _Answer(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)


class SignInAnswer(RootModel[Tokens | Challenge]):
    """Tokens, or the first sign-in's NEW_PASSWORD_REQUIRED challenge."""


class OpenApiDocument(BaseModel):
    model_config = ConfigDict(extra="allow", defer_build=True)
    openapi: str
    info: dict[str, Any]
    paths: dict[str, Any]
    components: dict[str, Any]


class AuditEntry(_Answer):
    actor: str  # staff id
    action: str  # e.g. ticket.read, ticket.transition, catalogue.edit
    target: str  # e.g. ticket:LGT-2611-0042
    detail: dict[str, Any]
    at: str  # UTC, ISO 8601


class AuditLog(_Answer):
    events: list[AuditEntry]


class CampaignCounts(_Answer):
    start: str  # WIB days, inclusive
    end: str
    totals: dict[str, int]  # campaign code → citizens
    days: dict[str, dict[str, int]]  # day → campaign code → citizens (days with none left out)


class ServiceRevision(_Answer):
    revision: int
    by_name: str
    at: str


class StoredService(_Answer):
    service: dict[str, Any]  # a service of services.yaml
    revision: int
    source: str | None = None  # "seed" until staff edit it
    updated_by: str | None
    updated_at: str | None
    updated_by_name: str | None = None  # GET only
    revisions: list[ServiceRevision] = []  # GET only: the last edits, newest first


class RekapSent(_Answer):
    day: str
    emails: int  # e-mails queued, one per rekap reader
