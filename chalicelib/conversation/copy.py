"""Load the conversation copy (YAML next to this file) once per container."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from chalicelib.datafiles import load_yaml

COPY_PATH = Path(__file__).with_name("copy.yaml")


@cache
def load_copy(path: Path = COPY_PATH) -> dict[str, Any]:
    data: dict[str, Any] = load_yaml(path)
    return data
