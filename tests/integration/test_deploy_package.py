"""The Lambda package: `chalice package` of the stage `make deploy` records builds from prebuilt
arm64 wheels only, stays small, and cfn-lint passes on it and on infra/template.yaml. Every
function it holds has its log group (with a retention) in the template and its own policy."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from infra.package import build
from infra.policies import FUNCTIONS, policy_file
from infra.stage_config import ROOT
from local.provision import load_template

STAGE = "prod"
MAX_ZIPPED_BYTES = 10 * 1024 * 1024
BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A copy of the project, its prod stage recorded from a moto stack, then packaged."""
    built = build(tmp_path_factory.mktemp("package"), STAGE)
    sam = json.loads((built.out / "sam.json").read_text())
    return {"project": built.project, "zip": built.zip, "sam": sam, "out": built.out}


def _functions(sam: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """chalice's function name -> its SAM resource (the API handler's handler is app.app)."""
    functions = {}
    for resource in sam["Resources"].values():
        if resource["Type"] == "AWS::Serverless::Function":
            handler = resource["Properties"]["Handler"].removeprefix("app.")
            functions["api_handler" if handler == "app" else handler] = resource
    return functions


def test_cfn_lint_passes_on_the_package_and_the_infra_template(package):
    files = [package["out"] / "sam.json", ROOT / "infra" / "template.yaml"]
    lint = subprocess.run(
        [str(BIN / "cfn-lint"), *map(str, files)],
        capture_output=True,
        text=True,
    )
    assert lint.returncode == 0, lint.stdout + lint.stderr


ELF_AARCH64 = 0xB7  # e_machine of an ELF for ARM 64-bit


def test_package_is_arm64_small_and_without_boto3(package):
    assert package["zip"].stat().st_size <= MAX_ZIPPED_BYTES
    with zipfile.ZipFile(package["zip"]) as archive:
        names = archive.namelist()
        extensions = [n for n in names if n.endswith(".so")]
        # Prebuilt Graviton wheels: every native library is an AArch64 ELF (abi3 libraries
        # such as cryptography's do not say so in their names).
        machines = {n: int.from_bytes(archive.read(n)[18:20], "little") for n in extensions}
    assert extensions and set(machines.values()) == {ELF_AARCH64}, machines
    assert not [n for n in names if n.startswith(("boto3/", "botocore/"))]
    assert {"app.py", "chalicelib/conversation/copy.yaml"} <= set(names)
    for resource in _functions(package["sam"]).values():
        assert resource["Properties"]["Architectures"] == ["arm64"]


def test_every_function_has_its_policy_and_a_retained_log_group(package):
    functions = _functions(package["sam"])
    assert set(functions) == set(FUNCTIONS)

    groups = {
        r["Properties"]["LogGroupName"]["Sub"]: r["Properties"]
        for r in load_template()["Resources"].values()
        if r["Type"] == "AWS::Logs::LogGroup"
    }
    # The names chalice deploy gives: ligat-<stage> for the API handler, else ligat-<stage>-<fn>.
    expected = {
        "/aws/lambda/ligat-${Stage}" + ("" if f == "api_handler" else f"-{f}") for f in functions
    }
    assert set(groups) == expected
    assert all(group["RetentionInDays"] for group in groups.values())

    config = json.loads((package["project"] / ".chalice" / "config.json").read_text())
    assert config["autogen_policy"] is False
    for function, resource in functions.items():
        role_id = resource["Properties"]["Role"]["Fn::GetAtt"][0]
        [inline] = package["sam"]["Resources"][role_id]["Properties"]["Policies"]
        policy_path = package["project"] / ".chalice" / policy_file(STAGE, function)
        assert inline["PolicyDocument"] == json.loads(policy_path.read_text())


def test_template_declares_an_alarm_for_every_operational_failure():
    template = load_template()
    resources = template["Resources"]
    alarms = {
        r["Properties"]["AlarmName"]["Sub"].removeprefix("ligat-${Stage}-")
        for r in resources.values()
        if r["Type"] == "AWS::CloudWatch::Alarm"
    }
    assert {
        "inbound-dead-letters",
        "processor-errors",
        "processor-throttles",
        "webhook-5xx",
        "outbox-stuck",
        "evidence-copies-failing",
        "rekap-not-sent",
        "whatsapp-token-or-template",
    } <= alarms
    topic = resources["AlarmTopic"]["Properties"]
    assert topic["KmsMasterKeyId"] == {"Ref": "AlarmKey"}  # not alias/aws/sns
    statements = resources["AlarmKey"]["Properties"]["KeyPolicy"]["Statement"]
    assert any(s["Principal"].get("Service") == "cloudwatch.amazonaws.com" for s in statements)


# Log events the alarms watch that the code does not write yet (see docs/runbook.md).
AWAITED_EVENTS: set[str] = set()


def test_every_log_event_an_alarm_watches_is_logged_by_the_code():
    patterns = [
        r["Properties"]["FilterPattern"]
        for r in load_template()["Resources"].values()
        if r["Type"] == "AWS::Logs::MetricFilter"
    ]
    watched = {m for p in patterns for m in re.findall(r'\$\.event = "(\w+)"', p)}
    code = "\n".join(p.read_text() for p in (ROOT / "chalicelib").rglob("*.py"))
    logged = {event for event in watched if f'"{event}"' in code}
    assert watched - logged == AWAITED_EVENTS
    assert "operator_action" in code
