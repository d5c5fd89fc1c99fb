"""The 07:00 WIB schedule on moto with a fixed clock: a missed morning is caught up by the next,
oldest day first; a rerun, a duplicate or a concurrent invocation sends nothing twice; an e-mail
SES refuses is retried by the sweep and, if it never goes, stays visible as failed; a missed 1st
still sends last month's rekap."""

from __future__ import annotations

import email
import json
import logging
import threading
from datetime import UTC, datetime
from email.policy import default
from typing import Any

import pytest
from botocore.exceptions import ClientError
from moto.backends import get_backend

from chalicelib.outbox import MAX_ATTEMPTS
from chalicelib.rekap.send import rekap_service as wired_rekap_service
from chalicelib.staff.model import StaffMember
from chalicelib.staff.roles import Role
from chalicelib.staff.schemas import StaffCreate
from local.atomic import AtomicClient
from tests.logscan import LogScan
from tests.staffkit import PASSWORD, StaffApi, open_staff_api

READER = "kabid@dinsos.test"
HEAD = "kadis@dinsos.test"
MORNING = datetime(2026, 11, 27, 0, 0, tzinfo=UTC)  # Jumat 27 November 2026, 07:00 WIB


@pytest.fixture
def api(stack, monkeypatch, tmp_path):
    from chalicelib import wiring

    monkeypatch.setattr(wiring, "services", lambda: stack.services)
    stack.clock.moment = MORNING
    yield from open_staff_api(stack, monkeypatch, tmp_path)


@pytest.fixture
def readers(api: StaffApi) -> list[StaffMember]:
    """An admin who reads the daily rekap, and the head of office (monthly only)."""
    added = []
    for address, role, daily in ((READER, Role.ADMIN, True), (HEAD, Role.PIMPINAN, False)):
        request = StaffCreate(
            email=address,
            name=f"Petugas {role.value}",
            role=role,
            temporary_password=PASSWORD,
            rekap_recipient=daily,
        )
        added.append(api.services.directory.create("test", request))
    return added


@pytest.fixture
def logged() -> Any:
    scan = LogScan()
    logger = logging.getLogger("ligat")
    logger.addHandler(scan)
    yield lambda: [json.loads(line) for line in scan.lines]
    logger.removeHandler(scan)


@pytest.fixture
def morning(stack, api: StaffApi) -> Any:
    """`morning(day, month)`: the schedule fires at 07:00 WIB of that day (2026), invoked as
    EventBridge would."""

    def fire(day: int, month: int = 11) -> None:
        stack.clock.moment = datetime(2026, month, day, 0, 0, tzinfo=UTC)
        event = api.client.events.generate_cw_event(
            source="aws.events", detail_type="Scheduled Event", detail={}, resources=[]
        )
        api.client.lambda_.invoke("daily_checks", event)

    return fire


def subjects(to: str) -> list[str]:
    """Subjects of the e-mails SES accepted for `to`, in the order they were sent."""
    ses = get_backend("ses")["123456789012"]["ap-southeast-3"]
    found = []
    for message in ses.sent_messages:
        if to in json.dumps(message.destinations):
            parsed = email.message_from_string(message.raw_data, policy=default)
            found.append(str(parsed["Subject"]))
    return found


def days_in(subjects_sent: list[str]) -> list[str]:
    """The days of the daily rekaps: 'Rekap LIGAT — Kamis, 26 November 2026 — ...' -> '26
    November' (the monthly rekap's subject starts 'Rekap Bulanan')."""
    daily = [s for s in subjects_sent if s.startswith("Rekap LIGAT — ")]
    return [" ".join(s.split(" — ")[1].split(" ")[1:3]) for s in daily]


def test_the_first_morning_sends_yesterday_only(stack, readers, morning):
    morning(27)
    assert subjects(READER) == ["Rekap LIGAT — Kamis, 26 November 2026 — tidak ada laporan baru"]
    assert subjects(HEAD) == []  # not a daily reader; no month was missed


def test_two_missed_mornings_are_caught_up_oldest_first_and_once(stack, readers, morning, logged):
    morning(27)
    morning(30)  # the runs of the 28th and the 29th never happened
    assert days_in(subjects(READER)) == [
        "26 November",
        "27 November",
        "28 November",
        "29 November",
    ]
    morning(30)  # a retried schedule
    assert len(subjects(READER)) == 4
    [caught_up] = [e for e in logged() if e["event"] == "rekap_caught_up"]
    assert caught_up["days"] == ["2026-11-27", "2026-11-28", "2026-11-29"]
    assert sum(e["event"] == "rekap_sent" for e in logged()) == 4


def test_a_catch_up_looks_back_a_week_at_most(stack, readers, morning):
    morning(9)
    morning(20)  # ten mornings missed: the last seven days are sent
    assert days_in(subjects(READER)) == [f"{d} November" for d in (8, *range(13, 20))]


def test_duplicate_and_concurrent_runs_send_each_day_once(stack, readers, morning):
    morning(27)
    stack.clock.moment = datetime(2026, 11, 30, 0, 0, tzinfo=UTC)
    service = wired_rekap_service()
    # In-process moto is not thread-safe (S3 bodies, SES); AWS is. Its calls go one at a time,
    # the rekap's own steps (compile, queue, deliver, record) still interleave.
    service.s3 = AtomicClient(service.s3)
    send_email, ses = stack.services.outbox._email, threading.Lock()

    def one_at_a_time(message: dict[str, Any]) -> str:
        with ses:
            return send_email(message)  # type: ignore[misc]

    stack.services.outbox._email = one_at_a_time
    daily = [r for r in readers if r.rekap_recipient]
    start = threading.Barrier(3)
    failures: list[BaseException] = []

    def run() -> None:
        start.wait()
        try:
            service.send_missing_days(daily)
        except BaseException as error:  # pragma: no cover - reported below
            failures.append(error)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not failures
    sent = days_in(subjects(READER))
    assert sorted(sent) == sorted(set(sent)) and len(sent) == 4
    morning(30)  # and the scheduled run after them finds nothing owed
    assert len(subjects(READER)) == 4


def test_a_send_ses_refuses_is_retried_by_the_sweep_and_sent_once(stack, readers, morning, logged):
    outbox = stack.services.outbox
    working = outbox._email
    refusals = {"left": 3}  # the first try and both quick retries

    def flaky(message: dict[str, Any]) -> str:
        if refusals["left"]:
            refusals["left"] -= 1
            raise ClientError({"Error": {"Code": "Throttling", "Message": "slow down"}}, "Send")
        return working(message)  # type: ignore[misc]

    outbox._email = flaky
    morning(27)
    assert subjects(READER) == []
    [entry] = [i for i in _outbox(stack) if i["pk"].startswith("OUTBOX#rekap#")]
    assert entry["status"] == "pending" and "SES" in entry["last_error"]
    events = [e["event"] for e in logged()]
    assert "rekap_not_delivered" in events and "rekap_sent" not in events  # the alarm's metric

    morning(27)  # a retried schedule leaves the retry to the outbox
    stack.clock.advance(minutes=5)
    stack.services.outbox.sweep()
    stack.clock.advance(hours=5)
    stack.services.outbox.sweep()
    assert days_in(subjects(READER)) == ["26 November"]


def test_a_rekap_that_never_goes_stays_visible_as_failed(stack, readers, morning):
    def refused(message: dict[str, Any]) -> str:
        raise ClientError({"Error": {"Code": "ServiceUnavailable", "Message": "down"}}, "Send")

    stack.services.outbox._email = refused
    morning(27)
    for _ in range(MAX_ATTEMPTS):
        stack.clock.advance(hours=4)
        stack.services.outbox.sweep()
    [entry] = [i for i in _outbox(stack) if i["pk"].startswith("OUTBOX#rekap#")]
    assert entry["status"] == "failed" and "ServiceUnavailable" in entry["last_error"]
    assert subjects(READER) == []


def test_a_missed_first_of_the_month_sends_last_months_rekap_on_the_second(stack, readers, morning):
    morning(30)
    morning(2, month=12)  # the 1st's run never happened
    monthly = [s for s in subjects(HEAD) if s.startswith("Rekap Bulanan")]
    assert monthly == ["Rekap Bulanan LIGAT — November 2026 — tidak ada laporan baru"]
    assert [s for s in subjects(READER) if s.startswith("Rekap Bulanan")] == monthly
    assert days_in(subjects(READER))[1:] == ["30 November", "1 Desember"]
    morning(3, month=12)
    assert len(subjects(HEAD)) == 1


def test_a_deployment_after_the_first_owes_no_monthly_rekap(stack, readers, morning):
    morning(3, month=12)
    assert subjects(HEAD) == []
    assert days_in(subjects(READER)) == ["2 Desember"]


def _outbox(stack: Any) -> list[dict[str, Any]]:
    """Test inspection of the outbox items (a Scan is fine here, never in the app)."""
    from chalicelib.store.dynamo import _plain

    table = stack.outputs["TableName"]
    items = stack.dynamodb.scan(TableName=table)["Items"]
    return [_plain(i) for i in items if i["pk"]["S"].startswith("OUTBOX#")]
