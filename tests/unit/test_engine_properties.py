"""Properties of the conversation engine: whatever a citizen sends, in whatever state the
conversation is, the engine answers without raising, and every reply is a message WhatsApp
accepts (Meta's limits, SPEC §6).

States are reached the way production reaches them: by walking the engine from no session
through random messages (taps on what the previous replies offered, stale and forged taps,
free text, every message kind) and random pauses, with the session stored as JSON between
turns, as the processor stores it in DynamoDB.
"""

from __future__ import annotations

import json
import os
import string
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, get_args

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter

from chalicelib.catalogue.office import load_office
from chalicelib.catalogue.regions import load_regions
from chalicelib.catalogue.services import load_catalogue
from chalicelib.conversation.copy import load_copy
from chalicelib.conversation.engine import FLOOD_LIMIT, respond
from chalicelib.conversation.filing import person, story
from chalicelib.conversation.knowledge import Knowledge, build_knowledge
from chalicelib.conversation.model import (
    CreateTicket,
    Incoming,
    Kind,
    MediaRef,
    Place,
    RegionRef,
    Session,
    TicketView,
    Turn,
)
from chalicelib.tickets.intake import ticket_from_draft
from chalicelib.tickets.nik import check_nik
from chalicelib.whatsapp.outbound import (
    BODY_MAX,
    BUTTON_TITLE_MAX,
    HEADER_MAX,
    LIST_ROWS_MAX,
    ROW_DESCRIPTION_MAX,
    ROW_TITLE_MAX,
    TEXT_MAX,
    Buttons,
    ListMessage,
    OutboundMessage,
    Text,
    graph_body,
)
from tests.chat import Chat

COPY = load_copy()
CATALOGUE = load_catalogue()
REGIONS = load_regions()
OUTBOUND: TypeAdapter[Any] = TypeAdapter(OutboundMessage)
CITIZEN = "6281234565678"
START = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)  # a Tuesday, 10:00 WIB

# Sized for the suite (the file takes ~20 s on 2 cores); LIGAT_PROPERTY_EXAMPLES=5000 for a
# deeper hunt.
EXAMPLES = int(os.environ.get("LIGAT_PROPERTY_EXAMPLES", "300"))
PROPERTY = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def knowledge(now: datetime, tickets: tuple[TicketView, ...] | None = None) -> Knowledge:
    return build_knowledge(now, tickets=tickets)


# -- what a reply must be ---------------------------------------------------------------------


def check_reply(reply: Any) -> None:
    """A valid outbound message: survives validation again (model_copy skips it) and JSON,
    within every WhatsApp limit, and renders as a Graph API body."""
    data = OUTBOUND.dump_python(reply, mode="json")
    assert OUTBOUND.validate_python(data) == reply
    assert OUTBOUND.validate_json(OUTBOUND.dump_json(reply)) == reply
    if isinstance(reply, Text):
        assert 1 <= len(reply.body) <= TEXT_MAX
    elif isinstance(reply, ListMessage):
        assert 1 <= len(reply.body) <= BODY_MAX
        assert 1 <= len(reply.button) <= BUTTON_TITLE_MAX
        rows = [row for section in reply.sections for row in section.rows]
        assert 1 <= len(rows) <= LIST_ROWS_MAX and 1 <= len(reply.sections) <= 10
        assert len({row.id for row in rows}) == len(rows)
        for section in reply.sections:
            assert 1 <= len(section.title) <= ROW_TITLE_MAX
        for row in rows:
            assert 1 <= len(row.title) <= ROW_TITLE_MAX
            assert len(row.description or "") <= ROW_DESCRIPTION_MAX
            assert 1 <= len(row.id) <= 200
        for extra in (reply.header, reply.footer):
            assert extra is None or 1 <= len(extra) <= HEADER_MAX
    elif isinstance(reply, Buttons):
        assert 1 <= len(reply.body) <= BODY_MAX
        assert 1 <= len(reply.buttons) <= 3
        titles = [b.title for b in reply.buttons]
        assert all(1 <= len(t) <= BUTTON_TITLE_MAX for t in titles)
        assert len(set(titles)) == len(titles)
        assert len({b.id for b in reply.buttons}) == len(reply.buttons)
    else:  # the engine answers inside the 24-hour window: never a template
        raise AssertionError(f"unexpected reply {type(reply).__name__}")
    json.dumps(graph_body(CITIZEN, reply))


def offered_ids(turn: Turn) -> list[str]:
    ids = []
    for reply in turn.replies:
        if isinstance(reply, ListMessage):
            ids += [row.id for section in reply.sections for row in section.rows]
        elif isinstance(reply, Buttons):
            ids += [b.id for b in reply.buttons]
    return ids


def check_turn(turn: Turn, incoming: Incoming, now: datetime) -> None:
    assert not turn.needs
    for reply in turn.replies:
        check_reply(reply)
    # The processor stores the session and the effects as JSON.
    json.dumps(turn.model_dump(mode="json"))
    for effect in turn.effects:
        if isinstance(effect, CreateTicket):
            check_ticket_draft(effect.draft, now)
            # Every draft the engine can produce becomes a valid, storable ticket.
            ticket, _event = ticket_from_draft(
                "LGT-2611-0001", effect.draft, incoming.citizen, now, load_office()
            )
            ticket.model_dump_json()
    if incoming.kind == "system":
        return
    count = turn.session.window_count
    if count <= FLOOD_LIMIT:
        assert turn.replies, f"no reply to {incoming.kind} at step {turn.session.step}"
    elif count == FLOOD_LIMIT + 1:
        assert [r.body for r in turn.replies if isinstance(r, Text)] == [COPY["throttled"]]
    else:
        assert turn.replies == []


def check_ticket_draft(draft: dict[str, Any], now: datetime) -> None:
    """A ticket holds only answers that passed their step's validation (SPEC §7)."""
    assert draft["type"] in ("pengaduan", "permohonan")
    service = CATALOGUE.service(draft["service_id"] or "")
    if draft["type"] == "permohonan":
        assert service is not None and service.accepts_request
    else:
        assert service is not None or draft["service_id"] == "lainnya"
    assert len(draft["media"] or []) <= story.MEDIA_MAX
    assert isinstance(draft["anonymous"], bool) and draft["consent_at"]
    if draft["nik"] is not None:  # a NIK is never required, but one given is valid
        assert check_nik(draft["nik"], now.date()).ok
    if draft["reporter_name"] is not None:
        assert person.valid_name(draft["reporter_name"]), draft["reporter_name"]
    if draft["form"] == "urgent":  # where and what, nothing else asked
        assert draft["priority"] == "tinggi"
        assert draft["place"] or draft["kecamatan"] or draft["address"]
        assert draft["description"]
        return
    if draft["form"] == "permit":
        assert draft["type"] == "permohonan" and draft["description"]
        assert person.valid_name(draft["reporter_name"] or "")
        return
    assert draft["about"] in ("self", "other")
    assert draft["about"] == "self" or 5 <= len(draft["subject"] or "") <= 500
    assert draft["anonymous"] or person.valid_name(draft["reporter_name"] or "")
    assert draft["place"] or (draft["kecamatan"] and draft["desa"])
    assert draft["address"] is None or 5 <= len(draft["address"]) <= 300
    assert story.DESCRIPTION_MIN <= len(draft["description"] or "") <= story.DESCRIPTION_MAX


def converse(
    session: Session | None,
    incoming: Incoming,
    now: datetime,
    tickets: tuple[TicketView, ...],
) -> Turn:
    """What the processor does: call, and when the step asks for the citizen's tickets, load
    them and call again with the same session and message."""
    turn = respond(session, incoming, knowledge(now))
    if turn.needs:
        assert turn.needs == ["tickets"]
        assert turn.replies == [] and turn.effects == []
        turn = respond(session, incoming, knowledge(now, tickets))
        assert not turn.needs, "asked for tickets again after getting them"
    return turn


def stored(session: Session) -> Session:
    """The session as the next message finds it: JSON in DynamoDB, then validated."""
    return Session.model_validate(json.loads(json.dumps(session.model_dump(mode="json"))))


# -- what a citizen can send ------------------------------------------------------------------

KINDS = get_args(Kind)

# Ids the engine offers somewhere, ids of other steps, and forged ones.
GARBAGE_IDS = (
    "",
    ":",
    "menu",
    "menu:",
    "menu:nope",
    "help",
    "grp:",
    "grp:nope",
    "grp:bantuan",
    "svc:",
    "svc:xyz",
    "svc:pkh",
    "adu:",
    "adu:xyz",
    "req:",
    "req:pengaduan",
    "req:xyz",
    "status:",
    "status:LGT-2611-0001",
    "rpt",
    "rpt:",
    "rpt:svc:xyz",
    "rpt:svc:",
    "rpt:svc:lainnya",
    "rpt:svc:pkh",
    "rpt:svcpage:",
    "rpt:svcpage:x",
    "rpt:svcpage:-3",
    "rpt:svcpage:99",
    "rpt:svcpage:1:2",
    "rpt:kec:",
    "rpt:kec:14.04.04",
    "rpt:kec:14.04.04.1003",
    "rpt:kec:nope",
    "rpt:kecpage:",
    "rpt:kecpage:abc",
    "rpt:kecpage:99999999999999999999999",
    "rpt:desa:",
    "rpt:desa:14.04.04",
    "rpt:desa:14.04.04.1003",
    "rpt:desapage:x",
    "rpt:desapage:-1",
    "rpt:edit:",
    "rpt:edit:nope",
    "rpt:edit:subject",
    "rpt:edit:media",
    "rpt:edit:kecamatan",
    "rpt:edit:service",
    "rpt:agree",
    "rpt:cancel",
    "rpt:self",
    "rpt:other",
    "rpt:name_ok",
    "rpt:name_change",
    "rpt:nik_unknown",
    "rpt:skip",
    "rpt:media_done",
    "rpt:named",
    "rpt:anonymous",
    "rpt:send",
    "rpt:edit",
    "rpt:append",
    "rpt:new",
    "rpt:resume",
    "rpt:restart",
)

# Words that move a conversation somewhere, and answers to the report's questions.
MEANINGFUL_TEXT = (
    "halo",
    "Assalamualaikum",
    "menu",
    "batal",
    "kembali",
    "bantuan",
    "status",
    "cek status LGT-2611-0001",
    "LGT-2611-0042",
    "terima kasih",
    "syarat pkh apa saja",
    "bansos",
    "daftar dtks",
    "rumah kebanjiran",
    "ambulans darurat",
    "mau lapor",
    "mau mengajukan bantuan",
    "hubungi petugas",
    "setuju",
    "ya",
    "lainnya",
    "saya",
    "orang lain",
    "Pak Ahmad, lansia sekitar 70 tahun",
    "Siti Aminah",
    "1404021203850001",
    "1404025203850001",
    "3171234567890000",
    "tidak tahu",
    "tembilahan",
    "seberang",
    "sungai",
    "tanjung",
    "kuindra",
    "tembilahan kota",
    "RT 02 RW 01, Jl. Sudirman",
    "lewati",
    "Sudah tiga hari tidur di emperan toko, tampak lapar dan sakit.",
    "selesai",
    "boleh",
    "rahasiakan",
    "kirim",
    "ubah",
    "tambahkan",
    "buat baru",
    "lanjutkan",
    "mulai baru",
    "{nomor_tiket} {} {0} %s",
    "🙏🏽👨‍👩‍👧 emoji saja",
)

_ALPHABET = st.characters(codec="utf-8")  # any character WhatsApp can carry, emoji included

texts = st.one_of(
    st.sampled_from(MEANINGFUL_TEXT),
    st.text(_ALPHABET, max_size=40),
    st.text(_ALPHABET, max_size=5000),
    st.text(string.digits + " .-", min_size=10, max_size=24),
    st.builds(lambda w, n: " ".join([w] * n), st.sampled_from(MEANINGFUL_TEXT), st.integers(1, 80)),
)
optional_text = st.none() | st.text(_ALPHABET, max_size=300)

media_refs = st.builds(
    MediaRef,
    media_id=st.text(string.ascii_letters + string.digits, min_size=1, max_size=30),
    mime_type=st.none() | st.sampled_from(["image/jpeg", "application/pdf", "video/mp4"]),
    sha256=st.none() | st.text(max_size=44),
    caption=optional_text,
    filename=st.none() | st.text(_ALPHABET, max_size=200),
)
places = st.builds(
    Place,
    latitude=st.floats(-90, 90, allow_nan=False),
    longitude=st.floats(-180, 180, allow_nan=False),
    name=st.none() | st.text(_ALPHABET, max_size=1000),
    address=st.none() | st.text(_ALPHABET, max_size=1000),
)
profile_names = st.one_of(
    st.just("Siti Aminah"), st.none(), st.text(_ALPHABET, max_size=120), st.just("   ")
)


@dataclass
class Conversation:
    """One citizen's walk: the stored session, the clock, what the bot offered to tap."""

    tickets: tuple[TicketView, ...] = ()
    session: Session | None = None
    now: datetime = START
    offered: list[str] = field(default_factory=list)  # by the last reply with choices
    ever_offered: list[str] = field(default_factory=list)  # stale buttons are still tappable
    messages: int = 0

    def send(self, incoming: Incoming) -> Turn:
        turn = converse(self.session, incoming, self.now, self.tickets)
        check_turn(turn, incoming, self.now)
        self.session = stored(turn.session)
        ids = offered_ids(turn)
        if ids:
            self.offered = ids
            self.ever_offered = list(dict.fromkeys([*self.ever_offered, *ids]))[-60:]
        self.messages += 1
        return turn


@st.composite
def choice_ids(draw: st.DrawFn, conversation: Conversation) -> str | None:
    sources = [st.sampled_from(GARBAGE_IDS), st.none(), st.text(_ALPHABET, max_size=300)]
    if conversation.ever_offered:
        sources.insert(0, st.sampled_from(conversation.ever_offered))
    if conversation.offered:  # mostly: tap what is on screen
        sources = [st.sampled_from(conversation.offered)] * 4 + sources
    return draw(st.one_of(sources))


def _names(draw: st.DrawFn, names: list[str]) -> str:
    """A region name as citizens type it: whole, one of its words, a prefix, or lowercased."""
    name = draw(st.sampled_from(names))
    words = name.split()
    return draw(
        st.sampled_from([name, name.lower(), words[0], words[-1], name[: max(3, len(name) // 2)]])
    )


@st.composite
def answers(draw: st.DrawFn, conversation: Conversation) -> dict[str, Any]:
    """A plausible answer to the step the citizen is at (the fields of an Incoming), so walks
    reach deep into reports: summaries, edits, duplicates, resumes."""
    session = conversation.session or Session()
    draft = session.draft.model_dump(mode="json") if session.draft else {}
    step = session.step or ""
    offered = [i for i in conversation.offered if not i.startswith(("rpt:svcpage", "rpt:kecp"))]

    def tap(*ids: str) -> dict[str, Any]:
        return {"kind": "choice", "choice_id": draw(st.sampled_from(ids))}

    def say(*values: str) -> dict[str, Any]:
        return {"kind": "text", "text": draw(st.sampled_from(values))}

    if session.flow != "report":
        starts = (
            "menu:complaint",
            "menu:request",
            "menu:status",
            "adu:pkh",
            "req:dtks",
            "urg:start",
            "det:pkh",
            "req:ziarah_tmp",
            "req:izin_sumbangan_lks",
        )
        return tap(*starts, *offered)
    if step == "privacy":
        return tap("rpt:agree", "rpt:agree", "rpt:agree", "rpt:cancel")
    if step == "resume":
        return tap("rpt:resume", "rpt:resume", "rpt:restart", "menu")
    if step in ("service", "edit") and offered:
        return tap(*offered)
    if step == "duplicate":
        return tap("rpt:append", "rpt:new")
    if step == "about":
        return tap("rpt:self", "rpt:other")
    if step == "subject":
        return say("Pak Ahmad, lansia sekitar 70 tahun", "seorang pengemis di pasar")
    if step == "name":
        return draw(st.sampled_from([tap("rpt:name_ok", "rpt:name_change"), say("Siti Aminah")]))
    if step == "nik":
        return draw(
            st.sampled_from(
                [say("1404021203850001", "1404 0252 0385 0001"), tap("rpt:nik_unknown")]
            )
        )
    if step == "kecamatan":
        kinds = ["text", "text", "location", *(["choice"] if offered else [])]
        kind = draw(st.sampled_from(kinds))
        if kind == "choice":
            return tap(*offered)
        if kind == "location":
            return {"kind": "location", "place": draw(places)}
        return {"kind": "text", "text": _names(draw, [k.name for k in REGIONS.kecamatan])}
    if step == "desa":
        villages = REGIONS.villages_of((draft.get("kecamatan") or {}).get("code", ""))
        if villages and draw(st.booleans()):
            return {"kind": "text", "text": _names(draw, [v.name for v in villages])}
        return tap(*offered) if offered else say("tembilahan kota")
    if step == "address":
        return draw(st.sampled_from([say("RT 02 RW 01, Jl. Sudirman"), tap("rpt:skip")]))
    if step == "description":
        return say(
            "Sudah tiga hari tidur di emperan toko, tampak lapar.",
            "Rumah kebanjiran sejak kemarin, darurat, anak-anak tidak makan.",
        )
    if step == "media":
        if draw(st.booleans()):
            return {"kind": draw(st.sampled_from(["image", "document"])), "media": draw(media_refs)}
        return tap("rpt:media_done", "rpt:skip")
    if step == "anonymity":
        return tap("rpt:named", "rpt:anonymous", "rpt:unrecorded")
    if step == "remembered":
        return tap("rpt:remember_yes", "rpt:remember_no")
    if step == "urgent_place":
        return draw(
            st.sampled_from(
                [
                    say("Tembilahan Kota", "sungai piring", "dekat pasar"),
                    {"kind": "location", "place": draw(places)},
                ]
            )
        )
    if step == "urgent_story":
        if draw(st.booleans()):
            return {"kind": "voice", "media": draw(media_refs)}
        return say("Rumah terbakar, satu keluarga di luar.")
    if step == "request_or_complaint":
        return tap("rpt:kind_request", "rpt:kind_complaint")
    if step == "permit_people":
        return say("40", "40 orang", "banyak")
    if step.startswith("permit_") and step not in ("permit_kind", "permit_summary"):
        return say("Yayasan Kasih Bunda", "Senin 10 November", "x")
    if step in ("summary", "urgent_send", "permit_summary"):
        return tap("rpt:send", "rpt:send", "rpt:edit", "rpt:cancel")
    return tap(*offered) if offered else say("menu")


@st.composite
def incoming_messages(
    draw: st.DrawFn, conversation: Conversation, kinds: st.SearchStrategy[str] | None = None
) -> Incoming:
    fields: dict[str, Any] = {}
    if kinds is None and draw(st.integers(0, 9)) < 7:  # mostly a citizen who answers the step
        fields = draw(answers(conversation))
        kinds = st.just(fields.pop("kind"))
    elif kinds is None:
        kinds = st.sampled_from(["choice"] * 6 + ["text"] * 5 + list(KINDS))
    kind = draw(kinds)
    if fields:
        pass
    elif kind == "text":
        fields["text"] = draw(texts)
    elif kind == "choice":
        fields["choice_id"] = draw(choice_ids(conversation))
        fields["choice_title"] = draw(st.none() | st.text(_ALPHABET, max_size=30))
        if draw(st.booleans()):  # a template quick reply carries its label as text
            fields["text"] = fields["choice_title"]
    elif kind == "location":
        fields["place"] = draw(st.none() | places) if draw(st.booleans()) else draw(places)
    elif kind in ("image", "document", "video", "sticker", "voice", "audio"):
        fields["media"] = draw(media_refs) if kind in ("image", "document") else None
        if kind in ("image", "document") and draw(st.integers(0, 9)) == 0:
            fields["media"] = None  # a malformed media message
        if fields["media"] is not None:
            fields["text"] = fields["media"].caption
        elif draw(st.booleans()) and kind != "voice":
            fields["media"] = draw(media_refs)
    elif kind == "reaction":
        fields["text"] = draw(st.none() | st.sampled_from(["👍", "❤️", "🙏", ""]))
    elif kind in ("unknown", "contacts", "unsupported", "system") and draw(st.booleans()):
        fields["text"] = draw(optional_text)
    return Incoming(
        wamid=f"wamid.P{conversation.messages:04d}",
        citizen=CITIZEN,
        kind=kind,  # type: ignore[arg-type]
        sent_at=conversation.now,
        profile_name=draw(profile_names),
        **fields,
    )


# Pauses between messages: mostly a citizen typing, sometimes past the 30-minute idle limit,
# sometimes past the 24-hour draft lifetime. At most 25 messages a walk never floods (> 30 a
# minute); the flood is its own property below.
pauses = (
    st.sampled_from(["typing"] * 12 + ["idle", "away"])
    .flatmap(
        lambda pause: {
            "typing": st.integers(0, 120),
            "idle": st.integers(25 * 60, 40 * 60),
            "away": st.integers(0, 30 * 3600),
        }[pause]
    )
    .map(lambda s: timedelta(seconds=s))
)

_ticket_services = [s.id for s in CATALOGUE.services] + ["lainnya"]
ticket_views = st.builds(
    TicketView,
    number=st.integers(1, 9999).map(lambda n: f"LGT-2611-{n:04d}"),
    type=st.sampled_from(["pengaduan", "permohonan"]),
    service_id=st.sampled_from(_ticket_services),
    status=st.sampled_from(
        ["diterima", "diverifikasi", "asesmen", "ditindaklanjuti", "selesai", "ditolak", "x"]
    ),
    created_at=st.integers(0, 60 * 24).map(lambda h: START - timedelta(hours=h)),
    public_note=st.none() | st.text(_ALPHABET, min_size=0, max_size=1000),
    about=st.sampled_from([None, "self", "other"]),
    reporter_name=st.sampled_from([None, "Siti Aminah", "Rahmat"]),
    nik=st.sampled_from([None, "1404021203850001"]),
    kecamatan=st.sampled_from([None, RegionRef(code="14.04.04", name="Tembilahan")]),
    desa=st.sampled_from([None, RegionRef(code="14.04.04.1001", name="Tembilahan Kota")]),
)
ticket_sets = st.one_of(
    st.just(()),
    st.just(
        (
            TicketView(
                number="LGT-2611-0001",
                type="pengaduan",
                service_id="gepeng_odha",
                status="diterima",
                created_at=START - timedelta(days=1),
            ),
        )
    ),
    st.lists(ticket_views, max_size=8, unique_by=lambda t: t.number).map(tuple),
)


@st.composite
def conversations(draw: st.DrawFn, max_messages: int = 25) -> Conversation:
    """A conversation walked from no session through 1-`max_messages` random messages."""
    conversation = Conversation(tickets=draw(ticket_sets))
    for _ in range(draw(st.integers(1, max_messages))):
        conversation.now += draw(pauses)
        conversation.send(draw(incoming_messages(conversation)))
    return conversation


# -- properties -------------------------------------------------------------------------------


@PROPERTY
@given(conversations())
def test_any_walk_through_the_engine_always_gets_valid_replies(conversation):
    """Every turn of the walk is checked as it is taken (see Conversation.send)."""
    assert conversation.session is not None


@PROPERTY
@given(st.data())
def test_any_message_kind_in_any_reached_state_gets_a_valid_reply(data):
    conversation = data.draw(conversations(max_messages=12))
    conversation.now += data.draw(pauses)
    kind = data.draw(st.sampled_from(KINDS))
    conversation.send(data.draw(incoming_messages(conversation, st.just(kind))))


@PROPERTY
@given(st.data())
def test_any_text_in_any_reached_state_gets_a_valid_reply(data):
    conversation = data.draw(conversations(max_messages=12))
    conversation.now += data.draw(pauses)
    text = data.draw(st.text(_ALPHABET, max_size=5000))
    conversation.send(
        Incoming(wamid="wamid.X", citizen=CITIZEN, kind="text", sent_at=conversation.now, text=text)
    )


@PROPERTY
@given(st.data())
def test_needs_only_asks_for_tickets_and_never_twice(data):
    conversation = data.draw(conversations(max_messages=12))
    conversation.now += data.draw(pauses)
    incoming = data.draw(incoming_messages(conversation))
    first = respond(conversation.session, incoming, knowledge(conversation.now))
    assert set(first.needs) <= {"tickets"}
    if first.needs:
        assert first.replies == [] and first.effects == []
    answered = respond(conversation.session, incoming, knowledge(conversation.now, ()))
    assert answered.needs == []
    check_turn(answered, incoming, conversation.now)


@settings(PROPERTY, max_examples=max(1, EXAMPLES // 5))  # 31-38 messages each
@given(st.data())
def test_a_flood_gets_one_notice_then_silence_and_keeps_the_session(data):
    conversation = data.draw(conversations(max_messages=10))
    conversation.now += timedelta(minutes=2)
    replies, kept = [], None
    for n in range(FLOOD_LIMIT + data.draw(st.integers(1, 8))):
        conversation.now += timedelta(seconds=data.draw(st.integers(0, 1)))
        incoming = data.draw(incoming_messages(conversation, st.sampled_from(["text", "choice"])))
        turn = conversation.send(incoming)
        replies.append(turn.replies)
        state = turn.session.model_dump(exclude={"window_count"})
        state["data"].pop("profile_name", None)
        if n == FLOOD_LIMIT - 1:
            kept = state
        elif n >= FLOOD_LIMIT:  # throttled: the session (and any draft) is left as it was
            assert state == kept
    assert all(replies[:FLOOD_LIMIT])
    assert [r.body for r in replies[FLOOD_LIMIT]] == [COPY["throttled"]]
    assert all(r == [] for r in replies[FLOOD_LIMIT + 1 :])


# -- the bugs these properties found, pinned ----------------------------------------------------


def _checked(turn: Turn) -> Turn:
    assert turn.replies
    for reply in turn.replies:
        check_reply(reply)
    return turn


def _complaint_until(chat: Chat, step: str) -> None:
    answers = [
        ("privacy", "rpt:agree"),
        ("service", "rpt:svc:gepeng_odha"),
        ("description", "Seorang bapak tidur di emperan toko sejak seminggu."),
        ("about", "rpt:self"),
        ("anonymity", "rpt:named"),
        ("name", "rpt:name_ok"),
        ("nik", "rpt:nik_unknown"),
        ("kecamatan", "tembilahan"),
    ]
    chat.tap("menu:complaint")
    for name, answer in answers:
        if name == step:
            break
        assert chat.step == name
        chat.tap(answer) if answer.startswith("rpt:") else chat.say(answer)
    assert chat.step == step


def _complaint_at_desa(chat: Chat) -> None:
    _complaint_until(chat, "desa")


def test_an_answer_the_resume_question_does_not_expect_asks_it_again():
    chat = Chat()
    chat.tap("menu:complaint")
    chat.say("menu")
    chat.tap("menu:complaint")
    assert chat.step == "resume"
    turn = _checked(chat.say("apa ini"))
    assert chat.step == "resume" and "rpt:resume" in offered_ids(turn)


def test_idling_out_at_the_resume_question_still_resumes_the_step_left():
    chat = Chat()
    chat.tap("menu:complaint")
    chat.tap("rpt:agree")
    chat.now += timedelta(minutes=31)
    chat.say("halo")
    assert chat.step == "resume"
    chat.now += timedelta(minutes=31)
    _checked(chat.say("halo"))
    assert chat.step == "resume"
    _checked(chat.tap("rpt:resume"))
    assert chat.step == "service"


@pytest.mark.parametrize(
    ("step", "forged"),
    [
        ("service", "rpt:svcpage:"),
        ("service", "rpt:svcpage:x"),
        ("kecamatan", "rpt:kecpage:1e3"),
        ("kecamatan", "rpt:kecpage:" + "9" * 5000),
        ("desa", "rpt:desapage:²"),
    ],
)
def test_a_forged_page_row_shows_the_first_page(step, forged):
    chat = Chat()
    if step == "desa":
        _complaint_at_desa(chat)
    else:
        _complaint_until(chat, step)
    assert chat.step == step
    first = offered_ids(chat.turns[-1])
    turn = _checked(chat.tap(forged))
    assert offered_ids(turn)[-len(first) :] == first and chat.step == step


def test_villages_whose_names_share_twenty_letters_are_offered_distinctly():
    chat = Chat()
    _complaint_at_desa(chat)
    turn = _checked(chat.say("seberang"))
    [offer] = turn.replies
    assert isinstance(offer, ListMessage)
    assert [row.description for row in offer.sections[0].rows] == [
        "Seberang Tembilahan",
        "Seberang Tembilahan Barat",
        "Seberang Tembilahan Selatan",
    ]
    chat.tap(offer.sections[0].rows[1].id)
    assert chat.draft["desa"]["name"] == "Seberang Tembilahan Barat" and chat.step == "address"


@pytest.mark.parametrize("profile", ["0", "   ", "😀😀", "~~", "x"])
def test_a_profile_name_that_is_not_a_name_is_not_offered_as_the_reporter(profile):
    chat = Chat(name=profile)
    _complaint_until(chat, "name")
    assert offered_ids(chat.turns[-1]) == []  # asked to type it, no "Ya, benar" button
    _checked(chat.tap("rpt:name_ok"))  # a stale or forged confirmation does not take it either
    assert chat.step == "name" and "reporter_name" not in chat.draft
    chat.say("Siti Aminah")
    assert chat.draft["reporter_name"] == "Siti Aminah" and chat.step == "nik"
