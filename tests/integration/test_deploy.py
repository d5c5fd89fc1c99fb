"""`make deploy` against moto: the stack is created, then updated in place, and the stage is
recorded in .chalice/ (config and one policy per function); chalice deploy itself is not run
(moto cannot host the API, see shared/LOCAL-AWS-FACTS.md)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from infra import deploy as deployer
from infra.policies import FUNCTIONS, policy_file
from infra.stage_config import CHALICE
from infra.whatsapp_secrets import collect, parameter_name, store, stored

APP_SECRET = "0123456789abcdef0123456789abcdef"
TOKEN = "EAAGm0PX4ZCpsBAabcdefghijklmnopqrstuvwxyz"


@pytest.fixture
def chalice_dir(tmp_path: Path) -> Path:
    target = tmp_path / ".chalice"
    shutil.copytree(CHALICE, target, ignore=shutil.ignore_patterns("deployments", "deployed"))
    return target


@pytest.fixture
def account():
    with mock_aws():
        yield boto3


def _deploy(account, chalice_dir, **parameters):
    return deployer.deploy(account, "prod", parameters, chalice_dir, dry_run=True)


def test_dry_run_creates_the_stack_and_records_the_stage(account, chalice_dir):
    result = _deploy(account, chalice_dir, WhatsAppPhoneNumberId="1065")

    assert result.stack == "created"
    stack = account.client("cloudformation").describe_stacks(StackName="ligat-prod")["Stacks"][0]
    assert stack["EnableTerminationProtection"] is True
    config = json.loads((chalice_dir / "config.json").read_text())
    stage = config["stages"]["prod"]
    env = stage["environment_variables"]
    assert env["LIGAT_TABLE_NAME"] == result.outputs["TableName"] == "ligat-prod"
    assert env["LIGAT_INBOUND_QUEUE_URL"] == result.outputs["InboundQueueUrl"]
    assert env["LIGAT_SECRETS_PARAMETER"] == "/ligat/prod/secrets"
    assert env["WHATSAPP_PHONE_NUMBER_ID"] == "1065"
    assert not set(env) & {"WHATSAPP_APP_SECRET", "WHATSAPP_ACCESS_TOKEN", "WHATSAPP_VERIFY_TOKEN"}
    assert stage["api_gateway_stage"] == "prod"
    assert config["stages"]["local"]  # other stages are kept
    for function in FUNCTIONS:
        path = stage["lambda_functions"][function]["iam_policy_file"]
        assert path == policy_file("prod", function)
        document = json.loads((chalice_dir / path).read_text())
        assert "ligat-prod" in json.dumps(document)
    assert result.secrets_hint is None  # `make secrets` not run yet
    assert any("dry run" in note for note in result.notes)


def test_second_run_keeps_everything_and_changes_only_what_is_given(account, chalice_dir):
    _deploy(account, chalice_dir, WhatsAppPhoneNumberId="1065", AlarmEmail="ops@example.go.id")
    before = json.loads((chalice_dir / "config.json").read_text())

    again = _deploy(account, chalice_dir)  # a second engineer, with no values at hand

    assert again.stack in ("updated", "unchanged")
    assert json.loads((chalice_dir / "config.json").read_text()) == before
    parameters = {
        p["ParameterKey"]: p["ParameterValue"]
        for p in account.client("cloudformation").describe_stacks(StackName="ligat-prod")["Stacks"][
            0
        ]["Parameters"]
    }
    assert parameters["WhatsAppPhoneNumberId"] == "1065"
    assert parameters["AlarmEmail"] == "ops@example.go.id"
    assert len(account.client("dynamodb").list_tables()["TableNames"]) == 1


def test_no_updates_is_success(account, chalice_dir, monkeypatch):
    _deploy(account, chalice_dir)
    cloudformation = account.client("cloudformation")

    def unchanged(**_kwargs):
        raise cloudformation.exceptions.ClientError(
            {"Error": {"Code": "ValidationError", "Message": "No updates are to be performed."}},
            "UpdateStack",
        )

    monkeypatch.setattr(cloudformation, "update_stack", unchanged)
    assert deployer.apply_stack(cloudformation, "prod", {}) == "unchanged"


def test_real_deploy_refuses_without_the_secrets(account, chalice_dir):
    with pytest.raises(deployer.DeployError, match="make secrets STAGE=prod"):
        deployer.deploy(account, "prod", {}, chalice_dir, dry_run=False)


def test_secrets_in_the_functions_environment_are_refused(account, chalice_dir):
    config = json.loads((chalice_dir / "config.json").read_text())
    config["stages"]["local"]["environment_variables"]["WHATSAPP_APP_SECRET"] = "oops"
    (chalice_dir / "config.json").write_text(json.dumps(config))
    with pytest.raises(deployer.DeployError, match="WHATSAPP_APP_SECRET"):
        _deploy(account, chalice_dir)


def test_make_secrets_stores_a_securestring_and_keeps_values_on_enter(account, chalice_dir):
    ssm = account.client("ssm")
    answers = iter([TOKEN, APP_SECRET, ""])  # the order of chalicelib.settings.SECRETS
    values, generated = collect({}, lambda _prompt: next(answers))
    assert generated == ["whatsapp_verify_token"] and len(values["whatsapp_verify_token"]) >= 24
    store(ssm, parameter_name("prod"), values)
    described = ssm.get_parameter(Name="/ligat/prod/secrets")["Parameter"]
    assert described["Type"] == "SecureString"

    rotation = iter([TOKEN + "x", "", ""])
    rotated, _ = collect(stored(ssm, "/ligat/prod/secrets"), lambda _prompt: next(rotation))
    assert rotated == {**values, "whatsapp_access_token": TOKEN + "x"}

    result = _deploy(account, chalice_dir)
    assert result.secrets_hint and result.secrets_hint.startswith("the one you gave")
    assert values["whatsapp_verify_token"] not in result.secrets_hint


def test_make_secrets_refuses_a_mistyped_value():
    with pytest.raises(ValueError, match="access token does not look right"):
        collect({}, lambda _prompt: "not-a-secret")


def test_the_report_says_what_to_paste_into_meta(chalice_dir):
    deployed = chalice_dir / "deployed"
    deployed.mkdir()
    (deployed / "prod.json").write_text(
        json.dumps(
            {
                "schema_version": "2.0",
                "resources": [
                    {"name": "api_handler", "resource_type": "lambda_function"},
                    {
                        "name": "rest_api",
                        "resource_type": "rest_api",
                        "rest_api_id": "abc123",
                        "rest_api_url": "https://abc123.execute-api.ap-southeast-3.amazonaws.com/prod/",
                    },
                ],
            }
        )
    )
    url = deployer.webhook_url(chalice_dir, "prod")
    assert url == "https://abc123.execute-api.ap-southeast-3.amazonaws.com/prod/webhook"
    result = deployer.Deployment("prod", "unchanged", {}, {}, "the one you gave", url)
    text = deployer.report(result)
    assert f"Callback URL:  {url}" in text and "deployed/prod.json" in text
    console = "https://abc123.execute-api.ap-southeast-3.amazonaws.com/prod/console/"
    assert f"Staff console: {console}" in text


class FakeLambda:
    """The two event-source-mapping calls the deploy makes, on a recorded mapping."""

    def __init__(self, response_types: list[str]):
        self.mapping = {"UUID": "m-1", "FunctionResponseTypes": response_types}
        self.updates: list[dict] = []

    def list_event_source_mappings(self, FunctionName: str, EventSourceArn: str) -> dict:
        assert FunctionName == "ligat-prod-process_inbound"
        return {"EventSourceMappings": [self.mapping]}

    def update_event_source_mapping(self, **update) -> None:
        self.updates.append(update)
        self.mapping["FunctionResponseTypes"] = update["FunctionResponseTypes"]


def test_deploy_turns_on_partial_batch_responses_once():
    lambda_ = FakeLambda([])
    queue = "arn:aws:sqs:ap-southeast-3:123456789012:ligat-prod-inbound.fifo"
    assert deployer.report_batch_item_failures(lambda_, "ligat-prod-process_inbound", queue) == 1
    assert deployer.report_batch_item_failures(lambda_, "ligat-prod-process_inbound", queue) == 0
    assert lambda_.updates == [
        {"UUID": "m-1", "FunctionResponseTypes": ["ReportBatchItemFailures"]}
    ]
