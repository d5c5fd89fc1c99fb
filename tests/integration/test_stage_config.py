"""Ops turn a deployed stack into a Chalice stage in one command."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import boto3

from infra.stage_config import CHALICE, stage_config


def test_stage_config_is_written_from_the_stack_outputs(aws, tmp_path: Path):
    chalice_dir = tmp_path / ".chalice"
    shutil.copytree(CHALICE, chalice_dir)

    environment = stage_config(boto3.client("cloudformation"), "test", "1234567890", chalice_dir)

    config = json.loads((chalice_dir / "config.json").read_text())
    stage = config["stages"]["test"]
    assert stage["environment_variables"] == environment
    assert environment["LIGAT_TABLE_NAME"] == aws["TableName"]
    assert environment["LIGAT_INBOUND_QUEUE_URL"] == aws["InboundQueueUrl"]
    assert environment["LIGAT_SECRETS_PARAMETER"] == "/ligat/test/secrets"
    policy = (chalice_dir / stage["iam_policy_file"]).read_text()
    assert "ligat-test" in policy and "ligat-dev" not in policy
    assert config["stages"]["dev"]  # other stages are kept
