"""Outbound messages as small typed models that enforce Meta's limits (SPEC §6).

An invalid message fails here, in tests, instead of as a Graph API 400 in production.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

TEXT_MAX = 4096
BODY_MAX = 1024
HEADER_MAX = 60
ROW_TITLE_MAX = 24
ROW_DESCRIPTION_MAX = 72
BUTTON_TITLE_MAX = 20
LIST_ROWS_MAX = 10

_Str = Annotated[str, StringConstraints(min_length=1)]


def _limited(n: int) -> Any:
    return Annotated[str, StringConstraints(min_length=1, max_length=n)]


class _Message(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Text(_Message):
    kind: Literal["text"] = "text"
    body: _limited(TEXT_MAX)  # type: ignore[valid-type]

    def payload(self) -> dict[str, Any]:
        return {"type": "text", "text": {"body": self.body, "preview_url": False}}


class Row(_Message):
    id: _limited(200)  # type: ignore[valid-type]
    title: _limited(ROW_TITLE_MAX)  # type: ignore[valid-type]
    description: Annotated[str, StringConstraints(max_length=ROW_DESCRIPTION_MAX)] | None = None


class Section(_Message):
    title: _limited(ROW_TITLE_MAX)  # type: ignore[valid-type]
    rows: list[Row] = Field(min_length=1, max_length=LIST_ROWS_MAX)


class ListMessage(_Message):
    """Interactive list: a button that opens up to 10 rows across up to 10 sections."""

    kind: Literal["list"] = "list"
    body: _limited(BODY_MAX)  # type: ignore[valid-type]
    button: _limited(BUTTON_TITLE_MAX)  # type: ignore[valid-type]
    sections: list[Section] = Field(min_length=1, max_length=10)
    header: _limited(HEADER_MAX) | None = None  # type: ignore[valid-type]
    footer: _limited(HEADER_MAX) | None = None  # type: ignore[valid-type]

    @model_validator(mode="after")
    def _rows_fit(self) -> ListMessage:
        ids = [row.id for section in self.sections for row in section.rows]
        if len(ids) > LIST_ROWS_MAX:
            raise ValueError(f"a list holds at most {LIST_ROWS_MAX} rows, got {len(ids)}")
        if len(set(ids)) != len(ids):
            raise ValueError("row ids must be unique")
        if len(self.sections) > 1 and any(not s.title for s in self.sections):
            raise ValueError("every section needs a title when there are several")
        return self

    def payload(self) -> dict[str, Any]:
        interactive: dict[str, Any] = {
            "type": "list",
            "body": {"text": self.body},
            "action": {
                "button": self.button,
                "sections": [s.model_dump(exclude_none=True) for s in self.sections],
            },
        }
        _add_header_footer(interactive, self.header, self.footer)
        return {"type": "interactive", "interactive": interactive}


class Button(_Message):
    id: _limited(256)  # type: ignore[valid-type]
    title: _limited(BUTTON_TITLE_MAX)  # type: ignore[valid-type]


class Buttons(_Message):
    """Interactive reply buttons (1–3, unique titles)."""

    kind: Literal["buttons"] = "buttons"
    body: _limited(BODY_MAX)  # type: ignore[valid-type]
    buttons: list[Button] = Field(min_length=1, max_length=3)
    header: _limited(HEADER_MAX) | None = None  # type: ignore[valid-type]
    footer: _limited(HEADER_MAX) | None = None  # type: ignore[valid-type]

    @model_validator(mode="after")
    def _unique(self) -> Buttons:
        titles = [b.title for b in self.buttons]
        ids = [b.id for b in self.buttons]
        if len(set(titles)) != len(titles) or len(set(ids)) != len(ids):
            raise ValueError("button ids and titles must be unique")
        return self

    def payload(self) -> dict[str, Any]:
        interactive: dict[str, Any] = {
            "type": "button",
            "body": {"text": self.body},
            "action": {
                "buttons": [
                    {"type": "reply", "reply": {"id": b.id, "title": b.title}} for b in self.buttons
                ]
            },
        }
        _add_header_footer(interactive, self.header, self.footer)
        return {"type": "interactive", "interactive": interactive}


_TEMPLATE_PARAM = re.compile(r"^(?!.*[\n\t])(?!.* {5,}).+$", re.S)


class Template(_Message):
    """An approved template (needed outside the 24-hour customer-service window)."""

    kind: Literal["template"] = "template"
    name: Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]{1,512}$")]
    language: str = "id"
    body_params: list[Annotated[str, StringConstraints(min_length=1, max_length=1024)]] = []

    @model_validator(mode="after")
    def _params_are_plain(self) -> Template:
        for param in self.body_params:
            if not _TEMPLATE_PARAM.match(param):
                raise ValueError("template parameters may not hold newlines, tabs or 5+ spaces")
        return self

    def payload(self) -> dict[str, Any]:
        template: dict[str, Any] = {"name": self.name, "language": {"code": self.language}}
        if self.body_params:
            template["components"] = [
                {
                    "type": "body",
                    "parameters": [{"type": "text", "text": p} for p in self.body_params],
                }
            ]
        return {"type": "template", "template": template}


OutboundMessage = Annotated[Text | ListMessage | Buttons | Template, Field(discriminator="kind")]


def _add_header_footer(interactive: dict[str, Any], header: str | None, footer: str | None) -> None:
    if header:
        interactive["header"] = {"type": "text", "text": header}
    if footer:
        interactive["footer"] = {"text": footer}


def is_phone_number(recipient: str) -> bool:
    return recipient.isdigit()


def graph_body(recipient: str, message: Text | ListMessage | Buttons | Template) -> dict[str, Any]:
    """The JSON body of POST /{phone_number_id}/messages.

    A phone-based wa_id goes in `to`; a business-scoped user id (a citizen with a username and
    no phone number, e.g. `ID.1234…`) goes in `recipient`, as Meta's BSUID guide documents.
    """
    address = {"to": recipient} if is_phone_number(recipient) else {"recipient": recipient}
    return {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        **address,
        **message.payload(),
    }


def mark_read_body(wamid: str) -> dict[str, Any]:
    return {"messaging_product": "whatsapp", "status": "read", "message_id": wamid}
