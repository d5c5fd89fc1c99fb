"""Staff edit a service's text: validated like services.yaml, revisioned, audited, read by the
bot from the table, never overwritten by a deploy."""

from __future__ import annotations

import pytest

from chalicelib.catalogue.seed import read_catalogue, seed_catalogue
from chalicelib.staff.roles import Role
from tests.staffkit import body, open_staff_api


@pytest.fixture
def api(stack, monkeypatch, tmp_path):
    seed_catalogue(stack.dynamodb, stack.outputs["TableName"])
    yield from open_staff_api(stack, monkeypatch, tmp_path)


def test_an_admin_edits_a_service_and_the_bot_reads_the_new_text(api, stack):
    admin = api.token(Role.ADMIN)
    stored = body(api.get("/admin/catalogue/pkh", admin))
    assert stored["revision"] == 0 and stored["source"] == "seed"
    service = {**stored["service"], "summary": "Bantuan tunai bersyarat untuk keluarga miskin."}
    edit = {"service": service, "revision": 0}
    saved = api.request("PUT", "/admin/catalogue/pkh", edit, admin)
    assert saved.status_code == 200, saved.body
    assert body(saved)["revision"] == 1

    catalogue = read_catalogue(stack.dynamodb, stack.outputs["TableName"])
    assert catalogue.service("pkh").summary.startswith("Bantuan tunai bersyarat")
    seed_catalogue(stack.dynamodb, stack.outputs["TableName"])  # a deploy seeds again
    again = read_catalogue(stack.dynamodb, stack.outputs["TableName"])
    assert again.service("pkh").summary.startswith("Bantuan tunai bersyarat")

    stale = api.request("PUT", "/admin/catalogue/pkh", edit, admin)
    assert stale.status_code == 409
    audit = body(api.get("/admin/audit?day=" + saved_day(stack), admin))["events"]
    assert any(e["action"] == "catalogue.edit" for e in audit)


def saved_day(stack) -> str:
    from chalicelib.clock import now, wib_day

    return wib_day(now())


def test_an_edit_beyond_whatsapps_limits_is_refused_naming_the_field(api):
    admin = api.token(Role.ADMIN)
    stored = body(api.get("/admin/catalogue/pkh", admin))
    too_long = {**stored["service"], "short_name": "Program Keluarga Harapan (PKH)"}
    refused = api.request(
        "PUT", "/admin/catalogue/pkh", {"service": too_long, "revision": 0}, admin
    )
    assert refused.status_code == 400
    assert body(refused)["fields"][0]["field"] == "service.short_name"
    other = {**stored["service"], "id": "dtks"}
    assert (
        api.request(
            "PUT", "/admin/catalogue/pkh", {"service": other, "revision": 0}, admin
        ).status_code
        == 400
    )


def test_only_admins_edit_the_catalogue(api):
    asesor = api.token(Role.ASESOR)
    stored = body(api.get("/admin/catalogue/pkh", asesor))
    edit = {"service": stored["service"], "revision": 0}
    assert api.request("PUT", "/admin/catalogue/pkh", edit, asesor).status_code == 403
    assert api.get("/admin/catalogue/tidak-ada", asesor).status_code == 404
