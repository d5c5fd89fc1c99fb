"""The console's queue and ticket pages (rendered for every role that reads tickets, behind the
session) and what the API gained for them: the queue's sort order, served by the same index
queries read forward, and the ticket detail saying whether the citizen's 24-hour window is
open (a reply then goes as text, otherwise as the status template)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import boto3
import pytest

from chalicelib.clock import iso
from chalicelib.staff.roles import Role
from tests import payloads as wa
from tests.integration.test_console import get, jar, sign_in
from tests.integration.test_ticket_api import OperationLog, filed, seed_tickets
from tests.staffkit import body, open_staff_api


@pytest.fixture
def api(stack, monkeypatch, tmp_path):
    from chalicelib import wiring

    monkeypatch.setattr(wiring, "services", lambda: stack.services)  # the stack's clock
    yield from open_staff_api(stack, monkeypatch, tmp_path)


def cookie_of(api, role: Role) -> str:
    member = api.add(role, email=f"{role.value}.antrean@dinsos.test", kecamatan=("14.04.05",))
    return jar(sign_in(api, member["email"]))


@pytest.mark.parametrize("role", [Role.ADMIN, Role.ASESOR, Role.PIMPINAN])
def test_every_role_that_reads_tickets_gets_the_queue_after_the_dashboard_and_the_ticket_page(
    api, role
):
    cookie = cookie_of(api, role)
    queue = get(api, "/console/tickets", cookie)
    assert queue.status_code == 200
    html = queue.body.decode()
    nav = re.search(r"<nav[^>]*>(.*?)</nav>", html, re.S).group(1)
    assert re.findall(r'href="/console/(\w+)"', nav)[:2] == ["dashboard", "tickets"]
    assert 'aria-current="page">Antrean</a>' in html
    assert re.search(r'src="/console/static/tickets.js\?v=[0-9a-f]+"', html)
    assert 'name="sort"' in html and 'name="q"' in html and "Tembilahan" in html

    page = get(api, "/console/tickets/LGT-2612-0001", cookie)
    assert page.status_code == 200
    ticket = page.body.decode()
    assert 'data-page="ticket" data-number="LGT-2612-0001"' in ticket
    assert 'aria-current="page">Antrean</a>' in ticket  # a ticket is part of the queue
    assert re.search(r'src="/console/static/ticket.js\?v=[0-9a-f]+"', ticket)
    config = '<script id="ligat-config" type="application/json">'
    assert "<script>" not in ticket.replace(config, "")


def test_the_ticket_page_needs_a_session_and_a_number(api):
    response = get(api, "/console/tickets/LGT-2612-0001")
    assert response.status_code == 302
    assert response.headers["Location"] == "/console/login?next=/console/tickets/LGT-2612-0001"
    cookie = cookie_of(api, Role.ADMIN)
    assert get(api, "/console/ticket", cookie).status_code == 404  # only with a number
    odd = get(api, '/console/tickets/<b>x"', cookie).body.decode()
    assert 'data-number="&lt;b&gt;x&#34;"' in odd  # whatever the URL holds stays text


def test_the_media_origin_is_allowed_for_the_ticket_photos(api):
    response = get(api, "/console/tickets/LGT-2612-0001", cookie_of(api, Role.ADMIN))
    csp = response.headers["Content-Security-Policy"]
    img = next(part for part in csp.split("; ") if part.startswith("img-src"))
    assert re.search(r"https?://\S+", img), csp


def test_oldest_first_reads_the_same_indexes_forward_with_its_own_cursors(api, stack):
    start = stack.clock() - timedelta(days=1)
    numbers = seed_tickets(stack, 7, start)
    admin = api.token(Role.ADMIN)
    operations = OperationLog()
    events = stack.dynamodb.meta.events
    events.register("before-call.dynamodb", operations, unique_id="sort-no-scan")
    try:
        newest = pages(api, admin, "")
        oldest = pages(api, admin, "&sort=oldest")
        by_status = pages(api, admin, "&sort=oldest&status=diterima")
        by_kecamatan = pages(api, admin, "&sort=oldest&kecamatan=14.04.05")
    finally:
        events.unregister("before-call.dynamodb", unique_id="sort-no-scan")
    assert [n for n in newest if n in numbers] == numbers[::-1]
    assert [n for n in oldest if n in numbers] == numbers
    assert by_status == by_kecamatan == oldest
    assert "Scan" not in operations.operations

    first = body(api.get("/admin/tickets?limit=3", admin))
    other_order = api.get(f"/admin/tickets?limit=3&sort=oldest&cursor={first['cursor']}", admin)
    assert other_order.status_code == 400 and body(other_order)["error"] == "invalid_cursor"
    wrong = api.get("/admin/tickets?sort=acak", admin)
    assert wrong.status_code == 400 and body(wrong)["fields"][0]["field"] == "sort"


def pages(api, token: str, query: str) -> list[str]:
    seen: list[str] = []
    cursor = None
    while True:
        path = f"/admin/tickets?limit=3{query}" + (f"&cursor={cursor}" if cursor else "")
        page = body(api.get(path, token))
        seen += [t["number"] for t in page["tickets"]]
        cursor = page["cursor"]
        if not cursor:
            return seen


def test_the_detail_says_whether_a_reply_goes_as_text_or_as_the_template(api, stack):
    number = filed(stack)
    admin = api.token(Role.ADMIN)
    open_now = body(api.get(f"/admin/tickets/{number}", admin))
    assert open_now["window_open"] is True
    until = datetime.fromisoformat(open_now["window_until"].replace("Z", "+00:00"))
    assert timedelta(hours=23) < until - stack.clock() <= timedelta(hours=24)
    sent = api.post(f"/admin/tickets/{number}/messages", {"text": "Kami segera datang."}, admin)
    assert sent.status_code == 201 and body(sent)["delivery"] == "text"

    boto3.client("dynamodb").update_item(
        TableName=stack.outputs["TableName"],
        Key={"pk": {"S": f"SESSION#{wa.CITIZEN}"}, "sk": {"S": "SESSION"}},
        UpdateExpression="SET updated_at = :old",
        ExpressionAttributeValues={":old": {"S": iso(datetime.now(UTC) - timedelta(hours=25))}},
    )
    closed = body(api.get(f"/admin/tickets/{number}", admin))
    assert closed["window_open"] is False and closed["window_until"] is None
    later = api.post(f"/admin/tickets/{number}/messages", {"text": "Mohon kabari kami."}, admin)
    assert later.status_code == 201 and body(later)["delivery"] == "template"
    assert stack.sent_to(wa.CITIZEN)[-1]["template"]["name"] == "ligat_status_update"
