"""Retention and erasure on moto with a fixed clock (UU 27/2022): closed tickets keep their
statistics and lose the citizen's words, then their personal data and every version of their
evidence; open and recent tickets are never touched; an admin erases one citizen on request."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import boto3
import pytest

from chalicelib.clock import wib_day
from chalicelib.rekap.build import Scope
from chalicelib.rekap.send import RekapService
from chalicelib.retention import Retention
from chalicelib.staff.roles import Role
from chalicelib.store import audit
from chalicelib.store.retention import RetentionStore
from chalicelib.tickets.model import (
    CITIZEN,
    Assessment,
    Deadlines,
    Event,
    Location,
    Region,
    Satisfaction,
    Status,
    Ticket,
)
from tests import payloads as wa
from tests.integration.test_tickets import TICKET, Citizen, finish_with_evidence, walk_to_evidence
from tests.staffkit import body, open_staff_api

NOW = datetime(2031, 6, 15, 19, 0, tzinfo=UTC)  # the job's run: 02:00 WIB
JPEG = b"\xff\xd8\xff\xe0" + b"photo" * 200
KECAMATAN = Region(code="14.04.04", name="Tembilahan")
DESA = Region(code="14.04.04.1001", name="Tembilahan Kota")
PERSONAL = ("Siti Aminah", "1404015203870001", "Jl. Sudirman No. 5", "Pak Budi", "anaknya sakit")


@pytest.fixture
def job(stack) -> Retention:
    stack.clock.moment = NOW
    return _retention(stack)


def _retention(stack, batch: int = 200) -> Retention:
    store = stack.services.store
    return Retention(
        tickets=store.tickets,
        records=RetentionStore(store.client, stack.settings.table_name),
        dynamodb=store.client,
        table=stack.settings.table_name,
        s3=boto3.client("s3"),
        bucket=stack.settings.media_bucket,
        clock=stack.clock,
        keep_tickets=timedelta(days=stack.settings.retain_tickets_days),
        keep_conversation=timedelta(days=stack.settings.retain_conversation_days),
        batch=batch,
    )


def put_ticket(
    stack,
    number: str,
    closed_ago: timedelta | None,
    status: Status = Status.SELESAI,
    citizen: str = wa.CITIZEN,
) -> str:
    """A handled ticket full of personal data, closed `closed_ago` before NOW (None: open),
    with a photo in S3 (two versions and a delete marker) and its copy job."""
    closed_at = NOW - closed_ago if closed_ago is not None else None
    created = (closed_at or NOW) - timedelta(days=20)
    photo, later = f"evidence/{number}/1", f"evidence/{number}/2"
    s3, bucket = boto3.client("s3"), stack.settings.media_bucket
    for key in (photo, later):
        s3.put_object(Bucket=bucket, Key=key, Body=JPEG)
        s3.put_object(Bucket=bucket, Key=key, Body=JPEG + b"again")
    s3.delete_object(Bucket=bucket, Key=later)
    stack.dynamodb.put_item(
        TableName=stack.settings.table_name,
        Item={"pk": {"S": f"MEDIA#{photo}"}, "sk": {"S": "MEDIA"}, "status": {"S": "stored"}},
    )
    ticket = Ticket(
        number=number,
        service_id="gepeng_odha",
        citizen=citizen,
        about="other",
        subject="Siti Aminah, anaknya sakit",
        reporter_name="Pak Budi",
        nik="1404015203870001",
        kecamatan=KECAMATAN,
        desa=DESA,
        location=Location(latitude=-0.3269, longitude=103.1573, name="Rumah Siti Aminah"),
        address="Jl. Sudirman No. 5",
        description="Ibu Siti Aminah tidak makan dua hari, anaknya sakit.",
        media=(photo,),
        created_at=created,
        updated_at=created,
        wib_day=wib_day(created),
        due=Deadlines(verification=created, first_response=created, final=created),
    )
    store = stack.services.store.tickets
    first = Event(at=created, by=CITIZEN, kind="created", to_status=Status.DITERIMA)
    stack.dynamodb.transact_write_items(TransactItems=store.creation_writes(ticket, first))
    done = ticket.model_copy(
        update={
            "status": status if closed_at else Status.ASESMEN,
            "closed_at": closed_at,
            "public_note": "Ibu Siti Aminah diusulkan menerima PKH.",
            "assessment": Assessment(
                visit_date=created.date(),
                findings="Rumah Siti Aminah di Jl. Sudirman No. 5, anaknya sakit.",
                recommendation="usul_pkh",
                attachments=(photo,),
            ),
            "satisfaction": Satisfaction(score=4, comment="Terima kasih Pak Budi", at=created),
            "version": 2,
        }
    )
    events = [
        Event(
            at=created + timedelta(hours=1),
            by=CITIZEN,
            kind="appended",
            detail={"description": "anaknya sakit sejak kemarin", "media": [later]},
        ),
        Event(at=created + timedelta(days=2), by="staff-1", kind="note", internal_note="Pak Budi"),
        Event(
            at=closed_at or created + timedelta(days=3),
            by="staff-1",
            kind="status",
            from_status=Status.DITINDAKLANJUTI,
            to_status=done.status,
            public_note="Ibu Siti Aminah diusulkan menerima PKH.",
        ),
    ]
    store.save(done, 1, events)
    return number


def items_of(stack, number: str) -> str:
    """Everything stored under the ticket's key, as one string to search."""
    response = stack.dynamodb.query(
        TableName=stack.settings.table_name,
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": f"TICKET#{number}"}},
    )
    return json.dumps(response["Items"], ensure_ascii=False)


def versions_of(stack, number: str) -> int:
    listing = boto3.client("s3").list_object_versions(
        Bucket=stack.settings.media_bucket, Prefix=f"evidence/{number}/"
    )
    return len(listing.get("Versions", [])) + len(listing.get("DeleteMarkers", []))


def test_ticket_closed_over_five_years_ago_keeps_its_statistics_and_loses_the_person(stack, job):
    number = put_ticket(stack, "LGT-2601-0001", timedelta(days=5 * 365 + 30))
    created = stack.services.store.tickets.get(number).created_at
    assert versions_of(stack, number) == 5

    assert job.run() == {"text": 1, "personal": 1}

    ticket = stack.services.store.tickets.get(number)
    stored = items_of(stack, number)
    assert not [word for word in PERSONAL if word in stored], stored
    assert ticket.citizen == "" and ticket.nik is None and ticket.location is None
    assert ticket.media == () and ticket.description == "" and ticket.anonymised_at == NOW
    assert (ticket.service_id, ticket.kecamatan, ticket.desa) == ("gepeng_odha", KECAMATAN, DESA)
    assert ticket.status is Status.SELESAI and ticket.assessment.recommendation == "usul_pkh"
    assert ticket.satisfaction.score == 4 and ticket.created_at == created
    assert versions_of(stack, number) == 0
    assert stack.services.store.media_job(f"evidence/{number}/1") is None
    assert stack.services.store.tickets.of_citizen(wa.CITIZEN) == []  # Cek Status: gone

    rekap = _rekap(stack, date.fromisoformat(ticket.wib_day))
    assert [(line.key, line.count) for line in rekap.new.by_service] == [("gepeng_odha", 1)]
    assert [(line.key, line.count) for line in rekap.new.by_kecamatan] == [("14.04.04", 1)]
    assert rekap.new.rows[0].phone == "" and rekap.new.rows[0].nik == ""

    history = audit.history(stack.dynamodb, stack.settings.table_name, f"ticket:{number}")
    assert {(e["actor"], e["action"]) for e in history} == {
        (audit.SYSTEM, "ticket.text_removed"),
        (audit.SYSTEM, "ticket.anonymised"),
    }


def test_after_the_conversation_period_only_the_citizens_words_go(stack, job):
    number = put_ticket(stack, "LGT-2601-0002", timedelta(days=400))
    assert job.run() == {"text": 1, "personal": 0}
    ticket = stack.services.store.tickets.get(number)
    assert ticket.description == "" and ticket.satisfaction.comment is None
    assert ticket.text_removed_at == NOW and ticket.anonymised_at is None
    assert ticket.nik == "1404015203870001" and ticket.citizen == wa.CITIZEN
    assert "anaknya sakit sejak kemarin" not in items_of(stack, number)
    assert versions_of(stack, number) == 5  # evidence stays as long as the case file


def test_an_open_ticket_is_never_anonymised_however_old(stack, job):
    recent = put_ticket(stack, "LGT-2601-0003", timedelta(days=4 * 365))
    open_ = put_ticket(stack, "LGT-2601-0004", None)
    before = {n: stack.services.store.tickets.get(n) for n in (recent, open_)}
    stack.clock.moment = NOW + timedelta(days=20 * 365)  # even decades later, if still open
    _retention(stack).run()
    after_recent = stack.services.store.tickets.get(recent)
    assert after_recent.anonymised_at is not None  # by then it is due
    assert stack.services.store.tickets.get(open_) == before[open_]
    assert versions_of(stack, open_) == 5


def test_a_ticket_closed_four_years_ago_is_untouched_today(stack, job):
    recent = put_ticket(stack, "LGT-2601-0005", timedelta(days=4 * 365), Status.DITOLAK)
    job.run()
    ticket = stack.services.store.tickets.get(recent)
    assert ticket.anonymised_at is None and ticket.nik == "1404015203870001"
    assert versions_of(stack, recent) == 5


def test_the_job_is_idempotent_and_resumes_where_it_stopped(stack, job):
    numbers = [
        put_ticket(stack, f"LGT-2601-{n:04d}", timedelta(days=2000 + n), status)
        for n, status in enumerate((Status.SELESAI, Status.SELESAI, Status.DIALIHKAN), start=10)
    ]
    small = _retention(stack, batch=2)  # bounded: two tickets per level and run
    assert small.run() == {"text": 2, "personal": 2}
    assert small.run() == {"text": 1, "personal": 1}
    assert small.run() == {"text": 0, "personal": 0}
    assert all(stack.services.store.tickets.get(n).anonymised_at for n in numbers)

    # A crash after the evidence went and before the ticket was written: the rerun finishes.
    late = put_ticket(stack, "LGT-2601-0020", timedelta(days=1900))
    original = job.tickets.rewrite

    def crash(ticket: Ticket, *args: Any, **kwargs: Any) -> None:
        if ticket.anonymised_at:
            raise RuntimeError("Lambda timed out")
        original(ticket, *args, **kwargs)

    job.tickets.rewrite = crash  # type: ignore[method-assign]
    with pytest.raises(RuntimeError):
        job.run()
    assert versions_of(stack, late) == 0
    assert stack.services.store.tickets.get(late).nik is not None
    job.tickets.rewrite = original  # type: ignore[method-assign]
    assert job.run() == {"text": 0, "personal": 1}  # its words went in the first run
    assert stack.services.store.tickets.get(late).anonymised_at == NOW
    history = audit.history(stack.dynamodb, stack.settings.table_name, f"ticket:{late}")
    assert sorted(e["action"] for e in history) == ["ticket.anonymised", "ticket.text_removed"]


def test_job_reads_only_what_newly_expired(stack, job):
    for n in range(3):
        put_ticket(stack, f"LGT-2601-{30 + n:04d}", timedelta(days=2000 + n))
    job.run()
    calls = _count_queries(stack)
    assert job.run() == {"text": 0, "personal": 0}
    # Per level and closed status, one read from the cursor: nothing already done again.
    assert calls == {"Query": 6, "items": 2}  # the two cursors' own tickets


def test_sessions_markers_and_replies_expire_by_ttl(stack):
    """DynamoDB's TTL removes what needs no job: the session after a day, the marker of a
    processed message after 8 days, a reply after the conversation period."""
    citizen = Citizen(stack)
    citizen.say("halo")
    table, sent = stack.settings.table_name, stack.clock().timestamp()
    items = stack.dynamodb.scan(TableName=table)["Items"]

    def days(prefix: str) -> list[float]:
        found = [i for i in items if i["pk"]["S"].startswith(prefix)]
        return [round((int(i["expires_at"]["N"]) - sent) / 86400, 1) for i in found]

    assert days("SESSION#") == [1.0]
    assert days("MSG#") == [8.0]
    replies = days("OUTBOX#")
    assert replies and all(abs(d - stack.settings.retain_conversation_days) < 0.1 for d in replies)
    to_citizen = [i for i in items if i.get("gsi3pk", {}).get("S") == f"TO#{wa.CITIZEN}"]
    assert len(to_citizen) == len(replies)  # an erasure finds every one of them


def test_retention_periods_are_configured_and_the_conversation_goes_first(monkeypatch):
    from chalicelib.settings import Settings

    monkeypatch.setenv("LIGAT_RETAIN_TICKETS_DAYS", "3650")
    monkeypatch.setenv("LIGAT_RETAIN_CONVERSATION_DAYS", "90")
    settings = Settings.from_env()
    assert (settings.retain_tickets_days, settings.retain_conversation_days) == (3650, 90)
    with pytest.raises(ValueError, match="LIGAT_RETAIN_CONVERSATION_DAYS"):
        Settings(retain_tickets_days=100, retain_conversation_days=365)
    with pytest.raises(ValueError):
        Settings(retain_conversation_days=7)  # an outbox id must outlive a retried schedule
    assert (Settings().retain_tickets_days, Settings().retain_conversation_days) == (1826, 365)


@pytest.fixture
def staff(stack, monkeypatch, tmp_path):
    yield from open_staff_api(stack, monkeypatch, tmp_path)


def test_admin_erases_a_citizen_on_request_and_it_is_audited(stack, staff):
    stack.graph.state.media["777101"] = (JPEG, "image/jpeg")
    citizen = Citizen(stack)
    walk_to_evidence(citizen, lambda: citizen.send(wa.location(-0.3269, 103.1573, name="Pasar")))
    citizen.send(wa.image("foto di pasar", media_id="777101"))
    finish_with_evidence(citizen)
    [number] = set(TICKET.findall(citizen.last_text()))
    citizen.say("halo")  # a conversation in progress
    key = stack.services.store.tickets.get(number).media[0]
    s3, bucket = boto3.client("s3"), stack.settings.media_bucket
    s3.put_object(Bucket=bucket, Key=key, Body=JPEG + b"v2")  # a second version
    other = Citizen(stack, "6285211112222")
    other.say("halo")

    token = staff.token(Role.ADMIN)
    asesor = staff.token(Role.ASESOR, ("14.04.04",))
    assert staff.post("/admin/erasures", {"ticket": number}, asesor).status_code == 403
    answer = staff.post("/admin/erasures", {"whatsapp": "0812-3456-7890"}, token)
    assert answer.status_code == 200, answer.body  # nobody by that number: nothing to erase
    assert body(answer)["erased"] == {
        "tickets": 0,
        "messages": 0,
        "sessions": 0,
        "chat_messages": 0,
        "media_versions": 0,
    }

    answer = staff.post("/admin/erasures", {"ticket": number}, token)
    assert answer.status_code == 200, answer.body
    result = body(answer)
    assert result["tickets"] == [number]
    erased = result["erased"]
    assert erased["tickets"] == 1 and erased["sessions"] == 1 and erased["media_versions"] == 2
    assert erased["messages"] >= 10  # every reply of the conversation

    table = stack.settings.table_name
    items = stack.dynamodb.scan(TableName=table)["Items"]
    # Message markers name the citizen, no text, and expire within 8 days (not findable).
    kept = [i for i in items if not i["pk"]["S"].startswith("MSG#")]
    assert wa.CITIZEN not in json.dumps(kept)
    assert "6285211112222" in json.dumps(kept)  # another citizen's conversation stays
    listing = s3.list_object_versions(Bucket=bucket, Prefix="evidence/")
    assert not listing.get("Versions") and not listing.get("DeleteMarkers")

    day = wib_day(datetime.now(UTC))
    [event] = [
        e
        for e in audit.on_day(stack.dynamodb, table, day)
        if e["action"] == "citizen.erase" and e["detail"]["tickets"]
    ]
    assert event["detail"]["tickets"] == [number] and event["detail"]["erased"]["tickets"] == 1
    assert wa.CITIZEN not in json.dumps(event, default=str)
    assert event["actor"] != audit.SYSTEM

    again = staff.post("/admin/erasures", {"ticket": number}, token)
    assert again.status_code == 404
    both = staff.post("/admin/erasures", {"ticket": number, "whatsapp": wa.CITIZEN}, token)
    assert both.status_code == 400


def _rekap(stack, day: date):
    service = RekapService(
        stack.services.store,
        stack.services.catalogue.get,
        stack.clock,
        "https://console.test",
        boto3.client("s3"),
        stack.settings.media_bucket,
        stack.services.outbox.deliver,
    )
    return service.build(day, Scope.everything())


def _count_queries(stack) -> dict[str, int]:
    """Counts the next DynamoDB Query calls and the items they return (botocore's hooks)."""
    counts = {"Query": 0, "items": 0}

    def after(http_response: Any = None, parsed: Any = None, **_kwargs: Any) -> None:
        counts["Query"] += 1
        counts["items"] += len(parsed.get("Items", []))

    stack.services.store.client.meta.events.register("after-call.dynamodb.Query", after)
    return counts


def test_erasure_redoes_a_ticket_staff_changed_at_that_moment(stack, job):
    from chalicelib.tickets.transitions import VersionConflict

    number = put_ticket(stack, "LGT-2601-0040", None)  # open: erased all the same
    original, calls = job.tickets.rewrite, []

    def busy_once(ticket: Ticket, *args: Any, **kwargs: Any) -> None:
        calls.append(ticket.number)
        if len(calls) == 1:
            raise VersionConflict(ticket.number)
        original(ticket, *args, **kwargs)

    job.tickets.rewrite = busy_once  # type: ignore[method-assign]
    result = job.erase(wa.CITIZEN, "staff-admin")
    assert result.tickets == [number] and result.erased.tickets == 1 and calls == [number] * 2
    assert result.erased.media_versions == 5
    assert stack.services.store.tickets.get(number).anonymised_at == NOW
