"""`make rekap DATE=YYYY-MM-DD`: the rekap of one WIB day from the running `make run` stack,
by the same code as the 07:00 WIB schedule: printed as text, written to dist/rekap/ as HTML and
XLSX, and sent to the staff marked as rekap recipients (the embedded AWS keeps the e-mails)."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date
from pathlib import Path

from local.run import AWS_ENV, DEFAULTS

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make rekap", description=__doc__.splitlines()[0])
    parser.add_argument("day", type=date.fromisoformat, help="WIB day, YYYY-MM-DD")
    args = parser.parse_args(argv)
    port = os.environ.get("LIGAT_AWS_PORT") or DEFAULTS["LIGAT_AWS_PORT"]
    os.environ.update({**AWS_ENV, "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}"})
    for name, value in DEFAULTS.items():
        os.environ.setdefault(name, value)

    import boto3
    from botocore.exceptions import ClientError, EndpointConnectionError

    from local.provision import app_environment

    try:
        stack = boto3.client("cloudformation").describe_stacks(StackName="ligat-local")
    except (ClientError, EndpointConnectionError):
        print(f"No local stack on port {port}: start it with `make run` first.", file=sys.stderr)
        return 1
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack["Stacks"][0].get("Outputs", [])}
    os.environ.update(app_environment(outputs))

    from chalicelib.rekap.build import Scope
    from chalicelib.rekap.html import render_html
    from chalicelib.rekap.send import rekap_service
    from chalicelib.rekap.text import render_text, subject
    from chalicelib.rekap.xlsx import render_xlsx
    from chalicelib.staff.services import staff_services

    service = rekap_service()
    rekap = service.build(args.day, Scope.everything())
    out = ROOT / "dist" / "rekap"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"rekap-{args.day}.html").write_text(render_html(rekap))
    (out / f"rekap-{args.day}.xlsx").write_bytes(render_xlsx(rekap))
    print(subject(rekap), "", render_text(rekap), sep="\n")
    readers = staff_services().directory.rekap_recipients()
    sent = service.send(args.day, readers, once=False)
    print(f"\nWritten to {out}; e-mailed to {sent} rekap recipient(s).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
