"""`make secrets STAGE=prod`: store (or rotate) the WhatsApp secrets in SSM Parameter Store.

    python -m infra.secrets prod [--region ap-southeast-3]

Asks for the app secret, the access token and the verify token without echoing them (getpass),
so they never reach the repository, the shell history or a function's environment, and writes
them as one SecureString JSON at /ligat/<stage>/secrets (encrypted with the account's
aws/ssm key). Pressing Enter keeps a value already stored, so rotating the access token is one
command; running functions pick the new value up within five minutes
(chalicelib/settings.py), without a redeploy. An empty verify token is generated.
"""

from __future__ import annotations

import argparse
import getpass
import json
import re
import secrets
import sys
from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError

from chalicelib.settings import SECRETS

PROMPTS = {
    "whatsapp_app_secret": "App secret (Meta App Dashboard > App settings > Basic)",
    "whatsapp_access_token": "Permanent access token (Business Settings > System users)",
    "whatsapp_verify_token": "Webhook verify token (any string you choose; Enter to generate)",
}
# What Meta's values look like; a mismatch is usually a copy-paste slip, so it is refused.
SHAPES = {
    "whatsapp_app_secret": re.compile(r"[0-9a-f]{32}"),
    "whatsapp_access_token": re.compile(r"EAA[0-9A-Za-z]{20,}"),
    "whatsapp_verify_token": re.compile(r"[!-~]{8,128}"),
}


def parameter_name(stage: str) -> str:
    return f"/ligat/{stage}/secrets"


def stored(ssm: Any, parameter: str) -> dict[str, str]:
    try:
        value = ssm.get_parameter(Name=parameter, WithDecryption=True)["Parameter"]["Value"]
    except ClientError as error:
        if error.response["Error"]["Code"] == "ParameterNotFound":
            return {}
        raise
    return {k: str(v) for k, v in json.loads(value).items() if k in SECRETS}


def collect(
    existing: dict[str, str], ask: Callable[[str], str] = getpass.getpass
) -> tuple[dict[str, str], list[str]]:
    """Ask for each secret; returns the values and what was generated (to show once)."""
    values, generated = {}, []
    for key in SECRETS:
        keep = " [Enter keeps the stored one]" if existing.get(key) else ""
        answer = ask(f"{PROMPTS[key]}{keep}: ").strip()
        if not answer and existing.get(key):
            answer = existing[key]
        elif not answer and key == "whatsapp_verify_token":
            answer = secrets.token_urlsafe(24)
            generated.append(key)
        if not SHAPES[key].fullmatch(answer):
            raise ValueError(f"{PROMPTS[key].split(' (')[0]} does not look right; nothing stored")
        values[key] = answer
    return values, generated


def store(ssm: Any, parameter: str, values: dict[str, str]) -> int:
    """Write the SecureString; returns its new version."""
    response = ssm.put_parameter(
        Name=parameter,
        Description="LIGAT WhatsApp secrets (make secrets)",
        Value=json.dumps({key: values[key] for key in SECRETS}),
        Type="SecureString",
        Overwrite=True,
    )
    return int(response["Version"])


def main(argv: list[str] | None = None) -> int:
    import boto3

    from infra.deploy import DEFAULT_REGION, STAGES

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stage", choices=STAGES)
    parser.add_argument("--region", default=DEFAULT_REGION)
    args = parser.parse_args(argv)
    ssm = boto3.client("ssm", region_name=args.region)
    parameter = parameter_name(args.stage)
    try:
        values, generated = collect(stored(ssm, parameter))
    except ValueError as error:
        print(error, file=sys.stderr)
        return 1
    version = store(ssm, parameter, values)
    print(f"stored {parameter} (version {version}) in {args.region}")
    if "whatsapp_verify_token" in generated:
        print(f"generated verify token, paste it into Meta: {values['whatsapp_verify_token']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
