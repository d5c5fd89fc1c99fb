"""The rekap e-mail's subject line and plain-text part (templates/daily.txt, monthly.txt)."""

from __future__ import annotations

import re

from chalicelib.rekap import formatting
from chalicelib.rekap.build import MonthlyRekap, Rekap
from chalicelib.rekap.templating import render


def subject(rekap: Rekap | MonthlyRekap) -> str:
    """`Rekap LIGAT — Kamis, 26 November 2026 — 12 laporan baru (2 mendesak)`."""
    if isinstance(rekap, MonthlyRekap):
        title = f"Rekap Bulanan LIGAT — {formatting.month_year(rekap.month)}"
    else:
        title = f"Rekap LIGAT — {formatting.long_date(rekap.day)}"
    if not rekap.new.total:
        return f"{title} — tidak ada laporan baru"
    figures = f"{formatting.number(rekap.new.total)} laporan baru"
    if rekap.new.urgent:
        figures += f" ({formatting.number(rekap.new.urgent)} mendesak)"
    return f"{title} — {figures}"


def render_text(rekap: Rekap | MonthlyRekap) -> str:
    template = "monthly.txt" if isinstance(rekap, MonthlyRekap) else "daily.txt"
    # Template blocks that print nothing leave runs of blank lines: one blank line is enough.
    return re.sub(r"\n{3,}", "\n\n", render(template, rekap=rekap))
