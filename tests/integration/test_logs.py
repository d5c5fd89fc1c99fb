"""Logs are structured JSON with message ids and never hold message text, NIK or phones."""

from __future__ import annotations

import io
import json
import logging

from chalicelib.logs import JsonFormatter
from chalicelib.processor import process_item
from chalicelib.store.queue import encode
from chalicelib.whatsapp import envelope
from tests import payloads as wa

NIK = "1404021203850001"
SECRET_TEXT = f"anak saya sakit keras, NIK {NIK}, hubungi 0812-3456-7890"


def test_processing_logs_ids_but_no_personal_data(stack):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("ligat")
    logger.addHandler(handler)
    try:
        message = wa.text(SECRET_TEXT)
        [item] = envelope.split(wa.webhook([message]))
        process_item(json.loads(encode(item)), stack.services)
    finally:
        logger.removeHandler(handler)

    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert any(line.get("wamid") == message["id"] for line in lines)
    output = stream.getvalue()
    for secret in (NIK, "sakit keras", "3456", wa.CITIZEN):
        assert secret not in output


def test_importing_the_chalice_app_keeps_our_info_logs():
    """Chalice names its logger after the app ("ligat") and would set it to ERROR."""
    import app  # noqa: F401
    from chalicelib.logs import get_logger

    get_logger("probe")
    logger = logging.getLogger("ligat")
    assert logger.getEffectiveLevel() == logging.INFO
    assert any(isinstance(h.formatter, JsonFormatter) for h in logger.handlers)


def test_the_log_scan_finds_phones_user_ids_and_niks_but_not_message_ids():
    from tests.logscan import personal_data_in

    leaks = [
        '{"key": "evidence/6281234565678/x"}',
        '{"to": "+6281234565678"}',
        '{"phone": "081234567890"}',
        '{"citizen": "ID.1199887766554433221"}',
        '{"nik": "1404021203850001"}',
    ]
    fine = [
        '{"wamid": "wamid.HBgNNjI4MTIzNDU2NTY3OBUCABIYFDNBMDBDRjQ000001AA=="}',
        '{"ticket": "LGT-2611-0042", "age_s": 86400, "time": "2026-12-02T12:58:48.058+00:00"}',
        '{"key": "evidence/3f2a9c0d1e/1234567890"}',
    ]
    assert personal_data_in(leaks) == leaks
    assert personal_data_in(fine) == []
