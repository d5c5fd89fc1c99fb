"""SES adapter: e-mails sent through the outbox. Plain text (alerts), or a MIME message with
an HTML part, a text part and attachments (the rekap), built with the standard library."""

from __future__ import annotations

import base64
from email.message import EmailMessage
from typing import Any


def send_email(ses: Any, sender: str, message: dict[str, Any]) -> str:
    if "html" in message or message.get("attachments"):
        return _send_mime(ses, sender, message)
    response = ses.send_email(
        Source=sender,
        Destination={"ToAddresses": list(message["to"])},
        Message={
            "Subject": {"Data": message["subject"], "Charset": "UTF-8"},
            "Body": {"Text": {"Data": message["text"], "Charset": "UTF-8"}},
        },
    )
    return str(response["MessageId"])


def _send_mime(ses: Any, sender: str, message: dict[str, Any]) -> str:
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
    response = ses.send_raw_email(
        Source=sender, Destinations=list(message["to"]), RawMessage={"Data": mime.as_bytes()}
    )
    return str(response["MessageId"])
