"""One least-privilege IAM policy per Lambda function, on the exact ARNs of the stack's outputs.

`GRANTS` is the whole story of who may do what: per function (named as chalice names it in
`.chalice/config.json` "lambda_functions"), per resource of the stack, the actions it needs.
Giving a function one more action is one edit here; `make deploy` writes the policy files.
tests/integration/test_iam.py runs every handler on moto, records each AWS call the code makes
and checks it against these policies, and that no grant goes unused or is wider than needed.

Log groups are created by infra/template.yaml with a retention, so the functions may only
write to their own group (no logs:CreateLogGroup).
"""

from __future__ import annotations

from typing import Any

# Function (chalice's name) -> stack output holding the ARN of its log group. The API handler's
# Lambda is named ligat-<stage>; every other function ligat-<stage>-<name>.
FUNCTIONS = {
    "api_handler": "ApiHandlerLogGroupArn",
    "process_inbound": "ProcessInboundLogGroupArn",
    "sweep_pending": "SweepPendingLogGroupArn",
    "daily_checks": "DailyChecksLogGroupArn",
    "apply_retention": "ApplyRetentionLogGroupArn",
}

# function -> resource (see `resources`) -> actions
GRANTS: dict[str, dict[str, tuple[str, ...]]] = {
    # The webhook (verify, then enqueue) and the staff API.
    "api_handler": {
        "inbound_queue": ("sqs:SendMessage",),
        "inbound_objects": ("s3:PutObject",),  # an item too big for a queue message
        "secrets": ("ssm:GetParameter",),
        "rekap_objects": ("s3:PutObject",),  # a resent rekap is archived again
        "sender_identity": ("ses:SendEmail",),  # the rekap resent by an admin (SES v2)
        # The staff API: the directory and tickets (read; write with their audit and history
        # items, and the citizen's notice in the outbox, in one transaction), the sign-in
        # throttle, a ticket's items in one Query; queues by status/directory (gsi1), month
        # and audit day (gsi2), audit by staff member (gsi3), assignee (gsi4), kecamatan (gsi5).
        "table": (
            "dynamodb:GetItem",
            "dynamodb:BatchGetItem",
            "dynamodb:PutItem",
            "dynamodb:UpdateItem",
            "dynamodb:Query",
            "dynamodb:DeleteItem",  # a citizen's erasure: session, outbox, copy jobs
        ),
        "index:gsi1": ("dynamodb:Query",),
        "index:gsi2": ("dynamodb:Query",),
        "index:gsi3": ("dynamodb:Query",),
        "index:gsi4": ("dynamodb:Query",),
        "index:gsi5": ("dynamodb:Query",),
        # Short-lived links to a ticket's evidence (GetObject); a citizen's erasure removes
        # every version of their evidence (the bucket is versioned).
        "media_bucket": ("s3:ListBucketVersions",),
        "evidence_objects": ("s3:GetObject", "s3:DeleteObjectVersion"),
        # Staff accounts; signing in itself (InitiateAuth, ...) needs no IAM permission.
        "user_pool": (
            "cognito-idp:AdminCreateUser",
            "cognito-idp:AdminDeleteUser",
            "cognito-idp:AdminAddUserToGroup",
            "cognito-idp:AdminRemoveUserFromGroup",
            "cognito-idp:AdminUpdateUserAttributes",
            "cognito-idp:AdminDisableUser",
            "cognito-idp:AdminEnableUser",
            "cognito-idp:AdminUserGlobalSignOut",
        ),
    },
    "process_inbound": {
        # Session + processed marker in one BatchGetItem (GetItem when throttled), the catalogue
        # (Query), the turn's transaction (its Put and Update items), counters, statuses.
        "table": (
            "dynamodb:BatchGetItem",
            "dynamodb:GetItem",
            "dynamodb:Query",
            "dynamodb:PutItem",
            "dynamodb:UpdateItem",
        ),
        "index:gsi3": ("dynamodb:Query",),  # the citizen's own tickets (Cek Status)
        "index:gsi1": ("dynamodb:Query",),  # the staff directory: duty officers to alert
        # What Lambda's SQS event source does with the function's role.
        "inbound_queue": ("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"),
        "media_objects": ("s3:PutObject",),  # evidence copies
        "inbound_objects": ("s3:GetObject",),  # items the webhook stored instead of queueing
        "sender_identity": ("ses:SendEmail",),  # urgent alerts by e-mail, via the outbox
        "secrets": ("ssm:GetParameter",),
    },
    "sweep_pending": {
        "table": ("dynamodb:UpdateItem",),  # claim, mark sent, reschedule
        "index:gsi1": ("dynamodb:Query",),  # work queues: replies and evidence copies due
        "media_objects": ("s3:PutObject",),
        "sender_identity": ("ses:SendEmail",),  # alerts, retried rekap e-mails (SES v2)
        "secrets": ("ssm:GetParameter",),
    },
    "daily_checks": {
        # The rekap: the day's tickets (gsi2), the backlog and the day's closed (gsi1), read
        # whole in batches, the day's counters; e-mails with the XLSX via the outbox; the
        # archive. Overdue tickets (gsi1) flagged on a version check; the admins (gsi1).
        "table": (
            "dynamodb:GetItem",
            "dynamodb:BatchGetItem",
            "dynamodb:Query",
            "dynamodb:PutItem",
            "dynamodb:UpdateItem",
        ),
        "index:gsi1": ("dynamodb:Query",),
        "index:gsi2": ("dynamodb:Query",),
        "rekap_objects": ("s3:PutObject",),
        "sender_identity": ("ses:SendEmail",),
        "secrets": ("ssm:GetParameter",),
    },
    "apply_retention": {
        # Closed tickets past their cutoff (gsi1), each ticket's items in one Query and
        # rewritten redacted with its audit event (transactions of Puts), the job's cursors;
        # the evidence's copy jobs deleted, and every version of the evidence itself.
        "table": (
            "dynamodb:GetItem",
            "dynamodb:Query",
            "dynamodb:PutItem",
            "dynamodb:UpdateItem",
            "dynamodb:DeleteItem",
        ),
        "index:gsi1": ("dynamodb:Query",),
        "media_bucket": ("s3:ListBucketVersions",),
        "evidence_objects": ("s3:DeleteObjectVersion",),
        "secrets": ("ssm:GetParameter",),
    },
}


def resources(outputs: dict[str, str]) -> dict[str, list[str]]:
    """Resource name (as used in GRANTS) -> exact ARNs, from the stack outputs."""
    table = outputs["TableArn"]
    named: dict[str, list[str]] = {
        "table": [table],
        "inbound_queue": [outputs["InboundQueueArn"]],
        "media_objects": [f"{outputs['MediaBucketArn']}/*"],
        "inbound_objects": [f"{outputs['MediaBucketArn']}/inbound/*"],
        "rekap_objects": [f"{outputs['MediaBucketArn']}/rekap/*"],
        "media_bucket": [outputs["MediaBucketArn"]],
        "evidence_objects": [f"{outputs['MediaBucketArn']}/evidence/*"],
        "sender_identity": [outputs["SenderIdentityArn"]],
        "secrets": [outputs["SecretsParameterArn"]],
    }
    for index in ("gsi1", "gsi2", "gsi3", "gsi4", "gsi5"):
        named[f"index:{index}"] = [f"{table}/index/{index}"]
    if "UserPoolArn" in outputs:  # the staff user pool, once the template declares it
        named["user_pool"] = [outputs["UserPoolArn"]]
    return named


def log_streams(log_group_arn: str) -> str:
    """The log streams of one group. CloudFormation's LogGroup Arn ends in ':*' (moto's does not);
    either way the grant ends in ':*' after the exact group name, so ligat-prod's grant does
    not reach ligat-prod-process_inbound."""
    return f"{log_group_arn.removesuffix(':*')}:*"


def policy(function: str, outputs: dict[str, str]) -> dict[str, Any]:
    arns = resources(outputs)
    statements: list[dict[str, Any]] = [
        {
            "Sid": "OwnLogs",
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": [log_streams(outputs[FUNCTIONS[function]])],
        }
    ]
    for resource, actions in GRANTS[function].items():
        statements.append(
            {
                "Sid": "".join(part.capitalize() for part in resource.replace(":", "_").split("_")),
                "Effect": "Allow",
                "Action": sorted(actions),
                "Resource": arns[resource],
            }
        )
    return {"Version": "2012-10-17", "Statement": statements}


def policy_file(stage: str, function: str) -> str:
    return f"policy-{stage}-{function}.json"
