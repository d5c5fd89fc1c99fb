"""Provision infra/template.yaml into an AWS endpoint (moto in tests and `make run`).

Moto's CloudFormation skips a few properties and types (TTL, SES identities, alarms, every
AWS::Cognito::* resource); the parts the app relies on are applied from the same template
afterwards, so the template stays the one source of truth.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from infra.stage_config import OUTPUT_ENV

TEMPLATE = Path(__file__).resolve().parent.parent / "infra" / "template.yaml"


class _CfnLoader(yaml.SafeLoader):
    """Reads CloudFormation short-form tags (!Ref, !Sub, ...) as plain values."""


def _tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return {suffix: loader.construct_scalar(node)}
    if isinstance(node, yaml.SequenceNode):
        return {suffix: loader.construct_sequence(node)}
    return {suffix: loader.construct_mapping(node)}  # type: ignore[arg-type]


_CfnLoader.add_multi_constructor("!", _tag)


def load_template() -> dict[str, Any]:
    return yaml.load(TEMPLATE.read_text(), Loader=_CfnLoader)


def provision(session: Any, stage: str = "local", stack_name: str | None = None) -> dict[str, str]:
    """Create the stack and return its outputs. `session` is a boto3 Session (or the module)."""
    stack_name = stack_name or f"ligat-{stage}"
    cloudformation = session.client("cloudformation")
    cloudformation.create_stack(
        StackName=stack_name,
        TemplateBody=TEMPLATE.read_text(),
        Parameters=[{"ParameterKey": "Stage", "ParameterValue": stage}],
    )
    waiter = cloudformation.get_waiter("stack_create_complete")
    waiter.wait(StackName=stack_name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    stack = cloudformation.describe_stacks(StackName=stack_name)["Stacks"][0]
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
    _apply_moto_gaps(session, outputs)
    outputs.update(_apply_cognito(session, stage))
    return outputs


def _apply_moto_gaps(session: Any, outputs: dict[str, str]) -> None:
    resources = load_template()["Resources"]
    ttl = resources["Table"]["Properties"]["TimeToLiveSpecification"]
    session.client("dynamodb").update_time_to_live(
        TableName=outputs["TableName"],
        TimeToLiveSpecification={"AttributeName": ttl["AttributeName"], "Enabled": True},
    )
    bucket = resources["MediaBucket"]["Properties"]
    s3 = session.client("s3")
    try:
        s3.get_public_access_block(Bucket=outputs["MediaBucketName"])
    except s3.exceptions.ClientError:
        s3.put_public_access_block(
            Bucket=outputs["MediaBucketName"],
            PublicAccessBlockConfiguration=bucket["PublicAccessBlockConfiguration"],
        )
    # moto's CloudFormation leaves the bucket unversioned; erasure must meet every version.
    versioning = bucket["VersioningConfiguration"]
    if (
        s3.get_bucket_versioning(Bucket=outputs["MediaBucketName"]).get("Status")
        != versioning["Status"]
    ):
        s3.put_bucket_versioning(
            Bucket=outputs["MediaBucketName"], VersioningConfiguration=versioning
        )
    session.client("ses").verify_email_identity(EmailAddress=outputs["SenderEmail"])


def _apply_cognito(session: Any, stage: str) -> dict[str, str]:
    """The user pool, its app client and groups, created through cognito-idp from the template's
    own properties (the CloudFormation names, but for PoolName, are the API's)."""
    resources = load_template()["Resources"]
    of_type = {
        kind: [r["Properties"] for r in resources.values() if r["Type"] == f"AWS::Cognito::{kind}"]
        for kind in ("UserPool", "UserPoolClient", "UserPoolGroup")
    }
    cognito = session.client("cognito-idp")
    [pool] = of_type["UserPool"]
    name = _sub(pool["UserPoolName"], stage)
    pool = {key: value for key, value in pool.items() if key != "UserPoolName"}
    created = cognito.create_user_pool(PoolName=name, **pool)["UserPool"]
    pool_id = created["Id"]
    [client] = of_type["UserPoolClient"]
    client = {**client, "UserPoolId": pool_id, "ClientName": _sub(client["ClientName"], stage)}
    client_id = cognito.create_user_pool_client(**client)["UserPoolClient"]["ClientId"]
    for group in of_type["UserPoolGroup"]:
        cognito.create_group(**{**group, "UserPoolId": pool_id})
    return {"UserPoolId": pool_id, "UserPoolClientId": client_id, "UserPoolArn": created["Arn"]}


def _sub(value: Any, stage: str) -> str:
    """A `!Sub` of the Stage parameter (the only one the Cognito resources use)."""
    text = value["Sub"] if isinstance(value, dict) else value
    return str(text).replace("${Stage}", stage)


def app_environment(outputs: dict[str, str]) -> dict[str, str]:
    return {env: outputs[key] for key, env in OUTPUT_ENV.items() if key in outputs}


def sign_in_environment(outputs: dict[str, str], aws_endpoint: str = "") -> dict[str, str]:
    """The staff sign-in variables (stack outputs, see app_environment); with a moto server
    endpoint, the URL of its copy of the pool's JWKS."""
    env = {k: v for k, v in app_environment(outputs).items() if "USER_POOL" in k}
    if aws_endpoint:
        jwks = f"{aws_endpoint}/{outputs['UserPoolId']}/.well-known/jwks.json"
        env["LIGAT_USER_POOL_JWKS_URL"] = jwks
    return env


def staff_sign_in(
    session: Any, outputs: dict[str, str], aws_endpoint: str, email: str, password: str
) -> dict[str, str]:
    """`make run`'s admin account (permanent password; it receives the daily rekap, so the
    local mailbox shows one) and the sign-in environment variables."""
    from chalicelib.staff.directory import StaffDirectory
    from chalicelib.store.staff import StaffStore

    store = StaffStore(session.client("dynamodb"), outputs["TableName"])
    directory = StaffDirectory(session.client("cognito-idp"), outputs["UserPoolId"], store)
    directory.ensure_admin(email, "Admin LIGAT", password, rekap_recipient=True)
    return sign_in_environment(outputs, aws_endpoint)
