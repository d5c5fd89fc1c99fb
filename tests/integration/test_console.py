"""The console's foundation: sign-in into HttpOnly cookies, pages for signed-in staff only, the
CSRF token on cookie-authenticated changes, renewal from the refresh cookie, logout, static
files, and the security headers of every answer."""

from __future__ import annotations

import json
import re

import boto3
import pytest

from chalicelib.console.session import csrf_token
from chalicelib.staff.roles import Role
from chalicelib.staff.schemas import StaffCreate
from tests.staffkit import PASSWORD, body, open_staff_api


@pytest.fixture
def api(stack, monkeypatch, tmp_path):
    yield from open_staff_api(stack, monkeypatch, tmp_path)


@pytest.fixture
def admin(api):
    return api.add(Role.ADMIN, email="admin.konsol@dinsos.test")


def sign_in(api, email, password=PASSWORD):
    response = api.post("/console/session", {"email": email, "password": password})
    assert response.status_code == 200, response.body
    return response


def set_cookies(response) -> dict[str, str]:
    """name -> the whole Set-Cookie line."""
    lines = response.headers.get("Set-Cookie") or response.headers.get("set-cookie") or []
    lines = [lines] if isinstance(lines, str) else lines
    return {line.split("=", 1)[0]: line for line in lines}


def jar(response) -> str:
    values = {
        name: line.split(";", 1)[0].split("=", 1)[1] for name, line in set_cookies(response).items()
    }
    return "; ".join(f"{name}={value}" for name, value in values.items())


def get(api, path, cookie=""):
    return api.client.http.get(path, headers={"Cookie": cookie} if cookie else {})


def test_a_page_without_a_session_sends_the_browser_to_sign_in(api):
    response = get(api, "/console/akun")
    assert response.status_code == 302
    assert response.headers["Location"] == "/console/login?next=/console/akun"
    home = get(api, "/console")
    assert home.status_code == 302 and home.headers["Location"] == "/console/dashboard"


def test_sign_in_keeps_the_tokens_in_http_only_cookies_and_out_of_the_page(api, admin):
    response = sign_in(api, admin["email"])
    cookies = set_cookies(response)
    assert set(cookies) == {"ligat_session", "ligat_refresh"}
    for line in cookies.values():
        assert "HttpOnly" in line and "Secure" in line and "SameSite=Strict" in line
    assert "Path=/;" in cookies["ligat_session"]
    assert "Path=/console;" in cookies["ligat_refresh"]
    answer = body(response)
    assert set(answer) == {"csrf", "next"} and answer["next"] == "/console/"
    access = cookies["ligat_session"].split(";", 1)[0].split("=", 1)[1]
    assert answer["csrf"] == csrf_token(access)
    assert response.headers["Cache-Control"] == "no-store"


def test_wrong_password_and_unknown_email_answer_alike(api, admin):
    wrong = api.post("/console/session", {"email": admin["email"], "password": "Salah-Sekali-1"})
    unknown = api.post("/console/session", {"email": "siapa@dinsos.test", "password": "X-1234567"})
    assert wrong.status_code == unknown.status_code == 401
    assert body(wrong) == body(unknown)
    assert not set_cookies(wrong)


def test_the_page_is_rendered_for_the_member_with_the_csrf_token_and_strict_headers(api, admin):
    cookie = jar(sign_in(api, admin["email"]))
    response = get(api, "/console/akun", cookie)
    assert response.status_code == 200
    html = response.body.decode()
    assert "Akun saya" in html and "Petugas Admin" in html
    config = json.loads(re.search(r'id="ligat-config"[^>]*>(.*?)</script>', html).group(1))
    session = re.search(r"ligat_session=([^;]+)", cookie).group(1)
    assert config["csrf"] == csrf_token(session)
    assert config["me"]["role"] == "admin" and "tickets.list" in config["permissions"]
    assert "<script>" not in html.replace('<script id="ligat-config" type="application/json">', "")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Type"].startswith("text/html")
    # Every script and style the page loads is served by the deployment itself.
    for src in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert src.startswith(("/console/", "data:", "#")), src


def test_the_member_name_is_escaped_in_the_shell(api, stack):
    directory = api.services.directory
    member = directory.create(
        "test",
        StaffCreate(
            email="xss@dinsos.test",
            name="Budi <img src=x onerror=alert(1)>",
            role=Role.ADMIN,
            kecamatan=[],
            temporary_password=PASSWORD,
        ),
    )
    boto3.client("cognito-idp").admin_set_user_password(
        UserPoolId=stack.outputs["UserPoolId"],
        Username=member.id,
        Password=PASSWORD,
        Permanent=True,
    )
    html = get(api, "/console/akun", jar(sign_in(api, "xss@dinsos.test"))).body.decode()
    assert "<img src=x" not in html
    assert "Budi &lt;img src=x onerror=alert(1)&gt;" in html


def test_the_api_accepts_the_cookie_and_wants_the_csrf_token_for_changes(api, admin):
    response = sign_in(api, admin["email"])
    cookie, csrf = jar(response), body(response)["csrf"]
    me = api.client.http.get("/admin/me", headers={"Cookie": cookie})
    assert me.status_code == 200 and body(me)["email"] == admin["email"]
    change = {"Cookie": cookie, "Content-Type": "application/json"}
    patch = json.dumps({"active": "bukan boolean"}).encode()
    path = f"/admin/staff/{admin['id']}"
    refused = api.client.http.request("PATCH", path, headers=change, body=patch)
    assert refused.status_code == 403 and body(refused)["error"] == "csrf_failed"
    forged = {**change, "X-CSRF-Token": "0" * 64}
    assert api.client.http.request("PATCH", path, headers=forged, body=patch).status_code == 403
    checked = {**change, "X-CSRF-Token": csrf}
    validated = api.client.http.request("PATCH", path, headers=checked, body=patch)
    assert validated.status_code == 400  # past the session and CSRF checks, to validation


def test_an_expired_access_cookie_is_renewed_from_the_refresh_cookie(api, admin):
    cookie = jar(sign_in(api, admin["email"]))
    refresh = re.search(r"ligat_refresh=([^;]+)", cookie).group(1)
    stale = f"ligat_session=not.a.token; ligat_refresh={refresh}"
    response = get(api, "/console/akun", stale)
    assert response.status_code == 200
    assert "ligat_session" in set_cookies(response)
    renewed = api.client.http.post("/console/session/refresh", headers={"Cookie": stale})
    assert renewed.status_code == 200 and len(body(renewed)["csrf"]) == 64


def test_a_session_that_cannot_be_renewed_asks_to_sign_in_again(api):
    response = get(api, "/console/akun", "ligat_session=x.y.z; ligat_refresh=kedaluwarsa")
    assert response.status_code == 302
    assert response.headers["Location"] == "/console/login?next=/console/akun&expired=1"
    assert all("Max-Age=0" in line for line in set_cookies(response).values())
    login = get(api, "/console/login?expired=1").body.decode()
    assert "Sesi Anda telah berakhir" in login
    assert api.client.http.post("/console/session/refresh").status_code == 401


def test_logout_clears_both_cookies(api, admin):
    cookie = jar(sign_in(api, admin["email"]))
    response = api.client.http.post("/console/session/logout", headers={"Cookie": cookie})
    assert response.status_code == 200
    assert body(response)["next"] == "/console/login?keluar=1"
    cleared = set_cookies(response)
    assert set(cleared) == {"ligat_session", "ligat_refresh"}
    assert all("Max-Age=0" in line for line in cleared.values())


def test_first_sign_in_sets_a_new_password_then_the_cookies(api):
    api.services.directory.create(
        "test",
        StaffCreate(
            email="baru@dinsos.test",
            name="Petugas Baru",
            role=Role.PIMPINAN,
            kecamatan=[],
            temporary_password="Sementara-2026",
        ),
    )
    first = sign_in(api, "baru@dinsos.test", "Sementara-2026")
    challenge = body(first)
    assert challenge["challenge"] == "NEW_PASSWORD_REQUIRED" and not set_cookies(first)
    done = api.post(
        "/console/session/password",
        {"email": "baru@dinsos.test", "session": challenge["session"], "new_password": PASSWORD},
    )
    assert done.status_code == 200 and set(set_cookies(done)) == {"ligat_session", "ligat_refresh"}


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/console/", "//evil.example/console/", "/console/\\evil", "/admin/me"],
)
def test_the_sign_in_page_only_returns_to_console_pages(api, target):
    html = get(api, f"/console/login?next={target}").body.decode()
    assert 'data-next="/console/"' in html


def test_static_files_are_versioned_and_nothing_else_is_served(api):
    html = get(api, "/console/login").body.decode()
    css = re.search(r'href="(/console/static/console.css\?v=[0-9a-f]+)"', html).group(1)
    response = get(api, css)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/css")
    assert "immutable" in response.headers["Cache-Control"]
    assert get(api, "/console/static/console.css").headers["Cache-Control"] == "no-cache"
    for name in ("..%2Fpages.py", "pages.py", ".hidden.js", "nope.js"):
        assert get(api, f"/console/static/{name}").status_code == 404
    assert get(api, "/console/tidak-ada", "").status_code == 404
