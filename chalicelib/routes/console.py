"""The staff console under /console/: pages, their static files, and the cookie session.

Pages are shells rendered for the signed-in member (chalicelib/console/pages.py); their scripts
call the /admin API with the session cookie and the page's CSRF token. A page opened with an
expired access token is renewed from the refresh cookie; without one it sends the browser to the
sign-in page, saying why. Sign-in goes through the same Cognito accounts, throttling and answers
as /auth/login.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlsplit

from chalice import Blueprint, Response
from pydantic import BaseModel

from chalicelib.console.session import (
    ACCESS_COOKIE,
    REFRESH_COOKIE,
    cleared_cookies,
    cookies,
    csrf_token,
    security_headers,
    session_cookies,
)
from chalicelib.routes.api import ApiError, Call, public_route
from chalicelib.routes.auth import SESSION_FAILED, SIGNIN_FAILED, sign_in_errors
from chalicelib.staff.schemas import Challenge, LoginRequest, NewPasswordRequest

bp = Blueprint(__name__)

HTML = "text/html; charset=utf-8"


class ConsoleSession(BaseModel):
    """A console sign-in: the tokens went into HttpOnly cookies; the page gets its CSRF token."""

    csrf: str
    next: str


# -- pages -------------------------------------------------------------------------------------


@bp.route("/console", methods=["GET"])
def console_home() -> Response:
    from chalicelib.console.pages import HOME

    return _redirect(f"{_base()}/console/{HOME}")


@bp.route("/console/login", methods=["GET"])
def login_page() -> Response:
    from chalicelib.console.pages import render
    from chalicelib.staff.schemas import PASSWORD_RULE

    query = _query()
    base = _base()
    html = render(
        "login.html",
        base=base,
        next=_safe_next(query.get("next"), base),
        expired=query.get("expired") == "1",
        signed_out=query.get("keluar") == "1",
        password_rule=PASSWORD_RULE,
    )
    return _html(html)


@bp.route("/console/{page}", methods=["GET"])
def console_page(page: str) -> Response:
    return _page(page)


@bp.route("/console/tickets/{number}", methods=["GET"])
def ticket_page(number: str) -> Response:
    return _page("ticket", {"number": number})


@bp.route("/console/static/{name}", methods=["GET"])
def static(name: str) -> Response:
    from chalicelib.console.pages import asset_version, static_file

    found = static_file(name)
    if found is None:
        return _html(_message("Berkas tidak ditemukan."), 404)
    body, kind = found
    versioned = _query().get("v") == asset_version(name)
    cache = "public, max-age=31536000, immutable" if versioned else "no-cache"
    headers = {**security_headers(cache=cache), "Content-Type": kind}
    return Response(body=body.decode(), status_code=200, headers=headers)


# -- session -----------------------------------------------------------------------------------


@public_route(
    bp,
    "/console/session",
    "POST",
    "Masuk ke konsol: token disimpan di cookie HttpOnly; kata sandi sementara menjawab"
    " NEW_PASSWORD_REQUIRED",
    body=LoginRequest,
    response=ConsoleSession,
    errors=(401, 429),
)
def console_sign_in(call: Call) -> Response:
    from chalicelib.staff.services import staff_services

    request: LoginRequest = call.body
    with sign_in_errors(SIGNIN_FAILED):
        result = staff_services().signin.login(request.email, request.password, call.source)
    if isinstance(result, Challenge):
        return _json(result.model_dump(mode="json"))
    return _signed_in(result.access_token, result.refresh_token)


@public_route(
    bp,
    "/console/session/password",
    "POST",
    "Konsol: ganti kata sandi sementara pada masuk pertama",
    body=NewPasswordRequest,
    response=ConsoleSession,
    errors=(401, 429),
)
def console_new_password(call: Call) -> Response:
    from chalicelib.staff.services import staff_services

    request: NewPasswordRequest = call.body
    with sign_in_errors(SESSION_FAILED):
        tokens = staff_services().signin.new_password(
            request.email, request.session, request.new_password, call.source
        )
    return _signed_in(tokens.access_token, tokens.refresh_token)


@public_route(
    bp,
    "/console/session/refresh",
    "POST",
    "Konsol: perpanjang sesi dari cookie refresh",
    response=ConsoleSession,
    errors=(401,),
)
def console_refresh(call: Call) -> Response:
    refreshed = _refresh(cookies(bp.current_request.headers).get(REFRESH_COOKIE, ""))
    if refreshed is None:
        raise ApiError(401, "session_expired", SESSION_FAILED)
    return _signed_in(refreshed, None)


@public_route(bp, "/console/session/logout", "POST", "Konsol: keluar (menghapus cookie sesi)")
def console_logout(call: Call) -> Response:
    headers: dict[str, Any] = {**security_headers(), "Set-Cookie": cleared_cookies(_base())}
    return Response(body={"next": f"{_base()}/console/login?keluar=1"}, headers=headers)


# -- helpers -----------------------------------------------------------------------------------


def media_origin() -> str:
    """Where the ticket page's photos come from: the origin of a presigned evidence link."""
    from chalicelib.aws import client
    from chalicelib.settings import get_settings

    bucket = get_settings().media_bucket
    if bucket not in _origins:
        url = client("s3").generate_presigned_url(
            "get_object", Params={"Bucket": bucket or "x", "Key": "x"}, ExpiresIn=60
        )
        parts = urlsplit(url)
        _origins[bucket] = f"{parts.scheme}://{parts.netloc}"
    return _origins[bucket]


_origins: dict[str, str] = {}


def _page(name: str, data: dict[str, str] | None = None) -> Response:
    from chalicelib.console.pages import PAGES, render_page
    from chalicelib.staff.auth import AuthUnavailable, Unauthenticated
    from chalicelib.staff.services import principal_for

    page = PAGES.get(name)
    if page is None or (data is None and not page.nav):
        return _html(_message("Halaman tidak ditemukan."), 404)
    request, base = bp.current_request, _base()
    jar = cookies(request.headers)
    token, set_cookies = jar.get(ACCESS_COOKIE, ""), []
    try:
        try:
            principal = principal_for(token) if token else None
        except Unauthenticated:
            principal = None
        if principal is None and jar.get(REFRESH_COOKIE):
            token = _refresh(jar[REFRESH_COOKIE]) or ""
            principal = principal_for(token) if token else None
            set_cookies = session_cookies(base, token, None)
    except Unauthenticated:
        principal = None
    except AuthUnavailable:
        return _html(_message("Layanan masuk sedang tidak tersedia; coba lagi sebentar."), 503)
    if principal is None:
        here = quote(_here(request, base), safe="/")
        expired = "&expired=1" if jar.get(ACCESS_COOKIE) or jar.get(REFRESH_COOKIE) else ""
        response = _redirect(f"{base}/console/login?next={here}{expired}")
        response.headers["Set-Cookie"] = cleared_cookies(base)
        return response
    if not principal.may(page.permission):
        return _html(_message("Halaman ini tidak tersedia untuk peran Anda."), 403)
    html = render_page(page, principal, base, csrf_token(token), data)
    response = _html(html)
    if set_cookies:
        response.headers["Set-Cookie"] = set_cookies
    return response


def _refresh(refresh_token: str) -> str | None:
    """A new access token from the refresh cookie, or None when it no longer works."""
    from chalicelib.staff.services import staff_services
    from chalicelib.staff.signin import SignInFailed

    if not refresh_token:
        return None
    try:
        return staff_services().signin.refresh(refresh_token).access_token
    except SignInFailed:
        return None


def _signed_in(access_token: str, refresh_token: str | None) -> Response:
    base = _base()
    headers: dict[str, Any] = {
        **security_headers(),
        "Set-Cookie": session_cookies(base, access_token, refresh_token),
    }
    body = ConsoleSession(csrf=csrf_token(access_token), next=f"{base}/console/")
    return Response(body=body.model_dump(), headers=headers)


def _query() -> dict[str, str]:
    return dict(bp.current_request.query_params or {})


def _base() -> str:
    """The deployment's path prefix: "/api" behind API Gateway's default URL (the stage), "" in
    `make run` and behind a custom domain."""
    request = bp.current_request
    full = str((request.context or {}).get("path") or "")
    here = _resolved_path(request)
    return full[: -len(here)] if here and full.endswith(here) and full != here else ""


def _resolved_path(request: Any) -> str:
    path = str(request.path or "")
    for name, value in (request.uri_params or {}).items():
        path = path.replace("{" + name + "}", quote(value, safe=""))
    return path


def _here(request: Any, base: str) -> str:
    return base + _resolved_path(request)


def _safe_next(target: str | None, base: str) -> str:
    """Only a console page of this deployment (no other host, no scheme): no open redirect."""
    home = f"{base}/console/"
    if not target:
        return home
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith(home) or "\\" in target:
        return home
    return target


def _html(body: str, status: int = 200) -> Response:
    headers = {**security_headers(media_origin()), "Content-Type": HTML}
    return Response(body=body, status_code=status, headers=headers)


def _json(body: dict[str, Any], status: int = 200) -> Response:
    return Response(body=body, status_code=status, headers=security_headers())


def _redirect(location: str) -> Response:
    headers: dict[str, Any] = {**security_headers(), "Location": location}
    return Response(body="", status_code=302, headers=headers)


def _message(text: str) -> str:
    from chalicelib.console.pages import render

    return render("message.html", base=_base(), text=text)
