"""The local mailbox: every e-mail the app sent through SES while `make run` runs, at /mail/ on
the simulator's port. The embedded AWS (moto, in this process) keeps what SES accepted; this
reads its SES backend, so what is shown is exactly what SES was given: the subject, sender and
recipients, the plain text, the HTML (served to a sandboxed iframe under a CSP that runs no
script), and the attachments to download. "Kirim rekap sekarang" runs the daily schedule.
"""

from __future__ import annotations

import email
import json
import mimetypes
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any, cast
from urllib.parse import unquote, urlparse

STATIC = Path(__file__).with_name("mailbox")
# The e-mail's HTML may only style itself: no script, no request anywhere, no form, no plugin,
# and `sandbox` keeps it in an opaque origin even when opened outside the page's iframe.
HTML_POLICY = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:"


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class Mail:
    id: str
    received_at: datetime
    sender: str
    to: list[str]
    subject: str
    text: str
    html: str | None
    attachments: list[Attachment]

    def summary(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "received_at": self.received_at.isoformat(timespec="seconds"),
            "from": self.sender,
            "to": self.to,
            "subject": self.subject,
            "has_html": self.html is not None,
            "attachments": len(self.attachments),
        }

    def detail(self) -> dict[str, Any]:
        files = [
            {
                "index": n,
                "filename": a.filename,
                "content_type": a.content_type,
                "size": len(a.data),
            }
            for n, a in enumerate(self.attachments)
        ]
        return {**self.summary(), "text": self.text, "attachments": files}


def sent_by_ses() -> list[Any]:
    """What moto's SES (v1 and v2 share it) accepted, in every account and region, in order."""
    from moto.ses.models import ses_backends

    backends = ses_backends.iter_backends()
    return [m for _, _, backend in backends for m in getattr(backend, "sent_messages", [])]


@dataclass
class Mailbox:
    """Moto keeps no time of sending: a mail's time is when the mailbox first saw it, which
    `watch` makes within a second of SES accepting it."""

    source: Callable[[], list[Any]] = sent_by_ses
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    _mails: dict[str, Mail] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def refresh(self) -> list[Mail]:
        """Every mail, newest first."""
        with self._lock:
            for message in self.source():
                if message.id not in self._mails:
                    self._mails[message.id] = _parse(message, self.clock())
            return sorted(self._mails.values(), key=lambda m: m.received_at, reverse=True)

    def get(self, mail_id: str) -> Mail | None:
        self.refresh()
        return self._mails.get(mail_id)

    def watch(self, stop: threading.Event, every: float = 1.0) -> None:
        def run() -> None:
            while not stop.wait(every):
                self.refresh()

        threading.Thread(target=run, daemon=True, name="mailbox").start()


def _parse(message: Any, received_at: datetime) -> Mail:
    """A moto SES message: raw MIME (`raw_data`, the rekap) or simple content (alerts)."""
    if hasattr(message, "raw_data"):
        mime = cast(EmailMessage, email.message_from_string(message.raw_data, policy=default))
        text_part = mime.get_body(preferencelist=("plain",))
        html_part = mime.get_body(preferencelist=("html",))
        return Mail(
            id=message.id,
            received_at=received_at,
            sender=str(message.source or mime["From"] or ""),
            # moto adds the To header's addresses to the destinations it was given
            to=list(dict.fromkeys(str(d) for d in message.destinations)),
            subject=str(mime["Subject"] or ""),
            text=text_part.get_content() if text_part else "",
            html=html_part.get_content() if html_part else None,
            attachments=[
                Attachment(
                    part.get_filename() or f"lampiran-{n + 1}",
                    part.get_content_type(),
                    bytes(part.get_content()),
                )
                for n, part in enumerate(mime.iter_attachments())
            ],
        )
    to = [a for addresses in (message.destinations or {}).values() for a in addresses]
    return Mail(
        message.id, received_at, message.source, to, message.subject, message.body, None, []
    )


def mailbox_pages(mailbox: Mailbox, run_daily: Callable[[], None]) -> Callable[[type], type]:
    """Extends the simulator's request handler with /mail/ (see `Simulator.mount`)."""

    def extend(base: Any) -> type:
        class Handler(base):
            def do_GET(self) -> None:
                path = urlparse(self.path).path
                if path == "/mail":
                    self.send_response(302)
                    self.send_header("Location", "/mail/")
                    self.end_headers()
                elif path.startswith("/mail/api/"):
                    self._mail_api(path.removeprefix("/mail/api/").split("/"))
                elif path.startswith("/mail/"):
                    self._mail_static(path.removeprefix("/mail/") or "index.html")
                else:
                    super().do_GET()

            def do_POST(self) -> None:
                if urlparse(self.path).path != "/mail/api/run-daily":
                    super().do_POST()
                    return
                before = len(mailbox.refresh())
                try:
                    run_daily()
                except Exception as error:  # shown on the page; the app logged the details
                    self._reply(500, {"ok": False, "error": f"{type(error).__name__}: {error}"})
                    return
                self._reply(200, {"ok": True, "new": len(mailbox.refresh()) - before})

            def _mail_api(self, parts: list[str]) -> None:
                if parts == ["messages"]:
                    self._reply(200, {"messages": [m.summary() for m in mailbox.refresh()]})
                    return
                mail = mailbox.get(unquote(parts[1])) if parts[0] == "messages" else None
                if mail is None or len(parts) > 4:
                    self._reply(404, {"error": "Tidak ditemukan"})
                elif len(parts) == 2:
                    self._reply(200, mail.detail())
                elif parts[2:] == ["html"] and mail.html is not None:
                    self._html(mail.html)
                elif parts[2] == "attachments" and len(parts) == 4 and parts[3].isdigit():
                    self._attachment(mail, int(parts[3]))
                else:
                    self._reply(404, {"error": "Tidak ditemukan"})

            def _html(self, markup: str) -> None:
                data = markup.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Security-Policy", HTML_POLICY)
                self.send_header("X-Content-Type-Options", "nosniff")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _attachment(self, mail: Mail, index: int) -> None:
                if index >= len(mail.attachments):
                    self._reply(404, {"error": "Tidak ditemukan"})
                    return
                attachment = mail.attachments[index]
                name = json.dumps(attachment.filename)  # a quoted, escaped filename
                self.send_response(200)
                self.send_header("Content-Type", attachment.content_type)
                self.send_header("Content-Disposition", f"attachment; filename={name}")
                self.send_header("Content-Length", str(len(attachment.data)))
                self.end_headers()
                self.wfile.write(attachment.data)

            def _mail_static(self, name: str) -> None:
                path = (STATIC / name).resolve()
                if STATIC.resolve() not in path.parents or not path.is_file():
                    self._reply(404, {"error": "Tidak ditemukan"})
                    return
                content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                self._reply(200, path.read_bytes(), f"{content_type}; charset=utf-8")

        return Handler

    return extend
