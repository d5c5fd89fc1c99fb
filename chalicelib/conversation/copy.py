"""Load the conversation copy (YAML next to this file) once per container."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

COPY_PATH = Path(__file__).with_name("copy.yaml")


@cache
def load_copy(path: Path = COPY_PATH) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        data: dict[str, Any] = yaml.safe_load(handle)
    return data
