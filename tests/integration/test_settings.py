"""Deployed, the WhatsApp secrets come from one SSM SecureString, never from the repository."""

from __future__ import annotations

import json

import boto3

from chalicelib.settings import Settings


def test_secrets_are_read_from_ssm_when_not_in_the_environment(aws):
    boto3.client("ssm").put_parameter(
        Name="/ligat/test/secrets",
        Type="SecureString",
        Value=json.dumps(
            {
                "whatsapp_access_token": "token-from-ssm",
                "whatsapp_app_secret": "secret-from-ssm",
                "whatsapp_verify_token": "verify-from-ssm",
            }
        ),
    )
    settings = Settings.from_env(
        {"LIGAT_SECRETS_PARAMETER": "/ligat/test/secrets", "LIGAT_TABLE_NAME": aws["TableName"]}
    )
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
