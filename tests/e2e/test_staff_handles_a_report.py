"""End to end through `make run`'s stack: a citizen files an urgent report in the simulator, the
printed admin signs in, finds it in the queue, verifies it with a public note, and the citizen
reads the news on WhatsApp (the simulator is the Graph API)."""

from __future__ import annotations

import time

import pytest

from tests.e2e.citizen import SimCitizen, text_of
from tests.e2e.test_auth_local_stack import call, printed_admin

pytestmark = pytest.mark.e2e


def test_a_report_is_verified_by_staff_and_the_citizen_is_told(local_stack):
    citizen = SimCitizen(local_stack.sim, "6281200000301", "Dewi Lestari")
    number = citizen.files_urgent_report()

    email, password = printed_admin(local_stack.output)
    status, tokens = call(
        local_stack.api, "POST", "/auth/login", {"email": email, "password": password}
    )
    assert status == 200, tokens
    token = tokens["access_token"]
    status, queue = call(local_stack.api, "GET", "/admin/tickets?status=diterima", token=token)
    assert status == 200 and number in [t["number"] for t in queue["tickets"]]

    note = "Laporan sudah kami terima dan petugas piket menuju lokasi."
    status, ticket = call(
        local_stack.api,
        "POST",
        f"/admin/tickets/{number}/transitions",
        {"status": "diverifikasi", "public_note": note},
        token,
    )
    assert status == 200 and ticket["status"] == "diverifikasi"

    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        told = [text_of(e["body"]) for e in citizen.events() if e["direction"] == "out"]
        if any(number in t and note in t for t in told):
            break
        time.sleep(0.2)
    else:
        raise AssertionError(f"the citizen was not told: {told[-3:]}")
