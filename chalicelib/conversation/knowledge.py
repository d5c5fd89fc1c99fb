"""What the engine reads besides the message, built in one place for the processor, the tests
and the benchmarks alike."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chalicelib.catalogue.office import Office, load_office
from chalicelib.catalogue.regions import Regions, load_regions
from chalicelib.catalogue.services import Catalogue, load_catalogue
from chalicelib.conversation.copy import load_copy
from chalicelib.conversation.intent import Router, default_router
from chalicelib.conversation.model import TicketView


@dataclass(frozen=True)
class Knowledge:
    """Everything the engine reads besides the message: copy, catalogue, office, clock.

    `tickets` is the citizen's own tickets, loaded only when a step asks for them (see
    `Turn.needs`), so most messages cost no extra read.
    """

    copy: dict[str, Any]
    catalogue: Catalogue
    office: Office
    router: Router
    regions: Regions
    now: datetime
    tickets: tuple[TicketView, ...] | None = None
    # The live hand-over: "waiting" for staff or "held" by them (the bot keeps quiet), or None.
    handover: str | None = None


_routers: dict[int, tuple[Catalogue, Router]] = {}


def router_for(catalogue: Catalogue) -> Router:
    """One router per catalogue object: rebuilt only when staff edits are re-read."""
    if catalogue is load_catalogue():
        return default_router()
    key = id(catalogue)
    kept = _routers.get(key)
    if kept is None or kept[0] is not catalogue:
        _routers.clear()
        kept = _routers[key] = (catalogue, Router(catalogue))
    return kept[1]


def build_knowledge(
    now: datetime,
    catalogue: Catalogue | None = None,
    tickets: tuple[TicketView, ...] | None = None,
    handover: str | None = None,
) -> Knowledge:
    """The engine's knowledge at `now`; the packaged catalogue unless staff edits are given."""
    catalogue = catalogue or load_catalogue()
    return Knowledge(
        copy=load_copy(),
        catalogue=catalogue,
        office=load_office(),
        router=router_for(catalogue),
        regions=load_regions(),
        now=now,
        tickets=tickets,
        handover=handover,
    )
