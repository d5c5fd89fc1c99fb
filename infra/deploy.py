"""`make deploy STAGE=prod`: from infra/template.yaml to a live webhook, in one idempotent command.

    python -m infra.deploy prod [--region ap-southeast-3] [--alarm-email ops@...]
        [--sender-email ligat@...] [--phone-number-id 1065...] [--dry-run]

1. create or update the stack `ligat-<stage>` (create_stack / update_stack and their waiters:
   CloudFormation change sets would need no more rights, but moto returns no outputs for them and
   the tests must prove this path); "No updates are to be performed" is success;
2. write the stage into `.chalice/config.json` and one IAM policy per function
   (infra/stage_config.py, infra/policies.py);
3. check the WhatsApp secrets exist in SSM (`make secrets STAGE=...` writes them);
4. `chalice deploy --stage <stage>` (skipped by --dry-run), then print the webhook URL and the
   verify token's hint to paste into Meta.

Parameters left out keep the stack's previous values, so a second run, or a second engineer
without the values at hand, changes nothing. Only boto3 is needed, no AWS CLI.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError, WaiterError

from infra.stage_config import (
    CHALICE,
    describe,
    rest_api_url,
    secrets_in_environment,
    stack_name,
    stage_config,
)
from local.provision import TEMPLATE, load_template

DEFAULT_REGION = "ap-southeast-3"  # Jakarta
STAGES = ("dev", "prod")
_FAILED = ("ROLLBACK_COMPLETE", "ROLLBACK_FAILED", "DELETE_FAILED", "UPDATE_ROLLBACK_FAILED")


class DeployError(Exception):
    """Something ops must fix; the message says what."""


@dataclass
class Deployment:
    stage: str
    stack: str  # "created", "updated" or "unchanged"
    outputs: dict[str, str]
    environment: dict[str, str]
    secrets_hint: str | None = None  # None: the secrets parameter does not exist yet
    webhook_url: str | None = None
    notes: list[str] = field(default_factory=list)


def deploy(
    session: Any,
    stage: str,
    parameters: dict[str, str] | None = None,
    chalice_dir: Path = CHALICE,
    dry_run: bool = False,
    progress: Callable[[str], None] = lambda _message: None,
) -> Deployment:
    """`session` is a boto3 Session (or the boto3 module) for the target account and region."""
    config = json.loads((chalice_dir / "config.json").read_text())
    leaked = secrets_in_environment(config)
    if leaked:
        raise DeployError(f"secrets in .chalice/config.json, remove them: {', '.join(leaked)}")
    cloudformation = session.client("cloudformation")
    progress(f"stack {stack_name(stage)}: creating or updating (a first creation takes minutes)")
    outcome = apply_stack(cloudformation, stage, parameters or {})
    progress(f"stack {stack_name(stage)}: {outcome}; writing .chalice/ for stage {stage}")
    environment = stage_config(cloudformation, stage, chalice_dir)
    outputs, _ = describe(cloudformation, stage)
    result = Deployment(stage, outcome, outputs, environment)
    result.secrets_hint = verify_token_hint(session.client("ssm"), outputs["SecretsParameterName"])
    if not environment["WHATSAPP_PHONE_NUMBER_ID"]:
        result.notes.append("no WhatsApp phone number id yet: rerun with PHONE_NUMBER_ID=...")
    if dry_run:
        result.notes.append(f"dry run: `chalice deploy --stage {stage}` not run")
        return result
    if result.secrets_hint is None:
        raise DeployError(
            f"SSM parameter {outputs['SecretsParameterName']} is missing: run "
            f"`make secrets STAGE={stage}` first, then deploy again"
        )
    region = session.client("cloudformation").meta.region_name
    progress(f"chalice deploy --stage {stage} ({region})")
    chalice_deploy(stage, region, outputs["InboundQueueName"], chalice_dir.parent)
    changed = report_batch_item_failures(
        session.client("lambda"), f"ligat-{stage}-process_inbound", outputs["InboundQueueArn"]
    )
    progress(f"partial batch responses on the inbound queue: {'set' if changed else 'already set'}")
    if "LIGAT_CONSOLE_URL" not in environment:
        # A first deployment learns its URL only now; the rekap's ticket links need it.
        result.environment = stage_config(cloudformation, stage, chalice_dir)
        progress(f"chalice deploy --stage {stage} again, with the console URL")
        chalice_deploy(stage, region, outputs["InboundQueueName"], chalice_dir.parent)
    result.webhook_url = webhook_url(chalice_dir, stage)
    return result


def apply_stack(cloudformation: Any, stage: str, given: dict[str, str]) -> str:
    """Create the stack, or update it in place; returns what happened."""
    name = stack_name(stage)
    status, previous = _current(cloudformation, name)
    if status in _FAILED:
        raise DeployError(
            f"stack {name} is {status}; see its events in the CloudFormation console. A stack "
            "whose first creation failed must be deleted before it can be created again "
            "(the table and bucket are retained and must then be imported or removed)."
        )
    values = {"Stage": stage, **{k: v for k, v in given.items() if v}}
    body = TEMPLATE.read_text()
    if status is None:
        cloudformation.create_stack(
            StackName=name,
            TemplateBody=body,
            Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in values.items()],
            EnableTerminationProtection=stage == "prod",
            Tags=[{"Key": "app", "Value": "ligat"}, {"Key": "stage", "Value": stage}],
        )
        _wait(cloudformation, "stack_create_complete", name)
        return "created"
    declared = set(load_template()["Parameters"])  # a parameter since removed is not kept
    kept = [
        {"ParameterKey": key, "UsePreviousValue": True}
        for key in previous
        if key in declared and key not in values
    ]
    try:
        cloudformation.update_stack(
            StackName=name,
            TemplateBody=body,
            Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in values.items()] + kept,
            Tags=[{"Key": "app", "Value": "ligat"}, {"Key": "stage", "Value": stage}],
        )
    except ClientError as error:
        if "No updates are to be performed" in str(error):
            return "unchanged"
        raise
    _wait(cloudformation, "stack_update_complete", name)
    return "updated"


def _current(cloudformation: Any, name: str) -> tuple[str | None, list[str]]:
    try:
        [stack] = cloudformation.describe_stacks(StackName=name)["Stacks"]
    except ClientError as error:
        if "does not exist" in str(error):
            return None, []
        raise
    return stack["StackStatus"], [p["ParameterKey"] for p in stack.get("Parameters", [])]


def _wait(cloudformation: Any, waiter: str, name: str) -> None:
    try:
        cloudformation.get_waiter(waiter).wait(
            StackName=name, WaiterConfig={"Delay": 5, "MaxAttempts": 360}
        )
    except WaiterError as error:
        events = cloudformation.describe_stack_events(StackName=name)["StackEvents"]
        reasons = [
            f"{e['LogicalResourceId']}: {e.get('ResourceStatusReason', '')}"
            for e in events
            if e["ResourceStatus"].endswith("FAILED")
        ]
        raise DeployError(f"stack {name} failed: " + "; ".join(reasons[:5])) from error


def verify_token_hint(ssm: Any, parameter: str) -> str | None:
    """What to type into Meta's "Verify token" field, without printing the whole secret."""
    try:
        value = ssm.get_parameter(Name=parameter, WithDecryption=True)["Parameter"]["Value"]
    except ClientError as error:
        if error.response["Error"]["Code"] == "ParameterNotFound":
            return None
        raise
    token = str(json.loads(value).get("whatsapp_verify_token", ""))
    return f"the one you gave `make secrets` ({token[:3]}…, {len(token)} characters)"


def chalice_deploy(stage: str, region: str, queue_name: str, project: Path) -> None:
    # app.py reads the queue name when chalice imports it, to wire the SQS event source.
    env = {**os.environ, "AWS_DEFAULT_REGION": region, "LIGAT_INBOUND_QUEUE_NAME": queue_name}
    chalice = Path(sys.executable).with_name("chalice")
    subprocess.run([str(chalice), "deploy", "--stage", stage], cwd=project, env=env, check=True)


def report_batch_item_failures(lambda_client: Any, function: str, queue_arn: str) -> int:
    """The processor answers with the records to retry (`batchItemFailures`); the SQS event
    source honours that only with ReportBatchItemFailures, which chalice cannot declare.
    Without it, a returned failure would count as success and the record would be lost.
    Returns how many mappings were changed (0 when already set: idempotent)."""
    mappings = lambda_client.list_event_source_mappings(
        FunctionName=function, EventSourceArn=queue_arn
    )["EventSourceMappings"]
    if not mappings:
        raise DeployError(f"{function} has no event source mapping on {queue_arn}")
    changed = 0
    for mapping in mappings:
        if "ReportBatchItemFailures" not in mapping.get("FunctionResponseTypes", []):
            lambda_client.update_event_source_mapping(
                UUID=mapping["UUID"], FunctionResponseTypes=["ReportBatchItemFailures"]
            )
            changed += 1
    return changed


def webhook_url(chalice_dir: Path, stage: str) -> str | None:
    api_url = rest_api_url(chalice_dir, stage)
    return f"{api_url}/webhook" if api_url else None


def report(result: Deployment) -> str:
    lines = [f"stack ligat-{result.stage}: {result.stack}"]
    if result.webhook_url:
        lines += [
            "",
            "In Meta's App Dashboard > WhatsApp > Configuration > Webhook:",
            f"  Callback URL:  {result.webhook_url}",
            f"  Verify token:  {result.secrets_hint}",
            "  then subscribe to the `messages` field.",
            "",
            f"Staff console: {result.webhook_url.removesuffix('/webhook')}/console/",
            "",
            f"Commit .chalice/ (config.json, policy-{result.stage}-*.json, "
            f"deployed/{result.stage}.json) so the next engineer deploys the same stage.",
        ]
    lines += [f"note: {note}" for note in result.notes]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    import boto3

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stage", choices=STAGES)
    parser.add_argument("--region", default=DEFAULT_REGION)
    parser.add_argument("--alarm-email", default="", help="subscribed to the alarm topic")
    parser.add_argument("--sender-email", default="", help="SES identity of rekap and alerts")
    parser.add_argument("--phone-number-id", default="", help="WhatsApp business number id")
    parser.add_argument("--dry-run", action="store_true", help="everything but chalice deploy")
    args = parser.parse_args(argv)
    parameters = {
        "AlarmEmail": args.alarm_email,
        "SenderEmail": args.sender_email,
        "WhatsAppPhoneNumberId": args.phone_number_id,
    }
    session = boto3.Session(region_name=args.region)
    try:
        result = deploy(session, args.stage, parameters, dry_run=args.dry_run, progress=print)
    except (DeployError, ClientError) as error:  # e.g. a deploy of the stage still in progress
        print(f"deploy failed: {error}", file=sys.stderr)
        return 1
    print(report(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
