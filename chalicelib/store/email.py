"""SES adapter: plain-text e-mails (alerts) sent through the outbox."""

from __future__ import annotations

from typing import Any


def send_email(ses: Any, sender: str, message: dict[str, Any]) -> str:
    response = ses.send_email(
        Source=sender,
        Destination={"ToAddresses": list(message["to"])},
        Message={
            "Subject": {"Data": message["subject"], "Charset": "UTF-8"},
            "Body": {"Text": {"Data": message["text"], "Charset": "UTF-8"}},
        },
    )
    return str(response["MessageId"])
