"""The one settings object: every knob the app reads from its environment.

Deployed, the stack outputs arrive through `.chalice/config.json` and secrets from SSM Parameter
Store (a SecureString JSON named by LIGAT_SECRETS_PARAMETER); locally `make run` exports them.
"""

from __future__ import annotations

import json
import os
from functools import lru_cache

from pydantic import BaseModel, Field

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
    "secrets_parameter": "LIGAT_SECRETS_PARAMETER",
    "user_pool_id": "LIGAT_USER_POOL_ID",
    "user_pool_client_id": "LIGAT_USER_POOL_CLIENT_ID",
    "user_pool_region": "LIGAT_USER_POOL_REGION",
    "user_pool_jwks_url": "LIGAT_USER_POOL_JWKS_URL",
}
_SECRETS = ("whatsapp_access_token", "whatsapp_app_secret", "whatsapp_verify_token")


class Settings(BaseModel):
    stage: str = "dev"
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
    secrets_parameter: str = ""
    graph_timeout_seconds: float = 10.0
    # Staff sign-in (Cognito). The region defaults to the pool id's prefix ("ap-southeast-3_...");
    # the JWKS URL defaults to the pool's AWS URL and is overridden only by `make run` (moto).
    user_pool_id: str = ""
    user_pool_client_id: str = ""
    user_pool_region: str = ""
    user_pool_jwks_url: str = ""

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        values = {field: env[name] for field, name in _ENV.items() if env.get(name)}
        settings = cls(**values)
        if settings.secrets_parameter and not all(getattr(settings, s) for s in _SECRETS):
            settings = settings.model_copy(update=_read_secrets(settings.secrets_parameter))
        return settings


def _read_secrets(parameter: str) -> dict[str, str]:
    from chalicelib.aws import client

    value = client("ssm").get_parameter(Name=parameter, WithDecryption=True)["Parameter"]["Value"]
    stored = json.loads(value)
    return {key: stored[key] for key in _SECRETS if stored.get(key)}


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings.from_env()
