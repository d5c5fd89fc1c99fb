"""Kecamatan and desa/kelurahan of the kabupaten, loaded from `wilayah.csv` (Kemendagri codes),
with tolerant matching of what citizens type.

The CSV is data, not code: another kabupaten ships its own file with the same columns
(`kode,nama,jenis,induk,kode_bps`).
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal, TypeVar, cast

from rapidfuzz import fuzz

DEFAULT_PATH = Path(__file__).with_name("wilayah.csv")
PER_PAGE = 9
"""Items per WhatsApp list page: 9 rows plus one navigation row keeps a list within 10 rows."""

VillageKind = Literal["desa", "kelurahan"]
_VILLAGE_KINDS: frozenset[str] = frozenset({"desa", "kelurahan"})

# Fuzzy matching: scores are 0-100; a candidate must reach the cutoff and stay within the window
# of the best candidate, so a clear winner is offered alone.
_SCORE_CUTOFF = 80.0
_SCORE_WINDOW = 10.0
_MAX_CANDIDATES = 3
_MIN_FUZZY_LENGTH = 3

_ADMINISTRATIVE_WORDS = frozenset({"kecamatan", "kec", "desa", "ds", "kelurahan", "kel"})
# Abbreviations common in Riau: "Sei Piring", "Tj. Harapan", "Tlk. Pinang".
_ABBREVIATIONS = {
    "sei": "sungai",
    "sui": "sungai",
    "sg": "sungai",
    "sungei": "sungai",
    "tj": "tanjung",
    "tg": "tanjung",
    "tjg": "tanjung",
    "tlk": "teluk",
    # Local short names of kecamatan, as people in Inhil say them.
    "kuindra": "kuala indragiri",
    "gas": "gaung anak serka",
}
# Kemendagri writes many names as one word ("Sungaiterap", "Pulaukijang"); splitting these
# geographic prefixes lets "terap" or "sungai terap" meet "Sungaiterap" word by word.
_JOINED_PREFIXES = ("sungai", "pulau", "teluk", "tanjung", "danau", "pantai", "selat")
_MIN_REMAINDER = 3  # so that "selatan" is not read as "selat an"

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Village:
    code: str
    name: str
    kind: VillageKind
    kecamatan_code: str


@dataclass(frozen=True, slots=True)
class Kecamatan:
    code: str
    name: str
    bps_code: str
    villages: tuple[Village, ...]


Region = TypeVar("Region", Kecamatan, Village)


class Regions:
    """The kecamatan (in code order) and their villages, indexed by code."""

    def __init__(self, kecamatan: Sequence[Kecamatan]) -> None:
        self.kecamatan: tuple[Kecamatan, ...] = tuple(sorted(kecamatan, key=_code_order))
        self._by_code: dict[str, Kecamatan | Village] = {}
        for kec in self.kecamatan:
            self._by_code[_code_key(kec.code)] = kec
            for village in kec.villages:
                self._by_code[_code_key(village.code)] = village

    def by_code(self, code: str) -> Kecamatan | Village | None:
        """A kecamatan or village by its Kemendagri code, with or without dots."""
        return self._by_code.get(_code_key(code))

    @property
    def villages(self) -> tuple[Village, ...]:
        return tuple(v for kec in self.kecamatan for v in kec.villages)

    @property
    def alphabetical(self) -> tuple[Kecamatan, ...]:
        """Kecamatan as a citizen looks for them in a list: by name."""
        return tuple(sorted(self.kecamatan, key=lambda k: k.name.casefold()))

    def kecamatan_of(self, village: Village) -> Kecamatan | None:
        found = self.by_code(village.kecamatan_code)
        return found if isinstance(found, Kecamatan) else None

    def villages_of(self, kecamatan_code: str) -> tuple[Village, ...]:
        found = self.by_code(kecamatan_code)
        return found.villages if isinstance(found, Kecamatan) else ()


@lru_cache(maxsize=4)
def load_regions(path: Path | str = DEFAULT_PATH) -> Regions:
    """Read the regions CSV once per container; malformed rows raise ValueError."""
    with Path(path).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    villages: dict[str, list[Village]] = {}
    kecamatan_rows = []
    for line, row in enumerate(rows, start=2):
        kind = row["jenis"].strip()
        if kind == "kecamatan":
            kecamatan_rows.append(row)
        elif kind in _VILLAGE_KINDS:
            village = Village(
                code=row["kode"].strip(),
                name=row["nama"].strip(),
                kind=cast(VillageKind, kind),
                kecamatan_code=row["induk"].strip(),
            )
            villages.setdefault(village.kecamatan_code, []).append(village)
        else:
            raise ValueError(f"{path}:{line}: unknown jenis {kind!r}")
    kecamatan = [
        Kecamatan(
            code=row["kode"].strip(),
            name=row["nama"].strip(),
            bps_code=row["kode_bps"].strip(),
            villages=tuple(sorted(villages.pop(row["kode"].strip(), []), key=_code_order)),
        )
        for row in kecamatan_rows
    ]
    if villages:
        raise ValueError(f"{path}: villages of unknown kecamatan {sorted(villages)}")
    return Regions(kecamatan)


def match_kecamatan(text: str, regions: Regions | None = None) -> list[Kecamatan]:
    """Up to 3 kecamatan the text may name, best first; [] when nothing is close."""
    return _best_matches(text, (regions or load_regions()).kecamatan)


def match_village(kecamatan_code: str, text: str, regions: Regions | None = None) -> list[Village]:
    """Up to 3 desa/kelurahan of one kecamatan the text may name, best first."""
    return _best_matches(text, (regions or load_regions()).villages_of(kecamatan_code))


def match_village_anywhere(text: str, regions: Regions | None = None) -> list[Village]:
    """Up to 3 desa/kelurahan of the whole kabupaten the text may name, best first: a citizen
    need not know the kecamatan."""
    return _best_matches(text, (regions or load_regions()).villages)


def paged(items: Sequence[T], page: int, per_page: int = PER_PAGE) -> tuple[list[T], bool, bool]:
    """One page (0-based) of items and whether pages exist before and after it.

    A page out of range is clamped to the nearest page, so a stale page number still shows rows.
    """
    if per_page < 1:
        raise ValueError(f"per_page must be positive, got {per_page}")
    last = max(0, (len(items) - 1) // per_page)
    page = min(max(page, 0), last)
    start = page * per_page
    return list(items[start : start + per_page]), page > 0, start + per_page < len(items)


def normalize_name(text: str) -> str:
    """Lowercase words without accents, punctuation, administrative words or abbreviations;
    joined geographic prefixes are split (`Sungaiterap` → `sungai terap`)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    words = []
    for word in re.findall(r"[a-z0-9]+", plain):
        if word in _ADMINISTRATIVE_WORDS:
            continue
        words.extend(_split_joined_prefix(_ABBREVIATIONS.get(word, word)))
    return " ".join(words)


def _split_joined_prefix(word: str) -> list[str]:
    for prefix in _JOINED_PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= _MIN_REMAINDER:
            return [prefix, word[len(prefix) :]]
    return [word]


def _best_matches(text: str, candidates: Sequence[Region]) -> list[Region]:
    query = normalize_name(text)
    compact = query.replace(" ", "")
    if not compact:
        return []
    exact = [region for region in candidates if _compact_name(region.name) == compact]
    if exact:
        return exact[:_MAX_CANDIDATES]
    if len(compact) < _MIN_FUZZY_LENGTH:
        return []
    scored = []
    for region in candidates:
        # Whole-string similarity catches typos ("tmbilahan"); word-set similarity catches a
        # name given in part or inside a sentence ("batang", "di sungai piring").
        score = max(
            fuzz.ratio(compact, _compact_name(region.name)),
            fuzz.token_set_ratio(query, _spaced_name(region.name)),
        )
        if score >= _SCORE_CUTOFF:
            scored.append((score, region))
    if not scored:
        return []
    best = max(score for score, _ in scored)
    close = [(score, region) for score, region in scored if score >= best - _SCORE_WINDOW]
    close.sort(key=lambda pair: -pair[0])  # stable: ties stay in code order
    return [region for _, region in close[:_MAX_CANDIDATES]]


@lru_cache(maxsize=2048)
def _spaced_name(name: str) -> str:
    return normalize_name(name)


def _compact_name(name: str) -> str:
    return _spaced_name(name).replace(" ", "")


def _code_key(code: str) -> str:
    return code.strip().replace(".", "")


def _code_order(region: Kecamatan | Village) -> tuple[int, ...]:
    return tuple(int(part) for part in region.code.split("."))
