"""Staff sign-in: POST /auth/login, /auth/password (first sign-in), /auth/refresh."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from chalice import Blueprint

from chalicelib.routes.api import ApiError, Call, public_route
from chalicelib.staff.schemas import (
    PASSWORD_RULE,
    Challenge,
    LoginRequest,
    NewPasswordRequest,
    RefreshRequest,
    Tokens,
)

bp = Blueprint(__name__)

SIGNIN_FAILED = "Email atau kata sandi salah, atau akun tidak aktif."
SESSION_FAILED = "Sesi masuk tidak berlaku lagi; silakan masuk ulang."
THROTTLED = "Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam {minutes} menit."


@public_route(
    bp,
    "/auth/login",
    "POST",
    "Masuk dengan email dan kata sandi; kata sandi sementara menjawab NEW_PASSWORD_REQUIRED",
    body=LoginRequest,
    response="chalicelib.routes.answers:SignInAnswer",
    errors=(401, 429),
)
def login(call: Call) -> Tokens | Challenge:
    from chalicelib.staff.services import staff_services

    request: LoginRequest = call.body
    with sign_in_errors(SIGNIN_FAILED):
        return staff_services().signin.login(request.email, request.password, call.source)


@public_route(
    bp,
    "/auth/password",
    "POST",
    "Ganti kata sandi sementara pada masuk pertama (sesi dari /auth/login)",
    body=NewPasswordRequest,
    response=Tokens,
    errors=(401, 429),
)
def new_password(call: Call) -> Tokens:
    from chalicelib.staff.services import staff_services

    request: NewPasswordRequest = call.body
    with sign_in_errors(SESSION_FAILED):
        return staff_services().signin.new_password(
            request.email, request.session, request.new_password, call.source
        )


@public_route(
    bp,
    "/auth/refresh",
    "POST",
    "Token baru dari refresh token",
    body=RefreshRequest,
    response=Tokens,
    errors=(401,),
)
def refresh(call: Call) -> Tokens:
    from chalicelib.staff.services import staff_services

    request: RefreshRequest = call.body
    with sign_in_errors(SESSION_FAILED):
        return staff_services().signin.refresh(request.refresh_token)


@contextmanager
def sign_in_errors(refused: str) -> Iterator[None]:
    """Sign-in failures as API answers."""
    from chalicelib.staff.model import PasswordRejected
    from chalicelib.staff.signin import SignInFailed, TooManyAttempts

    try:
        yield
    except SignInFailed:
        raise ApiError(401, "signin_failed", refused) from None
    except TooManyAttempts as error:
        minutes = max(1, -(-error.retry_after // 60))
        raise ApiError(
            429,
            "too_many_attempts",
            THROTTLED.format(minutes=minutes),
            headers={"Retry-After": str(error.retry_after)},
        ) from None
    except PasswordRejected:
        field = {"field": "new_password", "message": f"kata sandi harus {PASSWORD_RULE}"}
        raise ApiError(400, "invalid_body", fields=[field]) from None
