"""Typed models of what Meta delivers: every inbound message type and status (SPEC §6).

Field names mirror Meta's payloads. Unknown fields are kept out of the way (ignored); an
unknown message `type` parses as `UnknownMessage` rather than failing the batch. These models
are the edge: every identifier that later becomes part of a key, a URL or a queue attribute is
checked here, so nothing downstream meets a number where a string belongs, a timestamp that
overflows, or a media id that walks out of its URL path.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    model_validator,
)

from chalicelib.clock import from_unix

# What Meta's identifiers look like. Anything else is refused at the edge.
WAMID_PATTERN = r"^wamid\.[A-Za-z0-9+/=_-]{1,200}$"
WA_ID_PATTERN = r"^[0-9]{6,20}$"  # phone-based WhatsApp id: digits only
USER_ID_PATTERN = r"^[A-Z]{2}\.[A-Za-z0-9._-]{1,80}$"  # business-scoped user id, e.g. ID.1234…
MEDIA_ID_PATTERN = r"^[0-9]{1,32}$"
LATEST_TIMESTAMP = 4_102_444_800  # 2100-01-01: later "timestamps" are garbage, not messages


def _plausible_time(value: str) -> str:
    if int(value) > LATEST_TIMESTAMP:
        raise ValueError("timestamp out of range")
    return value


def _valid_unicode(value: str) -> str:
    """JSON may carry lone surrogates (\\ud800) that no UTF-8 store accepts: replace them."""
    try:
        value.encode()
    except UnicodeEncodeError:
        return value.encode("utf-8", "replace").decode()
    return value


Wamid = Annotated[str, StringConstraints(pattern=WAMID_PATTERN)]
WaId = Annotated[str, StringConstraints(pattern=WA_ID_PATTERN)]
UserId = Annotated[str, StringConstraints(pattern=USER_ID_PATTERN)]
MediaId = Annotated[str, StringConstraints(pattern=MEDIA_ID_PATTERN)]
UnixTime = Annotated[
    str, StringConstraints(pattern=r"^[0-9]{1,10}$"), AfterValidator(_plausible_time)
]
Text = Annotated[str, AfterValidator(_valid_unicode)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class ErrorDetail(_Model):
    code: int | None = None
    title: Text | None = None
    message: Text | None = None


class Context(_Model):
    """Present when the citizen replied to (or tapped a button of) one of our messages."""

    id: str | None = None
    from_: str | None = Field(default=None, alias="from")
    forwarded: bool | None = None


class _Base(_Model):
    id: Wamid
    from_: WaId | None = Field(default=None, alias="from")
    from_user_id: UserId | None = None
    timestamp: UnixTime
    context: Context | None = None

    @model_validator(mode="after")
    def _has_sender(self) -> _Base:
        if not (self.from_ or self.from_user_id):
            raise ValueError("message without a sender")
        return self

    @property
    def sender(self) -> str:
        return self.from_ or self.from_user_id or ""

    @property
    def sent_at(self) -> datetime:
        return from_unix(self.timestamp)


class TextBody(_Model):
    body: Text


class TextMessage(_Base):
    type: Literal["text"]
    text: TextBody


class ListReply(_Model):
    id: Text
    title: Text = ""
    description: Text | None = None


class ButtonReply(_Model):
    id: Text
    title: Text = ""


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
    payload: Text | None = None
    text: Text = ""


class ButtonMessage(_Base):
    """A quick-reply button of a template message."""

    type: Literal["button"]
    button: TemplateButton


class Media(_Model):
    id: MediaId
    mime_type: Annotated[str, StringConstraints(max_length=200)] | None = None
    sha256: Annotated[str, StringConstraints(max_length=200)] | None = None
    caption: Text | None = None
    filename: Text | None = None
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
    name: Text | None = None
    address: Text | None = None
    url: Text | None = None


class LocationMessage(_Base):
    type: Literal["location"]
    location: Location


class ContactsMessage(_Base):
    type: Literal["contacts"]
    contacts: list[dict[str, Any]]


class Reaction(_Model):
    message_id: str | None = None
    emoji: Text | None = None


class ReactionMessage(_Base):
    type: Literal["reaction"]
    reaction: Reaction


class UnsupportedMessage(_Base):
    type: Literal["unsupported"]
    errors: list[ErrorDetail] = []


class SystemEvent(_Model):
    body: Text | None = None
    type: str | None = None
    wa_id: WaId | None = None
    user_id: UserId | None = None


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


def parse_message(raw: Any) -> InboundMessage:
    """Parse one message; raises pydantic.ValidationError when it is malformed."""
    kind = raw.get("type") if isinstance(raw, dict) else None
    if isinstance(kind, str) and kind in KNOWN_TYPES:
        return _KNOWN.validate_python(raw)
    return UnknownMessage.model_validate(raw)


class Profile(_Model):
    name: Text | None = None
    username: Text | None = None


class Contact(_Model):
    wa_id: WaId | None = None
    user_id: UserId | None = None
    profile: Profile | None = None


# Delivery is monotonic: a late `delivered` never overwrites `read`; `failed` is terminal.
STATUS_RANK = {"sent": 1, "delivered": 2, "read": 3, "played": 4, "failed": 9}


class Status(_Model):
    id: Wamid
    status: Annotated[str, StringConstraints(pattern=r"^[a-z_]{1,20}$")]
    timestamp: UnixTime
    recipient_id: WaId | None = None
    recipient_user_id: UserId | None = None
    errors: list[ErrorDetail] = []
    # Echoed by Meta from our send request: the outbox entry this message came from.
    biz_opaque_callback_data: Annotated[str, StringConstraints(max_length=512)] | None = None

    @model_validator(mode="after")
    def _has_recipient(self) -> Status:
        if not (self.recipient_id or self.recipient_user_id):
            raise ValueError("status without a recipient")
        return self

    @property
    def recipient(self) -> str:
        return self.recipient_id or self.recipient_user_id or ""

    @property
    def rank(self) -> int:
        return STATUS_RANK.get(self.status, 0)

    @property
    def error_codes(self) -> list[int]:
        return [e.code for e in self.errors if e.code is not None]
