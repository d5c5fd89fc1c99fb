"""`chalice local` with the stack's moved clock (local/clock.py): what local.run starts instead of
the bare `chalice` command when LIGAT_LOCAL_CLOCK is set. The arguments are chalice's."""

from __future__ import annotations

import sys

from local.clock import offset_from_env, shift


def main() -> int:
    seconds = offset_from_env()
    if seconds is not None:
        shift(seconds)
    from chalice.cli import main as chalice

    sys.argv = ["chalice", *sys.argv[1:]]
    return int(chalice() or 0)


if __name__ == "__main__":
    sys.exit(main())
