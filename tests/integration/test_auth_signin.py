"""Staff sign-in through the API against Cognito on moto: temporary password, refresh, refusals
that do not tell an unknown e-mail from a wrong password, throttling."""

from __future__ import annotations

import boto3
import pytest

from chalicelib.staff.roles import Role
from chalicelib.staff.schemas import StaffCreate
from tests.staffkit import PASSWORD, body, open_staff_api


@pytest.fixture
def api(stack, monkeypatch, tmp_path):
    yield from open_staff_api(stack, monkeypatch, tmp_path)


def test_the_template_pool_client_and_groups_are_provisioned_into_moto(stack):
    cognito = boto3.client("cognito-idp")
    pool_id, client_id = stack.outputs["UserPoolId"], stack.outputs["UserPoolClientId"]
    pool = cognito.describe_user_pool(UserPoolId=pool_id)["UserPool"]
    assert pool["Name"] == "ligat-test-staff"
    assert stack.outputs["UserPoolArn"] == pool["Arn"]
    assert pool["Policies"]["PasswordPolicy"]["MinimumLength"] == 12
    client = cognito.describe_user_pool_client(UserPoolId=pool_id, ClientId=client_id)
    client = client["UserPoolClient"]
    assert set(client["ExplicitAuthFlows"]) == {
        "ALLOW_USER_PASSWORD_AUTH",
        "ALLOW_REFRESH_TOKEN_AUTH",
    }
    assert "ClientSecret" not in client
    groups = cognito.list_groups(UserPoolId=pool_id)["Groups"]
    assert {g["GroupName"] for g in groups} == {role.value for role in Role}


def test_first_sign_in_with_a_temporary_password_asks_for_a_new_one(api):
    api.services.directory.create(
        "test",
        StaffCreate(
            email="Siti@Dinsos.test",
            name="Siti Aminah",
            role=Role.ASESOR,
            kecamatan=["14.04.01"],
            temporary_password="Sementara-2026",
        ),
    )

    first = api.post("/auth/login", {"email": "siti@dinsos.test", "password": "Sementara-2026"})
    assert first.status_code == 200
    challenge = body(first)
    assert challenge["challenge"] == "NEW_PASSWORD_REQUIRED" and challenge["session"]
    assert "access_token" not in challenge

    changed = api.post(
        "/auth/password",
        {"email": "siti@dinsos.test", "session": challenge["session"], "new_password": PASSWORD},
    )
    assert changed.status_code == 200
    tokens = body(changed)
    assert set(tokens) == {"id_token", "access_token", "refresh_token", "expires_in"}
    assert tokens["expires_in"] > 0

    me = body(api.get("/admin/me", tokens["access_token"]))
    assert (me["email"], me["name"], me["role"], me["kecamatan"]) == (
        "siti@dinsos.test",
        "Siti Aminah",
        "asesor",
        ["14.04.01"],
    )
    again = api.login("siti@dinsos.test")  # the new password is now the password
    assert again["access_token"]


def test_a_weak_new_password_is_refused_naming_the_field(api):
    api.services.directory.create(
        "test",
        StaffCreate(
            email="budi@dinsos.test",
            name="Budi",
            role=Role.PIMPINAN,
            temporary_password="Sementara-2026",
        ),
    )
    session = body(
        api.post("/auth/login", {"email": "budi@dinsos.test", "password": "Sementara-2026"})
    )["session"]
    weak = api.post(
        "/auth/password", {"email": "budi@dinsos.test", "session": session, "new_password": "abc"}
    )
    assert weak.status_code == 400
    assert [f["field"] for f in body(weak)["fields"]] == ["new_password"]


def test_an_unknown_challenge_session_is_refused(api):
    account = api.add(Role.ADMIN)
    response = api.post(
        "/auth/password",
        {"email": account["email"], "session": "forged" * 8, "new_password": PASSWORD},
    )
    assert response.status_code == 401
    assert "access_token" not in body(response)


def test_refresh_gives_new_tokens_that_work(api):
    account = api.add(Role.PIMPINAN)
    tokens = api.login(account["email"])

    refreshed = api.post("/auth/refresh", {"refresh_token": tokens["refresh_token"]})
    assert refreshed.status_code == 200
    fresh = body(refreshed)
    assert fresh["access_token"] and fresh["refresh_token"] == tokens["refresh_token"]
    assert body(api.get("/admin/me", fresh["access_token"]))["role"] == "pimpinan"

    forged = api.post("/auth/refresh", {"refresh_token": "d3adb33f-not-issued"})
    assert forged.status_code == 401


def test_wrong_password_unknown_email_and_disabled_account_get_the_same_answer(api):
    admin = api.add(Role.ADMIN)
    disabled = api.add(Role.ASESOR)
    admin_token = api.login(admin["email"])["access_token"]
    disable = api.patch(f"/admin/staff/{disabled['id']}", {"active": False}, admin_token)
    assert disable.status_code == 200

    answers = [
        api.post("/auth/login", {"email": admin["email"], "password": "Salah-Sandi-2026"}),
        api.post("/auth/login", {"email": "nobody@dinsos.test", "password": PASSWORD}),
        api.post("/auth/login", {"email": disabled["email"], "password": PASSWORD}),
    ]
    assert [a.status_code for a in answers] == [401, 401, 401]
    assert len({a.body for a in answers}) == 1
    assert "access_token" not in body(answers[0])


def test_repeated_failures_are_throttled_for_known_and_unknown_emails_alike(api):
    account = api.add(Role.ADMIN)
    for email in (account["email"], "nobody@dinsos.test"):
        for _ in range(5):
            wrong = api.post("/auth/login", {"email": email, "password": "Salah-Sandi-2026"})
            assert wrong.status_code == 401
        blocked = api.post("/auth/login", {"email": email, "password": "Salah-Sandi-2026"})
        assert blocked.status_code == 429
        assert int(blocked.headers["Retry-After"]) > 0
        assert "menit" in body(blocked)["message"]

    # Throttled means throttled: even the right password waits until the window ends.
    right = api.post("/auth/login", {"email": account["email"], "password": PASSWORD})
    assert right.status_code == 429
    # Another staff member is not affected.
    other = api.add(Role.PIMPINAN)
    assert api.login(other["email"])["access_token"]


def test_throttle_counts_live_in_the_table_with_a_ttl(api, stack):
    api.post("/auth/login", {"email": "nobody@dinsos.test", "password": "x"})
    items = boto3.client("dynamodb").scan(TableName=stack.outputs["TableName"])["Items"]
    [throttle] = [i for i in items if i["pk"]["S"].startswith("THROTTLE#")]
    assert "nobody" not in throttle["pk"]["S"]  # hashed, no e-mail address in the key
    assert int(throttle["failures"]["N"]) == 1 and int(throttle["expires_at"]["N"]) > 0


def test_a_successful_sign_in_clears_earlier_failures(api):
    account = api.add(Role.ADMIN)
    for _ in range(4):
        api.post("/auth/login", {"email": account["email"], "password": "Salah-Sandi-2026"})
    api.login(account["email"])
    for _ in range(4):
        wrong = api.post("/auth/login", {"email": account["email"], "password": "Salah-Sandi-2026"})
        assert wrong.status_code == 401


@pytest.mark.parametrize(
    ("path", "payload", "field"),
    [
        ("/auth/login", {"email": "bukan-email", "password": "x"}, "email"),
        ("/auth/login", {"email": "a@b.id"}, "password"),
        ("/auth/login", {"email": "a@b.id", "password": "x", "role": "admin"}, "role"),
        ("/auth/password", {"email": "a@b.id", "new_password": "x"}, "session"),
        ("/auth/refresh", {}, "refresh_token"),
        ("/auth/login", ["a@b.id", "x"], "body"),
    ],
)
def test_bad_sign_in_bodies_get_400_naming_the_field(api, path, payload, field):
    response = api.post(path, payload)
    assert response.status_code == 400
    assert field in [f["field"] for f in body(response)["fields"]]


def test_a_body_that_is_not_json_gets_400(api):
    response = api.post("/auth/login", b"{not json")
    assert response.status_code == 400
    assert body(response)["error"] == "invalid_json"


def test_a_throttled_account_signs_in_again_once_the_window_has_passed(api, monkeypatch):
    import time

    account = api.add(Role.ADMIN)
    for _ in range(6):
        api.post("/auth/login", {"email": account["email"], "password": "Salah-Sandi-2026"})
    assert (
        api.post("/auth/login", {"email": account["email"], "password": PASSWORD}).status_code
        == 429
    )

    later = time.time() + api.services.signin.window_seconds
    monkeypatch.setattr(api.services.signin, "clock", lambda: later)
    assert api.login(account["email"])["access_token"]
