"""Choosing from long lists (services, kecamatan, desa) within WhatsApp's ten rows."""

from __future__ import annotations

import re

from chalicelib.conversation import messages as m
from chalicelib.conversation.filing.steps import report_copy
from chalicelib.conversation.knowledge import Knowledge
from chalicelib.conversation.model import Reply
from chalicelib.whatsapp.outbound import (
    BUTTON_TITLE_MAX,
    LIST_ROWS_MAX,
    ROW_DESCRIPTION_MAX,
    ListMessage,
    Row,
    Section,
)

PAGE = 8  # list rows per page, leaving room for "previous" and "next" rows

_PAGE_NUMBER = re.compile(r"-?[0-9]{1,4}")


def page_of(choice_id: str) -> int:
    """The page a "next"/"previous" row points to; a forged or garbled one shows the first."""
    number = choice_id.rsplit(":", 1)[1]
    return int(number) if _PAGE_NUMBER.fullmatch(number) else 0


def paged_list(
    kb: Knowledge,
    body: str,
    button: str,
    section: str,
    rows: list[Row],
    page: int,
    page_id: str,
    extra: list[Row] | None = None,
) -> ListMessage:
    """Rows a page at a time, with "previous"/"next" rows, and `extra` rows on every page."""
    copy = report_copy(kb)
    extra = extra or []
    room = LIST_ROWS_MAX - len(extra)
    per_page = PAGE - len(extra)
    pages = max(1, -(-len(rows) // per_page))
    page = min(max(page, 0), pages - 1)
    many = len(rows) > room
    shown = rows[page * per_page : (page + 1) * per_page] if many else rows
    if many and page > 0:
        shown = [Row(id=f"{page_id}:{page - 1}", **copy["prev_row"]), *shown]
    if many and page < pages - 1:
        shown = [*shown, Row(id=f"{page_id}:{page + 1}", **copy["next_row"])]
    shown = [*shown, *extra]
    return ListMessage(
        body=body[:1024], button=button, sections=[Section(title=m.fit(section), rows=shown)]
    )


def pick_one(kb: Knowledge, choices: list[tuple[str, str]], button: str, section: str) -> Reply:
    """Offer a few close matches (id, name): as buttons when the names stay distinct at a
    button's length, else as a list, whose rows are longer and carry the full name."""
    copy = report_copy(kb)
    titles = [m.fit(name, BUTTON_TITLE_MAX) for _, name in choices]
    if len(set(titles)) == len(titles):
        ids = [choice_id for choice_id, _ in choices]
        return Reply([m.buttons(copy["pick_one"], list(zip(ids, titles, strict=True)))])
    rows = [
        Row(id=choice_id, title=m.fit(name), description=m.fit(name, ROW_DESCRIPTION_MAX))
        for choice_id, name in choices
    ]
    message = ListMessage(
        body=copy["pick_one"], button=button, sections=[Section(title=m.fit(section), rows=rows)]
    )
    return Reply([message])
