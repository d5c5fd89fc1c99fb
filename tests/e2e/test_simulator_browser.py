"""The simulator page in headless Chromium (Debian's, never a downloaded build) against the
running stack: a citizen types, opens lists, taps rows and buttons like on a phone."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tools.stack import CHROMIUM, CHROMIUM_ARGS

SCREENSHOT = Path(os.environ.get("LIGAT_SIM_SCREENSHOT", "/tmp/ligat-simulator.png"))
WAIT_MS = 20_000  # per step, like the API journeys
EVIDENCE = Path(__file__).parent / "data" / "evidence.jpg"
PHOTO_CAPTION = "foto dari simulator"

if not Path(CHROMIUM).exists():
    pytest.skip(
        f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)",
        allow_module_level=True,
    )

from playwright.sync_api import Browser, Dialog, Page, expect, sync_playwright  # noqa: E402

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
expect.set_options(timeout=WAIT_MS)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, local_stack) -> Iterator[Page]:
    # A phone-sized window: what a citizen sees, and where overflowing bubbles show first.
    context = browser.new_context(viewport={"width": 400, "height": 860}, locale="id-ID")
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    errors: list[str] = []

    def on_dialog(dialog: Dialog) -> None:
        if dialog.type == "prompt":  # the caption asked for when attaching a photo
            dialog.accept(PHOTO_CAPTION)
        else:  # an alert or a confirm is nothing the simulator shows: markup got executed
            errors.append(f"{dialog.type}: {dialog.message}")
            dialog.dismiss()

    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: m.type == "error" and errors.append(f"console: {m.text}"))
    page.on("dialog", on_dialog)
    page.goto(f"{local_stack.sim}/sim/")
    expect(page.locator("#subtitle")).to_contain_text("chat sebagai")
    yield page
    context.close()
    assert not errors, errors


def become(page: Page, wa_id: str, name: str) -> None:
    page.click("#settings-toggle")
    page.fill("#citizen-wa-id", wa_id)
    page.fill("#citizen-name", name)
    page.click("#citizen-apply")
    expect(page.locator("#settings")).to_be_hidden()
    expect(page.locator("#subtitle")).to_contain_text(f"{name} ({wa_id})")


def say(page: Page, text: str) -> None:
    page.fill("#composer", text)
    page.click("#send")


def assert_bubbles_fit(page: Page) -> None:
    """No bubble sticks out of its message or out of the chat (e.g. pushed by a long quote)."""
    outside = page.evaluate(
        """() => {
            const chat = document.getElementById("chat").getBoundingClientRect();
            return [...document.querySelectorAll(".msg")].flatMap((msg) => {
                const box = msg.getBoundingClientRect();
                return [...msg.children]
                    .map((part) => part.getBoundingClientRect())
                    .filter((r) => r.left < Math.max(box.left, chat.left) - 1
                        || r.right > Math.min(box.right, chat.right) + 1)
                    .map(() => msg.textContent.slice(0, 60));
            });
        }"""
    )
    assert outside == [], outside


def bot_lists(page: Page):
    return page.locator(".msg.out .list-open")


def open_last_list_and_pick(page: Page, row_selector: str) -> str:
    """Open the newest list bubble and tap a row; return the row's choice id."""
    bot_lists(page).last.click()
    expect(page.locator("#sheet-backdrop")).to_be_visible()
    row = page.locator(f".list-row{row_selector}").first
    choice = str(row.get_attribute("data-id"))
    row.click()
    expect(page.locator("#sheet-backdrop")).to_be_hidden()
    return choice


def test_citizen_taps_through_menu_group_and_service_and_back_to_the_menu(page: Page):
    become(page, "6281200000201", "Dewi Lestari")
    expect(page.locator("#messages .msg")).to_have_count(0)

    say(page, "halo")
    expect(page.locator(".msg.in").last).to_contain_text("halo")
    expect(bot_lists(page)).to_have_count(1)
    menu = page.locator(".msg.out").last
    expect(menu).to_contain_text("Selamat datang di LIGAT")
    expect(menu.locator(".footer strong", has_text="menu")).to_have_count(1)  # *menu* is bold

    open_last_list_and_pick(page, '[data-id="menu:info"]')
    expect(page.locator(".msg.in").last).to_contain_text("Informasi Layanan")
    expect(bot_lists(page)).to_have_count(2)

    open_last_list_and_pick(page, '[data-id^="grp:"]')
    expect(bot_lists(page)).to_have_count(3)

    service = open_last_list_and_pick(page, '[data-id^="svc:"]')
    answer = page.locator(".msg.out", has_text="Dokumen utama").last
    expect(answer).to_contain_text("Dokumen utama")
    # WhatsApp formatting: *Dokumen utama* is bold, not shown with asterisks.
    expect(answer.locator("strong", has_text="Dokumen utama")).to_have_count(1)
    expect(answer).not_to_contain_text("*Dokumen utama*")
    menu_button = page.locator('.reply-button[data-id="menu"]').last
    expect(menu_button).to_be_visible()
    details = page.locator(f'.reply-button[data-id="det:{service.removeprefix("svc:")}"]')
    expect(details).to_be_visible()

    menu_button.click()
    expect(bot_lists(page)).to_have_count(4)
    expect(page.locator(".msg.out").last).to_contain_text("Selamat datang di LIGAT")
    bot_lists(page).last.click()
    expect(page.locator('.list-row[data-id="menu:complaint"]')).to_be_visible()
    page.click("#sheet-close")
    expect(page.locator("#sheet-backdrop")).to_be_hidden()

    # The tap on "Menu utama" quotes the long question it answers, within the bubble.
    expect(page.locator(".msg.in .quote").last).to_contain_text("Ada yang bisa kami bantu")
    assert_bubbles_fit(page)
    page.wait_for_timeout(2500)  # let the status webhooks turn the ticks blue
    page.screenshot(path=str(SCREENSHOT))


def test_citizen_attaches_a_photo_and_a_place(page: Page):
    become(page, "6281200000203", "Fitri Handayani")

    page.click("#attach-toggle")
    with page.expect_file_chooser() as chooser:
        page.click('[data-attach="file"]')
    chooser.value.set_files(str(EVIDENCE))
    photo = page.locator(".msg.in img.photo").last
    expect(photo).to_be_visible()
    expect(page.locator(".msg.in").last).to_contain_text(PHOTO_CAPTION)
    assert photo.bounding_box()["width"] >= 200  # a small photo is shown at bubble size
    expect(page.locator(".msg.out").last).to_contain_text("foto sudah kami terima")

    page.click("#attach-toggle")
    page.click('[data-attach="location"]')
    page.locator(".place-row", has_text="Pasar Tembilahan").click()
    expect(page.locator(".msg.in .place-name").last).to_have_text("Pasar Tembilahan")
    expect(page.locator(".msg.out").last).to_contain_text("lokasi sudah kami terima")
    assert_bubbles_fit(page)


def test_what_the_citizen_types_is_shown_as_text_never_as_markup(page: Page):
    become(page, "6281200000202", "Eko Prasetyo")
    attack = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    replies_before = page.locator(".msg.out").count()

    say(page, attack)

    shown = page.locator(".msg.in .text").last
    expect(shown).to_have_text(attack)
    expect(page.locator(".msg.out")).not_to_have_count(replies_before, timeout=30_000)
    assert page.locator("#messages script, #messages img").count() == 0
    assert page.evaluate("document.scripts.length") == 1  # only simulator.js
