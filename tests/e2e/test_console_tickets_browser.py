"""The issue's main flow in Chromium through `make run`'s stack: a citizen files a report whose
description carries markup, the admin finds it in the queue by number, opens it (the markup
shows as text, no dialog fires), verifies it, assigns it to an asesor and moves it to
`ditindaklanjuti` with a public note, which reaches the citizen's WhatsApp (the simulator).
The asesor is not offered assign or reopen, and the API refuses them with their own cookie.
Queue and ticket page fit a 360 px phone."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from chalicelib.staff.roles import Role
from tests.e2e.citizen import TICKET, SimCitizen, button, row, text_of
from tests.e2e.console import (
    PHONE,
    admin_token,
    expect,
    no_horizontal_scroll,
    screenshot,
    skip_without_chromium,
)
from tests.e2e.test_auth_local_stack import call

skip_without_chromium()
pytestmark = [pytest.mark.e2e, pytest.mark.browser]

EVIDENCE = (Path(__file__).parent / "data" / "evidence.jpg").read_bytes()
MARKUP = "<script>alert(1)</script><img src=x onerror=alert(2)>"
DESCRIPTION = f"Anak terlantar tidur di emperan toko tiap malam. {MARKUP}"
NOTE = "Anak sudah kami jemput dan dibawa ke rumah singgah Dinas Sosial."


def file_report(local_stack, wa_id: str) -> str:
    """A complaint with a photo and a location pin, filed through the simulator."""
    citizen = SimCitizen(local_stack.sim, wa_id, "Rina Marlina")
    [menu] = citizen.say("halo")
    [privacy] = citizen.pick(row(menu, "menu:complaint"))
    [services] = citizen.press(button(privacy, "rpt:agree"))
    [_ask] = citizen.pick(row(services, "rpt:svc:gepeng_odha"))
    [about] = citizen.say(DESCRIPTION)
    [anonymity] = citizen.press(button(about, "rpt:self"))
    [name] = citizen.press(button(anonymity, "rpt:named"))
    [nik] = citizen.press(button(name, "rpt:name_ok"))
    citizen.press(button(nik, "rpt:nik_unknown"), expect=2)
    citizen.pin(-0.3269, 103.1573, "Pasar Tembilahan", expect=2)
    _stored, address = citizen.photo(EVIDENCE, caption="foto di emperan", expect=2)
    _summary, question = citizen.press(button(address, "rpt:skip"), expect=2)
    [confirmation] = citizen.press(button(question, "rpt:send"))
    return TICKET.search(text_of(confirmation)).group(0)


def told(local_stack, wa_id: str, *parts: str, timeout: float = 20.0) -> str:
    citizen = SimCitizen(local_stack.sim, wa_id, "Rina Marlina")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        texts = [text_of(e["body"]) for e in citizen.events() if e["direction"] == "out"]
        found = [t for t in texts if all(p in t for p in parts)]
        if found:
            return found[-1]
        time.sleep(0.2)
    raise AssertionError(f"the citizen was not told {parts}: {texts[-3:]}")


def api_from_page(page, method: str, path: str, body: dict | None = None) -> dict:
    """A request made by the page's own session (cookie + the page's CSRF token)."""
    return page.evaluate(
        """([method, path, body]) => fetch(path, {
            method, credentials: "same-origin",
            headers: {"Content-Type": "application/json", "X-CSRF-Token": LIGAT.config.csrf},
            body: body === null ? undefined : JSON.stringify(body),
        }).then(async (r) => ({status: r.status, body: await r.json()}))""",
        [method, path, body],
    )


def test_staff_handle_a_report_from_the_queue_to_the_citizens_whatsapp(staff_page, local_stack):
    wa_id = "6281200000411"
    number = file_report(local_stack, wa_id)
    status, filed = call(
        local_stack.api, "GET", f"/admin/tickets/{number}", None, admin_token(local_stack)
    )
    assert status == 200 and filed["description"] == DESCRIPTION

    # An asesor of Tembilahan: the ticket (a pin, no kecamatan) reaches them once assigned.
    asesor = staff_page(Role.ASESOR, kecamatan=("14.04.05",))
    asesor.goto(f"{local_stack.api}/console/akun")
    asesor_id = api_from_page(asesor, "GET", "/admin/me")["body"]["id"]

    admin = staff_page(Role.ADMIN)
    admin.goto(f"{local_stack.api}/console/tickets")
    admin.fill("#filters input[name=q]", number)
    admin.click("#filters button[type=submit]")
    expect(admin).to_have_url(re.compile(rf"/console/tickets\?q={number}$"))
    link = admin.locator("table.queue a.number")
    expect(link).to_have_count(1)
    expect(link).to_have_text(number)
    expect(admin.locator("table.queue")).to_contain_text("Gelandangan")
    screenshot(admin, "console-queue")
    link.click()

    expect(admin).to_have_url(f"{local_stack.api}/console/tickets/{number}")
    expect(admin.locator("#description")).to_have_text(DESCRIPTION)  # literal text
    assert admin.locator("#ticket script, #ticket img[src=x]").count() == 0
    photo = admin.locator("#photos img")
    expect(photo).to_have_count(1)
    admin.wait_for_function("document.querySelector('#photos img').naturalWidth > 0")
    map_link = admin.locator("#facts a", has_text="Buka di peta")
    assert map_link.get_attribute("href").startswith("https://www.google.com/maps?q=-0.326900,")
    expect(admin.locator("#window")).to_contain_text("terbuka")

    admin.select_option("#transition-form select[name=status]", "diverifikasi")
    admin.fill("#transition-form textarea[name=internal_note]", "Cek ke kepala desa")
    admin.click("#transition-form button[type=submit]")
    expect(admin.locator("#flags .badge").first).to_have_text("Diverifikasi")

    admin.select_option("#assign-form select[name=staff_id]", asesor_id)
    admin.click("#assign-form button[type=submit]")
    expect(admin.locator("#flash")).to_contain_text("Tiket ditugaskan ke Petugas Asesor")

    admin.select_option("#transition-form select[name=status]", "ditindaklanjuti")
    admin.fill("#transition-form textarea[name=public_note]", NOTE)
    admin.click("#transition-form button[type=submit]")
    expect(admin.locator("#flags .badge").first).to_have_text("Ditindaklanjuti")
    expect(admin.locator("#history")).to_contain_text(f"Untuk warga: {NOTE}")
    assert "Ditindaklanjuti" in told(local_stack, wa_id, number, NOTE)
    expect(admin.locator("#notices")).not_to_contain_text("Belum ada pemberitahuan")

    admin.fill("#reply-form textarea[name=text]", "Mohon kirim foto terbaru bila anaknya kembali.")
    admin.click("#reply-form button[type=submit]")
    expect(admin.locator("#flash")).to_contain_text("Pesan terkirim ke warga")
    expect(admin.locator("#conversation")).to_contain_text("Mohon kirim foto terbaru")
    told(local_stack, wa_id, f"Pesan petugas tentang laporan *{number}*", "foto terbaru")

    # Another officer changes the ticket meanwhile: the page says so and loads it again.
    other = {"text": "Sudah dikoordinasikan dengan kepala desa."}
    status, _ = call(
        local_stack.api, "POST", f"/admin/tickets/{number}/notes", other, admin_token(local_stack)
    )
    assert status == 200
    admin.fill("#note-form textarea[name=text]", "Catatan saya")
    admin.click("#note-form button[type=submit]")
    expect(admin.locator("#flash")).to_contain_text(
        "Tiket baru saja diubah petugas lain; halaman dimuat ulang."
    )
    expect(admin.locator("#history")).to_contain_text("Sudah dikoordinasikan")
    screenshot(admin, "console-ticket")

    # The asesor sees the ticket in their queue, without the admin's actions.
    asesor.goto(f"{local_stack.api}/console/tickets")
    expect(asesor.locator("table.queue")).to_contain_text(number)
    expect(asesor.locator("table.queue")).to_contain_text("Anda")
    asesor.goto(f"{local_stack.api}/console/tickets/{number}")
    expect(asesor.locator("#description")).to_have_text(DESCRIPTION)
    expect(asesor.locator("#note-form")).to_be_visible()
    for action in ("#assign-form", "#reopen-form", "#duplicate-form", "#transition-form"):
        expect(asesor.locator(action)).to_be_hidden()
    refused = api_from_page(asesor, "POST", f"/admin/tickets/{number}/assign", {"staff_id": None})
    assert refused["status"] == 403 and refused["body"]["error"] == "forbidden"
    reopened = api_from_page(asesor, "POST", f"/admin/tickets/{number}/reopen", {})
    assert reopened["status"] == 403 and reopened["body"]["error"] == "forbidden"

    phone = staff_page(Role.ADMIN, viewport=PHONE)
    phone.goto(f"{local_stack.api}/console/tickets?q={number}")
    expect(phone.locator("table.queue a.number")).to_have_text(number)
    assert no_horizontal_scroll(phone)
    screenshot(phone, "console-queue-360")
    phone.goto(f"{local_stack.api}/console/tickets/{number}")
    expect(phone.locator("#description")).to_have_text(DESCRIPTION)
    assert no_horizontal_scroll(phone)
    screenshot(phone, "console-ticket-360")


def test_the_queue_keeps_its_filters_in_the_url_and_pages_with_the_cursor(staff_page, local_stack):
    for n in range(2):
        file_report(local_stack, f"62812000004{20 + n}")
    page = staff_page(Role.ADMIN)
    page.goto(f"{local_stack.api}/console/tickets?service=gepeng_odha&sort=oldest")
    expect(page.locator("#filters select[name=sort]")).to_have_value("oldest")
    expect(page.locator("#filters select[name=service]")).to_have_value("gepeng_odha")
    expect(page.locator("table.queue a.number").nth(1)).to_be_visible()
    numbers = page.locator("table.queue a.number").all_text_contents()
    assert numbers == sorted(numbers)  # oldest first (numbers rise within a month)

    page.goto(f"{local_stack.api}/console/tickets?service=gepeng_odha&sort=oldest&limit=1")
    rows = page.locator("table.queue a.number")
    expect(rows).to_have_text([numbers[0]])
    page.click("#next")
    expect(rows).to_have_text([numbers[1]])
    expect(page).to_have_url(re.compile(r"&cursor="))
    shared = page.url  # a link to the second page opens the second page
    page.click("#prev")
    expect(rows).to_have_text([numbers[0]])
    page.goto(shared)
    expect(rows).to_have_text([numbers[1]])
    page.click("#first")
    expect(rows).to_have_text([numbers[0]])
