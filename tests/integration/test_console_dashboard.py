"""The console's home (Dasbor) and the inbox (Percakapan): who may open each page, what the
navigation offers each role, and what the pages load (their own scripts, no inline markup
tricks, a first load far under the 200 KB goal)."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest

from chalicelib.console.pages import HOME, PAGES
from chalicelib.staff.roles import Role
from tests.integration.test_console import get, jar, sign_in

CONSOLE = Path(__file__).resolve().parents[2] / "chalicelib" / "console"


@pytest.fixture
def api(stack, monkeypatch, tmp_path):
    from tests.staffkit import open_staff_api

    yield from open_staff_api(stack, monkeypatch, tmp_path)


def cookie_of(api, role: Role) -> str:
    member = api.add(role)
    return jar(sign_in(api, member["email"]))


def nav_of(html: str) -> list[str]:
    menu = re.search(r'<nav aria-label="Menu utama">(.*?)</nav>', html, re.S).group(1)
    return re.findall(r'href="/console/([a-z]+)"', menu)


def test_the_dashboard_is_the_home_and_comes_first_in_the_navigation():
    assert HOME == "dashboard"
    assert next(iter(PAGES)) == "dashboard"


@pytest.mark.parametrize("role", [Role.ADMIN, Role.ASESOR, Role.PIMPINAN])
def test_every_role_opens_the_dashboard(api, role):
    response = get(api, "/console/dashboard", cookie_of(api, role))
    assert response.status_code == 200
    html = response.body.decode()
    assert "<h1>Dasbor</h1>" in html and 'id="per-day"' in html
    assert re.search(r'src="/console/static/dashboard\.js\?v=[0-9a-f]{10}"', html)
    assert nav_of(html)[0] == "dashboard"


def test_only_the_admin_opens_the_inbox_and_sees_it_in_the_navigation(api):
    admin = get(api, "/console/inbox", cookie_of(api, Role.ADMIN))
    assert admin.status_code == 200
    html = admin.body.decode()
    assert "<h1>Percakapan</h1>" in html and 'id="reply"' in html
    assert nav_of(html)[0] == "dashboard" and "inbox" in nav_of(html)
    for role in (Role.ASESOR, Role.PIMPINAN):
        cookie = cookie_of(api, role)
        refused = get(api, "/console/inbox", cookie)
        assert refused.status_code == 403
        assert "tidak tersedia untuk peran Anda" in refused.body.decode()
        assert "inbox" not in nav_of(get(api, "/console/dashboard", cookie).body.decode())


@pytest.mark.parametrize("name", ["dashboard", "inbox"])
def test_the_page_first_load_is_far_under_200_kb_gzipped(api, name):
    html = get(api, f"/console/{name}", cookie_of(api, Role.ADMIN)).body
    total = len(gzip.compress(html, 6))
    assets = re.findall(rb'(?:src|href)="(/console/static/[^"]+)"', html)
    assert {a.split(b"?")[0].rsplit(b"/", 1)[1] for a in assets} == {
        b"console.css",
        b"console.js",
        f"{name}.js".encode(),
    }
    for asset in assets:
        served = get(api, asset.decode())
        assert served.status_code == 200
        total += len(gzip.compress(served.body, 6))
    assert total < 50_000, total  # the goal is 200 KB on a slow phone connection


@pytest.mark.parametrize("name", ["dashboard", "inbox"])
def test_the_page_builds_its_dom_from_text_and_keeps_styles_in_the_stylesheet(name):
    script = (CONSOLE / "static" / f"{name}.js").read_text()
    template = (CONSOLE / "templates" / f"{name}.html").read_text()
    for risky in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert risky not in script, risky
    assert 'setAttribute("style"' not in script and "style=" not in template
    assert "<script" not in template
