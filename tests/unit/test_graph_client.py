"""The Graph API client against the fake Graph API: mark-as-read and its errors."""

from __future__ import annotations

import pytest

from chalicelib.whatsapp.client import GraphClient, GraphError
from chalicelib.whatsapp.outbound import mark_read_body
from local.graph import FakeGraph


def test_mark_read_posts_the_read_status_for_the_message():
    assert mark_read_body("wamid.X") == {
        "messaging_product": "whatsapp",
        "status": "read",
        "message_id": "wamid.X",
    }
    with FakeGraph(token="t") as graph:
        GraphClient(graph.base_url, "106540352242922", "t").mark_read("wamid.X")
        assert graph.state.requests == 1
        assert graph.state.sent == []  # a read receipt is not a message


def test_expired_token_is_an_operator_error_not_retried():
    with FakeGraph(token="t") as graph:
        client = GraphClient(graph.base_url, "106540352242922", "expired")
        with pytest.raises(GraphError) as raised:
            client.mark_read("wamid.X")
    assert raised.value.code == 190 and raised.value.needs_operator
    assert not raised.value.retryable
