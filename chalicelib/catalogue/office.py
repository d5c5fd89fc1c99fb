"""The office's identity and calendar (configuration, not code)."""

from __future__ import annotations

from datetime import date, time
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from chalicelib.datafiles import load_yaml

OFFICE_PATH = Path(__file__).with_name("office.yaml")


class Emergency(BaseModel):
    model_config = ConfigDict(frozen=True)
    label: str
    number: str


class DutyOfficer(BaseModel):
    model_config = ConfigDict(frozen=True)
    emails: tuple[str, ...] = ()
    whatsapp: tuple[str, ...] = ()


class ServiceLevels(BaseModel):
    model_config = ConfigDict(frozen=True)
    verification_working_days: int = 3
    first_response_working_days: int = 5
    ceiling_days: int = 60
    urgent_response_hours: int = 2


class Office(BaseModel):
    model_config = ConfigDict(frozen=True)
    name: str
    short_name: str = Field(max_length=60)
    whatsapp: str
    # A telephone staff answer in office hours; None until the office confirms one.
    phone: str | None = None
    address: str
    hours: dict[int, tuple[time, time] | None]
    hours_text: str
    emergency: tuple[Emergency, ...] = Field(min_length=1)
    holidays: frozenset[date] = frozenset()
    duty_officer: DutyOfficer = DutyOfficer()
    service_levels: ServiceLevels = ServiceLevels()
    to_confirm: tuple[str, ...] = ()

    @field_validator("hours")
    @classmethod
    def _every_weekday(
        cls, hours: dict[int, tuple[time, time] | None]
    ) -> dict[int, tuple[time, time] | None]:
        if set(hours) != set(range(7)):
            raise ValueError("hours must list weekdays 0 (Monday) to 6")
        return hours


@cache
def load_office(path: Path = OFFICE_PATH) -> Office:
    return Office.model_validate(load_yaml(path))
