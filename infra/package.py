"""Build the Lambda package exactly as `make deploy` would, without an AWS account.

A copy of the project gets its stage recorded from a stack created in moto (the dry run of
infra/deploy.py), then `chalice package` builds the deployment zip and the SAM template from it.
tests/integration/test_deploy_package.py lints and inspects the result; `make bench` reports
its size. Packaging uses prebuilt manylinux wheels for arm64 only (see README "Packaging").
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

from infra.stage_config import ROOT

CHALICE = Path(sys.executable).with_name("chalice")


@dataclass(frozen=True)
class Package:
    project: Path  # the copy, with .chalice/ holding the recorded stage and policies
    out: Path  # deployment.zip and sam.json
    seconds: float  # time `chalice package` took

    @property
    def zip(self) -> Path:
        return self.out / "deployment.zip"

    @property
    def zipped_bytes(self) -> int:
        return self.zip.stat().st_size

    @property
    def unzipped_bytes(self) -> int:
        with zipfile.ZipFile(self.zip) as archive:
            return sum(info.file_size for info in archive.infolist())


def build(workdir: Path, stage: str = "prod") -> Package:
    import boto3
    from moto import mock_aws

    from infra.deploy import deploy

    project = workdir / "project"
    project.mkdir(parents=True)
    for name in ("app.py", "requirements.txt"):
        shutil.copy(ROOT / name, project / name)
    shutil.copytree(
        ROOT / "chalicelib",
        project / "chalicelib",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
    )
    (project / ".chalice").mkdir()
    shutil.copy(ROOT / ".chalice" / "config.json", project / ".chalice" / "config.json")
    region = {"AWS_DEFAULT_REGION": "ap-southeast-3"}
    saved = {name: os.environ.get(name) for name in ("AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL")}
    os.environ.update(region)
    os.environ.pop("AWS_ENDPOINT_URL", None)
    try:
        with mock_aws():
            result = deploy(boto3, stage, {}, project / ".chalice", dry_run=True)
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    out = workdir / "out"
    env = {
        **os.environ,
        **region,
        "LIGAT_INBOUND_QUEUE_NAME": result.outputs["InboundQueueName"],
    }
    started = time.perf_counter()
    subprocess.run(
        [str(CHALICE), "package", "--stage", stage, str(out)],
        cwd=project,
        env=env,
        check=True,
        capture_output=True,
        timeout=600,
    )
    return Package(project, out, time.perf_counter() - started)
