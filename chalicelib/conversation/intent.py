"""What a free-text message outside a flow is about: a command, a greeting, a service, the status
of a report, the office contact, or a wish to file something without saying what.

Each word of a message is mapped once to the vocabulary word it most likely is: exactly, then
without doubled letters or a suffix such as -nya, then by a rapidfuzz typo match. Phrases are
found over the mapped words, longest first, so "panti jompo" is read as one phrase and never also
as "panti". The vocabulary is the catalogue's `keywords` plus `intents.yaml` next to this file.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, Indel

from chalicelib.catalogue.services import Catalogue, load_catalogue
from chalicelib.datafiles import load_yaml
from chalicelib.tickets.numbers import parse_ticket_number

INTENTS_PATH = Path(__file__).with_name("intents.yaml")

Kind = Literal[
    "command",
    "greeting",
    "service",
    "ambiguous",
    "status",
    "contact",
    "complaint",
    "request",
    "help",
    "referral",
    "unknown",
]
Command = Literal["menu", "batal", "kembali", "bantuan"]
COMMANDS: tuple[Command, ...] = ("menu", "batal", "kembali", "bantuan")

# A WhatsApp text holds up to 4096 characters; what a citizen wants is said well before 2000, and
# the cap bounds the cost of a pasted wall of text.
TEXT_CAP = 2000
SUFFIXES = ("nya", "lah", "kah", "pun", "ku", "mu")
KEYWORD_WEIGHT = 1.0
HINT_WEIGHT = 0.5
# Context words together never outweigh one keyword, even a keyword at the end of a message.
HINT_CAP = 0.8
# Each extra word of a phrase adds half a keyword: "kursi roda" says more than "roda".
PHRASE_BONUS = 0.5
# A repaired or mistyped word counts a little less, so a keyword spelled right wins a tie.
REPAIRED = 0.95
MISTYPED = 0.85
GAP_PENALTY = 0.9
# The topic usually comes first: a later mention counts up to this much less.
POSITION_DECAY = 0.15
# "rekomendasi beasiswa yang tidak terdaftar dtks": what follows "yang" describes what came
# before it, so a service named there counts less than the one it describes.
RELATIVE = "yang"
RELATIVE_WEIGHT = 0.7
SERVICE_THRESHOLD = 0.4
REFERRAL = "ref:"  # label prefix of a referral's phrases among the services' ones
AMBIGUOUS_RATIO = 0.8
MAX_CHOICES = 3
NONSENSE_MAX_CHARS = 3
TYPO_MIN_LENGTH = 4  # shorter words ("kis", "pip", "rob") must match exactly: "kis" is not "kita"
LONG_WORD = 8  # from here a typo may be two letters dropped or added
SOUND_ALIKE_MIN_LENGTH = 6
CACHE_LIMIT = 50_000

_APOSTROPHES = re.compile(r"['`´‘’ʼ]")
_WORD = re.compile(r"[^\W_]+")
_REDUPLICATED = re.compile(r"([^\W\d_]{2,})2")  # "anak2" → "anak anak"
_STRETCHED = re.compile(r"(\D)\1{2,}")  # "halooo" → "halo"
_DOUBLED = re.compile(r"(\D)\1+")

Mapped = tuple[str, float] | None  # the vocabulary word a message word stands for, and how surely


@dataclass(frozen=True)
class Intent:
    kind: Kind
    command: Command | None = None
    service_ids: tuple[str, ...] = ()
    ticket_number: str | None = None
    referral_id: str | None = None
    score: float = 0.0


class Normalizer:
    """Lowercase words without emoji or punctuation, stretched letters cut back, reduplication
    spelled out and informal abbreviations expanded. Vocabulary and messages go through it alike."""

    def __init__(self, abbreviations: Mapping[str, str]) -> None:
        self._abbreviations = {key: tuple(value.split()) for key, value in abbreviations.items()}

    def tokens(self, text: str) -> list[str]:
        cleaned = _APOSTROPHES.sub("", unicodedata.normalize("NFKC", text[:TEXT_CAP]).casefold())
        words: list[str] = []
        for raw in _WORD.findall(cleaned):
            word = _STRETCHED.sub(r"\1", raw)
            reduplicated = _REDUPLICATED.fullmatch(word)
            for part in [reduplicated.group(1)] * 2 if reduplicated else [word]:
                words.extend(self._abbreviations.get(part, (part,)))
        return words

    def __call__(self, text: str) -> str:
        return " ".join(self.tokens(text))


@dataclass(frozen=True)
class _Phrase:
    tokens: tuple[str, ...]
    label: str
    strength: float
    size: int  # words as written: "kursiroda" typed together still counts as two
    hint: bool = False


@dataclass(frozen=True)
class _Hit:
    phrase: _Phrase
    positions: frozenset[int]
    start: int
    score: float


class _Lexicon:
    """Labelled phrases, found in a sequence of mapped words."""

    def __init__(self, phrases: Iterable[_Phrase]) -> None:
        self._by_first: dict[str, list[_Phrase]] = defaultdict(list)
        seen: set[tuple[tuple[str, ...], str]] = set()
        for phrase in phrases:
            if (phrase.tokens, phrase.label) not in seen:
                seen.add((phrase.tokens, phrase.label))
                self._by_first[phrase.tokens[0]].append(phrase)

    @property
    def words(self) -> set[str]:
        return {word for group in self._by_first.values() for p in group for word in p.tokens}

    def find(self, mapped: Sequence[Mapped]) -> list[_Hit]:
        hits = []
        for start, item in enumerate(mapped):
            if item is None:
                continue
            for phrase in self._by_first.get(item[0], ()):
                hit = _match_at(phrase, mapped, start, item[1])
                if hit is not None:
                    hits.append(hit)
        return hits


def _match_at(
    phrase: _Phrase, mapped: Sequence[Mapped], start: int, similarity: float
) -> _Hit | None:
    """The phrase from `start` on, allowing one stray word inside it ("makam para pahlawan")."""
    positions = [start]
    cursor = start + 1
    gaps = 0
    for token in phrase.tokens[1:]:
        for skip in range(2 if gaps == 0 else 1):
            index = cursor + skip
            item = mapped[index] if index < len(mapped) else None
            if item is not None and item[0] == token:
                similarity = min(similarity, item[1])
                positions.append(index)
                gaps += skip
                cursor = index + 1
                break
        else:
            return None
    score = phrase.strength * similarity * (GAP_PENALTY if gaps else 1.0)
    return _Hit(phrase, frozenset(positions), start, score)


class _Vocabulary:
    """Maps a message word to the vocabulary word it most likely is."""

    def __init__(self, words: Iterable[str], plain: Iterable[str], sound_alike: Iterable[str]):
        self._words = set(words)
        self._plain = set(plain)
        self._by_squeezed: dict[str, str] = {}
        for word in sorted(self._words):
            self._by_squeezed.setdefault(_DOUBLED.sub(r"\1", word), word)
        # A typo keeps the first letter and about the length, so only those words are compared.
        self._typo_targets: dict[tuple[str, int], list[str]] = defaultdict(list)
        for word in sorted(self._words):
            if len(word) >= TYPO_MIN_LENGTH and not word.isdigit():
                self._typo_targets[word[0], len(word)].append(word)
        self._sound_alike = {(a, b) for group in sound_alike for a in group for b in group}
        self._cache: dict[str, Mapped] = {}

    def is_known(self, word: str) -> bool:
        return word in self._words or word in self._plain

    def lookup(self, word: str) -> Mapped:
        if word not in self._cache:
            if len(self._cache) >= CACHE_LIMIT:
                self._cache.clear()
            self._cache[word] = self._lookup(word)
        return self._cache[word]

    def _lookup(self, word: str) -> Mapped:
        if self.is_known(word):
            return (word, 1.0) if word in self._words else None
        squeezed = self._squeezed(word)  # "pkhh", "lansiaa", "pengaduann"
        if squeezed is not None:
            return squeezed, REPAIRED
        for suffix in SUFFIXES:  # "pkhnya", "bpjsku"
            stem = word.removesuffix(suffix)
            if stem != word and len(stem) >= 3:
                if self.is_known(stem):
                    return (stem, REPAIRED) if stem in self._words else None
                squeezed = self._squeezed(stem)
                if squeezed is not None:
                    return squeezed, REPAIRED
        typo = self._typo(word)
        return (typo, MISTYPED) if typo is not None else None

    def _squeezed(self, word: str) -> str | None:
        return self._by_squeezed.get(_DOUBLED.sub(r"\1", word))

    def _typo(self, word: str) -> str | None:
        """A vocabulary word one slip away: a letter dropped or added ("banjr", "pahlawn"), two
        letters swapped ("lansai"), or in a longer word a letter that sounds alike ("adobsi");
        long words may drop or add two. Any other changed letter, or a changed first letter, is
        how a different real word looks ("semua"/"setua"), so it is not taken for a typo."""
        if len(word) < TYPO_MIN_LENGTH or word.isdigit():
            return None
        allowed = 1 if len(word) < LONG_WORD else 2
        near = [
            target
            for length in range(len(word) - allowed, len(word) + allowed + 1)
            for target in self._typo_targets.get((word[0], length), ())
        ]
        dropped_or_added = process.extract(
            word, near, scorer=Indel.distance, score_cutoff=allowed, limit=8
        )
        changed = process.extract(word, near, scorer=OSA.distance, score_cutoff=1, limit=8)
        # Two slips only as two letters dropped or added: a changed letter is two Indel steps.
        candidates = [c for c, d, _ in dropped_or_added if d < 2 or abs(len(c) - len(word)) == 2]
        candidates += [c for c, _, _ in changed if self._is_slip(word, c)]
        return max(candidates, key=lambda c: fuzz.ratio(word, c), default=None)

    def _is_slip(self, word: str, candidate: str) -> bool:
        if sorted(word) == sorted(candidate):
            return True
        if len(word) < SOUND_ALIKE_MIN_LENGTH or len(word) != len(candidate):
            return False
        changes = [(a, b) for a, b in zip(word, candidate, strict=True) if a != b]
        return len(changes) == 1 and changes[0] in self._sound_alike


class Router:
    """Classifies free text against the catalogue. Indexes are built once, in the constructor."""

    def __init__(self, catalogue: Catalogue, vocabulary: dict[str, Any] | None = None) -> None:
        data = load_vocabulary() if vocabulary is None else vocabulary
        self._normalizer = Normalizer(data.get("abbreviations") or {})
        self._service_order = {service.id: i for i, service in enumerate(catalogue.services)}
        # Referrals (questions for another body) compete with services phrase by phrase, so
        # the more specific wording wins: "kip kuliah" is a referral, "beasiswa" a service.
        phrases = self._service_phrases(catalogue, data.get("services") or {})
        for referral in catalogue.referrals:
            for keyword in referral.keywords:
                phrases.extend(
                    self._phrases(keyword, REFERRAL + referral.id, KEYWORD_WEIGHT, joined=True)
                )
        self._services = _Lexicon(phrases)

        status = data.get("status") or {}
        self._status_strong = self._lexicon(status.get("strong"), "status")
        self._kinds: list[tuple[Kind, _Lexicon]] = [
            ("status", self._lexicon(status.get("phrases"), "status")),
            ("contact", self._lexicon(data.get("contact"), "contact")),
            ("complaint", self._lexicon(data.get("complaint"), "complaint")),
            ("request", self._lexicon(data.get("request"), "request")),
        ]
        self._how_to = self._lexicon(data.get("how_to"), "how_to")
        self._questions = self._lexicon(data.get("questions"), "question")
        self._help = self._lexicon(data.get("help"), "help")
        urgent = data.get("urgent") or {}
        self._danger = self._lexicon(urgent.get("danger"), "danger")
        self._alarm = self._lexicon(urgent.get("alarm"), "alarm")
        self._calm = self._lexicon(urgent.get("calm"), "calm")
        self._no_intent = self._words(data.get("fillers")) | self._words(data.get("greetings"))
        self._particles = self._words(data.get("command_particles"))
        self._commands: dict[str, Command] = {}
        commands = data.get("commands") or {}
        for command in COMMANDS:
            for phrase in _strings(commands.get(command)):
                self._commands.setdefault(self._normalizer(phrase), command)
        self._command_typo_targets = [phrase for phrase in self._commands if len(phrase) >= 4]

        lexicons = [self._services, self._status_strong, self._how_to, self._help]
        lexicons += [self._questions]
        lexicons += [self._danger, self._alarm, self._calm]
        lexicons += [lexicon for _, lexicon in self._kinds]
        self._vocabulary = _Vocabulary(
            set().union(*(lexicon.words for lexicon in lexicons)) | self._no_intent,
            plain=self._words(data.get("plain_words")),
            sound_alike=_strings(data.get("sound_alike")),
        )

    def normalize(self, text: str) -> str:
        return self._normalizer(text)

    def classify(self, text: str) -> Intent:
        ticket = parse_ticket_number(text[:TEXT_CAP])
        if ticket is not None:
            return Intent("status", ticket_number=ticket, score=1.0)
        words = self._normalizer.tokens(text)
        if not words:
            return Intent("greeting", score=1.0)
        command = self._command(words)
        if command is not None:
            return Intent("command", command=command, score=1.0)

        mapped = [self._vocabulary.lookup(word) for word in words]
        content = {
            i for i, item in enumerate(mapped) if item is None or item[0] not in self._no_intent
        }
        kind_hits = [(kind, lexicon.find(mapped)) for kind, lexicon in self._kinds]
        # The whole message is the wish itself ("buat pengaduan", "cek status") - unless it asks
        # how filing works ("gmn cara bikin pengaduan"): that is the service's information.
        asks_how = bool(self._how_to.find(mapped))
        for kind, hits in kind_hits:
            if asks_how and kind in ("complaint", "request"):
                continue
            if content and content <= set().union(*(hit.positions for hit in hits)):
                return Intent(kind, score=1.0)
        if self._status_strong.find(mapped):
            return Intent("status", score=1.0)

        ranked, named = self._rank_services(mapped)
        wished = next(((kind, hits) for kind, hits in kind_hits if hits), None)
        # Context words alone ("nomor wa petugas") do not override an explicit wish.
        if ranked and ranked[0][1] >= SERVICE_THRESHOLD and (named or wished is None):
            top = ranked[0][1]
            if ranked[0][0].startswith(REFERRAL):
                return Intent(
                    "referral", referral_id=ranked[0][0].removeprefix(REFERRAL), score=top
                )
            close = [
                sid
                for sid, score in ranked
                if score >= top * AMBIGUOUS_RATIO and not sid.startswith(REFERRAL)
            ]
            if len(close) == 1:
                return Intent("service", service_ids=(close[0],), score=top)
            return Intent("ambiguous", service_ids=tuple(close[:MAX_CHOICES]), score=top)
        if wished is None and self._help.find(mapped):
            return Intent("help", score=1.0)
        if wished is not None:
            kind, hits = wished
            return Intent(kind, score=max(hit.score for hit in hits))
        if not content or sum(len(word) for word in words) <= NONSENSE_MAX_CHARS:
            return Intent("greeting", score=1.0)
        return Intent("unknown")

    def is_urgent(self, text: str) -> bool:
        """Danger now: a danger phrase, or an alarm word in a message that is not a question
        about a benefit, a procedure or the past."""
        mapped = [self._vocabulary.lookup(word) for word in self._normalizer.tokens(text)]
        if self._danger.find(mapped):
            return True
        return bool(self._alarm.find(mapped)) and not self._calm.find(mapped)

    def is_question(self, text: str) -> bool:
        """The message asks something (how, what, when…) rather than tells."""
        if "?" in text[:TEXT_CAP]:
            return True
        mapped = [self._vocabulary.lookup(word) for word in self._normalizer.tokens(text)]
        return bool(self._questions.find(mapped) or self._how_to.find(mapped))

    def _command(self, words: list[str]) -> Command | None:
        core = [word for word in words if word not in self._particles] or words
        phrase = " ".join(core)
        if phrase in self._commands:
            return self._commands[phrase]
        # A typo of a command ("mneu", "btal"), never a real word that looks like one ("baik").
        if len(phrase) < 4 or any(self._vocabulary.is_known(word) for word in core):
            return None
        allowed = 1 if len(phrase) < LONG_WORD else 2
        found = process.extractOne(
            phrase, self._command_typo_targets, scorer=OSA.distance, score_cutoff=allowed
        )
        if found is None or found[0][0] != phrase[0]:
            return None
        return self._commands[found[0]]

    def _rank_services(self, mapped: Sequence[Mapped]) -> tuple[list[tuple[str, float]], bool]:
        """Services by score, best first, and whether a keyword (not just a hint) was found."""
        hits = sorted(
            self._services.find(mapped),
            key=lambda hit: (-hit.phrase.size, -hit.score, hit.start),
        )
        relative = next(
            (i for i, item in enumerate(mapped) if item is not None and item[0] == RELATIVE),
            len(mapped),
        )
        described = any(hit.start < relative for hit in hits)
        last = max(1, len(mapped) - 1)
        # A word belongs to the longest phrase that holds it; a keyword two services share
        # ("bansos") belongs to both. A phrase said twice counts once.
        owners: dict[int, tuple[tuple[str, ...], frozenset[int]]] = {}
        counted: set[tuple[str, tuple[str, ...]]] = set()
        keywords: dict[str, float] = defaultdict(float)
        hints: dict[str, float] = defaultdict(float)
        first_seen: dict[str, int] = {}
        for hit in hits:
            label, owner = hit.phrase.label, (hit.phrase.tokens, hit.positions)
            if (label, hit.phrase.tokens) in counted or any(
                owners.get(i, owner) != owner for i in hit.positions
            ):
                continue
            owners.update(dict.fromkeys(hit.positions, owner))
            counted.add((label, hit.phrase.tokens))
            score = hit.score * (1 - POSITION_DECAY * hit.start / last)
            if described and hit.start > relative:
                score *= RELATIVE_WEIGHT
            (hints if hit.phrase.hint else keywords)[label] += score
            first_seen[label] = min(first_seen.get(label, hit.start), hit.start)
        totals = {
            label: keywords.get(label, 0.0) + min(hints.get(label, 0.0), HINT_CAP)
            for label in first_seen
        }
        ranked = sorted(
            totals.items(),
            key=lambda item: (
                -item[1],
                first_seen[item[0]],
                self._service_order.get(item[0], len(self._service_order)),
            ),
        )
        return ranked, bool(keywords)

    def _service_phrases(self, catalogue: Catalogue, extra: Mapping[str, Any]) -> list[_Phrase]:
        # Staff edit the catalogue live: vocabulary for a service they removed is simply unused.
        phrases: list[_Phrase] = []
        for service in catalogue.services:
            more = extra.get(service.id) or {}
            for keyword in (*service.keywords, *_strings(more.get("synonyms"))):
                phrases.extend(self._phrases(keyword, service.id, KEYWORD_WEIGHT, joined=True))
            for hint in _strings(more.get("hints")):
                phrases.extend(self._phrases(hint, service.id, HINT_WEIGHT, joined=True))
        return phrases

    def _phrases(self, text: str, label: str, weight: float, joined: bool) -> list[_Phrase]:
        tokens = tuple(self._normalizer.tokens(text))
        if not tokens:
            return []
        strength = weight * (1 + PHRASE_BONUS * (len(tokens) - 1))
        hint = weight < KEYWORD_WEIGHT
        phrases = [_Phrase(tokens, label, strength, len(tokens), hint)]
        if joined and len(tokens) > 1:  # typed without the space: "kursiroda", "pbijk"
            phrases.append(_Phrase(("".join(tokens),), label, strength, len(tokens), hint))
        return phrases

    def _lexicon(self, texts: object, label: str) -> _Lexicon:
        phrases = (
            self._phrases(text, label, KEYWORD_WEIGHT, joined=False) for text in _strings(texts)
        )
        return _Lexicon(phrase for group in phrases for phrase in group)

    def _words(self, texts: object) -> set[str]:
        return {word for text in _strings(texts) for word in self._normalizer.tokens(text)}


def _strings(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(item) for item in value]
    raise ValueError(f"intents.yaml: expected a list, got {type(value).__name__}")


@cache
def load_vocabulary(path: Path = INTENTS_PATH) -> dict[str, Any]:
    data: dict[str, Any] = load_yaml(path)
    return data


@cache
def default_router() -> Router:
    return Router(load_catalogue(), load_vocabulary())


def normalize(text: str) -> str:
    """`"Halooo, sy mau tanya yg PKH 🙏"` → `"halo saya mau tanya yang pkh"`."""
    return default_router().normalize(text)


def is_urgent(text: str) -> bool:
    """Whether the text describes danger now: hunger, fire, flood, violence, a missing child,
    suicide, a patient who must be moved."""
    return default_router().is_urgent(text)
