"""LIGAT_LOCAL_CLOCK (local/clock.py): `make run`'s stack at another moment, one offset for the
runner and its API process."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib import clock
from local.clock import CLOCK, OFFSET, moment, offset_from_env, shift


@pytest.fixture(autouse=True)
def real_clock(monkeypatch):
    monkeypatch.setattr(clock, "now", clock.now)  # restored after each test
    monkeypatch.delenv(CLOCK, raising=False)
    monkeypatch.delenv(OFFSET, raising=False)


def test_a_moment_without_an_offset_is_wib():
    assert moment("2026-11-24T10:00") == datetime(2026, 11, 24, 3, 0, tzinfo=UTC)
    assert moment("2026-11-24T10:00+00:00") == datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


def test_no_variable_leaves_the_clock_alone():
    assert offset_from_env() is None


def test_the_moment_becomes_an_offset_and_the_clock_starts_there(monkeypatch):
    monkeypatch.setenv(CLOCK, "2026-11-24T10:00:00+07:00")
    shift(offset_from_env() or 0)
    started = clock.now()
    assert abs(started - datetime(2026, 11, 24, 3, 0, tzinfo=UTC)) < timedelta(seconds=5)
    assert clock.now() >= started  # and it runs on


def test_the_api_process_takes_the_runners_offset_and_shifting_again_does_not_add_up(
    monkeypatch,
):
    monkeypatch.setenv(CLOCK, "2000-01-01T00:00")  # ignored: the runner's offset wins
    monkeypatch.setenv(OFFSET, str(-3600.0))
    assert offset_from_env() == -3600.0
    shift(-3600.0)
    shift(-3600.0)
    assert abs(datetime.now(UTC) - timedelta(hours=1) - clock.now()) < timedelta(seconds=5)
