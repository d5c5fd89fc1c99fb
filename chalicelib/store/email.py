"""SES v2 adapter: e-mails sent through the outbox. Plain text (alerts, overdue notices), or a
MIME message with an HTML part, a text part and attachments (the rekap), built with the
standard library and sent as raw content."""

from __future__ import annotations

import base64
from email.message import EmailMessage
from typing import Any


def send_email(ses: Any, sender: str, message: dict[str, Any]) -> str:
    """`ses` is an SES v2 client; returns the SES message id."""
    if "html" in message or message.get("attachments"):
        content: dict[str, Any] = {"Raw": {"Data": _mime(sender, message)}}
    else:
        content = {
            "Simple": {
                "Subject": {"Data": message["subject"], "Charset": "UTF-8"},
                "Body": {"Text": {"Data": message["text"], "Charset": "UTF-8"}},
            }
        }
    response = ses.send_email(
        FromEmailAddress=sender,
        Destination={"ToAddresses": list(message["to"])},
        Content=content,
    )
    return str(response["MessageId"])


def _mime(sender: str, message: dict[str, Any]) -> bytes:
    mime = EmailMessage()
    mime["Subject"] = message["subject"]
    mime["From"] = sender
    mime["To"] = ", ".join(message["to"])
    mime.set_content(message["text"])
    if "html" in message:
        mime.add_alternative(message["html"], subtype="html")
    for attachment in message.get("attachments", []):
        maintype, subtype = attachment["content_type"].split("/", 1)
        mime.add_attachment(
            base64.b64decode(attachment["data"]),
            maintype=maintype,
            subtype=subtype,
            filename=attachment["filename"],
        )
    return mime.as_bytes()
