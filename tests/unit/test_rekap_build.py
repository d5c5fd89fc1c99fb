"""The rekap's figures: a realistic Thursday in Indragiri Hilir, counted, masked and scoped.

The builders here (`ticket`, `realistic_day`, `daily`) are shared by the other rekap tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.catalogue.office import load_office
from chalicelib.catalogue.services import load_catalogue
from chalicelib.rekap.build import Rekap, Scope, build_daily, build_monthly, short_description
from chalicelib.staff.roles import Role
from chalicelib.tickets import transitions as lifecycle
from chalicelib.tickets.intake import ticket_from_draft
from chalicelib.tickets.model import Assessment, Status, Ticket

DAY = date(2026, 11, 26)  # Thursday
NOW = datetime(2026, 11, 27, 0, 0, tzinfo=UTC)  # Friday 07:00 WIB, when the schedule runs
CONSOLE = "https://ligat.example/console"
ENOK = {"code": "14.04.02", "name": "Enok"}
TEMBILAHAN = {"code": "14.04.04", "name": "Tembilahan"}
REPORTER_PHONE = "6281234565678"
REPORTER_NIK = "1404024101850001"
ANONYMOUS_NAME = "Rahmawati Rahasia"
ANONYMOUS_PHONE = "6285271234567"
ANONYMOUS_NIK = "1404025506900002"


def wib(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC) - timedelta(hours=7)


def ticket(number: str, received: datetime, **draft: Any) -> Ticket:
    """A ticket as the conversation files it (chalicelib/tickets/intake.py)."""
    citizen = draft.pop("citizen", REPORTER_PHONE)
    plain = {
        "type": "pengaduan",
        "service_id": "pengaduan",
        "reporter_name": "Siti Aminah",
        "nik": REPORTER_NIK,
        "kecamatan": ENOK,
        "desa": {"code": "14.04.02.1002", "name": "Pusaran"},
        "description": "Lansia tinggal sendiri, tidak ada yang merawat.",
        **draft,
    }
    made, _event = ticket_from_draft(number, plain, citizen, received, load_office())
    return made


def moved(item: Ticket, *steps: Status, at: datetime) -> Ticket:
    for status in steps:
        item, _event = lifecycle.transition(item, status, "admin-1", Role.ADMIN, at)
    return item


@dataclass
class Day:
    new: list[Ticket]
    backlog: list[Ticket]
    closed: list[Ticket]
    info: dict[str, int]


def realistic_day() -> Day:
    """Five reports on Thursday (two urgent, one anonymous, one without a kecamatan), an older
    backlog with missed service levels, and two cases closed that day."""
    new = [
        ticket(
            "LGT-2611-0101",
            wib(DAY, 8, 15),
            service_id="bencana",
            priority="tinggi",
            kecamatan=TEMBILAHAN,
            desa={"code": "14.04.04.1001", "name": "Tembilahan Kota"},
            description="Rumah terbakar tadi malam, keluarga Pak Ahmad tidak punya tempat tinggal.",
        ),
        ticket("LGT-2611-0102", wib(DAY, 9, 30), type="permohonan", service_id="pkh"),
        ticket(
            "LGT-2611-0103",
            wib(DAY, 13, 5),
            anonymous=True,
            citizen=ANONYMOUS_PHONE,
            reporter_name=ANONYMOUS_NAME,
            nik=ANONYMOUS_NIK,
            description=(
                "Tetangga saya <b>dipukul</b> suaminya, NIK 1404025506900003, "
                "hubungi adiknya 0812-7788-9900."
            ),
        ),
        ticket(
            "LGT-2611-0104",
            wib(DAY, 23, 30),  # late evening still belongs to Thursday
            service_id="rujukan_pasien",
            priority="tinggi",
            kecamatan=TEMBILAHAN,
            desa=None,
        ),
        ticket("LGT-2611-0105", wib(DAY, 10, 0), service_id="lainnya", kecamatan=None, desa=None),
    ]
    old_unverified = ticket("LGT-2611-0050", wib(DAY - timedelta(days=9), 10))
    verified_late = moved(
        ticket("LGT-2609-0200", wib(DAY - timedelta(days=65), 10), kecamatan=TEMBILAHAN),
        Status.DIVERIFIKASI,
        Status.ASESMEN,
        at=wib(DAY - timedelta(days=64), 9),
    )
    due_friday = ticket("LGT-2611-0090", wib(DAY - timedelta(days=2), 14), service_id="dtks")
    closed_with_rating = moved(
        ticket("LGT-2611-0010", wib(DAY - timedelta(days=20), 9), service_id="pbi"),
        Status.DIVERIFIKASI,
        Status.DITINDAKLANJUTI,
        at=wib(DAY - timedelta(days=18), 9),
    )
    closed_with_rating, _ = lifecycle.record_assessment(
        closed_with_rating,
        Assessment(visit_date=DAY, findings="Layak", recommendation="usul_pbi"),
        "asesor-1",
        wib(DAY, 9),
    )
    closed_with_rating = moved(closed_with_rating, Status.SELESAI, at=wib(DAY, 11))
    closed_with_rating, _ = lifecycle.record_satisfaction(closed_with_rating, 4, None, wib(DAY, 12))
    rejected = moved(
        ticket("LGT-2611-0030", wib(DAY - timedelta(days=5), 9), kecamatan=TEMBILAHAN),
        Status.DITOLAK,
        at=wib(DAY, 15),
    )
    return Day(
        new=new,
        backlog=[*new, old_unverified, verified_late, due_friday],
        closed=[closed_with_rating, rejected],
        info={"pkh": 7, "dtks": 3, "beasiswa": 2, "bencana": 0},
    )


def daily(data: Day | None = None, scope: Scope | None = None, day: date = DAY) -> Rekap:
    data = data or realistic_day()
    return build_daily(
        day,
        data.new,
        data.backlog,
        data.closed,
        data.info,
        NOW,
        load_catalogue(),
        load_office(),
        CONSOLE,
        scope,
    )


def counts(lines: Any) -> dict[str, int]:
    return {line.key: line.count for line in lines}


def test_new_reports_are_counted_by_type_service_kecamatan_and_priority() -> None:
    rekap = daily()

    assert rekap.new.total == 5
    assert rekap.new.urgent == 2
    assert counts(rekap.new.by_type) == {"pengaduan": 4, "permohonan": 1}
    assert counts(rekap.new.by_priority) == {"tinggi": 2, "normal": 3}
    assert counts(rekap.new.by_service) == {
        "pengaduan": 1,
        "pkh": 1,
        "bencana": 1,
        "rujukan_pasien": 1,
        "lainnya": 1,
    }
    assert [(line.label, line.count) for line in rekap.new.by_kecamatan] == [
        ("Enok", 2),
        ("Tembilahan", 2),
        ("Tanpa kecamatan", 1),
    ]


def test_each_new_report_is_one_row_in_order_of_receipt_with_wib_time_and_console_link() -> None:
    rows = daily().new.rows

    assert [row.number for row in rows] == [
        "LGT-2611-0101",
        "LGT-2611-0102",
        "LGT-2611-0105",
        "LGT-2611-0103",
        "LGT-2611-0104",
    ]
    first = rows[0]
    assert first.received_at.strftime("%H:%M %Z") == "08:15 WIB"
    assert first.service == "Bantuan Sosial Korban Bencana Alam dan Non Alam"
    assert (first.kecamatan, first.desa) == ("Tembilahan", "Tembilahan Kota")
    assert first.phone == "+62 812-****-5678"
    assert first.nik == "1404********0001"
    assert first.link == "https://ligat.example/console/tickets/LGT-2611-0101"
    assert rows[2].service == "Lainnya"
    assert rows[-1].received_at.strftime("%d %H:%M") == "26 23:30"


def test_anonymous_reporter_is_hidden_from_every_copy() -> None:
    for scope in (
        None,
        Scope.for_staff(Role.PIMPINAN, ()),
        Scope.for_staff(Role.ASESOR, ["14.04.02"]),
    ):
        row = next(r for r in daily(scope=scope).new.rows if r.number == "LGT-2611-0103")
        assert (row.reporter, row.phone, row.nik) == ("Dirahasiakan", "", "")
        assert ANONYMOUS_NAME not in daily(scope=scope).model_dump_json()


def test_description_is_masked_then_cut_to_140_characters() -> None:
    row = next(r for r in daily().new.rows if r.number == "LGT-2611-0103")

    assert "1404********0003" in row.description
    assert "+62 812-****-9900" in row.description
    assert "<b>dipukul</b>" in row.description  # kept as text; the views escape it
    long = "Mohon bantuan " * 20 + "081234565678"
    cut = short_description(long)
    assert cut == ("Mohon bantuan " * 10).rstrip() + "…"  # 140 characters, then the ellipsis
    assert short_description("Nomor saya 0812 3456 5678") == "Nomor saya +62 812-****-5678"


def test_backlog_is_counted_by_status_with_the_age_of_the_oldest() -> None:
    backlog = daily().backlog

    assert backlog.total == 8
    lines = {line.key: line for line in backlog.by_status}
    assert (lines["diterima"].count, lines["diterima"].oldest_days) == (7, 10)
    assert (lines["asesmen"].count, lines["asesmen"].oldest_days) == (1, 66)
    assert lines["diverifikasi"].count == lines["ditindaklanjuti"].count == 0
    assert counts(backlog.by_age) == {"0": 6, "1": 0, "2": 1, "3": 1}


def test_overdue_tickets_name_the_missed_service_level_and_due_today_the_rest() -> None:
    backlog = daily().backlog

    overdue = {row.number: row.breaches for row in backlog.overdue}
    assert overdue == {
        "LGT-2609-0200": ("Tanggapan pertama", "Batas penyelesaian"),
        "LGT-2611-0050": ("Verifikasi", "Tanggapan pertama"),
        # Urgent reports have hour-level targets: by the next morning they are overdue.
        "LGT-2611-0101": ("Verifikasi", "Tanggapan pertama"),
        "LGT-2611-0104": ("Verifikasi", "Tanggapan pertama"),
    }
    assert backlog.overdue[0].number == "LGT-2609-0200"  # oldest deadline first
    # Received Tuesday 24 November: three working days later is the end of Friday 27.
    assert [row.number for row in backlog.due_today] == ["LGT-2611-0090"]
    assert backlog.due_today[0].due is not None
    assert backlog.due_today[0].due.date() == date(2026, 11, 27)


def test_urgent_tickets_closed_tickets_and_satisfaction() -> None:
    rekap = daily()

    assert [row.number for row in rekap.urgent] == ["LGT-2611-0101", "LGT-2611-0104"]
    assert rekap.closed.total == 2
    assert counts(rekap.closed.by_outcome) == {"selesai": 1, "ditolak": 1, "dialihkan": 0}
    assert {row.number: row.outcome for row in rekap.closed.rows} == {
        "LGT-2611-0010": "Selesai — Diusulkan PBI",
        "LGT-2611-0030": "Ditolak",
    }
    assert (rekap.satisfaction.count, rekap.satisfaction.average) == (1, 4.0)


def test_information_requests_are_counted_per_service_without_zero_lines() -> None:
    information = daily().information

    assert information.total == 12
    assert [(line.key, line.count) for line in information.by_service] == [
        ("pkh", 7),
        ("dtks", 3),
        ("beasiswa", 2),
    ]


def test_an_empty_day_is_a_rekap_with_the_backlog() -> None:
    data = realistic_day()
    rekap = daily(Day(new=[], backlog=data.backlog[5:], closed=[], info={}))

    assert rekap.new.total == 0 and rekap.new.rows == ()
    assert counts(rekap.new.by_type) == {"pengaduan": 0, "permohonan": 0}
    assert rekap.backlog.total == 3
    assert rekap.satisfaction.average is None


def test_an_asesor_copy_holds_only_their_kecamatan() -> None:
    rekap = daily(scope=Scope.for_staff(Role.ASESOR, ["14.04.02"]))

    assert rekap.scope == "Kecamatan Enok"
    assert {row.kecamatan for row in rekap.new.rows} == {"Enok"}
    assert rekap.new.total == 2
    assert all(row.kecamatan == "Enok" for row in rekap.backlog.overdue)
    assert rekap.urgent == ()
    assert [row.number for row in rekap.closed.rows] == ["LGT-2611-0010"]
    dumped = rekap.model_dump_json()
    assert "Tembilahan" not in dumped and "LGT-2611-0105" not in dumped


def test_admin_and_pimpinan_read_every_kecamatan() -> None:
    for role in (Role.ADMIN, Role.PIMPINAN):
        assert Scope.for_staff(role, ["14.04.02"]).kecamatan is None
        assert daily(scope=Scope.for_staff(role, ())).new.total == 5


def test_an_asesor_without_kecamatan_gets_a_copy_without_tickets() -> None:
    scope = Scope.for_staff(Role.ASESOR, [])
    rekap = daily(scope=scope)

    assert scope.label == "Tanpa kecamatan"
    assert (rekap.new.total, rekap.backlog.total, rekap.closed.total) == (0, 0, 0)
    assert Scope.for_staff(Role.ASESOR, ["1404.04", "14.04.02"]).label == (
        "Kecamatan Enok, Tembilahan"
    )


def test_the_rekap_survives_its_json_for_the_api_and_the_archive() -> None:
    rekap = daily()

    assert Rekap.model_validate_json(rekap.model_dump_json()) == rekap
    assert rekap.model_dump(mode="json")["new"]["rows"][0]["received_at"] == (
        "2026-11-26T08:15:00+07:00"
    )


def test_a_ticket_received_after_midnight_wib_belongs_to_the_next_day() -> None:
    data = realistic_day()
    after_midnight = ticket("LGT-2611-0106", wib(DAY + timedelta(days=1), 0, 10))

    assert after_midnight.wib_day == "2026-11-27"
    with pytest.raises(ValueError, match="LGT-2611-0106"):
        daily(Day([*data.new, after_midnight], data.backlog, data.closed, data.info))


def test_a_month_ends_at_midnight_wib_of_its_last_day() -> None:
    last_minute = ticket("LGT-2611-0900", wib(date(2026, 11, 30), 23, 59))
    next_month = ticket("LGT-2612-0001", wib(date(2026, 12, 1), 0, 10))
    build = partial(
        build_monthly,
        backlog=[],
        closed=[],
        info_counts={},
        now=NOW,
        catalogue=load_catalogue(),
        office=load_office(),
        console_url=CONSOLE,
    )

    assert build(date(2026, 11, 1), new=[last_minute]).trend[-1].new == 1
    with pytest.raises(ValueError, match="LGT-2612-0001"):
        build(date(2026, 11, 1), new=[last_minute, next_month])


services = st.sampled_from(["pengaduan", "pkh", "bencana", "dtks", "lainnya"])
places = st.sampled_from([ENOK, TEMBILAHAN, None])
statuses = st.sampled_from(list(Status))


@st.composite
def tickets_of_the_day(draw: st.DrawFn) -> list[Ticket]:
    made = []
    for index in range(draw(st.integers(0, 25))):
        minute = draw(st.integers(0, 24 * 60 - 1))
        made.append(
            ticket(
                f"LGT-2611-{index:04d}",
                wib(DAY, 0) + timedelta(minutes=minute),
                type=draw(st.sampled_from(["pengaduan", "permohonan"])),
                service_id=draw(services),
                priority=draw(st.sampled_from(["normal", "tinggi"])),
                kecamatan=draw(places),
                anonymous=draw(st.booleans()),
            )
        )
    return made


@settings(max_examples=40, deadline=None)
@given(new=tickets_of_the_day(), ages=st.lists(st.integers(0, 90), max_size=15))
def test_totals_add_up_across_sections(new: list[Ticket], ages: list[int]) -> None:
    backlog = [
        ticket(f"LGT-2609-{i:04d}", wib(DAY - timedelta(days=age), 10))
        for i, age in enumerate(ages)
    ]
    rekap = daily(Day(new=new, backlog=[*new, *backlog], closed=[], info={"pkh": len(ages)}))

    figures = rekap.new
    assert figures.total == len(figures.rows) == len(new)
    for breakdown in (
        figures.by_type,
        figures.by_service,
        figures.by_kecamatan,
        figures.by_priority,
    ):
        assert sum(line.count for line in breakdown) == figures.total
    assert figures.urgent == counts(figures.by_priority)["tinggi"]
    assert rekap.backlog.total == len(new) + len(ages)
    assert sum(line.count for line in rekap.backlog.by_status) == rekap.backlog.total
    assert sum(line.count for line in rekap.backlog.by_age) == rekap.backlog.total
    assert len(rekap.backlog.overdue) + len(rekap.backlog.due_today) <= rekap.backlog.total
    assert {r.number for r in rekap.backlog.overdue}.isdisjoint(
        r.number for r in rekap.backlog.due_today
    )
    assert len(rekap.urgent) == figures.urgent
    assert rekap.information.total == sum(line.count for line in rekap.information.by_service)


def test_month_has_a_trend_per_day_and_median_response_times() -> None:
    first = date(2026, 11, 1)
    received = [
        ticket("LGT-2611-0001", wib(date(2026, 11, 2), 9)),
        ticket("LGT-2611-0002", wib(date(2026, 11, 2), 10), priority="tinggi"),
        ticket("LGT-2611-0003", wib(date(2026, 11, 30), 23, 59)),
    ]
    verified = [
        moved(received[0], Status.DIVERIFIKASI, at=wib(date(2026, 11, 3), 9)),  # 24 h
        moved(received[1], Status.DIVERIFIKASI, at=wib(date(2026, 11, 2), 12)),  # 2 h
        received[2],
    ]
    closed = moved(
        verified[0], Status.DITINDAKLANJUTI, Status.SELESAI, at=wib(date(2026, 11, 12), 9)
    )
    monthly = build_monthly(
        first,
        [closed, verified[1], verified[2]],
        [verified[1], verified[2]],
        [closed],
        {"pkh": 40},
        datetime(2026, 12, 1, 0, 0, tzinfo=UTC),
        load_catalogue(),
        load_office(),
        CONSOLE,
    )

    assert len(monthly.trend) == 30
    by_day = {line.day.day: line for line in monthly.trend}
    assert (by_day[2].new, by_day[2].urgent, by_day[30].new, by_day[12].closed) == (2, 1, 1, 1)
    assert sum(line.new for line in monthly.trend) == monthly.new.total == 3
    assert (monthly.to_verification.count, monthly.to_verification.median_hours) == (2, 13.0)
    assert (monthly.to_closure.count, monthly.to_closure.median_hours) == (1, 240.0)


def test_group_reports_add_up_the_people_affected_in_the_rekap():
    from chalicelib.rekap.html import render_html
    from chalicelib.rekap.text import render_text

    new = [
        ticket("LGT-2611-0101", wib(DAY, 9), about="group", affected=30),
        ticket("LGT-2611-0102", wib(DAY, 10)),
    ]
    rekap = build_daily(DAY, new, [], [], {}, NOW, load_catalogue(), load_office(), CONSOLE, None)
    assert rekap.new.total == 2 and rekap.new.affected == 30
    assert "sekitar 30 orang/keluarga terdampak" in render_text(rekap)
    assert "sekitar 30 orang/keluarga terdampak" in render_html(rekap)


def test_the_month_rekap_counts_citizens_per_campaign_code():
    from chalicelib.rekap.html import render_html
    from chalicelib.rekap.text import render_text

    rekap = build_monthly(
        DAY,
        [],
        [],
        [],
        {},
        NOW,
        load_catalogue(),
        load_office(),
        CONSOLE,
        None,
        {"TBH01": 3, "KTM02": 7},
    )
    assert list(rekap.campaigns.items()) == [("KTM02", 7), ("TBH01", 3)]
    for rendered in (render_text(rekap), render_html(rekap)):
        assert "KTM02: 7" in rendered and "TBH01: 3" in rendered
