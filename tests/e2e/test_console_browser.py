"""The console's shell in Chromium: the printed admin signs in, sees their account, signs out;
an expired session says so; the shell fits a 360 px phone."""

from __future__ import annotations

import pytest

from chalicelib.staff.roles import Role
from tests.e2e.console import PHONE, expect, no_horizontal_scroll, screenshot, skip_without_chromium

skip_without_chromium()
pytestmark = [pytest.mark.e2e, pytest.mark.browser]


def test_the_admin_signs_in_sees_the_account_and_signs_out(staff_page, local_stack):
    page = staff_page(Role.ADMIN)
    page.goto(f"{local_stack.api}/console/akun")
    expect(page.locator("#account dd").nth(2)).to_have_text("Admin")
    page.click("#logout")
    expect(page.locator(".notice")).to_contain_text("Anda sudah keluar")
    page.goto(f"{local_stack.api}/console/akun")
    expect(page).to_have_url(f"{local_stack.api}/console/login?next=/console/akun")


def test_a_lost_session_sends_the_member_to_sign_in_again_with_a_message(staff_page, local_stack):
    page = staff_page(Role.PIMPINAN)
    page.context.clear_cookies()
    page.goto(f"{local_stack.api}/console/akun")
    expect(page.locator("#login")).to_be_visible()
    page.context.add_cookies(
        [{"name": "ligat_session", "value": "x.y.z", "url": local_stack.api + "/"}]
    )
    page.goto(f"{local_stack.api}/console/akun")
    expect(page.locator(".notice")).to_contain_text("Sesi Anda telah berakhir")


def test_the_shell_fits_a_phone(staff_page, local_stack):
    page = staff_page(Role.ADMIN, viewport=PHONE)
    page.goto(f"{local_stack.api}/console/akun")
    expect(page.locator("#account dl")).to_be_visible()
    assert no_horizontal_scroll(page)
    screenshot(page, "console-akun-360")
