"""schemathesis against the staff API's own /admin/openapi.json, through Chalice on the moto stack.

Every operation the document declares is called with generated requests, valid ones and invalid
ones, with URL parameters both generated and naming things that exist (a filed ticket, a staff
member, a catalogue service), as a signed-in admin and without a token. Every answer must be no
5xx, a status the document declares for the operation, with the declared content type and a
body matching the declared schema. The run is bounded and derandomized: the same cases on every
machine, in well under a minute.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from chalicelib.clock import wib_day
from chalicelib.staff.roles import Role
from tests.integration.test_handover import TUESDAY_10_WIB, asks_for_staff
from tests.integration.test_ticket_api import filed
from tests.integration.test_tickets import Citizen
from tests.staffkit import body, open_staff_api

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Cases per operation, generation mode and kind of URL parameters: the file stays under a
# minute on two CPUs. Without a token every case stops at the token check, so fewer do.
SIGNED_IN_EXAMPLES = 8
ANONYMOUS_EXAMPLES = 3
MODES = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
BASE_URL = "http://ligat.test"


@pytest.fixture
def api(stack, monkeypatch, tmp_path):
    from chalicelib import wiring

    stack.clock.moment = TUESDAY_10_WIB  # office hours: a citizen can ask for staff
    monkeypatch.setattr(wiring, "services", lambda: stack.services)  # the stack's clock
    yield from open_staff_api(stack, monkeypatch, tmp_path)


@pytest.fixture
def admin(api) -> dict[str, str]:
    account = api.add(Role.ADMIN, kecamatan=("14.04.05",))
    return {**account, "token": api.login(account["email"])["access_token"]}


@pytest.fixture
def schema(api, admin) -> Any:
    answer = api.get("/admin/openapi.json", admin["token"])
    assert answer.status_code == 200, answer.body
    assert answer.headers["Content-Type"] == "application/json"
    return schemathesis.openapi.from_dict(body(answer))


@pytest.fixture
def existing(stack, api, admin) -> dict[str, str]:
    """URL parameters that name something in the store, so cases get past the 404s."""
    number = filed(stack)
    asks_for_staff(Citizen(stack))
    [chat] = body(api.get("/admin/conversations", admin["token"]))["conversations"]
    return {
        "number": number,
        "citizen": chat["citizen"],
        "staff_id": api.add(Role.ASESOR, kecamatan=("14.04.05",))["id"],
        "service": "pkh",
        "day": wib_day(stack.clock()),
    }


def send(api: Any, case: Any, token: str | None) -> schemathesis.Response:
    """The case through the Chalice test client, answered the way schemathesis reads answers."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    prepared = requests.Request(**case.as_transport_kwargs(BASE_URL, headers)).prepare()
    url = urlsplit(prepared.url)
    raw = prepared.body or b""
    started = time.perf_counter()
    answer = api.client.http.request(
        prepared.method,
        url.path + (f"?{url.query}" if url.query else ""),
        headers=dict(prepared.headers),
        body=raw.encode() if isinstance(raw, str) else raw,
    )
    return schemathesis.Response(
        status_code=answer.status_code,
        headers={name: [value] for name, value in answer.headers.items()},
        content=answer.body or b"",
        request=prepared,
        elapsed=time.perf_counter() - started,
        verify=False,
    )


def strategies(operation: Any, existing: dict[str, str] | None) -> Iterator[tuple[str, Any]]:
    names = [p.name for p in operation.path_parameters]
    for mode in MODES:
        yield mode.value, operation.as_strategy(generation_mode=mode)
        if names and existing:
            known = {name: existing[name] for name in names if name in existing}
            yield (
                f"{mode.value}, existing {', '.join(known)}",
                operation.as_strategy(generation_mode=mode, path_parameters=known),
            )


def failures(
    api: Any, schema: Any, token: str | None, examples: int, existing: dict[str, str] | None
) -> list[str]:
    """The first failing case of each operation × strategy, as schemathesis reports it."""
    found: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        for kind, strategy in strategies(operation, existing):
            failed = check_cases(api, token, strategy, examples)
            if failed:
                found.append(f"{operation.label} [{kind}]: {failed}")
    return found


def check_cases(api: Any, token: str | None, strategy: Any, examples: int) -> str | None:
    first: list[str] = []

    @settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def run(case: Any) -> None:
        response = send(api, case, token)
        try:
            case.validate_response(response, checks=CHECKS)
        except FailureGroup as group:
            first.append(str(group))

    try:
        run()
    except Unsatisfiable:  # no body, no parameters (logout): nothing to make invalid
        return None
    return first[0] if first else None


def test_every_operation_answers_an_admin_as_documented(api, schema, admin, existing):
    found = failures(api, schema, admin["token"], SIGNED_IN_EXAMPLES, existing)
    assert not found, "\n\n".join(found)


def test_without_a_token_staff_operations_answer_401_and_nothing_answers_5xx(api, schema, existing):
    found = failures(api, schema, None, ANONYMOUS_EXAMPLES, None)
    assert not found, "\n\n".join(found)
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.path.startswith("/admin/"):
            case = operation.Case(
                path_parameters={p.name: existing[p.name] for p in operation.path_parameters}
            )
            answer = send(api, case, None)
            assert answer.status_code == 401, (operation.label, answer.status_code)
