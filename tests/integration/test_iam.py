"""Least privilege, checked. Each Lambda's handler runs through real work on moto (signed urgent
complaints with a photo, a status lookup, a delivery status, a throttled read, then the sweep
sending what failed, an admin's erasure of a citizen, the night's retention job); every AWS call
it makes is recorded through botocore's `before-parameter-build` hook and turned into the IAM
action and resource AWS would authorise, which the policy `make deploy` writes for that very
function must allow. Grants nobody uses, and wildcards beyond the exact ARNs of the stack, fail
the tests too."""

from __future__ import annotations

import fnmatch
import json
import os
import shutil
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from email.utils import parseaddr
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import boto3
import pytest
from chalice.test import Client

from chalicelib.clock import iso
from infra.policies import FUNCTIONS, GRANTS, log_streams, resources
from infra.stage_config import CHALICE, stage_config
from local.provision import app_environment
from tests import payloads as wa
from tests.conftest import ACCESS_TOKEN, APP_SECRET, VERIFY_TOKEN
from tests.staffkit import PASSWORD

REGION, ACCOUNT = "ap-southeast-3", "123456789012"
JPEG = b"\xff\xd8\xff\xe0" + b"photo-of-the-flood" * 50
# What Lambda's SQS event source does with the function's role: not calls our code makes.
EVENT_SOURCE = {
    "process_inbound": {"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"}
}

_TRANSACT = {
    "Put": "PutItem",
    "Update": "UpdateItem",
    "Delete": "DeleteItem",
    "ConditionCheck": "ConditionCheckItem",
}


def authorisations(service: str, operation: str, params: dict[str, Any]) -> list[tuple[str, str]]:
    """The (IAM action, resource ARN) pairs AWS checks for one API call."""

    def table(name: str, index: str | None = None) -> str:
        arn = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{name}"
        return f"{arn}/index/{index}" if index else arn

    if service == "dynamodb":
        if operation == "TransactWriteItems":
            return [
                (f"dynamodb:{_TRANSACT[kind]}", table(body["TableName"]))
                for item in params["TransactItems"]
                for kind, body in item.items()
            ]
        if operation in ("BatchGetItem", "BatchWriteItem"):
            return [(f"dynamodb:{operation}", table(name)) for name in params["RequestItems"]]
        return [(f"dynamodb:{operation}", table(params["TableName"], params.get("IndexName")))]
    if service == "sqs":
        name = params["QueueUrl"].rstrip("/").rsplit("/", 1)[-1]
        action = "SendMessage" if operation == "SendMessageBatch" else operation
        return [(f"sqs:{action}", f"arn:aws:sqs:{REGION}:{ACCOUNT}:{name}")]
    if service == "s3" and operation in ("PutObject", "GetObject"):
        return [(f"s3:{operation}", f"arn:aws:s3:::{params['Bucket']}/{params['Key']}")]
    if service == "s3" and operation == "ListObjectVersions":
        return [("s3:ListBucketVersions", f"arn:aws:s3:::{params['Bucket']}")]
    if service == "s3" and operation == "DeleteObjects":  # authorised object by object
        return [
            (
                "s3:DeleteObjectVersion" if item.get("VersionId") else "s3:DeleteObject",
                f"arn:aws:s3:::{params['Bucket']}/{item['Key']}",
            )
            for item in params["Delete"]["Objects"]
        ]
    if service == "sesv2" and operation == "SendEmail":  # simple and raw content alike
        sender = parseaddr(params["FromEmailAddress"])[1]
        return [("ses:SendEmail", f"arn:aws:ses:{REGION}:{ACCOUNT}:identity/{sender}")]
    if service == "cognito-idp":
        # Sign-in calls (InitiateAuth, RespondToAuthChallenge, ...) are public: no IAM at all.
        if not operation.startswith(("Admin", "List", "Describe")):
            return []
        pool = f"arn:aws:cognito-idp:{REGION}:{ACCOUNT}:userpool/{params['UserPoolId']}"
        return [(f"cognito-idp:{operation}", pool)]
    if service == "ssm" and operation == "GetParameter":
        return [("ssm:GetParameter", f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter{params['Name']}")]
    raise AssertionError(
        f"no IAM mapping for {service}:{operation}; add one here and a grant in infra/policies.py"
    )


def allowed(policy: dict[str, Any], action: str, resource: str) -> bool:
    for statement in policy["Statement"]:
        assert statement["Effect"] == "Allow" and "Condition" not in statement
        actions = statement["Action"]
        resources = statement["Resource"]
        if any(fnmatch.fnmatchcase(action, a) for a in actions) and any(
            fnmatch.fnmatchcase(resource, r) for r in resources
        ):
            return True
    return False


class Recorder:
    """Every botocore call while a function's handler runs, as (action, resource) pairs."""

    def __init__(self) -> None:
        self.function: str | None = None
        self.calls: dict[str, set[tuple[str, str]]] = defaultdict(set)

    def __call__(self, model: Any = None, params: Any = None, **_kwargs: Any) -> None:
        if self.function is None or model is None:
            return
        service = model.service_model.service_name
        for pair in authorisations(service, model.name, params or {}):
            self.calls[self.function].add(pair)

    @contextmanager
    def running(self, function: str) -> Iterator[None]:
        """One invocation in a cold container: each function reads its own settings."""
        _cold_container()
        self.function = function
        try:
            yield
        finally:
            self.function = None


def _cold_container() -> None:
    from chalicelib import aws as aws_clients
    from chalicelib import wiring
    from chalicelib.settings import get_settings

    aws_clients.client.cache_clear()
    get_settings.cache_clear()
    wiring._built.clear()


@pytest.fixture
def deployed(aws, fake_graph, monkeypatch, tmp_path: Path):
    """The app wired like the deployed stage: stack outputs in the environment, the secrets
    only in SSM, fresh per-container caches, and the policies make deploy would write."""
    from chalicelib import aws as aws_clients
    from chalicelib import outbox, wiring
    from chalicelib.settings import get_settings

    boto3.client("ssm").put_parameter(
        Name=aws["SecretsParameterName"],
        Type="SecureString",
        Value=json.dumps(
            {
                "whatsapp_access_token": ACCESS_TOKEN,
                "whatsapp_app_secret": APP_SECRET,
                "whatsapp_verify_token": VERIFY_TOKEN,
            }
        ),
    )
    for name in ("WHATSAPP_ACCESS_TOKEN", "WHATSAPP_APP_SECRET", "WHATSAPP_VERIFY_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    env = {
        **app_environment(aws),
        "LIGAT_SECRETS_PARAMETER": aws["SecretsParameterName"],
        "WHATSAPP_API_URL": fake_graph.base_url,
        "WHATSAPP_MEDIA_ORIGINS": fake_graph.base_url,
        "WHATSAPP_PHONE_NUMBER_ID": wa.PHONE_NUMBER_ID,
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(outbox, "INLINE_BACKOFF", (0.0, 0.0))
    monkeypatch.setattr(wiring, "_built", [])

    chalice_dir = tmp_path / ".chalice"
    shutil.copytree(CHALICE, chalice_dir, ignore=shutil.ignore_patterns("deploy*"))
    stage_config(boto3.client("cloudformation"), "test", chalice_dir, known=aws)
    policies = {
        f: json.loads((chalice_dir / f"policy-test-{f}.json").read_text()) for f in FUNCTIONS
    }
    recorder = Recorder()
    events = boto3._get_default_session().events
    events.register("before-parameter-build.*.*", recorder, unique_id="ligat-iam-recorder")
    yield recorder, policies
    events.unregister("before-parameter-build.*.*", unique_id="ligat-iam-recorder")
    aws_clients.client.cache_clear()
    get_settings.cache_clear()


def urgent_complaint_with_photo(citizen: str, media_id: str) -> list[dict[str, Any]]:
    def _button(choice: str) -> dict[str, Any]:
        return wa.button_reply(choice, sender=citizen)

    def _text(body: str) -> dict[str, Any]:
        return wa.text(body, sender=citizen)

    return [
        _text("Halo"),
        _text("Rumah terbakar tadi malam, keluarga tidak punya tempat tinggal sekarang."),
        _button("urg:start"),  # the fast urgent report: where, then send
        wa.image("foto rumah", media_id=media_id, sender=citizen),
        _text("Tembilahan Kota"),
        _button("rpt:send"),
    ]


class App:
    def __init__(self, aws: dict[str, str], recorder: Recorder, client: Client):
        self.aws, self.recorder, self.client = aws, recorder, client
        self.sqs = boto3.client("sqs")

    def webhook(self, payload: dict[str, Any]) -> int:
        body, headers = wa.signed(payload, APP_SECRET)
        with self.recorder.running("api_handler"):
            return self.client.http.post("/webhook", body=body, headers=headers).status_code

    def deliver(self, message: dict[str, Any]) -> None:
        """Meta -> webhook -> queue -> the processor, as the event source would invoke it."""
        assert self.webhook(wa.webhook([message])) == 200
        self.process_queue()

    def process_queue(self) -> None:
        url = self.aws["InboundQueueUrl"]
        messages = self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
        event = self.client.events.generate_sqs_event(
            message_bodies=[m["Body"] for m in messages], queue_name=self.aws["InboundQueueName"]
        )
        with self.recorder.running("process_inbound"):
            self.client.lambda_.invoke("process_inbound", event)
        for m in messages:
            self.sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])

    def morning(self) -> None:
        event = self.client.events.generate_cw_event(
            source="aws.events", detail_type="Scheduled Event", detail={}, resources=[]
        )
        with self.recorder.running("daily_checks"):
            self.client.lambda_.invoke("daily_checks", event)

    def retention(self) -> None:
        event = self.client.events.generate_cw_event(
            source="aws.events", detail_type="Scheduled Event", detail={}, resources=[]
        )
        with self.recorder.running("apply_retention"):
            self.client.lambda_.invoke("apply_retention", event)

    def sweep(self) -> None:
        event = self.client.events.generate_cw_event(
            source="aws.events", detail_type="Scheduled Event", detail={}, resources=[]
        )
        with self.recorder.running("sweep_pending"):
            self.client.lambda_.invoke("sweep_pending", event)


def _make_due(aws: dict[str, str]) -> int:
    """Move every reply and evidence copy waiting for a retry to "due now" (untimed setup)."""
    dynamodb = boto3.client("dynamodb")
    items = dynamodb.scan(TableName=aws["TableName"])["Items"]
    waiting = [i for i in items if i.get("gsi1pk", {}).get("S", "").endswith("#pending")]
    for item in waiting:
        dynamodb.update_item(
            TableName=aws["TableName"],
            Key={"pk": item["pk"], "sk": item["sk"]},
            UpdateExpression="SET gsi1sk = :due",
            ExpressionAttributeValues={":due": {"S": iso(datetime(2000, 1, 1, tzinfo=UTC))}},
        )
    return len(waiting)


def test_every_aws_call_of_every_function_is_allowed_by_its_own_policy(
    aws, fake_graph, deployed, tmp_path
):
    recorder, policies = deployed
    fake_graph.state.media["880001"] = (JPEG, "image/jpeg")
    fake_graph.state.media["880002"] = (JPEG, "image/jpeg")
    with Client(_app(), stage_name="local") as client:
        app = App(aws, recorder, client)
        query = f"hub.mode=subscribe&hub.verify_token={VERIFY_TOKEN}&hub.challenge=42"
        with recorder.running("api_handler"):
            assert client.http.get(f"/webhook?{query}").body == b"42"

        # Everything goes right: the processor sends, copies the photo and e-mails the alert.
        with _throttled_once("BatchGetItem"):  # the session read falls back to single reads
            app.deliver(wa.text("Halo", sender="6281200000001"))
        for message in urgent_complaint_with_photo("6281200000001", "880001")[1:]:
            app.deliver(message)
        assert _ses_sent() == 1 and _stored_photos(aws) == 1
        number = _ticket_number(fake_graph, "6281200000001")
        app.deliver(wa.text(f"status {number}", sender="6281200000001"))
        # A text too big for a queue message goes through S3.
        app.deliver(wa.text("tolong " + "panjang sekali " * 20_000, sender="6281200000003"))
        template = next(s for s in fake_graph.state.sent if s.body.get("type") == "template")
        app.webhook(wa.webhook([], statuses=[wa.status(template.wamid, "delivered")]))
        app.process_queue()

        # Everything fails at first: the sweep sends the replies and alert, copies the photo.
        messages = urgent_complaint_with_photo("6281200000002", "880002")
        for message in messages[:-3]:
            app.deliver(message)
        fake_graph.state.media_failures = 1
        app.deliver(messages[-3])  # the photo
        app.deliver(messages[-2])
        fake_graph.state.failures = [(500, None)] * 3
        app.deliver(messages[-1])
        assert _ses_sent() == 1 and _stored_photos(aws) == 1
        assert _make_due(aws) >= 3
        app.sweep()
        assert _ses_sent() == 2 and _stored_photos(aws) == 2

        staff_console_session(client, recorder, tmp_path)

        # The morning check finds a ticket past its deadlines and e-mails the admins.
        _make_overdue(aws, _ticket_number(fake_graph, "6281200000002"))
        sent = _ses_sent()
        app.morning()
        assert _ses_sent() == sent + 2  # yesterday's rekap, and the overdue notice

        # At night, a ticket closed six years ago loses its personal data and its photo.
        expired = _ticket_number(fake_graph, "6281200000002")
        _make_closed_long_ago(aws, expired)
        app.retention()
        assert _stored_photos(aws) == 0

    assert set(recorder.calls) == set(FUNCTIONS)
    for function, calls in recorder.calls.items():
        refused = sorted(c for c in calls if not allowed(policies[function], *c))
        assert not refused, f"{function} would be denied: {refused}"

    arns = resources(aws)
    for function, grants in GRANTS.items():
        unused = [
            (action, resource)
            for resource, actions in grants.items()
            for action in actions
            if action not in EVENT_SOURCE.get(function, ())
            and (function, action) not in FAILURE_PATHS
            and not any(
                called == action and fnmatch.fnmatchcase(target, arn)
                for arn in arns[resource]
                for called, target in recorder.calls[function]
            )
        ]
        assert not unused, f"{function} is granted what it never uses: {unused}"


# Grants used only when something else failed half-way (checked by reading the code, not run).
FAILURE_PATHS = {
    # chalicelib/staff/directory.py: a Cognito user whose directory write failed is removed.
    ("api_handler", "cognito-idp:AdminDeleteUser"),
}


def staff_console_session(client: Client, recorder: Recorder, tmp_path: Path) -> None:
    """An admin signs in (once with a wrong password), reads the directory, adds an asesor,
    changes the role, disables and enables the account: every call the staff API makes."""
    from chalicelib.settings import get_settings
    from chalicelib.staff.services import staff_services
    from tests.staffkit import moto_jwks_url

    os.environ["LIGAT_USER_POOL_JWKS_URL"] = moto_jwks_url(tmp_path)
    get_settings.cache_clear()
    # The first admin, as `python -m chalicelib.staff` creates it (ops' credentials, not a Lambda).
    staff_services(get_settings()).directory.ensure_admin("admin@dinsos.test", "Admin", PASSWORD)

    def call(method: str, path: str, body: Any = None, token: str = "") -> Any:
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        raw = json.dumps(body).encode() if body is not None else b""
        with recorder.running("api_handler"):
            return client.http.request(method, path, headers=headers, body=raw)

    wrong = {"email": "admin@dinsos.test", "password": "Salah-Sandi-2026"}
    assert call("POST", "/auth/login", wrong).status_code == 401
    login = call("POST", "/auth/login", {"email": "admin@dinsos.test", "password": PASSWORD})
    token = json.loads(login.body)["access_token"]
    assert call("GET", "/admin/me", token=token).status_code == 200
    new = {
        "email": "asesor@dinsos.test",
        "name": "Petugas Asesor",
        "role": "asesor",
        "kecamatan": ["14.04.01"],
        "temporary_password": "Sementara-Dinsos-2026",
    }
    created = call("POST", "/admin/staff", new, token)
    assert created.status_code == 201, created.body
    staff_id = json.loads(created.body)["id"]
    assert call("GET", "/admin/staff", token=token).status_code == 200
    changes = (
        {"role": "pimpinan"},
        {"name": "Ibu Asesor"},
        {"active": False},
        {"active": True, "rekap_recipient": True},
    )
    for change in changes:
        response = call("PATCH", f"/admin/staff/{staff_id}", change, token)
        assert response.status_code == 200, response.body

    # The ticket queue through each index, a ticket read, assigned, verified (the citizen is
    # told on WhatsApp through the outbox) and noted.
    listed = json.loads(call("GET", "/admin/tickets?status=diterima", token=token).body)
    number = listed["tickets"][0]["number"]
    code = listed["tickets"][0]["kecamatan"]["code"]
    for query in ("", f"?kecamatan={code}", f"?assignee={staff_id}", f"?q={number}"):
        assert call("GET", f"/admin/tickets{query}", token=token).status_code == 200
    assert call("GET", f"/admin/tickets/{number}", token=token).status_code == 200
    changes_ = (
        ("assign", {"staff_id": staff_id}),
        ("transitions", {"status": "diverifikasi", "public_note": "Sudah kami periksa."}),
        ("notes", {"text": "Kunjungan dijadwalkan"}),
    )
    for action, change_ in changes_:
        response = call("POST", f"/admin/tickets/{number}/{action}", change_, token)
        assert response.status_code == 200, response.body
    for query in (f"ticket={number}", f"staff={staff_id}", "day=2026-12-02"):
        assert call("GET", f"/admin/audit?{query}", token=token).status_code == 200
    campaigns = "/admin/sosialisasi?start=2026-12-01&end=2026-12-02"
    assert call("GET", campaigns, token=token).status_code == 200
    from chalicelib.clock import wib_day

    today = wib_day(datetime.now(UTC))  # the tickets' WIB day (UTC's date lags after 17:00)
    assert call("GET", f"/admin/rekap/{today}", token=token).status_code == 200
    assert call("POST", f"/admin/rekap/{today}/send", {}, token).status_code == 200

    # A citizen asks for their data to be erased: tickets, conversation, messages, photo.
    erased = call("POST", "/admin/erasures", {"whatsapp": "6281200000001"}, token)
    assert erased.status_code == 200, erased.body
    assert json.loads(erased.body)["erased"]["media_versions"] == 1


def test_no_grant_is_wider_than_the_exact_resources_of_the_stack(aws, deployed):
    _, policies = deployed
    exact = {arn for arns in resources(aws).values() for arn in arns if "*" not in arn}
    # Object keys are opaque hashes and log streams are named by Lambda: both unknown in advance.
    bucket = aws["MediaBucketArn"]
    prefixes = {
        f"{bucket}/*",
        f"{bucket}/inbound/*",
        f"{bucket}/rekap/*",
        f"{bucket}/evidence/*",
    } | {log_streams(aws[output]) for output in FUNCTIONS.values()}
    for function, policy in policies.items():
        for statement in policy["Statement"]:
            assert not [a for a in statement["Action"] if "*" in a], function
            for resource in statement["Resource"]:
                assert resource in exact | prefixes, f"{function}: {resource}"
        own_logs = log_streams(aws[FUNCTIONS[function]])
        assert allowed(policy, "logs:PutLogEvents", own_logs.replace(":*", ":log-stream:x"))
        for other in set(FUNCTIONS) - {function}:
            stream = log_streams(aws[FUNCTIONS[other]]).replace(":*", ":log-stream:x")
            assert not allowed(policy, "logs:PutLogEvents", stream), (function, other)


def _make_closed_long_ago(aws: dict[str, str], number: str) -> None:
    """Close the ticket six years back (untimed setup): due for anonymisation."""
    from datetime import timedelta

    from chalicelib.store.tickets import TicketStore
    from chalicelib.tickets.model import Status

    store = TicketStore(boto3.client("dynamodb"), aws["TableName"])
    ticket = store.get(number)
    closed = ticket.model_copy(
        update={
            "status": Status.SELESAI,
            "closed_at": datetime.now(UTC) - timedelta(days=6 * 365),
            "version": ticket.version + 1,
        }
    )
    store.save(closed, ticket.version, [])


def _make_overdue(aws: dict[str, str], number: str) -> None:
    """Move the ticket to yesterday and its deadlines into the past (untimed setup)."""
    from datetime import timedelta

    from chalicelib.clock import wib_day
    from chalicelib.store.tickets import TicketStore
    from chalicelib.tickets.model import Deadlines

    store = TicketStore(boto3.client("dynamodb"), aws["TableName"])
    ticket = store.get(number)
    past = datetime(2026, 1, 5, tzinfo=UTC)
    yesterday = datetime.now(UTC) - timedelta(days=1)
    late = ticket.model_copy(
        update={
            "due": Deadlines(verification=past, first_response=past, final=past),
            "created_at": yesterday,
            "wib_day": wib_day(yesterday),
            "version": ticket.version + 1,
        }
    )
    store.save(late, ticket.version, [])


def _ticket_number(fake_graph, citizen: str) -> str:
    texts = json.dumps(fake_graph.state.messages_to(citizen))
    return "LGT-" + texts.split("LGT-")[1][:9]


def _stored_photos(aws: dict[str, str]) -> int:
    listing = boto3.client("s3").list_objects_v2(Bucket=aws["MediaBucketName"], Prefix="evidence/")
    return int(listing.get("KeyCount", 0))


@contextmanager
def _throttled_once(operation: str) -> Iterator[None]:
    """DynamoDB answers the next `operation` with every key unprocessed, as when throttled."""
    calls = []

    def throttle(model: Any = None, params: Any = None, **_kwargs: Any) -> Any:
        if calls:
            return None
        calls.append(1)
        tables = json.loads(params["body"])["RequestItems"]
        return SimpleNamespace(status_code=200, headers={}), {
            "Responses": {},
            "UnprocessedKeys": tables,
        }

    events = boto3._get_default_session().events
    events.register(f"before-call.dynamodb.{operation}", throttle, unique_id="ligat-throttle")
    try:
        yield
    finally:
        events.unregister(f"before-call.dynamodb.{operation}", unique_id="ligat-throttle")
    assert calls, f"{operation} was not called"


def _app() -> Any:
    import app as ligat

    return ligat.app


def _ses_sent() -> int:
    from moto.backends import get_backend

    return len(get_backend("ses")[ACCOUNT][REGION].sent_messages)
