"""Katalog, Rekap and Staf in Chromium against `make run`'s stack: an admin edits a service with
the WhatsApp preview and the limits live, previews and downloads a rekap, adds an asesor who then
signs in without the Staf menu; a pimpinan is offered no edit and no resend; every page fits
360 px.

The bot re-reads the catalogue at most once a minute (chalicelib/wiring.py CatalogueCache, the
same in the local stack), so a saved edit is checked where the bot reads it from: the catalogue
as stored, through GET /admin/catalogue.
"""

from __future__ import annotations

import io
import secrets
import zipfile
from datetime import datetime, timedelta

import pytest

from chalicelib.clock import WIB
from chalicelib.staff.roles import Role
from tests.e2e.citizen import SimCitizen
from tests.e2e.console import (
    DESKTOP,
    PASSWORD,
    PHONE,
    WAIT_MS,
    admin_token,
    expect,
    no_horizontal_scroll,
    screenshot,
    skip_without_chromium,
)
from tests.e2e.test_auth_local_stack import call

skip_without_chromium()
pytestmark = [pytest.mark.e2e, pytest.mark.browser]

SERVICE = "ziarah_tmp"
RED = "rgb(179, 38, 30)"  # --bad in console.css
WA_ID = "6281200000417"


def open_service(page, local_stack, service: str = SERVICE) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{local_stack.api}/console/catalogue")
    page.click(f"button[data-service={service}]")
    expect(page.locator("#wa-answer")).to_be_visible()


def test_the_admin_edits_a_service_with_the_preview_and_the_limits_live(staff_page, local_stack):
    page = staff_page(Role.ADMIN)
    open_service(page, local_stack)
    summary = page.locator("textarea[name=summary]")
    original = summary.input_value()
    expect(page.locator("#wa-answer")).to_contain_text(original[:40])

    draft = "Pratinjau langsung: izin ziarah rombongan diurus di kantor Dinas Sosial."
    summary.fill(draft)
    expect(page.locator("#wa-answer")).to_contain_text(draft)
    expect(page.locator("#count-summary")).to_have_text(f"{len(draft)}/600")
    expect(page.locator("#answer-counter")).to_contain_text("/700 karakter")
    expect(page.locator("#catalogue-save")).to_be_enabled()

    too_long = ("Terlalu panjang. " * 36).strip()
    summary.fill(too_long)
    counter = page.locator("#count-summary")
    expect(counter).to_have_text(f"{len(too_long)}/600")
    expect(counter).to_have_class("counter over")
    expect(counter).to_have_css("color", RED)
    expect(page.locator("#catalogue-save")).to_be_disabled()
    expect(page.locator("#error-summary")).not_to_be_empty()  # the preview's 400, by the field

    saved = original + " Tanpa biaya tambahan."
    summary.fill(saved)
    expect(page.locator("#catalogue-save")).to_be_enabled()
    expect(page.locator("#error-summary")).to_be_empty()
    page.click("#catalogue-save")
    expect(page.locator("#flash")).to_contain_text("Tersimpan")
    expect(page.locator("#catalogue-meta")).to_contain_text("terakhir diubah")
    expect(page.locator("#revision-list li").first).to_contain_text("Revisi")
    expect(page.locator("#wa-answer")).to_contain_text("Tanpa biaya tambahan.")

    token = admin_token(local_stack)
    status, stored = call(local_stack.api, "GET", f"/admin/catalogue/{SERVICE}", token=token)
    assert status == 200 and stored["service"]["summary"] == saved
    status, listing = call(local_stack.api, "GET", "/admin/catalogue", token=token)
    entry = next(s for s in listing["services"] if s["id"] == SERVICE)
    assert entry["source"] == "staff" and entry["revision"] == stored["revision"] >= 1
    screenshot(page, "console-catalogue")


def test_the_rekap_is_previewed_and_downloaded_as_xlsx_and_resent_after_confirming(
    staff_page, local_stack
):
    number = SimCitizen(local_stack.sim, WA_ID, "Sari Rekap").files_urgent_report()

    page = staff_page(Role.ADMIN)
    page.goto(f"{local_stack.api}/console/rekap")
    yesterday = (datetime.now(WIB) - timedelta(days=1)).date().isoformat()
    expect(page.locator("input[name=day]")).to_have_value(yesterday)
    expect(page.locator("#rekap-heading")).to_contain_text("dibuat")

    today = datetime.now(WIB).date().isoformat()
    page.fill("input[name=day]", today)
    page.click("#rekap-form button[type=submit]")
    expect(page.locator(".figures .card").first).to_contain_text("Laporan baru")
    link = page.locator(f"table.rekap-rows a[href='/console/tickets/{number}']").first
    expect(link).to_be_visible()
    expect(page.locator("#rekap")).not_to_contain_text(WA_ID)  # the phone is masked

    with page.expect_download() as started:
        page.click("#rekap-download")
    download = started.value
    assert download.suggested_filename == f"rekap-ligat-{today}.xlsx"
    data = download.path().read_bytes()
    assert data[:2] == b"PK" and zipfile.is_zipfile(io.BytesIO(data))
    assert "xl/workbook.xml" in zipfile.ZipFile(io.BytesIO(data)).namelist()

    page.click("#rekap-resend")
    expect(page.locator("#rekap-confirm")).to_be_visible()
    page.click("#rekap-confirm-no")
    expect(page.locator("#rekap-confirm")).to_be_hidden()
    page.click("#rekap-resend")
    page.click("#rekap-confirm-yes")
    expect(page.locator("#flash")).to_contain_text("dikirim ulang")
    expect(page.locator("#rekap-confirm")).to_be_hidden()
    screenshot(page, "console-rekap")


def test_the_admin_adds_an_asesor_who_signs_in_without_the_staff_menu(
    staff_page, console_browser, local_stack
):
    page = staff_page(Role.ADMIN)
    page.goto(f"{local_stack.api}/console/staff")
    expect(page.locator("#staff-table")).to_be_visible()
    email = f"asesor.konsol.{secrets.token_hex(3)}@dinsos.test"
    form = page.locator("#staff-add")
    page.click("#staff-add-open")
    form.locator("input[name=email]").fill(email)
    form.locator("input[name=name]").fill("Rina Asesor Konsol")
    form.locator("select[name=role]").select_option("asesor")
    form.locator("input[name=kecamatan][value='14.04.01']").check()
    form.locator("input[name=temporary_password]").fill("lemah")
    form.locator("input[name=whatsapp]").fill("12")
    form.locator("button[type=submit]").click()
    rule = form.locator("[data-field=temporary_password] .field-error")
    expect(rule).to_contain_text("minimal 12 karakter")
    expect(form.locator("[data-field=whatsapp] .field-error")).to_contain_text("WhatsApp")

    form.locator("input[name=temporary_password]").fill("Sementara-2026")
    form.locator("input[name=whatsapp]").fill("0811-7600-809")
    form.locator("button[type=submit]").click()
    expect(page.locator("#flash")).to_contain_text("ditambahkan")
    row = page.locator(f"#staff-table tr[data-email='{email}']")
    expect(row).to_contain_text("Asesor")
    expect(row.locator("td").nth(2)).to_have_text("Reteh")  # 14.04.01

    row.locator("button").click()
    edit = page.locator("#staff-edit")
    expect(edit.locator("input[name=kecamatan][value='14.04.01']")).to_be_checked()
    edit.locator("input[name=rekap_recipient]").check()
    edit.locator("button[type=submit]").click()
    expect(page.locator("#flash")).to_contain_text("tersimpan")
    expect(row.locator("td").nth(4)).to_have_text("Ya")
    screenshot(page, "console-staff")

    context = console_browser.new_context(viewport=DESKTOP, locale="id-ID")
    context.set_default_timeout(WAIT_MS)
    problems: list[str] = []
    asesor = context.new_page()
    asesor.on("pageerror", lambda error: problems.append(str(error)))
    asesor.on("dialog", lambda dialog: problems.append(dialog.message))
    try:
        asesor.goto(f"{local_stack.api}/console/login")
        asesor.fill("input[name=email]", email)
        asesor.fill("input[name=password]", "Sementara-2026")
        asesor.click("#login button[type=submit]")
        expect(asesor.locator("#new-password")).to_be_visible()
        asesor.fill("input[name=new_password]", PASSWORD)
        asesor.fill("input[name=repeat]", PASSWORD)
        asesor.click("#new-password button[type=submit]")
        expect(asesor).to_have_url(f"{local_stack.api}/console/dashboard")  # the home page
        asesor.goto(f"{local_stack.api}/console/akun")
        expect(asesor.locator("#account dd").nth(2)).to_have_text("Asesor")
        nav = asesor.locator("header nav")
        expect(nav.locator("a", has_text="Katalog")).to_be_visible()
        expect(nav.locator("a", has_text="Staf")).to_have_count(0)
        asesor.goto(f"{local_stack.api}/console/staff")
        expect(asesor.locator("body")).to_contain_text("tidak tersedia untuk peran Anda")
    finally:
        context.close()
    assert not problems, problems


def test_a_pimpinan_reads_the_catalogue_and_the_rekap_without_edit_or_resend(
    staff_page, local_stack
):
    page = staff_page(Role.PIMPINAN)
    open_service(page, local_stack, "pkh")
    expect(page.locator("#catalogue-meta")).to_contain_text("Hanya baca")
    expect(page.locator("textarea[name=summary]")).not_to_be_editable()
    expect(page.locator("#catalogue-save")).to_have_count(0)
    page.goto(f"{local_stack.api}/console/rekap")
    expect(page.locator("#rekap-heading")).to_contain_text("Semua kecamatan")
    expect(page.locator("#rekap-download")).to_be_visible()
    expect(page.locator("#rekap-resend")).to_be_hidden()
    expect(page.locator("header nav a", has_text="Staf")).to_have_count(0)


def test_the_pages_fit_a_phone(staff_page, local_stack):
    page = staff_page(Role.ADMIN, viewport=PHONE)
    open_service(page, local_stack, "pkh")
    assert no_horizontal_scroll(page)
    screenshot(page, "console-catalogue-360")
    page.goto(f"{local_stack.api}/console/rekap")
    expect(page.locator("#rekap-heading")).to_be_visible()
    assert no_horizontal_scroll(page)
    screenshot(page, "console-rekap-360")
    page.goto(f"{local_stack.api}/console/staff")
    expect(page.locator("#staff-table")).to_be_visible()
    page.click("#staff-add-open")
    assert no_horizontal_scroll(page)
    screenshot(page, "console-staff-360")
