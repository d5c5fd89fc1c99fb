"""Tickets in DynamoDB (keys: chalicelib/store/keys.py). The only module that turns a `Ticket`
into items and back.

A ticket is three kinds of item under one partition: the full ticket (`TICKET`), its summary
(`SUMMARY`, the only one the indexes see) and its history (`EVENT#…`, one item per event). A
change writes the ticket, the summary and its events in one transaction, on the condition that
the ticket's version is the one the change was computed from.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError

from chalicelib.clock import WIB, iso
from chalicelib.store import keys
from chalicelib.tickets.model import Event, Status, Ticket, TicketSummary
from chalicelib.tickets.transitions import VersionConflict

_serialize = TypeSerializer().serialize
_deserialize = TypeDeserializer().deserialize

FIRST_MONTH = date(2026, 1, 1)  # LIGAT's first tickets: listing without a status goes back to it
MAX_QUERIES = 40  # per page: filters applied after the index never cost more than this


class BadCursor(ValueError):
    """A pagination cursor this store did not issue."""


@dataclass(frozen=True)
class TicketQuery:
    """Filters of the staff queue. The index is chosen from the most selective one."""

    status: Status | None = None
    type: str | None = None
    service_id: str | None = None
    kecamatan: tuple[str, ...] = ()  # any of these Kemendagri codes
    priority: str | None = None
    overdue: bool | None = None
    assignee: str | None = None
    unassigned_in: tuple[str, ...] = ()  # asesor scope: also unassigned tickets of these codes
    created_from: date | None = None  # WIB days, inclusive
    created_to: date | None = None
    search: str | None = None  # ticket number or part of the reporter's name
    oldest: bool = False  # oldest first: the same index queries, read forward


@dataclass
class Page:
    items: list[TicketSummary]
    cursor: str | None


@dataclass
class TicketRecord:
    ticket: Ticket
    events: list[Event] = field(default_factory=list)


class TicketStore:
    def __init__(self, client: Any, table: str):
        self._db = client
        self._table = table

    # -- writes ---------------------------------------------------------------------------

    def creation_writes(self, ticket: Ticket, event: Event) -> list[dict[str, Any]]:
        """The new ticket's items, for the processor's turn transaction."""
        ticket_put = self._put(_ticket_item(ticket))
        ticket_put["Put"]["ConditionExpression"] = "attribute_not_exists(pk)"
        return [
            ticket_put,
            self._put(_summary_item(ticket.summary(), ticket.citizen)),
            self._put(_event_item(ticket.number, event, 0)),
        ]

    def append_writes(self, number: str, citizen: str, event: Event) -> list[dict[str, Any]]:
        """New information from the citizen: an event, only on the citizen's own ticket."""
        return [
            {
                "ConditionCheck": {
                    "TableName": self._table,
                    "Key": keys.key(keys.ticket_pk(number), keys.TICKET),
                    "ConditionExpression": "citizen = :c",
                    "ExpressionAttributeValues": {":c": _serialize(citizen)},
                }
            },
            self._put(_event_item(number, event, 0)),
        ]

    def save(
        self,
        ticket: Ticket,
        expected_version: int,
        events: Sequence[Event],
        extra: Sequence[dict[str, Any]] = (),
    ) -> None:
        """Write a changed ticket with its events (and `extra` items, e.g. an audit event or an
        outbox entry) if nobody changed it since `expected_version`; else VersionConflict."""
        writes = self.change_writes(ticket, expected_version, events)
        try:
            self._db.transact_write_items(TransactItems=[*writes, *extra])
        except ClientError as error:
            reasons = error.response.get("CancellationReasons") or []
            if reasons and reasons[0].get("Code") == "ConditionalCheckFailed":
                raise VersionConflict(ticket.number) from error
            raise

    def change_writes(
        self, ticket: Ticket, expected_version: int, events: Sequence[Event]
    ) -> list[dict[str, Any]]:
        """A changed ticket's items, version-checked, for a caller's own transaction."""
        put = self._put(_ticket_item(ticket))
        put["Put"]["ConditionExpression"] = "version = :v"
        put["Put"]["ExpressionAttributeValues"] = {":v": _serialize(expected_version)}
        writes = [put, self._put(_summary_item(ticket.summary(), ticket.citizen))]
        return writes + [self._put(_event_item(ticket.number, e, n)) for n, e in enumerate(events)]

    def rewrite(
        self,
        ticket: Ticket,
        expected_version: int,
        events: Sequence[tuple[str, Event]],
        extra: Sequence[dict[str, Any]] = (),
    ) -> None:
        """Overwrite existing history events (by sort key), then the ticket and its summary on
        the version check, with `extra` (retention: redacted copies). The events go first, so
        a crash in between leaves the ticket unmarked and a rerun redoes both."""
        puts = [
            self._put({**_event_item(ticket.number, event, 0), "sk": _s(sk)})
            for sk, event in events
        ]
        for start in range(0, len(puts), 100):  # DynamoDB's limit per transaction
            self._db.transact_write_items(TransactItems=puts[start : start + 100])
        self.save(ticket, expected_version, (), extra)

    def _put(self, item: dict[str, Any]) -> dict[str, Any]:
        return {"Put": {"TableName": self._table, "Item": item}}

    # -- reads ----------------------------------------------------------------------------

    def get(self, number: str) -> Ticket | None:
        item = self._db.get_item(
            TableName=self._table,
            Key=keys.key(keys.ticket_pk(number), keys.TICKET),
            ConsistentRead=True,
        ).get("Item")
        return _ticket_from(item) if item else None

    def record(self, number: str) -> TicketRecord | None:
        """The ticket and its whole history, oldest first, in one Query."""
        found = self.history(number)
        if found is None:
            return None
        ticket, events = found
        return TicketRecord(ticket, [event for _sk, event in events])

    def history(self, number: str) -> tuple[Ticket, list[tuple[str, Event]]] | None:
        """The ticket and its events with their sort keys (to rewrite them), in one Query."""
        items = self._query_all(
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": _serialize(keys.ticket_pk(number))},
            ConsistentRead=True,
        )
        ticket = next((_ticket_from(i) for i in items if i["sk"]["S"] == keys.TICKET), None)
        if ticket is None:
            return None
        events = [
            (i["sk"]["S"], _event_from(i)) for i in items if i["sk"]["S"].startswith(keys.EVENT)
        ]
        return ticket, events

    def numbers_of_citizen(self, citizen: str) -> list[str]:
        """Every ticket number of the citizen (gsi3), oldest first: an erasure's reach."""
        items = self._query_all(
            IndexName="gsi3",
            KeyConditionExpression="gsi3pk = :c",
            ExpressionAttributeValues={":c": _serialize(keys.citizen_partition(citizen))},
        )
        return [_deserialize(i["number"]) for i in items]

    def closed_before(
        self, status: Status, cutoff: datetime, after: str | None, limit: int
    ) -> list[tuple[str, str]]:
        """Up to `limit` tickets of a closed status whose closing time is before `cutoff`,
        oldest first, from the index sort key `after` on (inclusive): (sort key, number).
        Costs what is read, never the partition."""
        if after and after >= iso(cutoff):
            return []  # the cursor is past the cutoff (the retention period was lengthened)
        condition = "gsi1pk = :p AND gsi1sk < :cut"
        values = {":p": _serialize(keys.status_partition(status)), ":cut": _serialize(iso(cutoff))}
        if after:
            condition = "gsi1pk = :p AND gsi1sk BETWEEN :after AND :cut"
            values[":after"] = _serialize(after)
        response = self._db.query(
            TableName=self._table,
            IndexName="gsi1",
            KeyConditionExpression=condition,
            ExpressionAttributeValues=values,
            Limit=limit,
        )
        return [
            (i["gsi1sk"]["S"], _deserialize(i["number"]))
            for i in response.get("Items", [])
            if i["gsi1sk"]["S"] < iso(cutoff)  # BETWEEN includes the cutoff itself
        ]

    def of_citizen(self, citizen: str, limit: int = 20) -> list[Ticket]:
        """The citizen's latest tickets (Cek Status, remembered data), newest first."""
        response = self._db.query(
            TableName=self._table,
            IndexName="gsi3",
            KeyConditionExpression="gsi3pk = :c",
            ExpressionAttributeValues={":c": _serialize(keys.citizen_partition(citizen))},
            ScanIndexForward=False,
            Limit=limit,
        )
        numbers = [_deserialize(i["number"]) for i in response.get("Items", [])]
        tickets = self.batch(numbers)
        return sorted(tickets, key=lambda t: t.created_at, reverse=True)

    def batch(self, numbers: list[str]) -> list[Ticket]:
        """The full tickets, 100 keys per request (DynamoDB's limit)."""
        found: list[Ticket] = []
        unique = list(dict.fromkeys(numbers))
        for start in range(0, len(unique), 100):
            request: dict[str, Any] = {
                self._table: {
                    "Keys": [
                        keys.key(keys.ticket_pk(n), keys.TICKET)
                        for n in unique[start : start + 100]
                    ],
                    "ConsistentRead": True,
                }
            }
            while request:
                response = self._db.batch_get_item(RequestItems=request)
                found += [_ticket_from(i) for i in response["Responses"].get(self._table, [])]
                request = response.get("UnprocessedKeys") or {}
        return found

    def page(
        self, query: TicketQuery, now: datetime, limit: int = 25, cursor: str | None = None
    ) -> Page:
        """One page of summaries, newest first (oldest first with `query.oldest`: the same
        queries read forward). The cursor resumes after the last one, so tickets added
        meanwhile neither shift nor repeat the pages that follow."""
        if query.search and query.search.strip().upper().startswith("LGT-"):
            ticket = self.get(query.search.strip().upper())
            found = [ticket.summary()] if ticket and _matches(ticket.summary(), query, now) else []
            return Page(found, None)
        position = _decode(cursor)
        if position is not None and position["o"] != query.oldest:
            raise BadCursor("cursor belongs to the other sort order")
        items: list[TicketSummary] = []
        queries = 0
        for partition, index, start in self._partitions(query, now, position):
            last: dict[str, Any] | None = start
            while queries < MAX_QUERIES:
                request: dict[str, Any] = {
                    "IndexName": index,
                    "KeyConditionExpression": f"{index}pk = :p",
                    "ExpressionAttributeValues": {":p": _serialize(partition)},
                    "ScanIndexForward": query.oldest,
                    "Limit": limit * 2,
                }
                if last:
                    request["ExclusiveStartKey"] = last
                response = self._db.query(TableName=self._table, **request)
                queries += 1
                for item in response.get("Items", []):
                    summary = _summary_from(item)
                    if _matches(summary, query, now):
                        items.append(summary)
                        if len(items) == limit:
                            key = _index_key(item, index)
                            return Page(items, _encode(partition, index, key, query.oldest))
                last = response.get("LastEvaluatedKey")
                if not last:
                    break
            if queries >= MAX_QUERIES:
                resume = _encode(partition, index, last, query.oldest) if last else None
                return Page(items, resume)
        return Page(items, None)

    def between(
        self, partition: str, index: str, start: datetime, end: datetime
    ) -> list[TicketSummary]:
        """Summaries in one index partition whose sort time lies in [start, end): the rekap's
        reads, which grow with the day's tickets, not with the table."""
        items = self._query_all(
            IndexName=index,
            KeyConditionExpression=f"{index}pk = :p AND {index}sk BETWEEN :a AND :b",
            ExpressionAttributeValues={
                ":p": _serialize(partition),
                ":a": _serialize(iso(start)),
                ":b": _serialize(iso(end)),
            },
        )
        return [_summary_from(i) for i in items]

    def _partitions(
        self, query: TicketQuery, now: datetime, position: dict[str, Any] | None
    ) -> Iterator[tuple[str, str, dict[str, Any] | None]]:
        """(partition, index, start key) to read in order, resuming at `position`."""
        if query.assignee and not query.unassigned_in:
            plan = [(keys.assignee_partition(query.assignee), "gsi4")]
        elif query.status is not None:
            plan = [(keys.status_partition(query.status), "gsi1")]
        elif len(query.kecamatan) == 1 and not query.assignee:
            plan = [(keys.kecamatan_partition(query.kecamatan[0]), "gsi5")]
        else:
            last = query.created_to or now.astimezone(WIB).date()
            first = query.created_from or FIRST_MONTH
            months = list(_months_back(last, first))
            if query.oldest:
                months.reverse()
            plan = [(keys.month_partition(m), "gsi2") for m in months]
        started = position is None
        for partition, index in plan:
            if not started:
                if (partition, index) != (position["p"], position["i"]):  # type: ignore[index]
                    continue
                started = True
                yield partition, index, position["k"]  # type: ignore[index]
                continue
            yield partition, index, None
        if not started:
            raise BadCursor("cursor does not belong to this query")

    def _query_all(self, **request: Any) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        while True:
            response = self._db.query(TableName=self._table, **request)
            items += response.get("Items", [])
            if "LastEvaluatedKey" not in response:
                return items
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]


def _matches(summary: TicketSummary, query: TicketQuery, now: datetime) -> bool:
    kecamatan = summary.kecamatan.code if summary.kecamatan else None
    if query.assignee or query.unassigned_in:
        mine = query.assignee is not None and summary.assignee == query.assignee
        open_nearby = summary.assignee is None and kecamatan in query.unassigned_in
        if not (mine or open_nearby):
            return False
    day = date.fromisoformat(summary.wib_day)
    checks = (
        query.status is None or summary.status is query.status,
        query.type is None or summary.type == query.type,
        query.service_id is None or summary.service_id == query.service_id,
        not query.kecamatan or kecamatan in query.kecamatan,
        query.priority is None or summary.priority == query.priority,
        query.overdue is None or summary.overdue(now) is query.overdue,
        query.created_from is None or day >= query.created_from,
        query.created_to is None or day <= query.created_to,
        not query.search
        or query.search.casefold() in (summary.reporter_name or "").casefold()
        or query.search.upper() in summary.number,
    )
    return all(checks)


def _months_back(last: date, first: date) -> Iterator[str]:
    month = last.replace(day=1)
    while month >= first.replace(day=1):
        yield month.strftime("%Y-%m")
        month = (month - timedelta(days=1)).replace(day=1)


def _index_key(item: dict[str, Any], index: str) -> dict[str, Any]:
    return {name: item[name] for name in ("pk", "sk", f"{index}pk", f"{index}sk")}


def _encode(partition: str, index: str, start: dict[str, Any], oldest: bool) -> str:
    plain: dict[str, Any] = {"p": partition, "i": index, "k": {k: v["S"] for k, v in start.items()}}
    if oldest:
        plain["o"] = 1
    return base64.urlsafe_b64encode(json.dumps(plain).encode()).decode()


def _decode(cursor: str | None) -> dict[str, Any] | None:
    if not cursor:
        return None
    try:
        plain = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        start = {k: {"S": str(v)} for k, v in plain["k"].items()}
        if set(start) != {"pk", "sk", f"{plain['i']}pk", f"{plain['i']}sk"}:
            raise ValueError("keys")
        oldest = bool(plain.get("o"))
        return {"p": str(plain["p"]), "i": str(plain["i"]), "k": start, "o": oldest}
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise BadCursor("cursor is not valid") from error


# -- items --------------------------------------------------------------------------------


def _s(value: str) -> dict[str, str]:
    return {"S": value}


def _ticket_item(ticket: Ticket) -> dict[str, Any]:
    return {
        "pk": _s(keys.ticket_pk(ticket.number)),
        "sk": _s(keys.TICKET),
        "number": _s(ticket.number),
        "citizen": _s(ticket.citizen),
        "version": {"N": str(ticket.version)},
        "data": _s(ticket.model_dump_json()),
    }


def _summary_item(summary: TicketSummary, citizen: str) -> dict[str, Any]:
    created = iso(summary.created_at)
    sort = _s(keys.ticket_sort(created, summary.number))
    # Closed tickets sort by when they were closed, so "closed on day X" is a range query.
    closed = summary.closed_at if summary.status.closed and summary.closed_at else None
    status_sort = _s(keys.ticket_sort(iso(closed), summary.number)) if closed else sort
    month = summary.wib_day[:7]
    item: dict[str, Any] = {
        "pk": _s(keys.ticket_pk(summary.number)),
        "sk": _s(keys.SUMMARY),
        "number": _s(summary.number),
        "data": _s(summary.model_dump_json()),
        "gsi1pk": _s(keys.status_partition(summary.status)),
        "gsi1sk": status_sort,
        "gsi2pk": _s(keys.month_partition(month)),
        "gsi2sk": sort,
    }
    if citizen:  # an anonymised ticket leaves the citizen index
        item["gsi3pk"], item["gsi3sk"] = _s(keys.citizen_partition(citizen)), _s(created)
    if summary.assignee:
        item["gsi4pk"], item["gsi4sk"] = _s(keys.assignee_partition(summary.assignee)), sort
    if summary.kecamatan:
        item["gsi5pk"], item["gsi5sk"] = _s(keys.kecamatan_partition(summary.kecamatan.code)), sort
    return item


def _event_item(number: str, event: Event, position: int) -> dict[str, Any]:
    return {
        "pk": _s(keys.ticket_pk(number)),
        "sk": _s(f"{keys.EVENT}{iso(event.at)}#{position:02d}"),
        "data": _s(event.model_dump_json()),
    }


def _ticket_from(item: dict[str, Any]) -> Ticket:
    return Ticket.model_validate_json(item["data"]["S"])


def _summary_from(item: dict[str, Any]) -> TicketSummary:
    return TicketSummary.model_validate_json(item["data"]["S"])


def _event_from(item: dict[str, Any]) -> Event:
    return Event.model_validate_json(item["data"]["S"])
