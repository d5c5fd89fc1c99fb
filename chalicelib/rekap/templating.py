"""The one Jinja2 environment of the rekap views: templates next to this file, every value
HTML-escaped in `.html` templates, Indonesian formatting as filters."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from chalicelib.rekap import formatting

TEMPLATES = Path(__file__).with_name("templates")
# Lists of existing tickets (overdue, due today, urgent, closed) are cut in the e-mail; the
# console has them all. New tickets are never cut: one row each is the rekap's promise.
LIST_LIMIT = 30


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        angka=formatting.number,
        tanggal=formatting.long_date,
        tanggal_pendek=formatting.short_date,
        bulan=formatting.month_year,
        jam=formatting.time_wib,
        waktu=formatting.moment_wib,
        hari=formatting.days,
        durasi=formatting.duration,
    )
    env.globals["LIST_LIMIT"] = LIST_LIMIT
    return env


def render(template: str, **context: Any) -> str:
    return environment().get_template(template).render(**context)
