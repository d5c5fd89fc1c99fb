"""Find personal data in log lines: every line the test suite produces is scanned (SPEC §9)."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

from chalicelib.logs import JsonFormatter

# An Indonesian mobile number (with or without the country code), a business-scoped WhatsApp
# user id, and a NIK (16 digits), each standing alone rather than inside a longer token.
PERSONAL = re.compile(
    r"(?<![\w.=+-])(?:\+?62|0)8\d{7,12}(?![\w])"
    r"|(?<![\w.])[A-Z]{2}\.\d{8,}(?![\w])"
    r"|(?<![\w.=+-])\d{16}(?![\w])"
)


def personal_data_in(lines: Iterable[str]) -> list[str]:
    return [line for line in lines if PERSONAL.search(line)]


class LogScan(logging.Handler):
    """Collects the app's log lines exactly as they are printed."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(JsonFormatter())
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))
