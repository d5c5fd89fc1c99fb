"""The one place that formats and recognises ticket numbers: `LGT-YYMM-NNNN`.

YYMM is the WIB year and month of receipt; NNNN is the sequence within that month, zero-padded to
at least four digits.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime

from chalicelib.clock import WIB

PREFIX = "LGT"
# Tolerates case, spaces, dots or missing dashes: "lgt 2611 42", "LGT26110042", "Lgt-2611-0042".
# Phone keyboards sometimes turn "-" into a Unicode dash, so those count as dashes too.
_SEP = r"[\s\-\u2010-\u2015\u2212_./:#]"
_IN_TEXT = re.compile(
    rf"(?<![a-z])lgt{_SEP}*([0-9]{{2}}){_SEP}?([0-9]{{2}}){_SEP}*([0-9]{{1,6}})(?![0-9])",
    re.IGNORECASE,
)


def format_ticket_number(moment: datetime, sequence: int) -> str:
    """`LGT-2611-0042` for the 42nd ticket received in November 2026 (WIB)."""
    if sequence < 1:
        raise ValueError(f"ticket sequence must be positive, got {sequence}")
    return f"{PREFIX}-{month_key(moment)}-{sequence:04d}"


def month_key(moment: datetime) -> str:
    """`2611` for a moment in November 2026, WIB; ticket sequences restart with each key."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("moment must be timezone-aware")
    return moment.astimezone(WIB).strftime("%y%m")


def parse_ticket_number(text: str) -> str | None:
    """The first ticket number written in free text, in canonical form, or None."""
    for match in _IN_TEXT.finditer(unicodedata.normalize("NFKC", text)):
        year, month, sequence = match.groups()
        if 1 <= int(month) <= 12 and int(sequence) > 0:
            return f"{PREFIX}-{year}{month}-{int(sequence):04d}"
    return None
