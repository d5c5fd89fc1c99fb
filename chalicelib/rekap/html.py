"""The rekap e-mail's HTML part: inline-styled tables in one column up to 600 px wide, no
external resources and no JavaScript, so it reads the same in Gmail, Outlook and on a phone.
Every value is escaped by the templates (templates/daily.html, templates/monthly.html)."""

from __future__ import annotations

from chalicelib.rekap.build import MonthlyRekap, Rekap
from chalicelib.rekap.templating import render
from chalicelib.rekap.text import subject


def render_html(rekap: Rekap | MonthlyRekap) -> str:
    template = "monthly.html" if isinstance(rekap, MonthlyRekap) else "daily.html"
    return render(template, rekap=rekap, title=subject(rekap))
