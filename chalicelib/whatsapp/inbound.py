"""Typed models of what Meta delivers: every inbound message type and status (SPEC §6).

Field names mirror Meta's payloads. Unknown fields are kept out of the way (ignored); an
unknown message `type` parses as `UnknownMessage` rather than failing the batch.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from chalicelib.clock import from_unix


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class ErrorDetail(_Model):
    code: int | None = None
    title: str | None = None
    message: str | None = None
    error_data: dict[str, Any] | None = None


class Context(_Model):
    """Present when the citizen replied to (or tapped a button of) one of our messages."""

    id: str | None = None
    from_: str | None = Field(default=None, alias="from")
    forwarded: bool | None = None


class _Base(_Model):
    id: str
    from_: str | None = Field(default=None, alias="from")
    from_user_id: str | None = None
    timestamp: str
    context: Context | None = None

    @property
    def sender(self) -> str:
        return self.from_ or self.from_user_id or ""

    @property
    def sent_at(self) -> datetime:
        return from_unix(self.timestamp)


class TextBody(_Model):
    body: str


class TextMessage(_Base):
    type: Literal["text"]
    text: TextBody


class ListReply(_Model):
    id: str
    title: str = ""
    description: str | None = None


class ButtonReply(_Model):
    id: str
    title: str = ""


class InteractivePayload(_Model):
    type: Literal["list_reply", "button_reply"] | str
    list_reply: ListReply | None = None
    button_reply: ButtonReply | None = None


class InteractiveMessage(_Base):
    type: Literal["interactive"]
    interactive: InteractivePayload

    @property
    def reply_id(self) -> str | None:
        reply = self.interactive.list_reply or self.interactive.button_reply
        return reply.id if reply else None

    @property
    def reply_title(self) -> str:
        reply = self.interactive.list_reply or self.interactive.button_reply
        return reply.title if reply else ""


class TemplateButton(_Model):
    payload: str | None = None
    text: str = ""


class ButtonMessage(_Base):
    """A quick-reply button of a template message."""

    type: Literal["button"]
    button: TemplateButton


class Media(_Model):
    id: str
    mime_type: str | None = None
    sha256: str | None = None
    caption: str | None = None
    filename: str | None = None
    voice: bool | None = None
    animated: bool | None = None


class ImageMessage(_Base):
    type: Literal["image"]
    image: Media


class DocumentMessage(_Base):
    type: Literal["document"]
    document: Media


class AudioMessage(_Base):
    type: Literal["audio"]
    audio: Media


class VideoMessage(_Base):
    type: Literal["video"]
    video: Media


class StickerMessage(_Base):
    type: Literal["sticker"]
    sticker: Media


class Location(_Model):
    latitude: float
    longitude: float
    name: str | None = None
    address: str | None = None
    url: str | None = None


class LocationMessage(_Base):
    type: Literal["location"]
    location: Location


class ContactsMessage(_Base):
    type: Literal["contacts"]
    contacts: list[dict[str, Any]]


class Reaction(_Model):
    message_id: str | None = None
    emoji: str | None = None


class ReactionMessage(_Base):
    type: Literal["reaction"]
    reaction: Reaction


class UnsupportedMessage(_Base):
    type: Literal["unsupported"]
    errors: list[ErrorDetail] = []


class SystemEvent(_Model):
    body: str | None = None
    type: str | None = None
    wa_id: str | None = None
    user_id: str | None = None


class SystemMessage(_Base):
    """E.g. `user_changed_number`: the citizen's identity changed."""

    type: Literal["system"]
    system: SystemEvent


class UnknownMessage(_Base):
    """A type Meta added after this code was written: answered politely, never a crash."""

    type: str


_Known = (
    TextMessage
    | InteractiveMessage
    | ButtonMessage
    | ImageMessage
    | DocumentMessage
    | AudioMessage
    | VideoMessage
    | StickerMessage
    | LocationMessage
    | ContactsMessage
    | ReactionMessage
    | UnsupportedMessage
    | SystemMessage
)
KnownMessage = Annotated[_Known, Field(discriminator="type")]
InboundMessage = _Known | UnknownMessage
_KNOWN: TypeAdapter[Any] = TypeAdapter(KnownMessage)
KNOWN_TYPES = frozenset(
    {"text", "interactive", "button", "image", "document", "audio", "video", "sticker"}
    | {"location", "contacts", "reaction", "unsupported", "system"}
)


def parse_message(raw: dict[str, Any]) -> InboundMessage:
    """Parse one message; raises pydantic.ValidationError when a known type is malformed."""
    if raw.get("type") in KNOWN_TYPES:
        return _KNOWN.validate_python(raw)
    return UnknownMessage.model_validate(raw)


class Profile(_Model):
    name: str | None = None
    username: str | None = None


class Contact(_Model):
    wa_id: str | None = None
    user_id: str | None = None
    profile: Profile | None = None


# Delivery is monotonic: a late `delivered` never overwrites `read`; `failed` is terminal.
STATUS_RANK = {"sent": 1, "delivered": 2, "read": 3, "played": 4, "failed": 9}


class Status(_Model):
    id: str
    status: str
    timestamp: str
    recipient_id: str | None = None
    recipient_user_id: str | None = None
    errors: list[ErrorDetail] = []

    @property
    def rank(self) -> int:
        return STATUS_RANK.get(self.status, 0)

    @property
    def error_codes(self) -> list[int]:
        return [e.code for e in self.errors if e.code is not None]
