"""The console's Dasbor and Percakapan in Chromium against `make run`'s stack: a citizen's report
shows in the figures and the charts; a citizen asks for *Chat petugas*, the admin finds the chat
in the inbox, answers, reads the citizen's next message without reloading, and gives the chat
back to the bot; the citizen receives both at the simulator. Both pages fit a 360 px phone.

Staff chats are offered only in office hours, so this module runs its own stack with the clock
moved to a Tuesday morning (LIGAT_LOCAL_CLOCK, local/clock.py)."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import pytest

from chalicelib.staff.roles import Role
from tests.e2e.citizen import SimCitizen, button, text_of
from tests.e2e.conftest import LocalStack, running_stack
from tests.e2e.console import PHONE, expect, no_horizontal_scroll, screenshot, skip_without_chromium

skip_without_chromium()
pytestmark = [pytest.mark.e2e, pytest.mark.browser]

TUESDAY_10_WIB = "2026-11-24T10:00:00+07:00"  # office hours (as tests/integration/test_handover)
TODAY = "2026-11-24"


@pytest.fixture(scope="module")
def local_stack() -> Iterator[LocalStack]:
    """`make run`'s stack on a Tuesday morning; replaces the session's stack for this module."""
    yield from running_stack(LIGAT_LOCAL_CLOCK=TUESDAY_10_WIB)


def files_an_urgent_report(stack: LocalStack) -> str:
    return SimCitizen(stack.sim, "6281200000411", "Warga Uji Dasbor").files_urgent_report()


def told(citizen: SimCitizen, words: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        sent = [text_of(e["body"]) for e in citizen.events() if e["direction"] == "out"]
        if any(words in text for text in sent):
            return
        time.sleep(0.2)
    raise AssertionError(f"the citizen was not told {words!r}: {sent[-3:]}")


def test_the_dashboard_counts_and_charts_a_new_report(staff_page, local_stack):
    files_an_urgent_report(local_stack)
    page = staff_page(Role.ADMIN)
    expect(page).to_have_url(f"{local_stack.api}/console/dashboard")  # the home page
    expect(page.locator("#figures")).not_to_have_attribute("aria-busy", "true")
    today = page.locator(".stat", has_text="Baru hari ini")
    expect(today.locator(".figure")).to_have_text("1")
    expect(today.locator("a")).to_have_attribute(
        "href", f"/console/tickets?created_from={TODAY}&created_to={TODAY}"
    )
    urgent = page.locator(".stat", has_text="Mendesak")
    expect(urgent.locator(".figure")).to_have_text("1")
    expect(urgent.locator("a")).to_have_attribute("href", "/console/tickets?priority=tinggi")
    expect(page.locator(".stat", has_text="Chat menunggu").locator("a")).to_have_attribute(
        "href", "/console/inbox?waiting=true"
    )
    expect(page.locator("#per-status a")).to_have_text(["Diterima"])

    days = page.locator("#per-day svg rect.bar")
    expect(days).to_have_count(30)
    assert float(days.last.get_attribute("height") or 0) > 0  # today's bar
    assert float(days.first.get_attribute("height") or 0) == 0
    expect(page.locator("#per-day svg title").first).to_contain_text("Tiket baru per hari")
    expect(page.locator("#per-service svg rect.bar")).to_have_count(1)
    expect(page.locator("#per-kecamatan svg a text.label")).to_have_text(["Tembilahan"])
    kecamatan = page.locator("#per-kecamatan svg a").first
    assert "kecamatan=14.04." in (kecamatan.get_attribute("href") or "")
    page.locator("#per-kecamatan details summary").click()
    expect(page.locator("#per-kecamatan table td").nth(1)).to_have_text("1")
    screenshot(page, "console-dashboard")

    phone = staff_page(Role.ADMIN, viewport=PHONE)
    expect(phone.locator("#per-service svg rect.bar")).to_have_count(1)
    assert no_horizontal_scroll(phone)
    screenshot(phone, "console-dashboard-360")


def test_a_pimpinan_sees_the_figures_without_the_inbox(staff_page, local_stack):
    page = staff_page(Role.PIMPINAN)
    page.goto(f"{local_stack.api}/console/dashboard")
    expect(page.locator("#per-day svg rect.bar")).to_have_count(30)
    expect(page.locator(".stat", has_text="Chat menunggu")).to_have_count(0)
    expect(page.locator("nav a", has_text="Percakapan")).to_have_count(0)


def test_the_admin_answers_a_citizen_in_the_inbox_and_hands_the_chat_back(staff_page, local_stack):
    citizen = SimCitizen(local_stack.sim, "6281200000412", "Ibu Uji Percakapan")
    citizen.say("halo")
    [card] = citizen.pick({"id": "menu:contact", "title": "Hubungi Petugas"})
    [waiting] = citizen.press(button(card, "hand:ask"))
    assert "sambungkan dengan petugas" in text_of(waiting)
    question = "Bansos lansia untuk ibu saya belum cair, bagaimana ya?"
    citizen.send(expect=0, type="text", text=question)

    page = staff_page(Role.ADMIN)
    expect(page.locator(".stat", has_text="Chat menunggu").locator(".figure")).to_have_text("1")
    page.locator(".stat", has_text="Chat menunggu").locator("a").click()
    expect(page).to_have_url(f"{local_stack.api}/console/inbox?waiting=true")
    expect(page.locator("#waiting-only")).to_be_checked()
    row = page.locator("#conversations a", has_text="Ibu Uji Percakapan")
    expect(row).to_contain_text("Menunggu petugas")
    row.click()
    expect(page.locator("#messages")).to_contain_text(question)
    expect(page.locator("#chat-meta")).to_contain_text("Menunggu petugas")
    assert re.search(r"chat=[A-Za-z0-9]+", page.url) and "6281200000412" not in page.url

    answer = "Baik, Bu. Pencairan bansos lansia bulan ini dijadwalkan pekan depan."
    page.fill("#reply textarea", answer)
    page.click("#reply button[type=submit]")
    expect(page.locator("#flash")).to_contain_text("Balasan terkirim")
    expect(page.locator("#messages .bubble.out").last).to_contain_text(answer)
    expect(page.locator("#reply textarea")).to_have_value("")
    told(citizen, answer)

    # The citizen's next message appears without a reload (the page polls while visible), also
    # after a poll has seen the chat leave the "waiting" list this page shows.
    page.wait_for_timeout(5_500)
    thanks = "Terima kasih banyak, Pak."
    citizen.send(expect=0, type="text", text=thanks)
    expect(page.locator("#messages .bubble.in").last).to_contain_text(thanks, timeout=20_000)
    expect(page.locator("#chat-meta")).to_contain_text("Dilayani petugas")
    screenshot(page, "console-inbox")

    phone = staff_page(Role.ADMIN, viewport=PHONE)
    phone.goto(page.url.replace("waiting=true&", ""))
    expect(phone.locator("#messages")).to_contain_text(thanks)
    assert no_horizontal_scroll(phone)
    screenshot(phone, "console-inbox-360")

    page.click("#release")
    expect(page.locator("#flash")).to_contain_text("dikembalikan ke layanan otomatis")
    expect(page.locator("#chat-meta")).to_contain_text("Kembali ke bot")
    expect(page.locator("#release")).to_be_hidden()
    expect(page.locator("#conversations")).to_contain_text("Tidak ada chat yang menunggu")
    told(citizen, "Petugas telah mengakhiri chat ini")


def test_the_inbox_polls_only_while_the_tab_is_visible(staff_page, local_stack):
    page = staff_page(Role.ADMIN)
    polled: list[str] = []
    page.on(
        "request",
        lambda request: polled.append(request.url) if "/admin/conversations" in request.url else 0,
    )
    page.goto(f"{local_stack.api}/console/inbox")
    expect(page.locator("#conversations")).not_to_have_attribute("aria-busy", "true")
    page.wait_for_timeout(5_600)
    assert len(polled) >= 2  # the first read, then every 5 s

    hide = """state => {
        Object.defineProperty(document, "visibilityState", {value: state, configurable: true});
        document.dispatchEvent(new Event("visibilitychange"));
    }"""
    page.evaluate(hide, "hidden")
    page.wait_for_timeout(300)
    before = len(polled)
    page.wait_for_timeout(5_600)
    assert len(polled) == before  # a hidden tab costs nothing

    page.evaluate(hide, "visible")
    page.wait_for_timeout(1_000)
    assert len(polled) > before  # at once on return, not 5 s later
