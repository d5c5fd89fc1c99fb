"""Deployed, the WhatsApp secrets come from one SSM SecureString, never from the repository or
the functions' environment; they are read once per container and again after a rotation."""

from __future__ import annotations

import json

import boto3
import pytest

from chalicelib.settings import SECRETS_TTL_SECONDS, Settings, SettingsCache

PARAMETER = "/ligat/test/secrets"


def _store(**values: str) -> None:
    secrets = {
        "whatsapp_access_token": "token-from-ssm",
        "whatsapp_app_secret": "secret-from-ssm",
        "whatsapp_verify_token": "verify-from-ssm",
        **values,
    }
    boto3.client("ssm").put_parameter(
        Name=PARAMETER, Type="SecureString", Value=json.dumps(secrets), Overwrite=True
    )


def _deployed(stage: str = "prod") -> dict[str, str]:
    return {"LIGAT_STAGE": stage, "LIGAT_SECRETS_PARAMETER": PARAMETER}


def test_secrets_are_read_from_ssm_when_not_in_the_environment(aws):
    _store()
    settings = Settings.from_env(_deployed())
    assert settings.whatsapp_app_secret == "secret-from-ssm"
    assert settings.whatsapp_access_token == "token-from-ssm"
    assert settings.whatsapp_verify_token == "verify-from-ssm"


def test_environment_values_win_and_ssm_is_not_read(aws):
    settings = Settings.from_env(
        {
            "LIGAT_SECRETS_PARAMETER": "/ligat/test/missing",
            "WHATSAPP_ACCESS_TOKEN": "a",
            "WHATSAPP_APP_SECRET": "b",
            "WHATSAPP_VERIFY_TOKEN": "c",
        }
    )
    assert (settings.whatsapp_access_token, settings.whatsapp_app_secret) == ("a", "b")


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_an_empty_app_secret_is_an_error_in_every_deployed_stage(aws, stage):
    _store(whatsapp_app_secret="")
    with pytest.raises(ValueError, match=f"WHATSAPP_APP_SECRET.*make secrets STAGE={stage}"):
        Settings.from_env(_deployed(stage))


def test_an_empty_app_secret_is_an_error_inside_lambda_whatever_the_stage():
    with pytest.raises(ValueError, match="WHATSAPP_APP_SECRET"):
        Settings.from_env({"LIGAT_STAGE": "staging", "AWS_LAMBDA_FUNCTION_NAME": "ligat-staging"})


def test_local_runs_need_no_secrets():
    assert Settings.from_env({"LIGAT_STAGE": "local"}).whatsapp_app_secret == ""


class _Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_rotated_token_is_picked_up_after_the_ttl_without_a_redeploy(aws):
    _store()
    clock = _Clock()
    get_settings = SettingsCache(lambda: Settings.from_env(_deployed()), clock=clock)
    first = get_settings()
    _store(whatsapp_access_token="rotated-token")

    clock.now += SECRETS_TTL_SECONDS / 2
    assert get_settings() is first  # within the TTL: no SSM read, the same object
    clock.now += SECRETS_TTL_SECONDS
    refreshed = get_settings()
    assert refreshed is not first and refreshed.whatsapp_access_token == "rotated-token"
    clock.now += SECRETS_TTL_SECONDS + 1
    assert get_settings() is refreshed  # nothing changed: callers keep their clients


def test_a_failed_refresh_keeps_the_working_secrets(aws):
    _store()
    clock = _Clock()
    get_settings = SettingsCache(lambda: Settings.from_env(_deployed()), clock=clock)
    first = get_settings()
    boto3.client("ssm").delete_parameter(Name=PARAMETER)

    clock.now += SECRETS_TTL_SECONDS + 1
    assert get_settings() is first


def test_the_processor_services_are_rebuilt_with_a_rotated_token(aws, monkeypatch):
    from chalicelib import wiring

    _store()
    clock = _Clock()
    monkeypatch.setattr(wiring, "_built", [])
    monkeypatch.setattr(
        wiring, "get_settings", SettingsCache(lambda: Settings.from_env(_deployed()), clock=clock)
    )
    first = wiring.services()
    assert wiring.services() is first

    _store(whatsapp_access_token="rotated-token")
    clock.now += SECRETS_TTL_SECONDS + 1
    rebuilt = wiring.services()
    assert rebuilt is not first and rebuilt.settings.whatsapp_access_token == "rotated-token"


def test_a_deployed_webhook_without_its_app_secret_refuses_even_an_empty_key_signature(
    aws, monkeypatch
):
    from chalice.test import Client

    import app as ligat
    from chalicelib.settings import get_settings
    from local.provision import app_environment
    from tests import payloads as wa

    for name, value in app_environment(aws).items():
        monkeypatch.setenv(name, value)
    for name in ("WHATSAPP_ACCESS_TOKEN", "WHATSAPP_APP_SECRET", "WHATSAPP_VERIFY_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "ligat-prod")
    body, headers = wa.signed(wa.webhook([wa.text("halo")]), "")  # HMAC with an empty key

    get_settings.cache_clear()
    try:
        with Client(ligat.app, stage_name="local") as client:
            answer = client.http.post("/webhook", body=body, headers=headers)
    finally:
        get_settings.cache_clear()

    assert answer.status_code == 500
    queue = boto3.client("sqs").receive_message(QueueUrl=aws["InboundQueueUrl"])
    assert not queue.get("Messages")
