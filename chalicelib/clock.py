"""The one clock. Store UTC; show and cut days in WIB (Asia/Jakarta, UTC+7, no daylight saving)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

WIB = timezone(timedelta(hours=7), "WIB")


def now() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def wib_day(moment: datetime) -> str:
    return moment.astimezone(WIB).strftime("%Y-%m-%d")


def from_unix(seconds: str | int | float) -> datetime:
    return datetime.fromtimestamp(float(seconds), UTC)


def parse_iso(value: str) -> datetime:
    """The inverse of `iso` (also reads offsets other than Z)."""
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)
