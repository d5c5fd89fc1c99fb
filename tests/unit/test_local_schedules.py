"""`make run` runs every schedule the app registers, on its EventBridge expression (UTC)."""

from __future__ import annotations

import re
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from local.schedules import STARTUP_DELAY, Cron, Rate, Schedule, Scheduler, app_schedules, parse

ROOT = Path(__file__).resolve().parents[2]


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_every_schedule_chalice_registered_is_found_with_its_expression():
    found = {s.name: s.expression for s in app_schedules()}
    declared = re.findall(r"@app\.schedule\(", (ROOT / "app.py").read_text())
    assert len(found) == len(declared)  # a new schedule runs locally with no change here
    assert found["sweep_pending"] == "rate(1 minute)"
    assert found["daily_checks"] == "cron(0 0 * * ? *)"


def test_the_daily_cron_fires_at_midnight_utc_which_is_seven_in_the_morning_wib():
    daily = parse("cron(0 0 * * ? *)")
    assert daily.after(at("2026-12-02T18:30:00")) == at("2026-12-03T00:00:00")
    assert daily.after(at("2026-12-03T00:00:00")) == at("2026-12-04T00:00:00")
    assert daily.first(at("2026-12-02T18:30:00")) == at("2026-12-02T18:30:00") + STARTUP_DELAY


@pytest.mark.parametrize(
    ("expression", "after", "fires"),
    [
        ("cron(15 10 ? * MON-FRI *)", "2026-12-04T11:00:00", "2026-12-07T10:15:00"),  # Fri → Mon
        ("cron(0/15 * * * ? *)", "2026-12-04T11:07:00", "2026-12-04T11:15:00"),
        ("cron(0 8 1 * ? *)", "2026-12-04T11:07:00", "2027-01-01T08:00:00"),
        ("cron(30 1 ? * 1 *)", "2026-12-02T00:00:00", "2026-12-06T01:30:00"),  # 1 = Sunday
        ("cron(0 0 29 FEB ? 2027-2028)", "2026-12-02T00:00:00", "2028-02-29T00:00:00"),
    ],
)
def test_cron_expressions_fire_as_eventbridge_reads_them(expression, after, fires):
    assert parse(expression).after(at(after)) == at(fires)


def test_rates_fire_every_period_from_start():
    rate = parse("rate(5 minutes)")
    assert isinstance(rate, Rate)
    assert rate.first(at("2026-12-02T00:00:00")) == at("2026-12-02T00:05:00")
    assert parse("rate(1 day)").after(at("2026-12-02T00:00:00")) == at("2026-12-03T00:00:00")


@pytest.mark.parametrize("expression", ["cron(0 0 L * ? *)", "cron(0 0 * *)", "every 5 minutes"])
def test_expressions_it_cannot_run_are_refused_by_name(expression):
    with pytest.raises(ValueError):
        parse(expression)


def test_a_scheduler_invokes_its_function_on_time_and_survives_a_failing_run():
    stop, calls = threading.Event(), []

    def run(name: str) -> None:
        calls.append(name)
        if len(calls) == 1:
            raise RuntimeError("the first run fails, as a Lambda invocation can")

    schedule = Schedule("sweep_pending", "rate(50 ms)", Rate(timedelta(milliseconds=50)))
    scheduler = Scheduler(schedule, stop, run)
    scheduler.start()
    time.sleep(0.4)
    stop.set()
    scheduler.join(2)
    assert not scheduler.is_alive()
    assert calls[:3] == ["sweep_pending"] * 3
    assert len(calls) <= 9  # on its period, not in a busy loop


def test_a_cron_scheduler_runs_once_shortly_after_start_then_waits_for_its_time():
    stop, calls = threading.Event(), []
    cron = parse("cron(0 0 * * ? *)")
    assert isinstance(cron, Cron)
    scheduler = Scheduler(Schedule("daily_checks", "cron(0 0 * * ? *)", cron), stop, calls.append)
    started = datetime.now(UTC)
    assert cron.first(started) - started == STARTUP_DELAY
    scheduler.start()
    time.sleep(STARTUP_DELAY.total_seconds() + 0.5)
    stop.set()
    scheduler.join(2)
    assert calls == ["daily_checks"]
