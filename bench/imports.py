"""Figure 2: cold import of app.py (what every Lambda cold start pays) against its dependencies.

subject: `python -X importtime -c "import app"` in a fresh subprocess, cwd = repo root.
floor:   `python -X importtime -c "import chalice, boto3, pydantic"`.
Interleaved runs; the figure is the median of the -X importtime totals (sum of every module's
self time, as reported by the child), with the parent-measured wall time as INFO.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from bench.core import Context, Row, figure, interleave, median, ms, ratio_row

ROOT = Path(__file__).resolve().parent.parent
RUNS = 17
WARMUP = 1
TARGET = 1.3

SUBJECT = "import app"
FLOOR = "import chalice, boto3, pydantic"


def _env() -> dict[str, str]:
    """The parent's environment (PYTHONDONTWRITEBYTECODE included: no .pyc written to the repo),
    without the -X importtime / profiling switches a developer may have exported."""
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPROFILEIMPORTTIME",)}


def import_time(code: str, env: dict[str, str]) -> tuple[float, float, dict[str, int]]:
    """(wall seconds, importtime total seconds, self-time per top-level package in us)."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{code!r} failed: {done.stderr.strip().splitlines()[-1:]}")
    total = 0
    packages: dict[str, int] = {}
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, _cumulative, name = line.removeprefix("import time:").split("|", 2)
        total += int(self_us)
        top = name.strip().split(".")[0]
        packages[top] = packages.get(top, 0) + int(self_us)
    return wall, total / 1e6, packages


@figure
def cold_import(ctx: Context) -> list[Row]:
    env = _env()
    runs = 7 if ctx.quick else RUNS
    walls: dict[str, list[float]] = {"subject": [], "floor": []}
    packages: dict[str, list[dict[str, int]]] = {"subject": [], "floor": []}

    def sampler(which: str, code: str):  # type: ignore[no-untyped-def]
        def run(_i: int) -> float:
            wall, total, per_package = import_time(code, env)
            walls[which].append(wall)
            packages[which].append(per_package)
            return total

        return run

    kept = interleave(
        {"floor": sampler("floor", FLOOR), "subject": sampler("subject", SUBJECT)},
        runs,
        WARMUP,
    )
    wall_s, wall_f = (w[WARMUP:] for w in (walls["subject"], walls["floor"]))
    return [
        ratio_row(
            "cold import app (importtime)",
            median(kept["subject"]),
            median(kept["floor"]),
            TARGET,
            ms,
            [
                f"median of {len(kept['subject'])} fresh interpreters each, interleaved; "
                f"floor = `{FLOOR}`",
                "subject's heaviest packages (median self time): "
                + _heaviest(packages["subject"][WARMUP:]),
                "floor's heaviest packages: " + _heaviest(packages["floor"][WARMUP:]),
            ],
        ),
        ratio_row("cold import app (wall)", median(wall_s), median(wall_f), None, ms),
    ]


def _heaviest(runs: list[dict[str, int]], top: int = 5) -> str:
    names = {name for run in runs for name in run}
    medians = {n: median([run.get(n, 0) for run in runs]) for n in names}
    ranked = sorted(medians.items(), key=lambda kv: -kv[1])[:top]
    return ", ".join(f"{name} {value / 1000:.0f} ms" for name, value in ranked)
