"""Figure 5: free-text routing accuracy over tests/data/routing_cases.yaml, and classify time.

Prediction (`predict`): for Intent kinds "service" and "ambiguous", `service_ids[0]`; a
referral, `referral:<id>`; the assistance-programmes chooser, `help`; every other kind is
"menu". A case with `urgent: true|false` is right only when the router's urgency agrees too
(danger now gets the emergency numbers first, whatever the route). Time per message is
compared with a floor that only tokenises the same text.
"""

from __future__ import annotations

import importlib
import re
import time
from collections import Counter
from pathlib import Path
from typing import Any

from bench.core import INFO, NA, Context, Row, figure, percentile, ratio_row, us

CASES = Path(__file__).resolve().parent.parent / "tests" / "data" / "routing_cases.yaml"
TARGET = 0.95
ROUNDS = 3  # timed passes over all cases (after one untimed pass)
SHOW_MISSES = 12
_WORD = re.compile(r"\w+")


def load_cases() -> list[dict[str, Any]]:
    import yaml

    cases = yaml.safe_load(CASES.read_text(encoding="utf-8")) or []
    return [
        {"text": str(c["text"]), "expect": str(c["expect"]), "urgent": c.get("urgent")}
        for c in cases
    ]


def load_router() -> Any | None:
    try:
        intent = importlib.import_module("chalicelib.conversation.intent")
    except ModuleNotFoundError as error:
        if error.name and "chalicelib.conversation.intent".startswith(error.name):
            return None
        raise
    factory = intent.default_router
    return factory if hasattr(factory, "classify") else factory()


def predict(router: Any, text: str) -> str:
    intent = router.classify(text)
    ids = list(getattr(intent, "service_ids", None) or [])
    if intent.kind in ("service", "ambiguous"):
        return str(ids[0]) if ids else "(no service id)"
    if intent.kind == "referral":
        return f"referral:{intent.referral_id}"
    if intent.kind == "help":
        return "help"
    return "menu"


def outcome(router: Any, case: dict[str, Any]) -> str:
    """The route predicted, marked when the urgency the case expects is missed."""
    got = predict(router, case["text"])
    if case.get("urgent") is not None and router.is_urgent(case["text"]) != case["urgent"]:
        return f"{got} (urgent={not case['urgent']})"
    return got


@figure
def routing(ctx: Context) -> list[Row]:
    router = load_router()
    if router is None:
        return [
            Row("routing accuracy", "not available yet", target=f">= {TARGET}", status=NA),
            Row("routing classify time", "not available yet", status=NA),
        ]
    cases = load_cases()
    predictions = [outcome(router, c) for c in cases]  # untimed pass (lazy indexes)
    misses = [(c, p) for c, p in zip(cases, predictions, strict=True) if p != c["expect"]]
    accuracy = 1 - len(misses) / len(cases)

    subject: list[float] = []
    floor: list[float] = []
    for _ in range(1 if ctx.quick else ROUNDS):
        for case in cases:
            text = case["text"]
            started = time.perf_counter()
            _WORD.findall(text.casefold())
            floor.append(time.perf_counter() - started)
            started = time.perf_counter()
            router.classify(text)
            subject.append(time.perf_counter() - started)

    wrong_by_expect = Counter(c["expect"] for c, _ in misses)
    notes = [f"{len(cases) - len(misses)}/{len(cases)} cases right"]
    if wrong_by_expect:
        notes.append(
            "misses by expected route: "
            + ", ".join(f"{k} {n}" for k, n in wrong_by_expect.most_common())
        )
    for case, got in misses[:SHOW_MISSES]:
        notes.append(f"  {case['expect']:>14} <- {got:<14} {case['text'][:70]!r}")
    if len(misses) > SHOW_MISSES:
        notes.append(f"  ... {len(misses) - SHOW_MISSES} more")
    status = "PASS" if accuracy >= TARGET else "MISS"
    timing = ratio_row(
        "routing classify p50",
        percentile(subject, 50),
        percentile(floor, 50),
        None,
        us,
        [
            f"p95 {us(percentile(subject, 95))} (floor p95 {us(percentile(floor, 95))}); "
            f"{len(subject)} classify calls; floor = casefold + regex tokenise"
        ],
    )
    timing.status = INFO
    return [
        Row(
            "routing accuracy (top-1)",
            f"{accuracy:.3f}",
            target=f">= {TARGET}",
            status=status,
            notes=notes,
        ),
        timing,
    ]
