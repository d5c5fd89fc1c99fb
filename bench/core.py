"""Result rows, the figure registry, statistics and the printed table.

A figure is a function `(Context) -> Row | list[Row]` decorated with `@figure`; figures run in
registration order (module import order in `bench.__main__`, then definition order).
"""

from __future__ import annotations

import math
import time
import traceback
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

PASS, MISS, INFO, NA, ERROR = "PASS", "MISS", "INFO", "N/A", "ERROR"


@dataclass
class Row:
    name: str
    subject: str
    floor: str = "-"
    ratio: str = "-"
    target: str = "-"
    status: str = INFO
    notes: list[str] = field(default_factory=list)


@dataclass
class Context:
    """Shared by all figures of one run; `stack` is the in-process moto stack (lazy)."""

    quick: bool = False
    profile: bool = False
    _stack: Any = None

    @property
    def stack(self) -> Any:
        if self._stack is None:
            from bench.stack import BenchStack

            self._stack = BenchStack.shared()
        return self._stack


Figure = Callable[[Context], "Row | list[Row]"]
FIGURES: list[tuple[str, Figure]] = []


def figure(func: Figure) -> Figure:
    FIGURES.append((func.__name__, func))
    return func


def run_figures(ctx: Context, only: Sequence[str] = ()) -> tuple[list[Row], bool]:
    """Run every registered figure; a crashing figure becomes an ERROR row (harness failure)."""
    rows: list[Row] = []
    crashed = False
    for name, func in FIGURES:
        if only and not any(o in name for o in only):
            continue
        started = time.perf_counter()
        try:
            result = func(ctx)
        except Exception as error:
            crashed = True
            traceback.print_exc()
            note = f"{type(error).__name__}: {error}"
            rows.append(Row(name, "crashed", status=ERROR, notes=[note, "(traceback above)"]))
            continue
        produced = [result] if isinstance(result, Row) else list(result)
        elapsed = time.perf_counter() - started
        if produced:
            produced[-1].notes.append(f"({name} took {elapsed:.1f} s)")
        rows.extend(produced)
    return rows, crashed


# -- statistics ---------------------------------------------------------------------------


def percentile(samples: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100)."""
    ordered = sorted(samples)
    if not ordered:
        return math.nan
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def median(samples: Sequence[float]) -> float:
    return percentile(samples, 50)


def interleave(
    series: dict[str, Callable[[int], float | None]], samples: int, warmup: int
) -> dict[str, list[float]]:
    """Call each series' sampler in turn, rotating who goes first; return the kept samples.

    A sampler gets the iteration index and returns its own measurement in seconds (so it can
    exclude its untimed preparation), or None to time the whole call here.
    """
    names = list(series)
    kept: dict[str, list[float]] = {n: [] for n in names}
    for i in range(warmup + samples):
        shift = i % len(names)
        for name in names[shift:] + names[:shift]:
            started = time.perf_counter()
            measured = series[name](i)
            elapsed = time.perf_counter() - started if measured is None else measured
            if i >= warmup:
                kept[name].append(elapsed)
    return kept


# -- rows ---------------------------------------------------------------------------------


def ratio_row(
    name: str,
    subject: float,
    floor: float,
    limit: float | None,
    fmt: Callable[[float], str],
    notes: Iterable[str] = (),
) -> Row:
    ratio = subject / floor if floor > 0 else math.inf
    if limit is None:
        status, target = INFO, "-"
    else:
        status, target = (PASS if ratio <= limit else MISS), f"<= {limit:.2f}x"
    return Row(name, fmt(subject), fmt(floor), f"{ratio:.2f}x", target, status, list(notes))


def at_most_row(name: str, value: float, limit: float, unit: str, notes: Iterable[str] = ()) -> Row:
    status = PASS if value <= limit else MISS
    return Row(name, f"{value:g} {unit}", target=f"<= {limit:g}", status=status, notes=list(notes))


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def us(seconds: float) -> str:
    return f"{seconds * 1e6:.1f} us"


# -- table --------------------------------------------------------------------------------

_COLUMNS = ("figure", "subject", "floor", "ratio", "target", "result")


def render(rows: Sequence[Row]) -> str:
    cells = [(r.name, r.subject, r.floor, r.ratio, r.target, r.status) for r in rows]
    widths = [max(len(c[i]) for c in [_COLUMNS, *cells]) for i in range(len(_COLUMNS))]

    def line(values: Sequence[str]) -> str:
        return "  ".join(v.ljust(w) for v, w in zip(values, widths, strict=True)).rstrip()

    out = [line(_COLUMNS), line(["-" * w for w in widths])]
    for row, values in zip(rows, cells, strict=True):
        out.append(line(values))
        out.extend(f"{'':4}{note}" for note in row.notes)
    counts = {s: sum(r.status == s for r in rows) for s in (PASS, MISS, NA, ERROR)}
    out.append("")
    out.append(
        f"{counts[PASS]} pass, {counts[MISS]} miss, {counts[NA]} not available, "
        f"{counts[ERROR]} error (benchmarks report; only a harness error fails the run)"
    )
    return "\n".join(out)
