"""Write a stage of `.chalice/config.json` and its per-function IAM policies from the stack.

    python -m infra.stage_config prod [--region ap-southeast-3]

`make deploy` runs this after creating or updating the stack; on its own it is useful to
refresh `.chalice/` from a stack someone else deployed. The environment variables are the stack
outputs the app reads; the policies are infra/policies.py applied to the stack's exact ARNs.
Secrets are never written here: the functions read them from SSM (chalicelib/settings.py).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from infra.policies import FUNCTIONS, policy, policy_file

ROOT = Path(__file__).resolve().parent.parent
CHALICE = ROOT / ".chalice"
GRAPH_API_URL = "https://graph.facebook.com/v25.0"
# Stack outputs -> the environment variables the app reads (chalicelib/settings.py, app.py).
OUTPUT_ENV = {
    "TableName": "LIGAT_TABLE_NAME",
    "InboundQueueUrl": "LIGAT_INBOUND_QUEUE_URL",
    "InboundQueueName": "LIGAT_INBOUND_QUEUE_NAME",
    "MediaBucketName": "LIGAT_MEDIA_BUCKET",
    "SenderEmail": "LIGAT_SENDER_EMAIL",
    "UserPoolId": "LIGAT_USER_POOL_ID",
    "UserPoolClientId": "LIGAT_USER_POOL_CLIENT_ID",
}
# Outputs moto's CloudFormation leaves out (it skips every Cognito resource; local/provision.py
# creates the pool and fills them in). AWS always has them.
MOTO_MISSING = frozenset({"UserPoolId", "UserPoolClientId"})
# Never in a function's environment (SPEC §5: from SSM in AWS).
SECRET_VARIABLES = ("WHATSAPP_ACCESS_TOKEN", "WHATSAPP_APP_SECRET", "WHATSAPP_VERIFY_TOKEN")


def stack_name(stage: str) -> str:
    return f"ligat-{stage}"


def describe(cloudformation: Any, stage: str) -> tuple[dict[str, str], dict[str, str]]:
    """The stack's outputs and parameters."""
    stack = cloudformation.describe_stacks(StackName=stack_name(stage))["Stacks"][0]
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
    parameters = {p["ParameterKey"]: p.get("ParameterValue", "") for p in stack["Parameters"]}
    return outputs, parameters


def rest_api_url(chalice_dir: Path, stage: str) -> str | None:
    """The stage's API URL as chalice recorded it in .chalice/deployed/<stage>.json."""
    deployed = chalice_dir / "deployed" / f"{stage}.json"
    if not deployed.exists():
        return None
    for resource in json.loads(deployed.read_text()).get("resources", []):
        if resource.get("resource_type") == "rest_api":
            return str(resource["rest_api_url"]).rstrip("/")
    return None


def stage_config(
    cloudformation: Any,
    stage: str,
    chalice_dir: Path = CHALICE,
    graph_url: str = GRAPH_API_URL,
    known: dict[str, str] | None = None,
) -> dict[str, str]:
    """Record the stage in `chalice_dir`; returns the functions' environment. `known` outputs
    take precedence over the stack's: local/provision.py's, which fill in what moto's
    CloudFormation leaves out or unresolved (the Cognito pool)."""
    outputs, parameters = describe(cloudformation, stage)
    outputs = {**outputs, **(known or {})}
    environment = {
        env: outputs[key]
        for key, env in OUTPUT_ENV.items()
        if key in outputs or key not in MOTO_MISSING
    }
    environment.update(
        {
            "LIGAT_STAGE": stage,
            # Deployed only: locally the secrets are in the environment (local/run.py).
            "LIGAT_SECRETS_PARAMETER": outputs["SecretsParameterName"],
            "WHATSAPP_API_URL": graph_url,
            "WHATSAPP_PHONE_NUMBER_ID": parameters.get("WhatsAppPhoneNumberId", ""),
        }
    )
    api_url = rest_api_url(chalice_dir, stage)
    if api_url:  # known once chalice has deployed the stage: the rekap's ticket links
        environment["LIGAT_CONSOLE_URL"] = f"{api_url}/console"
    config_path = chalice_dir / "config.json"
    config = json.loads(config_path.read_text())
    config["stages"][stage] = {
        # The API's stage is named after ours, so the API Gateway metrics (and the webhook 5xx
        # alarm of infra/template.yaml) of dev and prod differ even in one account.
        "api_gateway_stage": stage,
        "environment_variables": environment,
        "lambda_functions": {
            function: {"iam_policy_file": policy_file(stage, function)} for function in FUNCTIONS
        },
    }
    config_path.write_text(json.dumps(config, indent=2, ensure_ascii=False) + "\n")
    for function in FUNCTIONS:
        document = json.dumps(policy(function, outputs), indent=2) + "\n"
        (chalice_dir / policy_file(stage, function)).write_text(document)
    return environment


def secrets_in_environment(config: dict[str, Any]) -> list[str]:
    """Where a secret was put into a function's environment by hand (never allowed)."""
    found = [name for name in SECRET_VARIABLES if name in config.get("environment_variables", {})]
    for stage, settings in config.get("stages", {}).items():
        found += [
            f"{stage}: {name}"
            for name in SECRET_VARIABLES
            if name in settings.get("environment_variables", {})
        ]
    return found


def main() -> None:
    import boto3

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stage")
    parser.add_argument("--region", default=None, help="default: the AWS configuration's")
    args = parser.parse_args()
    cloudformation = boto3.client("cloudformation", region_name=args.region)
    print(json.dumps(stage_config(cloudformation, args.stage), indent=2))


if __name__ == "__main__":
    main()
