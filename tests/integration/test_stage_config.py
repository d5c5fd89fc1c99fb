"""A second engineer turns an already deployed stack into the Chalice stage in one command."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import boto3

from infra.policies import FUNCTIONS, policy_file
from infra.stage_config import CHALICE, MOTO_MISSING, OUTPUT_ENV, stage_config


def test_stage_config_is_written_from_the_stack_outputs(aws, tmp_path: Path):
    chalice_dir = tmp_path / ".chalice"
    shutil.copytree(CHALICE, chalice_dir, ignore=shutil.ignore_patterns("deploy*"))

    environment = stage_config(boto3.client("cloudformation"), "test", chalice_dir)

    config = json.loads((chalice_dir / "config.json").read_text())
    stage = config["stages"]["test"]
    assert stage["environment_variables"] == environment
    expected = {env: aws[key] for key, env in OUTPUT_ENV.items() if key not in MOTO_MISSING}
    assert {env: environment[env] for env in expected} == expected
    assert environment["LIGAT_SECRETS_PARAMETER"] == aws["SecretsParameterName"]
    assert environment["WHATSAPP_API_URL"].startswith("https://graph.facebook.com/")
    for function in FUNCTIONS:
        policy = (chalice_dir / stage["lambda_functions"][function]["iam_policy_file"]).read_text()
        assert aws["TableName"] in policy or function == "api_handler"
        assert "ligat-dev" not in policy
    assert config["stages"]["local"]  # other stages are kept
    assert sorted(p.name for p in chalice_dir.glob("policy-test-*.json")) == sorted(
        policy_file("test", f) for f in FUNCTIONS
    )


def test_once_deployed_the_stage_knows_its_console_url_for_the_rekap_links(aws, tmp_path: Path):
    chalice_dir = tmp_path / ".chalice"
    shutil.copytree(CHALICE, chalice_dir, ignore=shutil.ignore_patterns("deploy*"))
    cloudformation = boto3.client("cloudformation")
    assert "LIGAT_CONSOLE_URL" not in stage_config(cloudformation, "test", chalice_dir)

    api = "https://abc123.execute-api.ap-southeast-3.amazonaws.com/api/"
    (chalice_dir / "deployed").mkdir()
    record = {"resources": [{"resource_type": "rest_api", "rest_api_url": api}]}
    (chalice_dir / "deployed" / "test.json").write_text(json.dumps(record))

    environment = stage_config(cloudformation, "test", chalice_dir)
    assert environment["LIGAT_CONSOLE_URL"] == api.rstrip("/") + "/console"
