"""`LIGAT_LOCAL_CLOCK`: run `make run`'s stack at another moment, e.g. in office hours at night.

The stack's clock (chalicelib.clock.now) starts at the given moment and runs on from there, in
the runner's process (the inbound consumer, the schedules, the simulator) and in the chalice
local API alike: local.run turns the moment into one offset and hands it to the API process
(`LIGAT_LOCAL_CLOCK_OFFSET`), so both sides of a chat read the same time. What the simulated
WhatsApp stamps on a message stays the real time; a message from "the future" is not stale.
Moving the clock back is safe; forward by more than a day would make every message stale.
Only the local runner reads these variables; the deployed app always runs on real time.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

from chalicelib.clock import WIB

CLOCK = "LIGAT_LOCAL_CLOCK"  # an ISO 8601 moment; without an offset it is WIB
OFFSET = "LIGAT_LOCAL_CLOCK_OFFSET"  # seconds, set by local.run for its API process


def moment(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=WIB)


def offset_from_env() -> float | None:
    """The offset to apply in this process: the runner's, or one computed from the moment."""
    if os.environ.get(OFFSET):
        return float(os.environ[OFFSET])
    if os.environ.get(CLOCK):
        return (moment(os.environ[CLOCK]) - datetime.now(UTC)).total_seconds()
    return None


def shift(seconds: float) -> None:
    """Move this process's clock. Call before chalicelib.wiring or the routes are imported:
    they bind `clock.now` as a default when they load."""
    from chalicelib import clock

    real = clock.now.__dict__.get("real", clock.now)
    delta = timedelta(seconds=seconds)

    def now() -> datetime:
        return real() + delta

    now.real = real  # type: ignore[attr-defined]
    clock.now = now
