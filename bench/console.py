"""The staff console on a slow phone connection: every page in `PAGES` (and the sign-in page).

first load (gzip): the page's HTML (signed in as the admin) and every script and style it
    loads, each gzipped at level 6 as API Gateway compresses; against the 200 KB goal.
time to interactive, slow 3G: headless Chromium throttled through the DevTools protocol
    (`Network.emulateNetworkConditions`: 400 kbit/s each way, 400 ms round trip), a fresh
    browser context each sample (nothing cached), from navigation until the load event has
    fired and nothing shown is still `aria-busy` (the page's data is on screen); the floor is a
    blank page of a few bytes on the same throttle. Samples interleaved, median reported.

Both run against `make run`'s stack (tools/stack.py), started here with one sample report.
`chalice local` sends the files uncompressed, so the throttled time is pessimistic by the
gzip ratio of the assets. Without /usr/bin/chromium the time rows say why and are N/A.
"""

from __future__ import annotations

import gzip
import http.server
import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.core import NA, PASS, Context, Row, figure, interleave, median, ratio_row
from tools.stack import CHROMIUM, CHROMIUM_ARGS, SETTLED, ToolStack

GOAL_BYTES = 200_000
SAMPLES, QUICK_SAMPLES = 3, 1
SLOW_3G = {
    "offline": False,
    "latency": 400,  # ms, added to every round trip
    "downloadThroughput": 400_000 / 8,  # bytes per second
    "uploadThroughput": 400_000 / 8,
}
ASSET = re.compile(r'(?:src|href)="(/console/static/[^"?]+)(?:\?[^"]*)?"')
TIMEOUT_MS = 90_000


def seconds(value: float) -> str:
    return f"{value:.2f} s"


def console_paths(ticket: str) -> list[tuple[str, str]]:
    """(name, path) of every console page, the sign-in page first."""
    from chalicelib.console.pages import PAGES

    paths = [("login", "/console/login")]
    for page in PAGES.values():
        if page.nav:
            paths.append((page.name, f"/console/{page.name}"))
        elif page.name == "ticket":
            paths.append((page.name, f"/console/tickets/{ticket}"))
    return paths


def first_load(stack: Any, path: str, cookie: str) -> tuple[int, list[str]]:
    """Gzipped bytes of the page and what it loads; the parts, for the note."""
    html = stack.get(path, cookie)
    parts = [("html", len(gzip.compress(html, 6)))]
    for asset in dict.fromkeys(ASSET.findall(html.decode())):
        parts.append((asset.rsplit("/", 1)[1], len(gzip.compress(stack.get(asset), 6))))
    return sum(size for _name, size in parts), [f"{name} {size / 1000:.1f}" for name, size in parts]


@figure
def console_pages(ctx: Context) -> list[Row]:

    rows: list[Row] = []
    with ToolStack.start() as stack:
        ticket = stack.file_sample_report()
        cookie = stack.console_cookie()
        paths = console_paths(ticket)
        for name, path in paths:
            total, parts = first_load(stack, path, "" if name == "login" else cookie)
            status = PASS if total <= GOAL_BYTES else "MISS"
            notes = ["gzip level 6, KB: " + ", ".join(parts)]
            rows.append(
                Row(
                    f"console {name}: first load (gzip)",
                    f"{total / 1000:.1f} KB",
                    target=f"<= {GOAL_BYTES // 1000} KB",
                    status=status,
                    notes=notes,
                )
            )
        if not Path(CHROMIUM).exists():
            rows.append(
                Row(
                    "console: time to interactive, slow 3G",
                    "skipped",
                    status=NA,
                    notes=[f"{CHROMIUM} is missing: install Debian's chromium to measure it"],
                )
            )
            return rows
        rows.extend(_interactive_rows(ctx, stack, paths))
    return rows


def _interactive_rows(ctx: Context, stack: Any, paths: list[tuple[str, str]]) -> list[Row]:
    from playwright.sync_api import sync_playwright

    samples = QUICK_SAMPLES if ctx.quick else SAMPLES
    with _BlankPage() as blank, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            signed_in = browser.new_context()
            stack.sign_in(signed_in.new_page())
            session = signed_in.storage_state()
            signed_in.close()

            failures: dict[str, str] = {}

            def sampler(url: str, name: str) -> Callable[[int], float]:
                def sample(_i: int) -> float:
                    try:
                        return _time_to_interactive(browser, session, url)
                    except Exception as error:  # a page that never settles: say so, go on
                        failures[name] = f"{type(error).__name__}: {str(error).splitlines()[0]}"
                        return float("nan")

                return sample

            series = {"floor": sampler(blank.url, "floor")}
            for name, path in paths:
                series[name] = sampler(stack.api + path, name)
            kept = interleave(series, samples, warmup=0)
        finally:
            browser.close()
    floor = median(kept["floor"])
    rows = []
    note = (
        f"median of {samples}, interleaved; 400 kbit/s, 400 ms RTT; floor: a blank page on the "
        "same throttle; assets sent uncompressed by chalice local"
    )
    for name, _path in paths:
        label = f"console {name}: interactive, slow 3G"
        if name in failures:
            rows.append(Row(label, "failed", status="MISS", notes=[failures[name]]))
            continue
        rows.append(ratio_row(label, median(kept[name]), floor, None, seconds))
    rows[0].notes.insert(0, note)
    return rows


def _time_to_interactive(browser: Any, session: Any, url: str) -> float:
    """Seconds from navigation until the page is loaded and nothing is busy, cold cache."""
    context = browser.new_context(storage_state=session)
    try:
        page = context.new_page()
        devtools = context.new_cdp_session(page)
        devtools.send("Network.enable")
        devtools.send("Network.setCacheDisabled", {"cacheDisabled": True})
        devtools.send("Network.emulateNetworkConditions", SLOW_3G)
        page.goto(url, wait_until="commit", timeout=TIMEOUT_MS)
        ready = page.wait_for_function(
            f"() => ({SETTLED})() && performance.now()", polling="raf", timeout=TIMEOUT_MS
        )
        return float(ready.json_value()) / 1000
    finally:
        context.close()


class _BlankPage:
    """A few bytes of HTML on a local port: the floor of a throttled navigation."""

    def __enter__(self) -> _BlankPage:
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = b"<!doctype html><title>.</title>"
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_args: Any) -> None:
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/"
        return self

    def __exit__(self, *_exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
