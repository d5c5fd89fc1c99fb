"""The staff directory through the admin API: accounts in Cognito and the directory, validation
answers naming the field, every change in the audit log."""

from __future__ import annotations

import boto3
import pytest

from chalicelib.staff.roles import Role
from chalicelib.store import audit
from tests.staffkit import PASSWORD, body, open_staff_api

TEMBILAHAN, RETEH = "14.04.01", "14.04.02"


@pytest.fixture
def api(stack, monkeypatch, tmp_path):
    yield from open_staff_api(stack, monkeypatch, tmp_path)


@pytest.fixture
def admin(api) -> dict[str, str]:
    account = api.add(Role.ADMIN, email="kepala.tu@dinsos.test")
    return {**account, "token": api.login(account["email"])["access_token"]}


def new_asesor(**overrides):
    return {
        "email": "Rina.Asesor@Dinsos.test",
        "name": "Rina Wulandari",
        "role": "asesor",
        "kecamatan": ["1404.01", RETEH],
        "temporary_password": "Sementara-2026",
        **overrides,
    }


def test_admin_adds_an_asesor_who_can_then_sign_in(api, admin, stack):
    created = api.post("/admin/staff", new_asesor(whatsapp="0811-7600-808"), admin["token"])
    assert created.status_code == 201
    member = body(created)
    assert member["email"] == "rina.asesor@dinsos.test"
    assert member["kecamatan"] == [TEMBILAHAN, RETEH]  # codes normalised to Kemendagri's form
    assert member["whatsapp"] == "628117600808"
    assert (member["role"], member["active"], member["version"]) == ("asesor", True, 1)
    assert member["updated_by"] == admin["id"]

    cognito = boto3.client("cognito-idp")
    groups = cognito.admin_list_groups_for_user(
        UserPoolId=stack.outputs["UserPoolId"], Username=member["id"]
    )["Groups"]
    assert [g["GroupName"] for g in groups] == ["asesor"]

    login = api.post(
        "/auth/login", {"email": "rina.asesor@dinsos.test", "password": "Sementara-2026"}
    )
    assert body(login)["challenge"] == "NEW_PASSWORD_REQUIRED"

    listed = body(api.get("/admin/staff", admin["token"]))["staff"]
    assert {m["email"] for m in listed} == {"kepala.tu@dinsos.test", "rina.asesor@dinsos.test"}


def test_patch_changes_only_what_is_sent_and_keeps_cognito_in_step(api, admin, stack):
    member = body(api.post("/admin/staff", new_asesor(), admin["token"]))
    path = f"/admin/staff/{member['id']}"

    changed = api.patch(
        path,
        {
            "kecamatan": [TEMBILAHAN],
            "rekap_recipient": True,
            "duty_officer": True,
            "whatsapp": "+62 812 3456 7890",
        },
        admin["token"],
    )
    assert changed.status_code == 200
    after = body(changed)
    assert after["kecamatan"] == [TEMBILAHAN]
    assert (after["rekap_recipient"], after["duty_officer"]) == (True, True)
    assert after["whatsapp"] == "6281234567890"
    assert (after["name"], after["role"], after["version"]) == ("Rina Wulandari", "asesor", 2)

    promoted = body(api.patch(path, {"role": "pimpinan", "name": "Rina W."}, admin["token"]))
    assert (promoted["role"], promoted["name"]) == ("pimpinan", "Rina W.")
    cognito = boto3.client("cognito-idp")
    pool = stack.outputs["UserPoolId"]
    groups = cognito.admin_list_groups_for_user(UserPoolId=pool, Username=member["id"])["Groups"]
    assert [g["GroupName"] for g in groups] == ["pimpinan"]

    disabled = body(api.patch(path, {"active": False}, admin["token"]))
    assert disabled["active"] is False
    assert cognito.admin_get_user(UserPoolId=pool, Username=member["id"])["Enabled"] is False
    enabled = body(api.patch(path, {"active": True}, admin["token"]))
    assert enabled["active"] is True
    assert cognito.admin_get_user(UserPoolId=pool, Username=member["id"])["Enabled"] is True


def test_rekap_recipients_and_duty_officers_are_the_active_members_marked_so(api, admin):
    rina = body(api.post("/admin/staff", new_asesor(), admin["token"]))
    budi = body(
        api.post(
            "/admin/staff",
            new_asesor(email="budi@dinsos.test", name="Budi", rekap_recipient=True),
            admin["token"],
        )
    )
    api.patch(
        f"/admin/staff/{rina['id']}",
        {"duty_officer": True, "rekap_recipient": True, "whatsapp": "081200000001"},
        admin["token"],
    )
    directory = api.services.directory
    assert [m.email for m in directory.rekap_recipients()] == [budi["email"], rina["email"]]
    assert [(m.email, m.whatsapp) for m in directory.duty_officers()] == [
        (rina["email"], "6281200000001")
    ]

    api.patch(f"/admin/staff/{rina['id']}", {"active": False}, admin["token"])
    assert directory.duty_officers() == []
    assert [m.email for m in directory.rekap_recipients()] == [budi["email"]]


def test_every_change_is_in_the_audit_log_with_who_and_when(api, admin, stack):
    member = body(api.post("/admin/staff", new_asesor(), admin["token"]))
    api.patch(f"/admin/staff/{member['id']}", {"duty_officer": True}, admin["token"])

    events = audit.history(
        boto3.client("dynamodb"), stack.outputs["TableName"], f"staff:{member['id']}"
    )
    assert [e["action"] for e in events] == ["staff.update", "staff.create"]
    assert all(e["actor"] == admin["id"] and e["at"].endswith("Z") for e in events)
    assert events[0]["detail"] == {"duty_officer": True}
    assert events[1]["detail"] == {"email": "rina.asesor@dinsos.test", "role": "asesor"}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"email": "bukan email"}, "email"),
        ({"role": "kepala"}, "role"),
        ({"kecamatan": ["14.04.99"]}, "kecamatan"),
        ({"kecamatan": ["14.04.01.2001"]}, "kecamatan"),  # a desa, not a kecamatan
        ({"kecamatan": "14.04.01"}, "kecamatan"),
        ({"name": "   "}, "name"),
        ({"whatsapp": "12ab"}, "whatsapp"),
        ({"temporary_password": None}, "temporary_password"),
        ({"is_admin": True}, "is_admin"),
    ],
)
def test_bad_staff_bodies_get_400_naming_the_field(api, admin, change, field):
    response = api.post("/admin/staff", new_asesor(**change), admin["token"])
    assert response.status_code == 400
    answer = body(response)
    assert answer["error"] == "invalid_body"
    assert any(f["field"].split(".")[0] == field for f in answer["fields"]), answer


@pytest.mark.parametrize(
    ("change", "field"),
    [({"role": "root"}, "role"), ({"active": "mungkin"}, "active"), ({"id": "x"}, "id")],
)
def test_bad_patches_get_400_naming_the_field(api, admin, change, field):
    response = api.patch(f"/admin/staff/{admin['id']}", change, admin["token"])
    assert response.status_code == 400
    assert field in [f["field"] for f in body(response)["fields"]]


def test_a_null_field_in_a_patch_leaves_that_field_as_it_is(api, admin):
    member = api.add(Role.ASESOR, kecamatan=(TEMBILAHAN,))
    response = api.patch(
        f"/admin/staff/{member['id']}",
        {"kecamatan": None, "name": None, "duty_officer": True},
        admin["token"],
    )
    assert response.status_code == 200, response.body
    after = body(response)
    assert (after["kecamatan"], after["duty_officer"]) == ([TEMBILAHAN], True)


@pytest.mark.parametrize("payload", [b"null", b"[]", b'"teks"', b"{"])
def test_a_body_that_is_not_a_json_object_is_a_400(api, admin, payload):
    response = api.patch(f"/admin/staff/{admin['id']}", payload, admin["token"])
    assert response.status_code == 400
    assert response.headers["Content-Type"] == "application/json"
    assert body(response)["error"] in {"invalid_body", "invalid_json"}


def test_a_body_that_is_not_json_is_refused_with_415_in_the_api_s_own_words(api, admin):
    response = api.request(
        "POST", "/admin/staff", b"email=a@b.c", admin["token"], **{"Content-Type": "text/plain"}
    )
    assert response.status_code == 415
    assert response.headers["Content-Type"] == "application/json"
    assert body(response) == {
        "error": "unsupported_media_type",
        "message": "Badan permintaan harus JSON (Content-Type: application/json).",
    }


def test_a_weak_temporary_password_is_refused_by_the_pool_policy(api, admin):
    response = api.post("/admin/staff", new_asesor(temporary_password="pendek"), admin["token"])
    assert response.status_code == 400
    assert [f["field"] for f in body(response)["fields"]] == ["temporary_password"]
    assert body(api.get("/admin/staff", admin["token"]))["staff"][0]["email"] != "rina"


def test_the_password_rule_checked_by_the_api_is_the_pool_policy():
    from chalicelib.staff import schemas
    from local.provision import load_template

    policy = load_template()["Resources"]["UserPool"]["Properties"]["Policies"]["PasswordPolicy"]
    assert policy["MinimumLength"] == schemas.PASSWORD_MIN_LENGTH
    assert (policy["RequireLowercase"], policy["RequireUppercase"], policy["RequireNumbers"]) == (
        True,
        True,
        True,
    )
    assert policy["RequireSymbols"] is False


def test_an_email_cannot_be_registered_twice(api, admin):
    assert api.post("/admin/staff", new_asesor(), admin["token"]).status_code == 201
    again = api.post("/admin/staff", new_asesor(name="Lain"), admin["token"])
    assert again.status_code == 409
    assert "sudah terdaftar" in body(again)["message"]


def test_an_admin_cannot_lock_themselves_out(api, admin):
    for change in ({"active": False}, {"role": "pimpinan"}):
        response = api.patch(f"/admin/staff/{admin['id']}", change, admin["token"])
        assert response.status_code == 409
    assert api.get("/admin/staff", admin["token"]).status_code == 200


def test_patching_an_unknown_member_is_404(api, admin):
    response = api.patch("/admin/staff/no-such-id", {"duty_officer": True}, admin["token"])
    assert response.status_code == 404
    assert body(response)["message"] == "Petugas tidak ditemukan."


def test_two_admins_saving_the_same_member_do_not_overwrite_each_other(api, admin):
    from chalicelib.staff.schemas import StaffUpdate
    from chalicelib.store.staff import StaleStaffMember

    member = api.add(Role.ASESOR)
    store = api.services.store
    read_by_both = store.get(member["id"])
    store.save(read_by_both, audit.AuditEvent(admin["id"], "staff.update", f"staff:{member['id']}"))
    with pytest.raises(StaleStaffMember):
        store.save(
            read_by_both, audit.AuditEvent(admin["id"], "staff.update", f"staff:{member['id']}")
        )
    assert StaffUpdate(duty_officer=True).model_dump(exclude_unset=True) == {"duty_officer": True}


def test_created_accounts_use_the_password_given(api, admin):
    account = api.add(Role.PIMPINAN)
    assert api.login(account["email"], PASSWORD)["access_token"]


def test_ops_create_a_deployed_stage_first_admin_from_the_command_line(api, capsys):
    from chalicelib.staff.__main__ import main

    assert main(["pertama@dinsos.test", "Admin Pertama"], password="Sementara-2026") == 0
    assert "pertama@dinsos.test" in capsys.readouterr().out
    login = api.post("/auth/login", {"email": "pertama@dinsos.test", "password": "Sementara-2026"})
    assert body(login)["challenge"] == "NEW_PASSWORD_REQUIRED"
    assert main(["pertama@dinsos.test", "Lagi"], password="Sementara-2026") == 1
    assert main(["kedua@dinsos.test", "Lemah"], password="lemah") == 2
