"""The staff queue: `GET /admin/tickets`' first page (filtered by status) as the table grows
from 500 to 50,000 tickets. Goal (issue 8): ≤ 1.3× the time and the same DynamoDB calls.

The query reads one index partition from its newest end, so on DynamoDB its cost does not grow
with the table. Moto's index query is not so: it gathers and sorts the whole partition in
Python, so the time ratio here over-states what AWS would show; the call count is exact."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from bench.core import Context, Row, figure, median, ms

if TYPE_CHECKING:
    from chalicelib.tickets.model import Ticket

SMALL, LARGE = 500, 50_000
SAMPLES = 15


def tickets(
    numbers: Iterable[int],
    start: datetime,
    spacing: timedelta = timedelta(seconds=1),
    closed_after: timedelta | None = None,
) -> Iterator[Ticket]:
    """PKH reports from Tembilahan, `spacing` apart from `start`; with `closed_after`, resolved
    (selesai) that long after they came in."""
    from chalicelib.catalogue.office import load_office
    from chalicelib.tickets.intake import ticket_from_draft
    from chalicelib.tickets.model import Status

    office = load_office()
    draft = {"service_id": "pkh", "kecamatan": {"code": "14.04.05", "name": "Tembilahan"}}
    for position, n in enumerate(numbers):
        at = start + spacing * position
        ticket, _ = ticket_from_draft(f"LGT-2601-{n:06d}", draft, f"62812{n:08d}", at, office)
        if closed_after is not None:
            closed = at + closed_after
            ticket = ticket.model_copy(
                update={"status": Status.SELESAI, "closed_at": closed, "updated_at": closed}
            )
        yield ticket


def seed(dynamodb: Any, table: str, made: Iterable[Ticket], full: bool = False) -> int:
    """Write tickets as the processor does: their summaries (what every index holds) and, with
    `full`, the ticket items that reads fetch whole. Returns how many."""
    from chalicelib.store.tickets import _summary_item, _ticket_item

    batch: list[dict[str, Any]] = []
    count = 0
    for ticket in made:
        count += 1
        items = [_summary_item(ticket.summary(), ticket.citizen)]
        if full:
            items.append(_ticket_item(ticket))
        batch.extend({"PutRequest": {"Item": item}} for item in items)
        if len(batch) >= 24:
            dynamodb.batch_write_item(RequestItems={table: batch})
            batch = []
    if batch:
        dynamodb.batch_write_item(RequestItems={table: batch})
    return count


def _seed(stack: Any, first: int, count: int, start: datetime) -> None:
    """Ticket summaries only: the queue reads summaries."""
    seed(stack.dynamodb, stack.outputs["TableName"], tickets(range(first, first + count), start))


@figure
def ticket_queue_first_page(ctx: Context) -> Row:
    from chalicelib.store.tickets import TicketQuery
    from chalicelib.tickets.model import Status

    name = "GET /admin/tickets first page, 50,000 vs 500 tickets"
    stack = ctx.stack
    large = 5_000 if ctx.quick else LARGE
    store = stack.services.store.tickets
    now = datetime.now(UTC)
    query = TicketQuery(status=Status.DITERIMA)
    _seed(stack, 0, SMALL, now - timedelta(days=30))

    def sample() -> tuple[float, int]:
        with stack.calls.measure() as calls:
            started = time.perf_counter()
            page = store.page(query, now, 25)
            elapsed = time.perf_counter() - started
        assert len(page.items) == 25
        return elapsed, sum(calls.values())

    small = [sample() for _ in range(SAMPLES)]
    _seed(stack, SMALL, large - SMALL, now - timedelta(days=60))
    big = [sample() for _ in range(SAMPLES)]
    small_time, big_time = median([s[0] for s in small]), median([b[0] for b in big])
    ratio = big_time / small_time
    calls = (small[0][1], big[0][1])
    status = "PASS" if calls[0] == calls[1] and ratio <= 1.3 else "MISS"
    return Row(
        name,
        ms(big_time),
        ms(small_time),
        f"{ratio:.2f}x",
        "<= 1.30x, same calls",
        status,
        [
            f"DynamoDB calls per page: {calls[0]} with {SMALL} tickets, {calls[1]} with {large}",
            "moto sorts the whole index partition per query (AWS reads from its end): the time "
            "ratio over-states AWS; the call count is what AWS would do",
        ],
    )
