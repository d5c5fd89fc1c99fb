"""The rekap e-mail on a phone: Debian's headless Chromium at 390 px, the width of a common
Android phone. Nothing scrolls sideways, nothing is fetched, and a screenshot is kept as the
test's artifact (LIGAT_REKAP_SCREENSHOT, default /tmp/ligat-rekap-390.png)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from chalicelib.rekap.html import render_html
from tests.unit.test_rekap_build import DAY, daily, realistic_day, ticket, wib
from tests.unit.test_rekap_email import empty_day, monthly

CHROMIUM = "/usr/bin/chromium"
SCREENSHOT = Path(os.environ.get("LIGAT_REKAP_SCREENSHOT", "/tmp/ligat-rekap-390.png"))
PHONE_WIDTH = 390

if not Path(CHROMIUM).exists():
    pytest.skip(
        f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)",
        allow_module_level=True,
    )

from playwright.sync_api import Browser, sync_playwright  # noqa: E402

pytestmark = pytest.mark.browser


def long_words():
    """What a phone keyboard sends when a finger rests on a key, and a pasted link."""
    data = realistic_day()
    data.new[1] = ticket(
        "LGT-2611-0102",
        wib(DAY, 9, 30),
        reporter_name="Muhammad" * 8,
        description="tolooooong" * 10 + " https://contoh.example/" + "x" * 60,
    )
    return data


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run"],
        )
        yield browser
        browser.close()


@pytest.mark.parametrize(
    ("name", "markup"),
    [
        ("harian", lambda: render_html(daily())),
        ("kosong", lambda: render_html(empty_day())),
        ("bulanan", lambda: render_html(monthly())),
        ("kata panjang", lambda: render_html(daily(long_words()))),
    ],
)
def test_rekap_fits_a_phone_screen_and_fetches_nothing(browser: Browser, name, markup) -> None:
    context = browser.new_context(viewport={"width": PHONE_WIDTH, "height": 800}, locale="id-ID")
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.set_content(markup(), wait_until="load")

    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= PHONE_WIDTH, f"the {name} rekap scrolls sideways ({scroll_width} px)"
    assert requests == []
    assert page.get_by_text("Rekap", exact=False).first.is_visible()
    if name == "harian":
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOT), full_page=True)
        assert SCREENSHOT.stat().st_size > 10_000
    context.close()
