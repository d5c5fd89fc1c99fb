"""LIGAT on AWS Chalice: routes and event sources only; each delegates in a line or two.

Chalice imports this module for every function, including the latency-sensitive webhook, so the
conversation engine and other heavy modules are imported inside the handlers that need them.
"""

import os

from chalice import Chalice, Cron, Rate, Response

from chalicelib.routes import admin as admin_routes
from chalicelib.routes import auth as auth_routes
from chalicelib.routes import catalogue as catalogue_routes
from chalicelib.routes import console as console_routes
from chalicelib.routes import conversations as conversation_routes
from chalicelib.routes import dashboard as dashboard_routes
from chalicelib.routes import erasure as erasure_routes
from chalicelib.routes import rekap as rekap_routes
from chalicelib.routes import tickets as ticket_routes
from chalicelib.settings import get_settings

# Logging is ours (chalicelib/logs.py: JSON lines); Chalice would set the "ligat" logger to ERROR.
app = Chalice(app_name="ligat", configure_logs=False)
app.register_blueprint(auth_routes.bp)
app.register_blueprint(admin_routes.bp)
app.register_blueprint(ticket_routes.bp)
app.register_blueprint(rekap_routes.bp)
app.register_blueprint(catalogue_routes.bp)
app.register_blueprint(conversation_routes.bp)
app.register_blueprint(dashboard_routes.bp)
app.register_blueprint(erasure_routes.bp)
app.register_blueprint(console_routes.bp)
app.api.binary_types.append("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

# Read at deploy time by `chalice deploy` to wire the SQS event source (stack output
# InboundQueueName); see README "Deploy".
INBOUND_QUEUE = os.environ.get("LIGAT_INBOUND_QUEUE_NAME", "ligat-dev-inbound.fifo")


def _text(answer) -> Response:  # type: ignore[no-untyped-def]
    return Response(
        body=answer.body, status_code=answer.status, headers={"Content-Type": "text/plain"}
    )


@app.route("/webhook", methods=["GET"])
def webhook_handshake() -> Response:
    from chalicelib import webhook

    params = app.current_request.query_params
    return _text(webhook.handshake(params, get_settings().whatsapp_verify_token))


@app.route("/webhook", methods=["POST"], content_types=["application/json"])
def webhook_receive() -> Response:
    from chalicelib import webhook
    from chalicelib.aws import client
    from chalicelib.store.queue import InboundQueue

    request, settings = app.current_request, get_settings()
    queue = InboundQueue(
        client("sqs"), settings.inbound_queue_url, lambda: client("s3"), settings.media_bucket
    )
    answer = webhook.receive(
        request.raw_body,
        request.headers.get("x-hub-signature-256"),
        settings.whatsapp_app_secret,
        queue,
    )
    return _text(answer)


@app.on_sqs_message(queue=INBOUND_QUEUE, batch_size=5)
def process_inbound(event) -> dict:  # type: ignore[no-untyped-def]
    """Partial batch response: only the records listed are delivered again (the event source
    mapping has ReportBatchItemFailures; see infra/deploy)."""
    from chalicelib.processor import process_batch, queue_records
    from chalicelib.wiring import services

    failed = process_batch(queue_records(event), services())
    return {"batchItemFailures": [{"itemIdentifier": record_id} for record_id in failed]}


@app.schedule(Rate(1, unit=Rate.MINUTES))
def sweep_pending(event) -> None:  # type: ignore[no-untyped-def]
    """Retries: replies and alerts still in the outbox, evidence not yet copied to S3."""
    from chalicelib.wiring import services

    services().outbox.sweep()
    services().evidence.sweep()


@app.schedule(Cron(0, 0, "*", "*", "?", "*"))  # 07:00 WIB
def daily_checks(event) -> None:  # type: ignore[no-untyped-def]
    """Every morning: yesterday's rekap to its readers (once; days the schedule missed are
    caught up), last month's early in the month, and the tickets that newly missed a service
    level in one e-mail to the admins."""
    from chalicelib.rekap.send import send_last_month, send_missing_days
    from chalicelib.tickets.overdue import morning_check

    send_missing_days()
    send_last_month()
    morning_check()


@app.schedule(Cron(0, 19, "*", "*", "?", "*"))  # 02:00 WIB, when nobody is working
def apply_retention(event) -> None:  # type: ignore[no-untyped-def]
    """Closed tickets past their retention periods lose the conversation text, then the
    personal data and evidence; the statistics stay (chalicelib/retention.py)."""
    from chalicelib.retention import retention

    retention().run()
