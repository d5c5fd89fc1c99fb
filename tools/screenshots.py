"""`make screenshots`: the README's pictures of the staff console, the simulator and the mailbox.

Starts `make run`'s stack (tools/stack.py) with its clock on a Tuesday morning (office hours, so
a chat with staff can be shown), files a sample urgent report and a sample chat request (made-up
citizens, no real personal data), then saves at 1280×800 in OUT (default docs/screenshots/):

    console-login.png, console-<page>.png for every page in PAGES (the ticket page with the
    sample report, when the console has one), simulator.png, mailbox.png

    python -m tools.screenshots [--out DIR]

Needs Debian's chromium (/usr/bin/chromium), as the console's browser tests do.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tools.stack import CHROMIUM, CHROMIUM_ARGS, SAMPLE_REPORTER, SETTLED, ToolStack

DEFAULT_OUT = Path("docs/screenshots")
WIDTH, HEIGHT = 1280, 800
OFFICE_HOURS = "2026-11-24T10:00:00+07:00"  # a Tuesday morning
WAIT_MS = 30_000


def open_first_chat(page: Any) -> None:
    page.locator("#conversations a").first.click()
    page.wait_for_selector("#messages .bubble")


# What a page needs before its picture, beyond loading (by page name).
PREPARE: dict[str, Callable[[Any], None]] = {"inbox": open_first_chat}


def console_targets(ticket: str) -> list[tuple[str, str]]:
    from chalicelib.console.pages import PAGES

    targets = []
    for page in PAGES.values():
        if page.nav:
            targets.append((page.name, f"/console/{page.name}"))
        elif page.name == "ticket":
            targets.append((page.name, f"/console/tickets/{ticket}"))
    return targets


def shoot(page: Any, out: Path, name: str) -> None:
    path = out / f"{name}.png"
    page.screenshot(path=str(path))
    print(f"  {path}", flush=True)


def take(out: Path) -> int:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} is missing: install Debian's chromium first.", file=sys.stderr)
        return 1
    out.mkdir(parents=True, exist_ok=True)
    print("Starting the local stack (make run) with a sample report…", flush=True)
    with ToolStack.start(clock=OFFICE_HOURS) as stack, sync_playwright() as playwright:
        ticket = stack.file_sample_report()
        stack.sample_chat_with_staff()
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            context = browser.new_context(
                viewport={"width": WIDTH, "height": HEIGHT},
                locale="id-ID",
                timezone_id="Asia/Jakarta",
            )
            context.set_default_timeout(WAIT_MS)
            page = context.new_page()
            page.goto(f"{stack.api}/console/login")
            shoot(page, out, "console-login")
            stack.sign_in(page)
            for name, path in console_targets(ticket):
                page.goto(stack.api + path)
                page.wait_for_function(SETTLED)
                PREPARE.get(name, lambda _page: None)(page)
                shoot(page, out, f"console-{name}")

            stack.show_in_simulator(*SAMPLE_REPORTER)
            page.goto(f"{stack.sim}/sim/")
            page.wait_for_selector("#messages .msg")
            page.wait_for_timeout(1000)  # the last replies and their ticks
            shoot(page, out, "simulator")

            page.goto(f"{stack.sim}/mail/")
            page.locator("#messages li", has_text="Rekap").first.click()
            page.frame_locator("#html").locator("body").filter(has_text="LIGAT").wait_for()
            shoot(page, out, "mailbox")
        finally:
            browser.close()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.screenshots", description=__doc__)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where the PNGs go")
    args = parser.parse_args(argv)
    return take(args.out)


if __name__ == "__main__":
    sys.exit(main())
