"""The one way to read the YAML data files shipped with the code (copy, catalogue, office)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

# libyaml's C loader parses the catalogue ~25x faster than the pure-Python one: it matters on
# a Lambda's first message.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=_LOADER)
