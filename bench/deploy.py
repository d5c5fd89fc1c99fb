"""Figures for ops: the Lambda package's size, and what a month at the office's scale costs.

Package: `infra.package.build` (the stage recorded from a moto stack, then `chalice package`),
zipped and unzipped; target <= 10 MB zipped.

Cost: AWS calls are counted on the bench's moto stack (botocore hooks, like bench/calls.py) for
an information conversation, a whole complaint, a delivery status and one run of the sweep;
DynamoDB capacity units are estimated from each request's items. They are multiplied by the
workload below and priced with the constants below. Prices are list prices in USD for
ap-southeast-3 (Jakarta) as known on PRICES_AS_OF; nothing is fetched (no network here), so
check them against the AWS pricing pages before quoting. Free tiers are not subtracted.
"""

from __future__ import annotations

import json
import math
import tempfile
import warnings
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.calls import _complaint, _text, count_aws_calls, new_citizen
from bench.core import INFO, Context, Row, at_most_row, figure
from bench.stack import BenchStack

MB = 1024 * 1024
PACKAGE_LIMIT_MB = 10

# -- prices (USD, ap-southeast-3) ------------------------------------------------------------
PRICES_AS_OF = "2026-12-02"
LAMBDA_REQUEST = 0.20 / 1e6
LAMBDA_ARM_GB_SECOND = 0.0000133334
API_GATEWAY_REST_REQUEST = 3.50 / 1e6
SQS_FIFO_REQUEST = 0.50 / 1e6
DYNAMODB_WRITE_UNIT = 0.7125 / 1e6  # on demand
DYNAMODB_READ_UNIT = 0.1425 / 1e6
DYNAMODB_GB_MONTH = 0.285
DYNAMODB_PITR_GB_MONTH = 0.228
S3_GB_MONTH = 0.025
S3_PUT = 0.005 / 1000
SES_EMAIL = 0.10 / 1000
CLOUDWATCH_ALARM_METRIC = 0.10  # per metric an alarm watches, per month
CLOUDWATCH_CUSTOM_METRIC = 0.30
CLOUDWATCH_LOGS_GB = 0.66
KMS_KEY_MONTH = 1.00
KMS_REQUEST = 0.03 / 10_000  # SecureString reads decrypt with the aws/ssm key

# -- the office's month ----------------------------------------------------------------------
CONVERSATIONS = 10_000
TICKETS = 500  # of those conversations, the ones that file a complaint or request
STATUSES_PER_REPLY = 3  # sent, delivered, read: one webhook each
URGENT_SHARE = 0.1  # urgent tickets also e-mail the duty officer
REKAP_EMAILS = 30 * 5  # one rekap a day to five staff
EVIDENCE_BYTES_PER_TICKET = 500_000  # one photo
SWEEP_RUNS = 60 * 24 * 30  # the one-minute schedule
SQS_POLLS = 5 * 3 * 60 * 24 * 30  # Lambda's idle long polling: 5 pollers, 20 s each
SETTINGS_READS = 3 * 12 * 24 * 30  # three functions' warm containers, every 5 minutes
MILLISECONDS = {"webhook": 30, "processor": 250, "sweep": 80}  # assumed, arm64
LOG_BYTES_PER_INVOCATION = 1_000  # our JSON lines plus Lambda's START/END/REPORT
STORED_GB = 1.0  # the table after a few years; evidence is counted separately


@figure
def package_size(ctx: Context) -> Row:
    from infra.package import build

    with tempfile.TemporaryDirectory(prefix="ligat-package-") as workdir, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # moto: "No CloudFormation support for ..." (alarms)
        built = build(Path(workdir))
        zipped, unzipped = built.zipped_bytes / MB, built.unzipped_bytes / MB
        seconds = built.seconds
    return at_most_row(
        "Lambda package (arm64, zipped)",
        round(zipped, 2),
        PACKAGE_LIMIT_MB,
        "MB",
        [f"unzipped {unzipped:.1f} MB; `chalice package` took {seconds:.0f} s, no source build"],
    )


class CapacityCounter:
    """Estimated DynamoDB request units of the calls made while active (1 KB writes, 4 KB
    strongly consistent reads; transactional writes count twice; a GSI key written adds a
    write per index)."""

    def __init__(self) -> None:
        self.active = False
        self.reads = 0.0
        self.writes = 0.0

    def __call__(self, model: Any = None, params: Any = None, **_kwargs: Any) -> None:
        if not self.active or model is None or params is None:
            return
        name = model.name
        if name == "TransactWriteItems":
            for item in params["TransactItems"]:
                for body in item.values():
                    self.writes += 2 * _write_units(body)
        elif name in ("PutItem", "UpdateItem", "DeleteItem"):
            self.writes += _write_units(params)
        elif name == "BatchGetItem":
            self.reads += sum(len(t["Keys"]) for t in params["RequestItems"].values())
        elif name in ("GetItem", "Query", "Scan"):
            self.reads += 1


def _write_units(body: dict[str, Any]) -> float:
    item = body.get("Item") or body.get("ExpressionAttributeValues") or {}
    size = len(json.dumps(item, default=str))
    text = json.dumps(body, default=str)
    indexes = sum(f"gsi{i}" in text for i in (1, 2, 3))
    return math.ceil(max(size, 1) / 1024) + indexes


def _measure(stack: BenchStack, run: Callable[[], Any]) -> tuple[Counter[str], float, float]:
    units = CapacityCounter()
    stack.dynamodb.meta.events.register("before-parameter-build.dynamodb.*", units)
    units.active = True
    try:
        with stack.calls.measure() as calls:
            run()
    finally:
        units.active = False
        stack.dynamodb.meta.events.unregister("before-parameter-build.dynamodb.*", units)
    by_service: Counter[str] = Counter()
    for (service, _operation), n in calls.items():
        by_service[service] += n
    return by_service, units.reads, units.writes


@figure
def monthly_cost(ctx: Context) -> Row:
    stack = ctx.stack
    measured: dict[str, dict[str, Any]] = {}

    def conversation(name: str, messages: list[dict[str, Any]]) -> None:
        costs: list[Any] = []
        _, reads, writes = _measure(stack, lambda: costs.extend(count_aws_calls(messages, stack)))
        calls: Counter[str] = Counter()
        for cost in costs:
            for (service, _operation), n in cost.calls.items():
                calls[service] += n
        replies = sum(c.graph_requests for c in costs)
        measured[name] = {"calls": calls, "reads": reads, "writes": writes}
        measured[name].update(messages=len(messages), replies=replies)

    citizen = new_citizen()
    conversation("information", [_text("Halo", citizen), _text("syarat pkh apa saja", citizen)])
    conversation("ticket", _complaint(new_citizen()))
    calls, reads, writes = _measure(stack, lambda: _process_status(stack))
    measured["status"] = {"calls": calls, "reads": reads, "writes": writes}
    calls, reads, writes = _measure(
        stack, lambda: (stack.services.outbox.sweep(), stack.services.evidence.sweep())
    )
    measured["sweep"] = {"calls": calls, "reads": reads, "writes": writes}

    bill, volumes = price(measured)
    total = sum(bill.values())
    parts = ", ".join(f"{k} ${v:.2f}" for k, v in sorted(bill.items(), key=lambda kv: -kv[1]))
    return Row(
        f"AWS cost / month ({CONVERSATIONS:,} conversations, {TICKETS} tickets)",
        f"${total:.2f}",
        status=INFO,
        notes=[
            parts,
            f"inbound messages {volumes['messages']:,}, status webhooks "
            f"{volumes['statuses']:,}, DynamoDB {volumes['reads']:,.0f} RRU + "
            f"{volumes['writes']:,.0f} WRU; measured per information conversation "
            f"{_summary(measured['information'])}, per complaint {_summary(measured['ticket'])}",
            f"list prices ap-southeast-3 as of {PRICES_AS_OF} (constants in bench/deploy.py, "
            "not fetched), free tiers not subtracted; the daily rekap and the staff API's "
            "calls are not in this model yet",
        ],
    )


def _summary(cost: dict[str, Any]) -> str:
    calls = sum(cost["calls"].values())
    return f"{cost['messages']} messages, {calls} AWS calls, {cost['replies']} replies"


def _process_status(stack: BenchStack) -> None:
    from chalicelib.processor import process_item
    from chalicelib.store.queue import encode
    from chalicelib.whatsapp.envelope import split
    from tests import payloads as wa

    wamid = stack.graph.state.sent[-1].wamid
    for item in split(wa.webhook([], statuses=[wa.status(wamid, "delivered")])):
        process_item(json.loads(encode(item)), stack.services)


def price(measured: dict[str, dict[str, Any]]) -> tuple[dict[str, float], dict[str, float]]:
    """USD per month by service, and the volumes behind them."""
    conversations = {"information": CONVERSATIONS - TICKETS, "ticket": TICKETS}
    messages = sum(measured[k]["messages"] * n for k, n in conversations.items())
    replies = sum(measured[k]["replies"] * n for k, n in conversations.items())
    statuses = replies * STATUSES_PER_REPLY
    webhooks = messages + statuses  # every one a signed POST, queued, then processed

    def per_month(key: str, field: str) -> float:
        if key in conversations:
            return float(measured[key][field]) * conversations[key]
        if key == "status":
            return float(measured[key][field]) * statuses
        return float(measured[key][field]) * SWEEP_RUNS

    reads = sum(per_month(k, "reads") for k in measured)
    writes = sum(per_month(k, "writes") for k in measured)
    gb_seconds = (
        0.5
        * (
            webhooks * MILLISECONDS["webhook"]
            + webhooks * MILLISECONDS["processor"]
            + SWEEP_RUNS * MILLISECONDS["sweep"]
        )
        / 1000
    )
    invocations = 2 * webhooks + SWEEP_RUNS
    emails = TICKETS * URGENT_SHARE + REKAP_EMAILS
    alarm_metrics, custom_metrics = _alarm_metrics()
    bill = {
        "Lambda": invocations * LAMBDA_REQUEST + gb_seconds * LAMBDA_ARM_GB_SECOND,
        "API Gateway": webhooks * API_GATEWAY_REST_REQUEST,
        "SQS": (webhooks * 2 + SQS_POLLS) * SQS_FIFO_REQUEST,  # send + delete, idle polling
        "DynamoDB": reads * DYNAMODB_READ_UNIT
        + writes * DYNAMODB_WRITE_UNIT
        + STORED_GB * (DYNAMODB_GB_MONTH + DYNAMODB_PITR_GB_MONTH),
        "S3": TICKETS * (S3_PUT + EVIDENCE_BYTES_PER_TICKET / 1e9 * S3_GB_MONTH),
        "SES": emails * SES_EMAIL,
        "CloudWatch": alarm_metrics * CLOUDWATCH_ALARM_METRIC
        + custom_metrics * CLOUDWATCH_CUSTOM_METRIC
        + invocations * LOG_BYTES_PER_INVOCATION / 1e9 * CLOUDWATCH_LOGS_GB,
        "KMS + SSM": KMS_KEY_MONTH + SETTINGS_READS * KMS_REQUEST,
    }
    volumes = {"messages": messages, "statuses": statuses, "reads": reads, "writes": writes}
    return bill, volumes


def _alarm_metrics() -> tuple[int, int]:
    """Metrics the template's alarms watch, and its custom metrics (from log filters)."""
    from local.provision import load_template

    resources = load_template()["Resources"].values()
    watched, custom = 0, set()
    for resource in resources:
        properties = resource["Properties"]
        if resource["Type"] == "AWS::CloudWatch::Alarm":
            metrics = properties.get("Metrics")
            watched += sum("MetricStat" in m for m in metrics) if metrics else 1
        elif resource["Type"] == "AWS::Logs::MetricFilter":
            custom |= {t["MetricName"] for t in properties["MetricTransformations"]}
    return watched, len(custom)
