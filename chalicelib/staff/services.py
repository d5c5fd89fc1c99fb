"""The staff side's collaborators, built once per container from the settings (tests rebuild them
when the settings change), and the one function that turns a request's headers into a
`Principal`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from chalicelib.settings import Settings, get_settings
from chalicelib.staff.auth import Unauthenticated, bearer_token, verifier
from chalicelib.staff.roles import Principal

if TYPE_CHECKING:
    from chalicelib.staff.directory import StaffDirectory
    from chalicelib.staff.signin import SignIn
    from chalicelib.store.staff import StaffStore


@dataclass(frozen=True)
class StaffServices:
    settings: Settings
    store: StaffStore
    signin: SignIn
    directory: StaffDirectory


_built: dict[tuple[str, str, str], StaffServices] = {}


def staff_services(settings: Settings | None = None) -> StaffServices:
    from chalicelib.aws import client
    from chalicelib.staff.directory import StaffDirectory
    from chalicelib.staff.signin import SignIn
    from chalicelib.store.staff import StaffStore

    settings = settings or get_settings()
    key = (settings.table_name, settings.user_pool_id, settings.user_pool_client_id)
    if key not in _built:
        _built.clear()
        store = StaffStore(client("dynamodb"), settings.table_name)
        cognito = client("cognito-idp")
        _built[key] = StaffServices(
            settings,
            store,
            SignIn(cognito, settings.user_pool_client_id, store),
            StaffDirectory(cognito, settings.user_pool_id, store),
        )
    return _built[key]


def authenticate(
    headers: Mapping[str, str], method: str = "GET", services: StaffServices | None = None
) -> Principal:
    """The signed-in staff member, or Unauthenticated (no/invalid token, unknown or inactive).

    The token is the `Authorization: Bearer` header, or else the console's session cookie (whose
    changes must carry the page's CSRF token: `CsrfRefused`)."""
    return principal_for(request_token(headers, method), services)


def request_token(headers: Mapping[str, str], method: str) -> str:
    if headers.get("authorization"):
        return bearer_token(headers)
    from chalicelib.console.session import cookie_token

    return cookie_token(headers, method)


def principal_for(token: str, services: StaffServices | None = None) -> Principal:
    services = services or staff_services()
    claims = verifier(services.settings).verify(token)
    member = services.store.get(claims.sub)
    if member is None or not member.active:
        raise Unauthenticated("not an active staff member")
    return member.principal()
