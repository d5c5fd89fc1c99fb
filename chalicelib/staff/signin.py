"""Staff sign-in through Cognito (USER_PASSWORD_AUTH on the console's app client, no secret).

A wrong password, an unknown e-mail and a disabled account fail alike (`SignInFailed`), so the
answer never tells whether an account exists. Failed attempts are counted per e-mail and source
address in fixed windows; past the limit every attempt is refused until the window ends, whether
the account exists or not.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError, ParamValidationError

from chalicelib.logs import get_logger
from chalicelib.staff.model import PasswordRejected
from chalicelib.staff.schemas import Challenge, Tokens
from chalicelib.store.staff import StaffStore

log = get_logger("staff.signin")

MAX_FAILURES = 5
WINDOW_SECONDS = 15 * 60

# Cognito's answers that all mean "these credentials do not sign in"; never told apart.
_REFUSED = {
    "NotAuthorizedException",
    "UserNotFoundException",
    "UserNotConfirmedException",
    "PasswordResetRequiredException",
    "ResourceNotFoundException",  # an unknown or expired challenge session
    "CodeMismatchException",
    "ExpiredCodeException",
    "InvalidParameterException",
}


class SignInFailed(Exception):
    """401, the same answer for every reason."""


class TooManyAttempts(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


@dataclass
class _Throttle:
    subject: str  # e-mail and source address
    window: int  # start of the window, Unix seconds
    failures: int = 0


@dataclass
class SignIn:
    cognito: Any  # boto3 cognito-idp client
    client_id: str
    store: StaffStore
    clock: Callable[[], float] = time.time
    max_failures: int = MAX_FAILURES
    window_seconds: int = WINDOW_SECONDS

    def login(self, email: str, password: str, source: str) -> Tokens | Challenge:
        throttle = self._throttle(email, source)
        try:
            result = self.cognito.initiate_auth(
                ClientId=self.client_id,
                AuthFlow="USER_PASSWORD_AUTH",
                AuthParameters={"USERNAME": email, "PASSWORD": password},
            )
        except (ClientError, ParamValidationError) as error:
            raise self._failed(error, throttle) from error
        self._succeeded(throttle)
        if result.get("ChallengeName") == "NEW_PASSWORD_REQUIRED":
            return Challenge(challenge="NEW_PASSWORD_REQUIRED", session=result["Session"])
        if "AuthenticationResult" not in result:
            log.warning("signin_challenge_unsupported", extra={"name": result.get("ChallengeName")})
            raise SignInFailed()
        return _tokens(result["AuthenticationResult"])

    def new_password(self, email: str, session: str, new_password: str, source: str) -> Tokens:
        throttle = self._throttle(email, source)
        try:
            result = self.cognito.respond_to_auth_challenge(
                ClientId=self.client_id,
                ChallengeName="NEW_PASSWORD_REQUIRED",
                Session=session,
                ChallengeResponses={"USERNAME": email, "NEW_PASSWORD": new_password},
            )
        except (ClientError, ParamValidationError) as error:
            if _code(error) == "InvalidPasswordException":
                raise PasswordRejected() from error
            raise self._failed(error, throttle) from error
        self._succeeded(throttle)
        if "AuthenticationResult" not in result:
            raise SignInFailed()
        return _tokens(result["AuthenticationResult"])

    def refresh(self, refresh_token: str) -> Tokens:
        try:
            result = self.cognito.initiate_auth(
                ClientId=self.client_id,
                AuthFlow="REFRESH_TOKEN_AUTH",
                AuthParameters={"REFRESH_TOKEN": refresh_token},
            )
        except (ClientError, ParamValidationError) as error:
            raise self._failed(error, None) from error
        tokens = _tokens(result["AuthenticationResult"])
        # Cognito answers a refresh without a new refresh token: the old one stays valid.
        return tokens.model_copy(update={"refresh_token": tokens.refresh_token or refresh_token})

    # -- throttle -------------------------------------------------------------------------

    def _throttle(self, email: str, source: str) -> _Throttle:
        throttle = _Throttle(f"{email}|{source}", self._window())
        throttle.failures = self.store.failures(throttle.subject, throttle.window)
        if throttle.failures >= self.max_failures:
            log.warning("signin_throttled")
            raise TooManyAttempts(self._retry_after(throttle.window))
        return throttle

    def _failed(
        self, error: ClientError | ParamValidationError, throttle: _Throttle | None
    ) -> Exception:
        code = _code(error)
        if code == "TooManyRequestsException":
            return TooManyAttempts(self.window_seconds)
        if code not in _REFUSED:
            raise error
        if throttle is not None:
            expires_at = throttle.window + 2 * self.window_seconds
            self.store.add_failure(throttle.subject, throttle.window, expires_at)
        log.info("signin_refused", extra={"reason": code})
        return SignInFailed()

    def _succeeded(self, throttle: _Throttle) -> None:
        if throttle.failures:
            self.store.clear_failures(throttle.subject, throttle.window)

    def _window(self) -> int:
        now = int(self.clock())
        return now - now % self.window_seconds

    def _retry_after(self, window: int) -> int:
        return max(1, window + self.window_seconds - int(self.clock()))


def _code(error: ClientError | ParamValidationError) -> str:
    """Cognito's error code; a request botocore refuses to send (a malformed session or token
    from the client) counts as refused credentials."""
    if isinstance(error, ParamValidationError):
        return "InvalidParameterException"
    return str(error.response["Error"]["Code"])


def _tokens(result: dict[str, Any]) -> Tokens:
    return Tokens(
        id_token=result["IdToken"],
        access_token=result["AccessToken"],
        refresh_token=result.get("RefreshToken"),
        expires_in=int(result.get("ExpiresIn", 3600)),
    )
