"""The rekap on moto: compiled from the indexes, on demand by role, e-mailed once per reader and
day with its XLSX, and archived."""

from __future__ import annotations

import json

import boto3
import pytest
from moto.backends import get_backend

from chalicelib.clock import WIB
from chalicelib.rekap.send import XLSX, RekapService
from chalicelib.staff.roles import Role
from tests.integration.test_ticket_api import filed
from tests.staffkit import body, open_staff_api


@pytest.fixture
def api(stack, monkeypatch, tmp_path):
    from chalicelib import wiring

    monkeypatch.setattr(wiring, "services", lambda: stack.services)
    yield from open_staff_api(stack, monkeypatch, tmp_path)


def rekap_service(stack) -> RekapService:
    services = stack.services
    return RekapService(
        services.store,
        services.catalogue.get,
        stack.clock,
        "https://ligat.example/console",
        services.s3,
        stack.outputs["MediaBucketName"],
        services.outbox.deliver,
    )


def test_the_days_rekap_counts_the_new_ticket_for_each_role(api, stack):
    number = filed(stack)
    day = stack.clock().astimezone(WIB).date().isoformat()
    admin = body(api.get(f"/admin/rekap/{day}", api.token(Role.ADMIN)))
    assert admin["new"]["total"] == 1
    assert admin["new"]["rows"][0]["number"] == number
    assert admin["backlog"]
    other = body(api.get(f"/admin/rekap/{day}", api.token(Role.ASESOR, kecamatan=("14.04.01",))))
    assert other["new"]["total"] == 0  # another kecamatan's asesor
    xlsx = api.request(  # binary answers need an Accept header naming them (API Gateway)
        "GET", f"/admin/rekap/{day}/xlsx", None, api.token(Role.PIMPINAN), Accept=XLSX
    )
    assert xlsx.status_code == 200 and xlsx.body[:2] == b"PK"
    assert api.get("/admin/rekap/kemarin", api.token(Role.ADMIN)).status_code == 400
    assert api.post(f"/admin/rekap/{day}/send", {}, api.token(Role.PIMPINAN)).status_code == 403


def test_the_rekap_is_mailed_once_per_reader_with_its_xlsx_and_archived(api, stack):
    filed(stack)
    account = api.add(Role.ADMIN, email="kabid@dinsos.test")
    reader = api.services.directory.get(account["id"])
    day = stack.clock().astimezone(WIB).date()
    service = rekap_service(stack)
    assert service.send(day, [reader]) == 1
    assert service.send(day, [reader]) == 0  # a retried schedule sends nothing more
    ses = get_backend("ses")["123456789012"]["ap-southeast-3"]
    [mail] = [m for m in ses.sent_messages if "kabid@dinsos.test" in json.dumps(m.destinations)]
    raw = mail.raw_data
    assert "Rekap LIGAT" in raw and "spreadsheetml" in raw and "text/html" in raw
    listed = boto3.client("s3").list_objects_v2(
        Bucket=stack.outputs["MediaBucketName"], Prefix=f"rekap/{day.isoformat()}/"
    )
    names = sorted(o["Key"].rsplit("/", 1)[-1] for o in listed["Contents"])
    assert names == ["rekap.html", "rekap.json", "rekap.xlsx"]


def test_the_month_rekap_goes_once_to_each_reader(api, stack):
    filed(stack)
    account = api.add(Role.PIMPINAN, email="kadis@dinsos.test")
    reader = api.services.directory.get(account["id"])
    month = stack.clock().astimezone(WIB).date()
    service = rekap_service(stack)
    assert service.send_month(month, [reader]) == 1
    assert service.send_month(month, [reader]) == 0
    ses = get_backend("ses")["123456789012"]["ap-southeast-3"]
    [mail] = [m for m in ses.sent_messages if "kadis@dinsos.test" in json.dumps(m.destinations)]
    assert "Rekap Bulanan LIGAT" in mail.raw_data


def test_the_xlsx_asked_for_without_naming_its_type_is_a_documented_406(api):
    day = "2026-11-26"
    answer = api.request("GET", f"/admin/rekap/{day}/xlsx", None, api.token(Role.PIMPINAN))
    assert answer.status_code == 406
    assert answer.headers["Content-Type"] == "application/json"
    assert json.loads(answer.body)["error"] == "not_acceptable"
