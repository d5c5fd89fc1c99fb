"""Every `@app.schedule` of the app, run by `make run` as EventBridge runs it in AWS.

The schedules are read from what Chalice registered on the app (`app.app.event_sources`), so a
new one runs locally without a change here. A `rate(...)` fires every period from start; a
`cron(...)` on its expression, in UTC like EventBridge, and once a few seconds after start:
the app's cron jobs are morning jobs that catch up what is owed (yesterday's rekap), so a person
sees their result without waiting for 07:00 WIB.
"""

from __future__ import annotations

import re
import sys
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

REGION = "ap-southeast-3"
ACCOUNT = "123456789012"
STARTUP_DELAY = timedelta(seconds=3)  # a cron job's first, catch-up run after start

_UNITS = {"minute": "minutes", "hour": "hours", "day": "days"}
_MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
_DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]  # EventBridge: 1 = SUN ... 7 = SAT


class LambdaContext:
    def __init__(self, name: str):
        self.function_name = f"ligat-local-{name}"
        self.aws_request_id = str(uuid.uuid4())
        self.memory_limit_in_mb = 512

    def get_remaining_time_in_millis(self) -> int:
        return 60_000


def scheduled_event(name: str, at: datetime) -> dict[str, Any]:
    """The event EventBridge hands a scheduled function."""
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": ACCOUNT,
        "time": at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": REGION,
        "resources": [f"arn:aws:events:{REGION}:{ACCOUNT}:rule/ligat-local-{name}"],
        "detail": {},
    }


def invoke(name: str) -> None:
    """Run the scheduled function `name` once, as one EventBridge invocation."""
    import app

    getattr(app, name)(scheduled_event(name, datetime.now(UTC)), LambdaContext(name))


# -- schedule expressions -------------------------------------------------------------------


class Rate:
    def __init__(self, every: timedelta):
        self.every = every

    def first(self, start: datetime) -> datetime:
        return start + self.every

    def after(self, moment: datetime) -> datetime:
        return moment + self.every


class Cron:
    """EventBridge's six fields (minutes hours day-of-month month day-of-week year), in UTC;
    `*`, `?`, numbers, names, ranges, lists and steps. `L`, `W` and `#` are not supported."""

    def __init__(self, fields: list[str]):
        if len(fields) != 6:
            raise ValueError(f"cron needs 6 fields, got {len(fields)}")
        minutes, hours, days, months, weekdays, years = fields
        self.minutes = _values(minutes, 0, 59)
        self.hours = _values(hours, 0, 23)
        self.days = None if days == "?" else _values(days, 1, 31)
        self.months = _values(months, 1, 12, _MONTHS)
        self.weekdays = None if weekdays == "?" else _values(weekdays, 1, 7, _DAYS)
        self.years = _values(years, 1970, 2199)

    def first(self, start: datetime) -> datetime:
        return start + STARTUP_DELAY

    def after(self, moment: datetime) -> datetime:
        """The first minute after `moment` the expression matches."""
        at = moment.astimezone(UTC).replace(second=0, microsecond=0) + timedelta(minutes=1)
        while at.year <= max(self.years):
            if at.year not in self.years or at.month not in self.months or not self._day(at):
                at = (at + timedelta(days=1)).replace(hour=0, minute=0)
            elif at.hour not in self.hours:
                at = (at + timedelta(hours=1)).replace(minute=0)
            elif at.minute not in self.minutes:
                at += timedelta(minutes=1)
            else:
                return at
        raise ValueError("the cron expression never fires again")

    def _day(self, at: datetime) -> bool:
        weekday = (at.weekday() + 1) % 7 + 1  # Python: Monday = 0; EventBridge: Sunday = 1
        return (self.days is None or at.day in self.days) and (
            self.weekdays is None or weekday in self.weekdays
        )


def _values(field: str, low: int, high: int, names: list[str] | None = None) -> set[int]:
    def number(text: str) -> int:
        if names and text.upper() in names:
            return names.index(text.upper()) + low
        if not text.isdigit():
            raise ValueError(f"unsupported cron value {text!r}")
        return int(text)

    values: set[int] = set()
    for part in field.split(","):
        span, _, step = part.partition("/")
        if span in ("*", "?"):
            start, end = low, high
        elif "-" in span:
            first, last = span.split("-", 1)
            start, end = number(first), number(last)
        else:
            start = number(span)
            end = high if step else start
        values.update(range(start, end + 1, int(step) if step else 1))
    return values


def expression_text(expression: Any) -> str:
    """A Chalice `Rate`/`Cron` object (or an EventBridge expression string) as EventBridge
    reads it."""
    return str(expression.to_string() if hasattr(expression, "to_string") else expression)


def parse(text: str) -> Rate | Cron:
    rate = re.fullmatch(r"rate\((\d+) (minutes?|hours?|days?)\)", text.strip())
    if rate:
        unit = _UNITS.get(rate[2], rate[2])
        return Rate(timedelta(**{unit: int(rate[1])}))
    cron = re.fullmatch(r"cron\((.+)\)", text.strip())
    if cron:
        return Cron(cron[1].split())
    raise ValueError(f"unsupported schedule expression {text!r}")


# -- running them ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Schedule:
    name: str  # the function's name, as Chalice registered it
    expression: str
    timing: Rate | Cron


def app_schedules() -> list[Schedule]:
    """Every scheduled function Chalice registered on the app, in declaration order."""
    from chalice.app import ScheduledEventConfig

    import app

    expressions = [
        (source.name, expression_text(source.schedule_expression))
        for source in app.app.event_sources
        if isinstance(source, ScheduledEventConfig)
    ]
    return [Schedule(name, text, parse(text)) for name, text in expressions]


class Scheduler(threading.Thread):
    """Fires one schedule's function until `stop`; a run that overruns delays the next."""

    def __init__(
        self,
        schedule: Schedule,
        stop: threading.Event,
        run: Callable[[str], None] = invoke,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ):
        super().__init__(daemon=True, name=f"schedule-{schedule.name}")
        self.schedule, self._halt, self._run, self._clock = schedule, stop, run, clock
        self.runs = 0

    def run(self) -> None:
        due = self.schedule.timing.first(self._clock())
        while not self._halt.wait(max(0.0, (due - self._clock()).total_seconds())):
            try:
                self._run(self.schedule.name)
            except Exception as error:  # as in Lambda: logged, the next firing comes anyway
                print(f"{self.schedule.name}: {error!r}", file=sys.stderr)
            self.runs += 1
            due = self.schedule.timing.after(max(due, self._clock()))
