"""Write a stage of `.chalice/config.json` and its IAM policy from the deployed stack's outputs.

    python -m infra.stage_config prod            # after `aws cloudformation deploy ... ligat-prod`

The environment variables are the stack outputs the app reads (see local/provision.py); the
policy is policy-dev.json with the dev names replaced by the stage's, so it stays
least-privilege and table-scoped.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CHALICE = ROOT / ".chalice"
# Stack outputs -> the environment variables the app reads (chalicelib/settings.py, app.py).
OUTPUT_ENV = {
    "TableName": "LIGAT_TABLE_NAME",
    "InboundQueueUrl": "LIGAT_INBOUND_QUEUE_URL",
    "InboundQueueName": "LIGAT_INBOUND_QUEUE_NAME",
    "MediaBucketName": "LIGAT_MEDIA_BUCKET",
    "SenderEmail": "LIGAT_SENDER_EMAIL",
}


def stage_config(
    cloudformation: Any,
    stage: str,
    phone_number_id: str,
    chalice_dir: Path = CHALICE,
    graph_url: str = "https://graph.facebook.com/v25.0",
) -> dict[str, str]:
    stack = cloudformation.describe_stacks(StackName=f"ligat-{stage}")["Stacks"][0]
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
    environment = {env: outputs[key] for key, env in OUTPUT_ENV.items()}
    environment.update(
        {
            "LIGAT_STAGE": stage,
            "LIGAT_SECRETS_PARAMETER": f"/ligat/{stage}/secrets",
            "WHATSAPP_API_URL": graph_url,
            "WHATSAPP_PHONE_NUMBER_ID": phone_number_id,
        }
    )
    config_path = chalice_dir / "config.json"
    config = json.loads(config_path.read_text())
    config["stages"][stage] = {
        "api_gateway_stage": "api",
        "iam_policy_file": f"policy-{stage}.json",
        "environment_variables": environment,
    }
    config_path.write_text(json.dumps(config, indent=2, ensure_ascii=False) + "\n")
    policy = (chalice_dir / "policy-dev.json").read_text()
    policy = policy.replace("ligat-dev", f"ligat-{stage}").replace(
        "/ligat/dev/", f"/ligat/{stage}/"
    )
    policy = policy.replace("ligat@example.go.id", outputs["SenderEmail"])
    (chalice_dir / f"policy-{stage}.json").write_text(policy)
    return environment


def main() -> None:
    import boto3

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stage")
    parser.add_argument("--phone-number-id", required=True, help="WhatsApp business number id")
    args = parser.parse_args()
    environment = stage_config(boto3.client("cloudformation"), args.stage, args.phone_number_id)
    print(json.dumps(environment, indent=2))


if __name__ == "__main__":
    main()
