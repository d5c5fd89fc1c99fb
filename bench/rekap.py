"""The daily rekap: compiling one WIB day of 50 new tickets (and building its figures) as the
table grows from 500 to 50,000 tickets. Goal (issue 9): ≤ 1.5× the time, the same DynamoDB
calls.

The rekap reads the day's tickets from their month partition (gsi2, a range of the day), the
backlog from the open statuses (gsi1) and the day's closures from the closed statuses (gsi1,
sorted by closing time), then the whole tickets it needs in batches. On DynamoDB each of those
reads only its range, so growing the table with old, closed tickets changes nothing. Moto does
not index: every index query walks every item of the table and sorts the whole partition in
Python before it looks at the range. So the time at 50,000 is reported twice: as measured, and
net of that walk and sort (the rekap's very queries replayed with a range that holds nothing,
measured at each size), which is what carries over to AWS. The call count is exact either way.
And since moto keeps the table in this process, its millions of objects are frozen out of the
garbage collector before timing (a Lambda's heap never holds the table).

Its own table (stage `benchrekap` in the shared moto), so the other figures' tickets do not
join the rekap's backlog."""

from __future__ import annotations

import gc
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

from bench.core import MISS, NA, PASS, Context, Row, figure, median, ms
from bench.tickets import seed, tickets

DAY = date(2026, 11, 26)  # the rekap's WIB day; the run is the next morning
NEW, BACKLOG, HISTORY = 50, 150, 300  # 500 tickets: the day's, older open ones, older closed
LARGE = 50_000
SAMPLES, LARGE_SAMPLES = 15, 7


def _start_of(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC) - timedelta(hours=7)  # 00:00 WIB


def _the_day() -> Iterator[Any]:
    """50 reports through the day, every fifth urgent, the first ten resolved within hours."""
    from chalicelib.tickets.model import Priority, Status

    made = tickets(range(1, NEW + 1), _start_of(DAY) + timedelta(minutes=10), timedelta(minutes=28))
    for n, ticket in enumerate(made):
        update: dict[str, Any] = {"priority": Priority.TINGGI} if n % 5 == 0 else {}
        if n < 10:
            closed = ticket.created_at + timedelta(hours=3)
            update.update(status=Status.SELESAI, closed_at=closed, updated_at=closed)
        yield ticket.model_copy(update=update)


def _seed_small(dynamodb: Any, table: str) -> int:
    """The 500: the day's 50 (whole), 150 still open from the month before (whole), and 300
    resolved in the two months before (summaries: the rekap never fetches them)."""
    before = _start_of(DAY - timedelta(days=30))
    long_before = _start_of(DAY - timedelta(days=90))
    count = seed(dynamodb, table, _the_day(), full=True)
    backlog = tickets(range(1_000, 1_000 + BACKLOG), before, timedelta(hours=4))
    count += seed(dynamodb, table, backlog, full=True)
    history = tickets(
        range(2_000, 2_000 + HISTORY), long_before, timedelta(hours=4), timedelta(days=5)
    )
    return count + seed(dynamodb, table, history)


def _seed_history(dynamodb: Any, table: str, count: int) -> int:
    """Older tickets, all resolved before the day: two years of them, spread evenly."""
    first = _start_of(DAY - timedelta(days=730))
    spacing = timedelta(days=700) / count
    made = tickets(range(10_000, 10_000 + count), first, spacing, timedelta(days=7))
    return seed(dynamodb, table, made)


def _freeze_the_table() -> None:
    """Moto's table, now in this process's heap, out of the collector's full scans."""
    gc.collect()
    gc.freeze()


class _IndexQueries:
    """The store's client, remembering the index queries it makes (to replay them empty) and
    counting the items DynamoDB reads for it (what its read units, and its time, follow)."""

    def __init__(self, client: Any):
        self._client = client
        self.seen: list[dict[str, Any]] = []
        self.items_read = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    def query(self, **request: Any) -> Any:
        if "IndexName" in request:
            self.seen.append(request)
        response = self._client.query(**request)
        self.items_read += int(response.get("ScannedCount", 0))
        return response

    def batch_get_item(self, **request: Any) -> Any:
        response = self._client.batch_get_item(**request)
        self.items_read += sum(len(items) for items in response.get("Responses", {}).values())
        return response


@figure
def rekap_compile_one_day(ctx: Context) -> Row:
    import boto3

    from chalicelib.catalogue.services import load_catalogue
    from chalicelib.rekap.build import Scope
    from chalicelib.rekap.send import RekapService
    from chalicelib.store.dynamo import DynamoStore
    from local.atomic import AtomicClient
    from local.provision import provision

    name = "rekap of one day (50 new), 50,000 vs 500 tickets"
    stack = ctx.stack  # the shared moto, and its call counter
    large = 5_000 if ctx.quick else LARGE
    table = provision(boto3, stage="benchrekap")["TableName"]
    queries = _IndexQueries(AtomicClient(stack.dynamodb))
    store = DynamoStore(queries, table)
    catalogue = load_catalogue()
    morning = _start_of(DAY + timedelta(days=1)) + timedelta(hours=7)
    service = RekapService(
        store, lambda: catalogue, lambda: morning, "https://ligat.example/console", None, "", len
    )

    def compile_once() -> tuple[float, int, int, int]:
        """Seconds, DynamoDB calls, index queries and items read of one compile."""
        queries.items_read = 0
        with stack.calls.measure() as calls:
            started = time.perf_counter()
            rekap = service.build(DAY, Scope.everything())
            elapsed = time.perf_counter() - started
        assert rekap.new.total == NEW, rekap.new.total
        index = sum(n for (_, op), n in calls.items() if op == "Query")
        return elapsed, sum(calls.values()), index, queries.items_read

    def walk_and_sort() -> float:
        """Moto's cost of the rekap's index queries themselves: the same requests with a range
        that holds nothing still walk the table and sort each partition."""
        empty = {":a": {"S": "1999-01-01"}, ":b": {"S": "1999-01-02"}}
        started = time.perf_counter()
        for request in queries.seen[-index_queries:]:
            values = {**request["ExpressionAttributeValues"], **empty}
            assert not stack.dynamodb.query(**{**request, "ExpressionAttributeValues": values})[
                "Items"
            ]
        return time.perf_counter() - started

    def measure(count: int) -> tuple[float, float, float, int, int]:
        """Median time; the fastest compile and the fastest replay, and the first net of the
        second (minima: on a loaded machine the least disturbed runs, where a difference of
        two large medians would be mostly noise); the calls and items read of one compile."""
        warm = compile_once()
        times, floors = [], []
        for _ in range(count):
            times.append(compile_once()[0])
            floors.append(walk_and_sort())
        return median(times), min(floors), min(times) - min(floors), warm[1], warm[3]

    seeded = _seed_small(stack.dynamodb, table)
    _freeze_the_table()
    try:
        index_queries = compile_once()[2]
        small = measure(5 if ctx.quick else SAMPLES)
        started = time.perf_counter()
        seeded += _seed_history(stack.dynamodb, table, large - seeded)
        seeding = time.perf_counter() - started
        _freeze_the_table()
        big = measure(3 if ctx.quick else LARGE_SAMPLES)
    finally:
        gc.unfreeze()
    small_time, small_walk, net_small, small_calls, small_read = small
    big_time, big_walk, net_big, big_calls, big_read = big

    calls = (small_calls, big_calls)
    ratio = big_time / small_time
    same_work = calls[0] == calls[1] and small_read == big_read
    measurable = net_small > 0 and net_big > 0  # else the machine's noise exceeded the work
    net_ratio = net_big / net_small if measurable else float("nan")
    net = (
        f"{ms(net_big)} vs {ms(net_small)} = {net_ratio:.2f}x, what AWS would show"
        if measurable
        else "not measurable in this run, moto's floor outweighed the compile (machine load)"
    )
    if not same_work:
        status = MISS
    elif not measurable:
        status = NA
    else:
        status = PASS if net_ratio <= 1.5 else MISS
    return Row(
        name,
        ms(big_time),
        ms(small_time),
        f"{ratio:.2f}x",
        "<= 1.50x net of moto, same calls+reads",
        status,
        [
            f"DynamoDB calls per rekap: {calls[0]} with 500 tickets, {calls[1]} with "
            f"{seeded:,} ({index_queries} index queries, then BatchGetItem of the tickets shown); "
            f"items DynamoDB reads: {small_read} and {big_read}",
            "net of moto's walk and sort (fastest runs; the same queries, nothing in range: "
            f"{ms(small_walk)} at 500, {ms(big_walk)} at {seeded:,}): {net}",
            "as measured (first columns) moto walks the table and sorts each partition per "
            f"index query; seeding {seeded - 500:,} older tickets took {seeding:.0f} s",
        ],
    )
