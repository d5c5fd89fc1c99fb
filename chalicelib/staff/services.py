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


def authenticate(headers: Mapping[str, str], services: StaffServices | None = None) -> Principal:
    """The signed-in staff member, or Unauthenticated (no/invalid token, unknown or inactive)."""
    services = services or staff_services()
    claims = verifier(services.settings).verify(bearer_token(headers))
    member = services.store.get(claims.sub)
    if member is None or not member.active:
        raise Unauthenticated("not an active staff member")
    return member.principal()
