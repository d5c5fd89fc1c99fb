"""Write docs/transcripts/: one readable transcript per citizen journey, produced by the real
engine, so the office can review every word without running anything.

    make transcripts          # or: python -m tests.transcripts

Journeys are data (tests/data/journeys.yaml); tests/unit/test_transcripts.py fails when the
files no longer match what the engine says.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import yaml

from chalicelib.conversation.copy import load_copy
from chalicelib.conversation.model import TICKET_NUMBER, MediaRef, TicketView, Turn
from chalicelib.whatsapp.outbound import Buttons, ListMessage, OutboundMessage, Text
from tests.chat import Chat

ROOT = Path(__file__).resolve().parent.parent
JOURNEYS = ROOT / "tests" / "data" / "journeys.yaml"
OUTPUT = ROOT / "docs" / "transcripts"
CITIZEN = "6281234565678"
NUMBER = "LGT-2611-0042"  # what the processor puts in place of the ticket-number placeholder


def load_journeys() -> list[dict[str, Any]]:
    journeys: list[dict[str, Any]] = yaml.safe_load(JOURNEYS.read_text(encoding="utf-8"))
    return journeys


def render_all() -> dict[str, str]:
    """File name → transcript, for every journey plus the index."""
    journeys = load_journeys()
    files = {f"{j['id']}.md": render(j) for j in journeys}
    files["README.md"] = index(journeys, files)
    return files


def render(journey: dict[str, Any]) -> str:
    chat = Chat(citizen=CITIZEN, name="Siti Aminah")
    chat.tickets = [ticket(chat, t) for t in journey.get("tickets") or []]
    lines = [f"# {journey['title']}", ""]
    read = 0
    offered = known_titles()
    for number, step in enumerate(journey["steps"], 1):
        said, turn = send(chat, step, offered)
        lines += [f"**{number}. Warga:** {said}", ""]
        for reply in turn.replies:
            shown, titles = show(reply)
            offered.update(titles)
            read += len(shown)
            lines += [*(f"> {line}" if line else ">" for line in shown.splitlines()), ""]
        if not turn.replies:
            lines += ["> _(tidak ada balasan)_", ""]
    steps = len(journey["steps"])
    lines.insert(2, f"_{steps} pesan warga · {read} huruf dibaca warga_\n")
    return "\n".join(lines).rstrip() + "\n"


def send(chat: Chat, step: dict[str, Any], offered: dict[str, str]) -> tuple[str, Turn]:
    if "say" in step:
        return step["say"], chat.say(step["say"])
    if "tap" in step:
        title = offered.get(step["tap"], step["tap"])
        return f"_(menekan)_ {title}", chat.tap(step["tap"], title)
    if "photo" in step:
        return f"_(foto)_ {step['photo']}", chat.photo("foto-1", caption=step["photo"])
    if "voice" in step:
        media = MediaRef(media_id="suara-1", mime_type="audio/ogg; codecs=opus")
        return "_(pesan suara)_", chat.send("voice", media=media)
    if "pin" in step:
        return f"_(lokasi)_ 📍 {step['pin']}", chat.pin(name=step["pin"])
    raise ValueError(f"unknown journey step {step}")


def show(reply: OutboundMessage) -> tuple[str, dict[str, str]]:
    """A reply as the citizen sees it, and the titles of what it offers to tap."""
    if isinstance(reply, Text):
        return reply.body.replace(TICKET_NUMBER, NUMBER), {}
    if isinstance(reply, Buttons):
        buttons = "  ".join(f"[ {b.title} ]" for b in reply.buttons)
        return f"{reply.body}\n\n{buttons}", {b.id: b.title for b in reply.buttons}
    if isinstance(reply, ListMessage):
        parts = [f"*{reply.header}*"] if reply.header else []
        parts += [reply.body, "", f"[ ☰ {reply.button} ]"]
        titles = {}
        for section in reply.sections:
            parts.append(f"_{section.title}_")
            for row in section.rows:
                titles[row.id] = row.title
                described = f" — {row.description}" if row.description else ""
                parts.append(f"• {row.title}{described}")
        if reply.footer:
            parts += ["", f"_{reply.footer}_"]
        return "\n".join(parts), titles
    return f"(template {reply.name})", {}


def known_titles() -> dict[str, str]:
    """Titles of buttons a journey may start with, offered in an earlier conversation: the
    main menu's rows and a service answer's buttons."""
    copy = load_copy()
    titles = {row["id"]: row["title"] for row in copy["main_menu"]["rows"]}
    actions = copy["answer_actions"]
    for prefix, key in (("req:", "request"), ("adu:", "complaint"), ("det:", "details")):
        for service in ("pkh", "dtks", "ziarah_tmp", "izin_sumbangan_lks", "anak_lansia"):
            titles[prefix + service] = actions[key]
    titles["urg:start"] = copy["urgent"]["report"]
    return titles


def ticket(chat: Chat, data: dict[str, Any]) -> TicketView:
    fields = {k: v for k, v in data.items() if k != "days_ago"}
    return TicketView(created_at=chat.now - timedelta(days=data["days_ago"]), **fields)


def index(journeys: list[dict[str, Any]], files: dict[str, str]) -> str:
    lines = [
        "# Percakapan LIGAT: transkrip per alur",
        "",
        "Dibuat oleh mesin percakapan yang sebenarnya (`make transcripts`) dari",
        "`tests/data/journeys.yaml`, pada hari kerja pukul 10.00 WIB. Kantor dapat meninjau",
        "setiap kata tanpa menjalankan apa pun; tes gagal bila transkrip tidak lagi sesuai.",
        "",
        "| Alur | Pesan warga · huruf dibaca |",
        "|---|---|",
    ]
    for journey in journeys:
        name = f"{journey['id']}.md"
        stats = files[name].splitlines()[2].strip("_")
        lines.append(f"| [{journey['title']}]({name}) | {stats} |")
    return "\n".join(lines) + "\n"


def write(files: dict[str, str]) -> None:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    for stale in OUTPUT.glob("*.md"):
        if stale.name not in files:
            stale.unlink()
    for name, content in files.items():
        (OUTPUT / name).write_text(content, encoding="utf-8")


if __name__ == "__main__":
    rendered = render_all()
    write(rendered)
    print(f"wrote {len(rendered)} files to {OUTPUT.relative_to(ROOT)}")
