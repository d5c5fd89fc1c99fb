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


def test_the_list_names_every_service_with_its_revision_and_the_schemas_limits(api):
    asesor = api.token(Role.ASESOR)
    listing = body(api.get("/admin/catalogue", asesor))
    assert len(listing["services"]) == 14
    assert listing["services"][0]["number"] == 1  # the catalogue's own order
    pkh = next(s for s in listing["services"] if s["id"] == "pkh")
    assert pkh["revision"] == 0 and pkh["source"] == "seed" and pkh["updated_by_name"] is None
    assert listing["limits"]["summary"] == {"kind": "text", "min": 1, "max": 600}
    assert listing["limits"]["short_name"]["max"] == 20
    assert listing["limits"]["keywords"] == {"kind": "list", "min": 3, "max": None}
    assert listing["answer_max"] == 700


def test_the_preview_is_the_exact_text_the_bot_sends_for_a_draft(api, stack):
    from chalicelib.catalogue.office import load_office
    from chalicelib.catalogue.services import Service
    from chalicelib.conversation import messages as m
    from chalicelib.conversation.copy import load_copy

    pimpinan = api.token(Role.PIMPINAN)
    stored = body(api.get("/admin/catalogue/pkh", pimpinan))
    draft = {**stored["service"], "summary": "Ringkasan baru untuk pratinjau 🙂 @kantor."}
    answer = api.post("/admin/catalogue/pkh/preview", {"service": draft}, pimpinan)
    assert answer.status_code == 200, answer.body
    shown = body(answer)
    service = Service.model_validate(draft)
    expected = m.service_answer(load_copy(), service, load_office()).body
    assert shown["answer"] == expected and "Ringkasan baru untuk pratinjau 🙂 @kantor." in expected
    assert shown["answer_length"] == len(expected) <= shown["answer_max"] == 700
    assert shown["details"] == m.service_details(load_copy(), service, load_office()).body
    assert shown["buttons"] == [b.title for b in m.answer_actions(load_copy(), service).buttons]
    assert shown["buttons"][0] == "Rincian"
    # Nothing is saved by a preview.
    assert body(api.get("/admin/catalogue/pkh", pimpinan))["revision"] == 0


def test_a_long_draft_is_shortened_in_the_preview_as_the_bot_would(api):
    admin = api.token(Role.ADMIN)
    stored = body(api.get("/admin/catalogue/pkh", admin))
    draft = {**stored["service"], "summary": "Kalimat panjang. " * 35}
    shown = body(api.post("/admin/catalogue/pkh/preview", {"service": draft}, admin))
    assert shown["answer_full_length"] > 700 >= shown["answer_length"]
    assert "…" in shown["answer"]


def test_a_draft_over_the_limits_gets_the_same_400_fields_as_saving(api):
    admin = api.token(Role.ADMIN)
    stored = body(api.get("/admin/catalogue/pkh", admin))
    draft = {**stored["service"], "summary": "x" * 601, "keywords": ["PKH"]}
    refused = api.post("/admin/catalogue/pkh/preview", {"service": draft}, admin)
    assert refused.status_code == 400
    fields = {f["field"] for f in body(refused)["fields"]}
    assert "service.summary" in fields
    saved = api.request("PUT", "/admin/catalogue/pkh", {"service": draft, "revision": 0}, admin)
    assert saved.status_code == 400 and body(saved)["fields"] == body(refused)["fields"]
    other = api.post("/admin/catalogue/tidak-ada/preview", {"service": draft}, admin)
    assert other.status_code == 404


def test_a_service_shows_who_edited_it_and_when(api):
    account = api.add(Role.ADMIN, email="editor.katalog@dinsos.test")
    admin = str(api.login(account["email"])["access_token"])
    stored = body(api.get("/admin/catalogue/dtks", admin))
    assert stored["revisions"] == [] and stored["updated_by_name"] is None
    for revision in (0, 1):
        service = {**stored["service"], "cost": f"Gratis (revisi {revision + 1})"}
        edit = {"service": service, "revision": revision}
        assert api.request("PUT", "/admin/catalogue/dtks", edit, admin).status_code == 200
    again = body(api.get("/admin/catalogue/dtks", admin))
    assert again["updated_by_name"] == "Petugas Admin" and again["updated_at"]
    assert [r["revision"] for r in again["revisions"]] == [2, 1]
    assert all(r["by_name"] == "Petugas Admin" and r["at"] for r in again["revisions"])
    listed = body(api.get("/admin/catalogue", admin))["services"]
    dtks = next(s for s in listed if s["id"] == "dtks")
    assert dtks["revision"] == 2 and dtks["source"] == "staff"
    assert dtks["updated_by_name"] == "Petugas Admin"
