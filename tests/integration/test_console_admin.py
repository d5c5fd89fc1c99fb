"""The console's Katalog, Rekap and Staf pages: who may open them, what the navigation offers,
and that each page's script reaches only the /admin API its role holds."""

from __future__ import annotations

import json
import re

import pytest

from chalicelib.staff.roles import Role
from tests.integration.test_console import get, jar, sign_in
from tests.staffkit import open_staff_api

OPENS = {
    Role.ADMIN: {"catalogue", "rekap", "staff"},
    Role.ASESOR: {"catalogue", "rekap"},
    Role.PIMPINAN: {"catalogue", "rekap"},
}


@pytest.fixture
def api(stack, monkeypatch, tmp_path):
    yield from open_staff_api(stack, monkeypatch, tmp_path)


def cookie_for(api, role: Role) -> str:
    account = api.add(role, email=f"{role.value}.halaman@dinsos.test", kecamatan=("14.04.01",))
    return jar(sign_in(api, account["email"]))


@pytest.mark.parametrize("role", list(Role), ids=lambda role: role.value)
def test_each_role_opens_the_pages_it_may_and_is_refused_the_others(api, role):
    cookie = cookie_for(api, role)
    for name in ("catalogue", "rekap", "staff"):
        response = get(api, f"/console/{name}", cookie)
        html = response.body.decode()
        if name in OPENS[role]:
            assert response.status_code == 200, (role, name)
            assert f'data-page="{name}"' in html
            assert re.search(rf'src="/console/static/{name}\.js\?v=[0-9a-f]+"', html)
        else:
            assert response.status_code == 403, (role, name)
            assert "tidak tersedia untuk peran Anda" in html
    akun = get(api, "/console/akun", cookie).body.decode()
    menu = re.search(r'<nav aria-label="Menu utama">(.*?)</nav>', akun, re.S).group(1)
    offered = set(re.findall(r'href="/console/(\w+)"', menu)) & {"catalogue", "rekap", "staff"}
    assert offered == OPENS[role]


def test_the_pages_carry_the_permissions_their_scripts_check(api):
    for role, edits in ((Role.ADMIN, True), (Role.PIMPINAN, False), (Role.ASESOR, False)):
        html = get(api, "/console/catalogue", cookie_for(api, role)).body.decode()
        config = json.loads(re.search(r'id="ligat-config"[^>]*>(.*?)</script>', html).group(1))
        assert ("catalogue.edit" in config["permissions"]) is edits
        assert ("rekap.send" in config["permissions"]) is edits
        assert len(config["labels"]["kecamatan"]) == 20  # the staff page's kecamatan choices


def test_a_page_without_a_session_sends_the_browser_to_sign_in(api):
    for name in ("catalogue", "rekap", "staff"):
        response = get(api, f"/console/{name}")
        assert response.status_code == 302
        assert response.headers["Location"] == f"/console/login?next=/console/{name}"


def test_the_page_scripts_build_the_dom_from_text_only():
    """Citizen and staff text enters the DOM as text: no innerHTML, no inline styles."""
    from chalicelib.console.pages import STATIC

    for name in ("catalogue.js", "rekap.js", "staff.js"):
        source = (STATIC / name).read_text()
        for banned in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "style="):
            assert banned not in source, (name, banned)
        assert "window.confirm" not in source and "confirm(" not in source


def test_the_pages_are_light():
    """First load of each page (template + console.css + console.js + its script), gzipped."""
    import gzip

    from chalicelib.console.pages import HERE, STATIC

    shared = (STATIC / "console.css").read_bytes() + (STATIC / "console.js").read_bytes()
    for name in ("catalogue", "rekap", "staff"):
        page = (HERE / "templates" / f"{name}.html").read_bytes() + (
            STATIC / f"{name}.js"
        ).read_bytes()
        assert len(gzip.compress(shared + page)) < 40_000
