"""The one settings object: every knob the app reads from its environment.

Deployed, the stack outputs arrive through `.chalice/config.json` (written by `make deploy`) and
the WhatsApp secrets from one SSM Parameter Store SecureString JSON named by
LIGAT_SECRETS_PARAMETER (written by `make secrets`), never from the functions' environment.
`get_settings()` reads them once per container and again at most every SECRETS_TTL_SECONDS, so
a rotated token reaches running functions within minutes, without a redeploy. Locally,
`make run` and the tests export every value instead.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable, Mapping

from pydantic import BaseModel, Field, model_validator

_ENV = {
    "stage": "LIGAT_STAGE",
    "table_name": "LIGAT_TABLE_NAME",
    "inbound_queue_url": "LIGAT_INBOUND_QUEUE_URL",
    "media_bucket": "LIGAT_MEDIA_BUCKET",
    "sender_email": "LIGAT_SENDER_EMAIL",
    "stale_after_seconds": "LIGAT_STALE_AFTER_SECONDS",
    "whatsapp_api_url": "WHATSAPP_API_URL",
    "whatsapp_phone_number_id": "WHATSAPP_PHONE_NUMBER_ID",
    "whatsapp_access_token": "WHATSAPP_ACCESS_TOKEN",
    "whatsapp_app_secret": "WHATSAPP_APP_SECRET",
    "whatsapp_verify_token": "WHATSAPP_VERIFY_TOKEN",
    "whatsapp_media_origins": "WHATSAPP_MEDIA_ORIGINS",
    "console_url": "LIGAT_CONSOLE_URL",
    "handover_idle_minutes": "LIGAT_HANDOVER_IDLE_MINUTES",
    "retain_tickets_days": "LIGAT_RETAIN_TICKETS_DAYS",
    "retain_conversation_days": "LIGAT_RETAIN_CONVERSATION_DAYS",
    "secrets_parameter": "LIGAT_SECRETS_PARAMETER",
    "user_pool_id": "LIGAT_USER_POOL_ID",
    "user_pool_client_id": "LIGAT_USER_POOL_CLIENT_ID",
    "user_pool_region": "LIGAT_USER_POOL_REGION",
    "user_pool_jwks_url": "LIGAT_USER_POOL_JWKS_URL",
}
SECRETS = ("whatsapp_access_token", "whatsapp_app_secret", "whatsapp_verify_token")
# Stages that face Meta: an unsigned webhook or a missing token there is a misconfiguration to
# fail on, never something to accept quietly. Any stage running inside Lambda counts too.
DEPLOYED_STAGES = frozenset({"dev", "prod"})
SECRETS_TTL_SECONDS = 300.0  # a rotated token reaches every warm container within 5 minutes
SECRETS_RETRY_SECONDS = 30.0  # after a failed refresh, keep the old values and retry soon


class MissingSecrets(ValueError):
    """A deployed stage without its WhatsApp secrets (run `make secrets STAGE=...`)."""


class Settings(BaseModel):
    stage: str = "local"
    table_name: str = "ligat-dev"
    inbound_queue_url: str = ""
    media_bucket: str = ""
    sender_email: str = "ligat@example.go.id"
    # Older than this when processed: recorded, but no auto-reply (a replayed backlog must not
    # answer citizens a day late as if nothing happened).
    stale_after_seconds: int = Field(default=24 * 3600, gt=0)
    whatsapp_api_url: str = "https://graph.facebook.com/v25.0"
    whatsapp_phone_number_id: str = ""
    whatsapp_access_token: str = ""
    whatsapp_app_secret: str = ""
    whatsapp_verify_token: str = ""
    # Origins media downloads may reach with the access token (comma-separated): Meta's CDN.
    whatsapp_media_origins: str = "https://lookaside.fbsbx.com"
    secrets_parameter: str = ""
    # A send that gets no answer in time is not repeated blindly (the outbox settles it from
    # status webhooks), so a short wait costs nothing and keeps other citizens moving.
    graph_timeout_seconds: float = 6.0
    in_lambda: bool = False
    # Where staff open a ticket from the rekap (links: <console_url>/tickets/<number>).
    console_url: str = "http://127.0.0.1:8000/console"
    # A chat held by staff goes back to the bot this long after its last message.
    handover_idle_minutes: int = Field(default=60, gt=0)
    # Staff sign-in (Cognito). The region defaults to the pool id's prefix ("ap-southeast-3_...");
    # the JWKS URL defaults to the pool's AWS URL and is overridden only by `make run` (moto).
    user_pool_id: str = ""
    user_pool_client_id: str = ""
    user_pool_region: str = ""
    user_pool_jwks_url: str = ""
    # Retention (UU 27/2022; chalicelib/retention.py): a closed ticket's personal data is
    # anonymised this many days after closing (5 years), the conversation text (what the citizen
    # wrote on the ticket; replies in the outbox from when they were sent) sooner. At least 30
    # days: an outbox entry also keeps a retried schedule from sending twice.
    retain_tickets_days: int = Field(default=1826, ge=30)
    retain_conversation_days: int = Field(default=365, ge=30)

    @model_validator(mode="after")
    def _conversation_goes_first(self) -> Settings:
        if self.retain_conversation_days > self.retain_tickets_days:
            raise ValueError(
                "LIGAT_RETAIN_CONVERSATION_DAYS must not exceed LIGAT_RETAIN_TICKETS_DAYS"
            )
        return self

    @property
    def media_origins(self) -> tuple[str, ...]:
        return tuple(o.strip() for o in self.whatsapp_media_origins.split(",") if o.strip())

    def require_secrets(self) -> Settings:
        """Refuse to run a stage that faces Meta without its secrets (never accept unsigned)."""
        if self.stage in DEPLOYED_STAGES or self.in_lambda:
            missing = [_ENV[name] for name in SECRETS if not getattr(self, name)]
            if missing:
                raise MissingSecrets(
                    f"stage {self.stage!r} has no {', '.join(missing)}: store them with "
                    f"`make secrets STAGE={self.stage}` (SSM {self.secrets_parameter or '-'})"
                )
        return self

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        values: dict[str, object] = {
            field: env[name] for field, name in _ENV.items() if env.get(name)
        }
        values["in_lambda"] = bool(env.get("AWS_LAMBDA_FUNCTION_NAME"))
        parameter = str(values.get("secrets_parameter", ""))
        if parameter and not all(values.get(name) for name in SECRETS):
            values.update(_read_secrets(parameter))
        return cls.model_validate(values).require_secrets()


def _read_secrets(parameter: str) -> dict[str, str]:
    from chalicelib.aws import client

    value = client("ssm").get_parameter(Name=parameter, WithDecryption=True)["Parameter"]["Value"]
    stored = json.loads(value)
    return {key: stored[key] for key in SECRETS if stored.get(key)}


class SettingsCache:
    """`get_settings()`: the settings of this container, re-read after a TTL when the secrets
    live in SSM. The same object is returned until something changed, so callers may key their
    own caches (clients built with the token) on its identity."""

    def __init__(
        self,
        load: Callable[[], Settings] = Settings.from_env,
        ttl: float = SECRETS_TTL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._load, self._ttl, self._clock = load, ttl, clock
        self._lock = threading.Lock()
        self._value: Settings | None = None
        self._next_read = 0.0

    def __call__(self) -> Settings:
        with self._lock:
            now = self._clock()
            if self._value is None:
                self._value = self._load()
                self._next_read = now + self._ttl
            elif self._value.secrets_parameter and now >= self._next_read:
                self._refresh(now)
            return self._value

    def _refresh(self, now: float) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        from chalicelib.logs import get_logger

        try:
            fresh = self._load()
        except (BotoCoreError, ClientError, ValueError) as error:
            # SSM briefly unavailable, or a half-written rotation: keep serving with what works.
            get_logger("settings").warning(
                "secrets_refresh_failed", extra={"error": type(error).__name__}
            )
            self._next_read = now + SECRETS_RETRY_SECONDS
            return
        if fresh != self._value:
            get_logger("settings").info("settings_refreshed")
            self._value = fresh
        self._next_read = now + self._ttl

    def cache_clear(self) -> None:
        with self._lock:
            self._value = None


get_settings = SettingsCache()
