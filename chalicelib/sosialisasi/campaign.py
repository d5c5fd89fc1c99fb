"""Campaign codes: which poster, desa or radio spot brought a citizen in.

A code travels in the prefilled greeting of a click-to-chat link, in brackets: "Halo Dinas Sosial
(TBH01)". Codes are declared nowhere in advance; a code is anything of the right shape, two to six
letters then one to four digits (TBH01, KTM02, RADIO1). Requiring a digit keeps words such as
"(PKH)" or "(KIS)" out; letters first keeps out numbers (NIK, phone, year); the brackets keep out
things citizens write bare, such as "RT05" or "KM5".
"""

from __future__ import annotations

import re

_CODE = r"[A-Za-z]{2,6}[0-9]{1,4}"
CODE_SHAPE = re.compile(rf"^{_CODE}$")
_BRACKETED = re.compile(rf"\(\s*({_CODE})\s*\)|\[\s*({_CODE})\s*\]")
# Punctuation that attaches to the word before it once the code between them is gone.
_CLOSING = ",.;:!?)]"


def campaign_code(code: str) -> str:
    """The code in its canonical form (uppercase); ValueError if it does not have a code's shape.

    For the people who make posters (`make poster CODES=...`): a code accepted here is one that
    `split_campaign_code` recognises in the greeting it ends up in.
    """
    cleaned = code.strip()
    if not CODE_SHAPE.match(cleaned):
        raise ValueError(
            f"{code!r} is not a campaign code: 2-6 letters then 1-4 digits, e.g. TBH01"
        )
    return cleaned.upper()


def greeting_with_code(greeting: str, code: str | None) -> str:
    """The prefilled greeting, carrying the code when there is one: "Halo Dinas Sosial (TBH01)"."""
    return greeting if code is None else f"{greeting} ({campaign_code(code)})"


def split_campaign_code(text: str) -> tuple[str | None, str]:
    """The campaign code a message carries, and the message without it.

    Returns `(code, rest)`: `code` is the first bracketed code in the text, uppercased, or None;
    `rest` is the text with every bracketed code removed and the spacing around it mended, ready
    for the intent router. Without a code the text comes back unchanged.

        "Halo Dinas Sosial (TBH01)"          -> ("TBH01", "Halo Dinas Sosial")
        "[ktm02] halo, mau tanya PKH"        -> ("KTM02", "halo, mau tanya PKH")
        "halo (TBH01), mau daftar DTKS"      -> ("TBH01", "halo, mau daftar DTKS")
        "(TBH01)"                            -> ("TBH01", "")
        "banjir di RT05"                     -> (None, "banjir di RT05")
        "NIK saya (1404011234567890)"        -> (None, "NIK saya (1404011234567890)")

    Pure; call it on the text of the first message of a conversation before routing it, and count
    the code there. The code is never part of the rest, so it cannot reach a reply or the router.
    """
    first = _BRACKETED.search(text)
    if first is None:
        return None, text
    code = (first.group(1) or first.group(2)).upper()
    rest = text
    for match in reversed(list(_BRACKETED.finditer(text))):
        rest = _join(rest[: match.start()], rest[match.end() :])
    return code, rest.strip()


def _join(left: str, right: str) -> str:
    left, right = left.rstrip(" \t"), right.lstrip(" \t")
    if (
        not left
        or not right
        or right[0] in _CLOSING
        or left[-1] in "(["
        or "\n" in (left[-1], right[0])
    ):
        return left + right
    return f"{left} {right}"
