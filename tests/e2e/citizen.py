"""A pretend citizen driving the running stack through the simulator's own API, as the page does.

`POST /sim/api/send` turns a simple request into a signed Meta webhook; `GET /sim/api/events`
returns what the citizen sent ("in") and what the bot POSTed to the Graph API ("out").
"""

from __future__ import annotations

import base64
import json
import re
import time
import urllib.request
from typing import Any

STEP_TIMEOUT = 20.0  # seconds to wait for the replies to one message
TICKET = re.compile(r"LGT-\d{4}-\d{4,}")

Body = dict[str, Any]


def text_of(body: Body) -> str:
    """What the citizen reads in one message the bot sent (text, or an interactive's texts)."""
    if body.get("type") == "text":
        return str(body["text"]["body"])
    interactive = body.get("interactive") or {}
    parts = [
        (interactive.get("header") or {}).get("text", ""),
        (interactive.get("body") or {}).get("text", ""),
        (interactive.get("footer") or {}).get("text", ""),
    ]
    return "\n".join(p for p in parts if p)


def rows_of(body: Body) -> list[dict[str, str]]:
    """The rows of a list message, in order."""
    action = (body.get("interactive") or {}).get("action") or {}
    return [row for section in action.get("sections") or [] for row in section["rows"]]


def buttons_of(body: Body) -> list[dict[str, str]]:
    """The reply buttons of a button message ({"id", "title"})."""
    action = (body.get("interactive") or {}).get("action") or {}
    return [b["reply"] for b in action.get("buttons") or []]


def kind_of(body: Body) -> str:
    """The kind of a message the bot sent: text, list, button or template."""
    if body.get("type") == "interactive":
        return str(body["interactive"]["type"])
    return str(body.get("type"))


class SimCitizen:
    def __init__(self, sim: str, wa_id: str, name: str, timeout: float = STEP_TIMEOUT):
        self.sim, self.wa_id, self.name, self.timeout = sim, wa_id, name, timeout

    def files_urgent_report(self) -> str:
        """A house fire in Tembilahan Kota through the urgent report's three steps (no NIK);
        the ticket number of the confirmation."""
        [offer] = self.say("Rumah warga terbakar, satu keluarga tidak punya tempat tinggal.")
        self.press(button(offer, "urg:start"))  # "where?"
        [summary] = self.say("Tembilahan Kota")
        [confirmation] = self.press(button(summary, "rpt:send"))
        found = TICKET.search(text_of(confirmation))
        if not found:
            raise AssertionError(f"no ticket number in the confirmation: {text_of(confirmation)}")
        return found.group(0)

    # -- the simulator's API --------------------------------------------------------------

    def events(self, after: int = 0) -> list[dict[str, Any]]:
        url = f"{self.sim}/sim/api/events?after={after}&wa_id={self.wa_id}"
        with urllib.request.urlopen(url, timeout=5) as response:
            return list(json.loads(response.read())["events"])

    def send(self, expect: int = 1, **request: Any) -> list[Body]:
        """Send one message; return the `expect` replies the bot sent to it, in order."""
        payload = {"wa_id": self.wa_id, "name": self.name, **request}
        http = urllib.request.Request(
            f"{self.sim}/sim/api/send",
            data=json.dumps(payload).encode(),
            method="POST",
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(http, timeout=15) as response:
            result = json.loads(response.read())
        assert result["ok"] and result["webhook"] == 200, result
        return self.replies_to(result["wamid"], expect)

    def replies_to(self, wamid: str, expect: int) -> list[Body]:
        """Wait until the bot has answered the message `wamid` with `expect` messages."""
        deadline = time.monotonic() + self.timeout
        replies: list[Body] = []
        while True:
            events = self.events()
            sent = next(
                (e["seq"] for e in events if e["direction"] == "in" and e.get("wamid") == wamid),
                None,
            )
            assert sent is not None, f"the simulator did not record {wamid}"
            replies = [e["body"] for e in events if e["direction"] == "out" and e["seq"] > sent]
            if len(replies) >= expect:
                return replies
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"{self.wa_id}: expected {expect} replies to {wamid} within {self.timeout} s, "
                    f"got {len(replies)}: {[text_of(r)[:80] for r in replies]}"
                )
            time.sleep(0.1)

    # -- what a citizen does ----------------------------------------------------------------

    def say(self, text: str, expect: int = 1) -> list[Body]:
        return self.send(expect, type="text", text=text)

    def pick(self, row: dict[str, str], expect: int = 1) -> list[Body]:
        """Tap a row of a list message (the whole row as received: id, title, description)."""
        request = {"type": "list_reply", "id": row["id"], "title": row.get("title", "")}
        if row.get("description"):
            request["description"] = row["description"]
        return self.send(expect, **request)

    def press(self, button: dict[str, str], expect: int = 1) -> list[Body]:
        """Tap a reply button ({"id", "title"})."""
        return self.send(expect, type="button_reply", id=button["id"], title=button["title"])

    def pin(
        self, latitude: float, longitude: float, place: str = "", expect: int = 1
    ) -> list[Body]:
        return self.send(
            expect, type="location", latitude=latitude, longitude=longitude, name_place=place
        )

    def photo(self, data: bytes, caption: str = "", expect: int = 1) -> list[Body]:
        return self.send(
            expect,
            type="image",
            data_base64=base64.b64encode(data).decode(),
            mime_type="image/jpeg",
            caption=caption,
        )


def row(body: Body, choice_id: str) -> dict[str, str]:
    """The row `choice_id` of a list message, failing clearly when it is not offered."""
    found = [r for r in rows_of(body) if r["id"] == choice_id]
    assert found, f"{choice_id} not offered; rows: {[r['id'] for r in rows_of(body)]}"
    return found[0]


def button(body: Body, choice_id: str) -> dict[str, str]:
    found = [b for b in buttons_of(body) if b["id"] == choice_id]
    assert found, f"{choice_id} not offered; buttons: {[b['id'] for b in buttons_of(body)]}"
    return found[0]


def only(replies: list[Body], kind: str) -> Body:
    """The one reply of `kind` among a turn's replies."""
    matching = [r for r in replies if kind_of(r) == kind]
    assert len(matching) == 1, f"expected one {kind}, got {[kind_of(r) for r in replies]}"
    return matching[0]
