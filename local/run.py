"""`make run`: the whole of LIGAT on this machine, no AWS or Meta account needed.

embedded AWS (moto server)  <- infra/template.yaml is provisioned into it
API (chalice local)         <- POST /webhook, GET /webhook
inbound consumer            <- polls the FIFO queue, invokes app.process_inbound as Lambda would
schedules                   <- every @app.schedule on its rate/cron (local/schedules.py): the
                               sweep each minute, daily_checks at 07:00 WIB and once at start
WhatsApp simulator          <- chat page for a pretend citizen + the fake Graph API
local mailbox               <- /mail/ next to the simulator: every e-mail sent through SES

LIGAT_LOCAL_CLOCK (e.g. 2026-11-24T10:00+07:00) runs the stack from another moment (local/clock.py).
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from local.schedules import Schedule

ROOT = Path(__file__).resolve().parent.parent

DEFAULTS = {
    "LIGAT_PORT": "8000",
    "LIGAT_AWS_PORT": "5000",
    "LIGAT_SIM_PORT": "8001",
    "WHATSAPP_PHONE_NUMBER_ID": "106540352242922",
    "WHATSAPP_ACCESS_TOKEN": "local-access-token",
    "WHATSAPP_APP_SECRET": "local-app-secret",
    "WHATSAPP_VERIFY_TOKEN": "local-verify-token",
    "LIGAT_ADMIN_EMAIL": "admin@ligat.local",
    "LIGAT_ADMIN_PASSWORD": "Ligat-Admin-2026",
}
AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "local",
    "AWS_DEFAULT_REGION": "ap-southeast-3",
    "LIGAT_AWS_READ_TIMEOUT": "60",  # moto's FIFO queue is slow when it holds many messages
}


def settings_from_env() -> dict[str, str]:
    env = {name: os.environ.get(name) or default for name, default in DEFAULTS.items()}
    simulator = f"http://127.0.0.1:{env['LIGAT_SIM_PORT']}"
    env["WHATSAPP_API_URL"] = os.environ.get("WHATSAPP_API_URL") or f"{simulator}/v25.0"
    # Media downloads carry the access token: only to the simulator, unless told otherwise.
    env["WHATSAPP_MEDIA_ORIGINS"] = os.environ.get("WHATSAPP_MEDIA_ORIGINS") or simulator
    console = f"http://127.0.0.1:{env['LIGAT_PORT']}/console"
    env["LIGAT_CONSOLE_URL"] = os.environ.get("LIGAT_CONSOLE_URL") or console
    return env


def quiet_embedded_aws() -> None:
    """Moto logs every request and every template resource it only pretends to create."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    logging.getLogger("moto").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", module="moto.cloudformation.parsing")


def wait_for_port(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"nothing is listening on port {port}")


CONSUMERS = 4  # concurrent pollers, as Lambda runs several invocations across message groups


def _die_with_parent() -> None:
    """Runs in the child before exec: on Linux, the kernel sends it SIGTERM when `make run`
    dies, however it dies (a crash, SIGKILL), so no orphan keeps the port."""
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass  # not Linux: Ctrl-C and normal exits still stop the child (see main)


def port_holder(port: int) -> str | None:
    """Who listens on 127.0.0.1:`port`, as "PID 123 (command)", or None if it is free."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            pass
        else:
            return None
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "0A":  # LISTEN
                inodes.add(fields[9])
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            links = {os.readlink(fd) for fd in (proc / "fd").iterdir()}
            if any(f"socket:[{inode}]" in links for inode in inodes):
                command = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
                return f"PID {proc.name} ({command[:80]})"
        except OSError:
            continue
    return "another program"


class Consumer(threading.Thread):
    """Feeds the inbound queue to the very handler the Lambda event source invokes."""

    def __init__(self, sqs: Any, queue_url: str, queue_arn: str, stop: threading.Event, n: int = 0):
        super().__init__(daemon=True, name=f"consumer-{n}")
        self._sqs, self._url, self._arn, self._stop = sqs, queue_url, queue_arn, stop

    def run(self) -> None:
        import app
        from local.schedules import LambdaContext

        while not self._stop.is_set():
            try:
                response = self._sqs.receive_message(
                    QueueUrl=self._url,
                    MaxNumberOfMessages=5,
                    WaitTimeSeconds=1,
                    VisibilityTimeout=15,
                    AttributeNames=["All"],
                )
            except Exception as error:  # moto stopping, or a network blip: keep polling
                if not self._stop.is_set():
                    print(f"consumer: {error}", file=sys.stderr)
                    time.sleep(1)
                continue
            messages = response.get("Messages", [])
            if not messages:
                continue
            try:
                answer = app.process_inbound(
                    self._event(messages), LambdaContext("process_inbound")
                )
            except Exception as error:  # as in Lambda: the batch stays queued and is redelivered
                print(f"consumer: batch failed, will be redelivered: {error!r}", file=sys.stderr)
                continue
            # ReportBatchItemFailures, as the deployed event source mapping: the records
            # reported as failed stay queued, the others are done.
            failed = {f["itemIdentifier"] for f in (answer or {}).get("batchItemFailures", [])}
            done = [m for m in messages if m["MessageId"] not in failed]
            if done:
                self._sqs.delete_message_batch(
                    QueueUrl=self._url,
                    Entries=[
                        {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]}
                        for i, m in enumerate(done)
                    ],
                )

    def _event(self, messages: list[dict[str, Any]]) -> dict[str, Any]:
        return {
            "Records": [
                {
                    "messageId": m["MessageId"],
                    "receiptHandle": m["ReceiptHandle"],
                    "body": m["Body"],
                    "attributes": m.get("Attributes", {}),
                    "messageAttributes": {},
                    "md5OfBody": m["MD5OfBody"],
                    "eventSource": "aws:sqs",
                    "eventSourceARN": self._arn,
                    "awsRegion": AWS_ENV["AWS_DEFAULT_REGION"],
                }
                for m in messages
            ]
        }


def main() -> int:
    signal.signal(signal.SIGINT, signal.default_int_handler)  # Ctrl-C during start-up too
    env = settings_from_env()
    api_port, aws_port, sim_port = (
        int(env[k]) for k in ("LIGAT_PORT", "LIGAT_AWS_PORT", "LIGAT_SIM_PORT")
    )
    busy = {
        name: holder
        for name, port in (
            ("LIGAT_PORT", api_port),
            ("LIGAT_AWS_PORT", aws_port),
            ("LIGAT_SIM_PORT", sim_port),
        )
        if (holder := port_holder(port))
    }
    if busy:
        for name, holder in busy.items():
            print(f"Port {env[name]} ({name}) is in use by {holder}.", file=sys.stderr)
        print("Stop it, or choose other ports, e.g. LIGAT_PORT=8100 make run", file=sys.stderr)
        return 1
    from local.clock import OFFSET, offset_from_env, shift

    offset = offset_from_env()
    if offset is not None:  # before the app's modules bind the clock
        shift(offset)
        os.environ[OFFSET] = str(offset)
    endpoint = f"http://127.0.0.1:{aws_port}"
    os.environ.update({**AWS_ENV, "AWS_ENDPOINT_URL": endpoint})
    os.environ.pop("AWS_PROFILE", None)

    quiet_embedded_aws()
    from local.atomic import AtomicMotoServer

    moto = AtomicMotoServer(ip_address="127.0.0.1", port=aws_port, verbose=False)
    moto.start()
    wait_for_port(aws_port)

    import boto3

    from local.provision import app_environment, provision, staff_sign_in

    outputs = provision(boto3, stage="local")
    os.environ.update({**env, **app_environment(outputs)})
    admin = (env["LIGAT_ADMIN_EMAIL"], env["LIGAT_ADMIN_PASSWORD"])
    os.environ.update(staff_sign_in(boto3, outputs, endpoint, *admin))

    from chalicelib.catalogue.seed import seed_catalogue

    seeded = seed_catalogue(boto3.client("dynamodb"), outputs["TableName"])

    from local.mailbox import Mailbox, mailbox_pages
    from local.schedules import Scheduler, app_schedules, invoke
    from local.simulator import Simulator

    simulator = Simulator(
        sim_port,
        env["WHATSAPP_ACCESS_TOKEN"],
        f"http://127.0.0.1:{api_port}/webhook",
        env["WHATSAPP_APP_SECRET"],
    )
    from chalicelib import clock

    mailbox = Mailbox(clock=clock.now)  # the stack's clock, moved or not
    simulator.mount(mailbox_pages(mailbox, lambda: invoke("daily_checks")))
    simulator.start()

    # With a moved clock, the API runs in a launcher that moves its clock the same way.
    chalice = (
        [sys.executable, "-m", "local.api"]
        if offset is not None
        else [str(Path(sys.executable).with_name("chalice"))]
    )
    api = subprocess.Popen(
        [
            *chalice,
            "local",
            "--stage",
            "local",
            "--no-autoreload",
            "--host",
            "127.0.0.1",
            "--port",
            str(api_port),
        ],
        cwd=ROOT,
        env=os.environ.copy(),
        preexec_fn=_die_with_parent if sys.platform == "linux" else None,
    )
    stop = threading.Event()
    try:
        wait_for_port(api_port)
        # The app is imported here, once, before the threads that use it: threads importing it
        # at the same moment can be handed a half-built module (a fresh clone, with no bytecode
        # cached yet, made a consumer fail every batch with "no attribute process_inbound").
        schedules = app_schedules()
        sqs = boto3.client("sqs")
        for n in range(CONSUMERS):
            Consumer(sqs, outputs["InboundQueueUrl"], outputs["InboundQueueArn"], stop, n).start()
        for schedule in schedules:
            Scheduler(schedule, stop).start()
        mailbox.watch(stop)
        print_banner(env, outputs, api_port, aws_port, simulator.port, seeded, schedules, offset)
        # Explicit handlers: a shell that starts `make run` in the background hands it an
        # ignored SIGINT, and Ctrl-C must still stop everything.
        for stop_signal in (signal.SIGINT, signal.SIGTERM):
            signal.signal(stop_signal, lambda *_: stop.set())
        while not stop.is_set() and api.poll() is None:
            stop.wait(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        api.terminate()
        try:
            api.wait(timeout=5)
        except subprocess.TimeoutExpired:
            api.kill()
        simulator.stop()
        moto.stop()
        print("\nLIGAT stopped.", flush=True)
    return 0


def print_banner(
    env: dict[str, str],
    outputs: dict[str, str],
    api: int,
    aws: int,
    sim: int,
    seeded: int,
    schedules: list[Schedule],
    offset: float | None = None,
) -> None:
    from chalicelib.clock import WIB, now

    graph = env["WHATSAPP_API_URL"]
    moved = []
    if offset is not None:
        moved = [
            f"  Clock moved (LIGAT_LOCAL_CLOCK): it is {now().astimezone(WIB):%F %H:%M} WIB",
            "",
        ]
    lines = [
        "",
        "LIGAT is running locally (Ctrl-C stops everything)",
        "",
        f"  Staff console        http://127.0.0.1:{api}/console/   sign in with the admin below",
        f"  WhatsApp simulator   http://127.0.0.1:{sim}/sim/",
        f"  Local mailbox        http://127.0.0.1:{sim}/mail/   every e-mail sent through SES",
        f"  API (chalice local)  http://127.0.0.1:{api}   webhook: /webhook",
        f"  Embedded AWS (moto)  http://127.0.0.1:{aws}   dashboard: /moto-api/",
        f"  Graph API replies -> {graph}",
        f"  Table {outputs['TableName']}, queue {outputs['InboundQueueName']}, "
        f"bucket {outputs['MediaBucketName']}; catalogue items seeded: {seeded}",
        "",
        "  Schedules (UTC, as EventBridge): "
        + ", ".join(f"{s.name} {s.expression}" for s in schedules)
        + "; the cron ones also run once now",
        "  (daily_checks: yesterday's rekap e-mail to the local admin, in the mailbox).",
        "",
        *moved,
        "  Data lives in the embedded AWS's memory: it is kept while this runs and starts",
        "  empty the next time (tickets, conversations and queued messages included).",
        "",
        "  Local secrets in use:",
        f"    WHATSAPP_APP_SECRET    = {env['WHATSAPP_APP_SECRET']}",
        f"    WHATSAPP_VERIFY_TOKEN  = {env['WHATSAPP_VERIFY_TOKEN']}",
        f"    WHATSAPP_ACCESS_TOKEN  = {env['WHATSAPP_ACCESS_TOKEN']}",
        "",
        "  Staff sign-in (admin account, Cognito on the embedded AWS):",
        f"    LIGAT_ADMIN_EMAIL      = {env['LIGAT_ADMIN_EMAIL']}",
        f"    LIGAT_ADMIN_PASSWORD   = {env['LIGAT_ADMIN_PASSWORD']}",
        f"    in the console: http://127.0.0.1:{api}/console/ ; or the API:",
        f'    POST http://127.0.0.1:{api}/auth/login  {{"email", "password"}} -> access_token;',
        "    then `Authorization: Bearer <access_token>` on /admin/... (e.g. GET /admin/me)",
        "",
        "READY",
    ]
    print("\n".join(lines), flush=True)


if __name__ == "__main__":
    sys.exit(main())
