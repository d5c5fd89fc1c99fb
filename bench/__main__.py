"""`make bench`: run every figure, print one table, exit 0 unless the harness itself crashed.

Usage: `python -m bench [--quick] [--profile] [WORD ...]`; WORDs select figures by name
(e.g. `webhook`, `import`, `calls`, `routing`); --quick takes fewer samples (a smoke run);
--profile also prints a cProfile of the webhook subject.
"""

from __future__ import annotations

import argparse
import importlib
import platform
import sys
import time

# Modules holding @figure functions; the table follows this order. Add new ones here.
MODULES = (
    "webhook",
    "imports",
    "calls",
    "routing",
    "reliability",
    "tickets",
    "rekap",
    "deploy",
    "console",
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("only", nargs="*", help="run only figures whose name contains a word")
    parser.add_argument("--quick", action="store_true", help="fewer samples (smoke run)")
    parser.add_argument("--profile", action="store_true", help="cProfile the webhook subject")
    args = parser.parse_args(argv)

    from bench.stack import configure_process_env

    configure_process_env()  # before boto3 builds any client

    for module in MODULES:  # registers their figures, in this order
        importlib.import_module(f"bench.{module}")
    from bench.core import Context, render, run_figures

    started = time.perf_counter()
    print(
        f"LIGAT bench: python {platform.python_version()}, {platform.machine()}; "
        "every figure is measured against a floor in the same run",
        flush=True,
    )
    rows, crashed = run_figures(Context(quick=args.quick, profile=args.profile), args.only)
    print()
    print(render(rows))
    print(f"total {time.perf_counter() - started:.0f} s")
    return 1 if crashed else 0


if __name__ == "__main__":
    sys.exit(main())
