"""Plain data the engine works on: what came in, what the session remembers, what to do."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from chalicelib.whatsapp import inbound as wa
from chalicelib.whatsapp.outbound import OutboundMessage

Kind = Literal[
    "text",
    "choice",
    "location",
    "image",
    "document",
    "voice",
    "audio",
    "video",
    "sticker",
    "reaction",
    "contacts",
    "unsupported",
    "system",
    "unknown",
]


class MediaRef(BaseModel):
    model_config = ConfigDict(frozen=True)
    media_id: str
    mime_type: str | None = None
    sha256: str | None = None
    caption: str | None = None
    filename: str | None = None


class Place(BaseModel):
    model_config = ConfigDict(frozen=True)
    latitude: float
    longitude: float
    name: str | None = None
    address: str | None = None


class Incoming(BaseModel):
    """The engine's view of one inbound WhatsApp message, independent of Meta's nesting."""

    model_config = ConfigDict(frozen=True)
    wamid: str
    citizen: str
    kind: Kind
    sent_at: datetime
    text: str | None = None
    choice_id: str | None = None
    choice_title: str | None = None
    media: MediaRef | None = None
    place: Place | None = None
    profile_name: str | None = None


_MEDIA_KIND: dict[str, Kind] = {
    "image": "image",
    "document": "document",
    "video": "video",
    "sticker": "sticker",
}


def incoming_from(message: wa.InboundMessage, contact: wa.Contact | None) -> Incoming:
    """Translate a parsed webhook message into the engine's vocabulary."""
    base: dict[str, Any] = {
        "wamid": message.id,
        "citizen": message.sender,
        "sent_at": message.sent_at,
        "profile_name": contact.profile.name if contact and contact.profile else None,
    }
    match message:
        case wa.TextMessage():
            return Incoming(kind="text", text=message.text.body, **base)
        case wa.InteractiveMessage():
            return Incoming(
                kind="choice",
                choice_id=message.reply_id,
                choice_title=message.reply_title,
                **base,
            )
        case wa.ButtonMessage():
            return Incoming(
                kind="choice",
                choice_id=message.button.payload,
                choice_title=message.button.text,
                text=message.button.text,
                **base,
            )
        case wa.LocationMessage():
            loc = message.location
            place = Place(
                latitude=loc.latitude, longitude=loc.longitude, name=loc.name, address=loc.address
            )
            return Incoming(kind="location", place=place, **base)
        case wa.AudioMessage():
            kind: Kind = "voice" if message.audio.voice else "audio"
            return Incoming(kind=kind, media=_media(message.audio), **base)
        case wa.ImageMessage() | wa.DocumentMessage() | wa.VideoMessage() | wa.StickerMessage():
            media = getattr(message, message.type)
            return Incoming(
                kind=_MEDIA_KIND[message.type], media=_media(media), text=media.caption, **base
            )
        case wa.ReactionMessage():
            return Incoming(kind="reaction", text=message.reaction.emoji, **base)
        case wa.ContactsMessage():
            return Incoming(kind="contacts", **base)
        case wa.UnsupportedMessage():
            return Incoming(kind="unsupported", **base)
        case wa.SystemMessage():
            return Incoming(kind="system", **base)
    return Incoming(kind="unknown", **base)


def _media(media: wa.Media) -> MediaRef:
    return MediaRef(
        media_id=media.id,
        mime_type=media.mime_type,
        sha256=media.sha256,
        caption=media.caption,
        filename=media.filename,
    )


class Attachment(MediaRef):
    """Evidence sent during a report; copied from the Graph API to S3 under `key`."""

    key: str


class RegionRef(BaseModel):
    """A kecamatan or desa/kelurahan as chosen: its Kemendagri code and its name."""

    code: str
    name: str


class Permit(BaseModel):
    """What the office needs for a permit: who asks, for what, when, how many."""

    kind: Literal["ziarah", "sumbangan", "lks"] | None = None
    organisation: str | None = None
    purpose: str | None = None
    date: str | None = None
    people: int | None = None
    address: str | None = None


class Draft(BaseModel):
    """A report or request being filled in. Every answer is kept until the citizen sends or
    cancels, so going back or changing one field never loses the others."""

    type: Literal["pengaduan", "permohonan"] = "pengaduan"
    # append: new information for an open ticket; urgent: the fast urgent report; permit: a
    # permit request (ziarah, izin sumbangan, LKS registration) with its own short form.
    mode: Literal["new", "append", "urgent", "permit"] = "new"
    started_at: datetime
    step: str | None = None  # the step to resume at
    editing: bool = False  # changing one field from the summary
    consent_at: datetime | None = None
    service_id: str | None = None
    duplicate_checked: bool = False
    duplicate_of: str | None = None
    duplicate_line: str | None = None
    about: Literal["self", "other", "group"] | None = None
    affected: int | None = None  # for a group: roughly how many people or families
    subject: str | None = None
    reporter_name: str | None = None
    name_typing: bool = False
    nik: str | None = None
    kecamatan: RegionRef | None = None
    desa: RegionRef | None = None
    place: Place | None = None
    address: str | None = None
    description: str | None = None
    media: list[Attachment] = []
    # named: known to staff; hidden: kept from field staff and the rekap; none: not recorded.
    identity: Literal["named", "hidden", "none"] | None = None
    remembered: bool = False  # name, NIK and place taken from the citizen's last report
    urgent: bool = False
    permit: Permit | None = None
    # A draft begun before the form's order changed: the step it had reached. Steps before it
    # in the old order were answered and are not asked again (see filing/form.py).
    legacy_step: str | None = None
    anonymous: bool | None = None  # stored on sessions from before `identity`


class Session(BaseModel):
    """What the conversation remembers about one citizen between messages."""

    flow: str | None = None  # None (menus and information) or "report"
    step: str | None = None
    draft: Draft | None = None
    data: dict[str, Any] = {}  # profile name, time of the last report sent
    updated_at: datetime | None = None
    window_start: datetime | None = None  # flood limit: messages in the current minute
    window_count: int = 0

    @model_validator(mode="before")
    @classmethod
    def _draft_from_data(cls, value: Any) -> Any:
        """Sessions stored before the draft was typed kept it as data["draft"]."""
        if isinstance(value, dict) and isinstance(value.get("data"), dict):
            data = dict(value["data"])
            old = data.pop("draft", None)
            value = {**value, "data": data}
            if old and not value.get("draft"):
                value["draft"] = {**old, "legacy_step": old.get("step")}
        return value


class TicketView(BaseModel):
    """What a citizen may see of one of their own tickets (and be offered again, with
    consent, when filing the next one)."""

    model_config = ConfigDict(frozen=True)
    number: str
    type: str
    service_id: str
    status: str
    created_at: datetime
    public_note: str | None = None
    about: str | None = None
    reporter_name: str | None = None
    nik: str | None = None
    kecamatan: RegionRef | None = None
    desa: RegionRef | None = None


class CountInformation(BaseModel):
    """An information answer was given for a service (counted per WIB day; no text stored)."""

    kind: Literal["count_information"] = "count_information"
    service_id: str


def evidence_key(wamid: str, media_id: str) -> str:
    """S3 key of one piece of evidence. Opaque on purpose: keys end up in logs, alarms and
    S3 listings, so they carry no phone number or WhatsApp id (a hash of the message id
    groups a message's files without revealing who sent it)."""
    digest = hashlib.sha256(wamid.encode()).hexdigest()[:32]
    return f"evidence/{digest}/{media_id}"


class FetchMedia(BaseModel):
    kind: Literal["fetch_media"] = "fetch_media"
    attachment: Attachment


class CreateTicket(BaseModel):
    """Create a ticket from the confirmed draft. Replies may hold TICKET_NUMBER, which the
    processor fills in once the number is allocated."""

    kind: Literal["create_ticket"] = "create_ticket"
    draft: dict[str, Any]


class AppendToTicket(BaseModel):
    """Add new information to one of the citizen's open tickets."""

    kind: Literal["append_ticket"] = "append_ticket"
    number: str
    description: str
    attachments: list[Attachment] = []


TICKET_NUMBER = "{nomor_tiket}"  # copy writes it as {{nomor_tiket}} (str.format escaping)


class RateTicket(BaseModel):
    """The citizen rated the handling of their closed ticket (1-5)."""

    kind: Literal["rate_ticket"] = "rate_ticket"
    number: str
    score: int = Field(ge=1, le=5)


class CommentOnRating(BaseModel):
    """What the citizen added after rating their closed ticket (kept once, on the rating)."""

    kind: Literal["comment_rating"] = "comment_rating"
    number: str
    comment: str = Field(min_length=1, max_length=500)


class RequestHandover(BaseModel):
    """The citizen asked to chat with staff: the chat waits for them until `until`."""

    kind: Literal["request_handover"] = "request_handover"
    until: datetime


class EndHandover(BaseModel):
    """The citizen left the chat with staff: the bot answers again."""

    kind: Literal["end_handover"] = "end_handover"


Effect = Annotated[
    CountInformation
    | FetchMedia
    | CreateTicket
    | AppendToTicket
    | RateTicket
    | CommentOnRating
    | RequestHandover
    | EndHandover,
    Field(discriminator="kind"),
]


@dataclass
class Reply:
    """What one step decided: messages to send, effects for the processor to apply, and data
    the step needs loaded first (see `Turn.needs`)."""

    messages: list[OutboundMessage] = field(default_factory=list)
    effects: list[Effect] = field(default_factory=list)
    needs: list[str] = field(default_factory=list)


class Turn(BaseModel):
    """The engine's decision: the session to keep, the replies to send, the effects to apply.

    `needs` asks the processor to load data (e.g. "tickets") and call the engine again."""

    session: Session
    replies: list[OutboundMessage] = []
    effects: list[Effect] = []
    needs: list[str] = []
