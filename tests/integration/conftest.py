"""Fixtures of the integration tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from chalice.test import Client

import app as ligat


@pytest.fixture
def client(stack) -> Iterator[Client]:  # type: ignore[no-untyped-def]
    """The Chalice app over the moto stack, with settings read afresh from its environment."""
    from chalicelib.settings import get_settings

    get_settings.cache_clear()
    with Client(ligat.app, stage_name="local") as test_client:
        yield test_client
    get_settings.cache_clear()
