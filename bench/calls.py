"""Figures 3-4: AWS API calls per processed inbound message, in a warm processor container.

Each message goes the way production carries it: a Meta-shaped webhook notification, split and
encoded exactly as the webhook enqueues it, then `processor.process_item(json.loads(body), ...)`.
Calls are counted with botocore `before-call` hooks on every client (DynamoDB today; SQS, S3 or
others as soon as the processor uses them). Graph API requests are counted separately.

To add a scenario, append a `Scenario` to SCENARIOS; it becomes one more row.
"""

from __future__ import annotations

import itertools
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bench.core import INFO, MISS, NA, PASS, Context, Row, figure
from bench.stack import BenchStack, breakdown, queue_bodies

_citizens = itertools.count(1)


def new_citizen() -> str:
    """A fresh Indonesian-looking wa_id, so every scenario starts without a session."""
    return f"62812{next(_citizens):08d}"


@dataclass
class MessageCost:
    """What processing one inbound message cost."""

    calls: Counter[tuple[str, str]]
    graph_requests: int
    replies: list[dict[str, Any]]  # Graph API bodies sent while processing it

    @property
    def total(self) -> int:
        return sum(self.calls.values())


@dataclass
class _Warm:
    done: bool = False
    menu: list[dict[str, Any]] = field(default_factory=list)  # the main-menu reply, "to" removed


_warm = _Warm()


def warm_up(stack: BenchStack) -> None:
    """Process one greeting first: later counts are for a warm container (clients, caches)."""
    if not _warm.done:
        [cost] = count_aws_calls([_text("Halo, selamat pagi", new_citizen())], stack, warm=False)
        _warm.menu = [_without_recipient(r) for r in cost.replies]
        _warm.done = True


def count_aws_calls(
    messages: list[dict[str, Any]], stack: BenchStack | None = None, warm: bool = True
) -> list[MessageCost]:
    """Process WhatsApp messages (tests.payloads shapes) in order; the cost of each one.

    Messages of one list share the container and the sessions, so a multi-step conversation
    (text, then a list_reply, ...) is counted step by step.
    """
    from chalicelib.processor import process_item

    stack = stack or BenchStack.shared()
    if warm:
        warm_up(stack)
    costs = []
    for message in messages:
        bodies = queue_bodies([message])
        sent_before, requests_before = len(stack.sent_bodies()), stack.graph_requests()
        with stack.calls.measure() as calls:
            for body in bodies:
                process_item(json.loads(body), stack.services)
        costs.append(
            MessageCost(
                calls,
                stack.graph_requests() - requests_before,
                stack.sent_bodies()[sent_before:],
            )
        )
    return costs


# -- scenarios ----------------------------------------------------------------------------


def _text(body: str, citizen: str) -> dict[str, Any]:
    from tests import payloads as wa

    return wa.text(body, sender=citizen)


def _without_recipient(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k not in ("to", "recipient")}


def reply_kinds(replies: list[dict[str, Any]]) -> str:
    kinds = []
    for reply in replies:
        kind = reply.get("type", "?")
        if kind == "interactive":
            kind += "/" + str(reply.get("interactive", {}).get("type", "?"))
        kinds.append(kind)
    return ", ".join(kinds) or "none"


def is_main_menu(replies: list[dict[str, Any]]) -> bool:
    return bool(_warm.menu) and [_without_recipient(r) for r in replies] == _warm.menu


def _expect_menu(replies: list[dict[str, Any]]) -> str | None:
    if "interactive/list" in reply_kinds(replies).split(", "):
        return None
    return "no interactive list among the replies: not a menu reply"


def _expect_information(replies: list[dict[str, Any]]) -> str | None:
    if not replies:
        return "no reply"
    if is_main_menu(replies):
        return "the engine answered with the main menu: information answers not implemented yet"
    return None


@dataclass(frozen=True)
class Scenario:
    name: str
    messages: Callable[[str], list[dict[str, Any]]]  # citizen -> the messages, in order
    target: int | None  # most AWS calls allowed for the measured message
    check: Callable[[list[dict[str, Any]]], str | None] | None = None  # replies -> problem
    measured: int = -1  # which message of the list the row's figure is about


SCENARIOS = [
    Scenario(
        "AWS calls: menu reply",
        lambda c: [_text("Halo, selamat pagi", c)],
        target=4,
        check=_expect_menu,
    ),
    Scenario(
        "AWS calls: information answer",
        lambda c: [_text("syarat pkh apa saja", c)],
        target=6,
        check=_expect_information,
    ),
]


def scenario_row(scenario: Scenario, stack: BenchStack) -> Row:
    costs = count_aws_calls(scenario.messages(new_citizen()), stack)
    cost = costs[scenario.measured]
    problem = scenario.check(cost.replies) if scenario.check else None
    notes = [
        f"{breakdown(cost.calls)}; Graph API requests {cost.graph_requests}; "
        f"replies {len(cost.replies)} ({reply_kinds(cost.replies)})"
    ]
    if len(costs) > 1:
        notes.append("per message: " + ", ".join(str(c.total) for c in costs))
    if scenario.target is None:
        status, target = INFO, "-"
    else:
        target = f"<= {scenario.target}"
        status = PASS if cost.total <= scenario.target else MISS
    if problem:
        notes.append(f"not comparable: {problem}")
        status = NA
    return Row(scenario.name, f"{cost.total} calls", target=target, status=status, notes=notes)


@figure
def aws_calls(ctx: Context) -> list[Row]:
    return [scenario_row(scenario, ctx.stack) for scenario in SCENARIOS]
