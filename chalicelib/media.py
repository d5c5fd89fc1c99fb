"""Evidence photos and documents: copied from the Graph API to S3 promptly (media URLs expire in
minutes), streamed through a temporary file with content type and sha256 checked; a failed copy
is retried by the sweep and never blocks the ticket, which already holds the S3 key. What can
never succeed (a URL off Meta's hosts, a redirect, a file over 100 MB, the wrong content) is
recorded as failed at once instead of being retried."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import IO, Any

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.logs import get_logger
from chalicelib.store.dynamo import DynamoStore
from chalicelib.whatsapp.client import GraphClient, GraphError, MediaRefused

log = get_logger("media")

MAX_BYTES = 100 * 1024 * 1024
MAX_ATTEMPTS = 8
# Leading bytes of the formats citizens send as evidence; anything else is refused.
SIGNATURES = {
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/webp": (b"RIFF",),
    "application/pdf": (b"%PDF",),
    # Voice notes (Ogg Opus) and other recordings, kept as the description's evidence.
    "audio/ogg": (b"OggS",),
    "audio/mpeg": (b"ID3", b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"),
    "audio/amr": (b"#!AMR",),
}
# ISO media files (MP4, M4A, 3GP) say "ftyp" at byte 4 rather than at the start.
ISO_MEDIA = frozenset({"audio/mp4", "audio/aac", "video/mp4", "video/3gpp"})
OFFICE_DOCUMENTS = ("application/msword", "application/vnd.openxmlformats", "application/zip")


class EvidenceError(ValueError):
    pass


def check_content(data: IO[bytes], mime_type: str, sha256_hex: str | None) -> tuple[str, int]:
    """Verify the file is what Meta said; return its hex sha256 and size, rewound."""
    head = data.read(16)
    hasher = hashlib.sha256(head)
    size = len(head)
    while chunk := data.read(1 << 16):
        hasher.update(chunk)
        size += len(chunk)
    data.seek(0)
    digest = hasher.hexdigest()
    if sha256_hex and len(sha256_hex) == 64 and sha256_hex.lower() != digest:
        raise EvidenceError("sha256 does not match the Graph API's")
    kind = mime_type.split(";")[0].strip().lower()
    if kind in ISO_MEDIA:
        if head[4:8] != b"ftyp":
            raise EvidenceError(f"content is not {kind}")
    elif kind in SIGNATURES:
        if not head.startswith(SIGNATURES[kind]):
            raise EvidenceError(f"content is not {kind}")
    elif not kind.startswith(OFFICE_DOCUMENTS):
        raise EvidenceError(f"content type {kind} is not accepted as evidence")
    return digest, size


class EvidenceCopier:
    def __init__(
        self,
        graph: GraphClient,
        s3: Any,
        bucket: str,
        store: DynamoStore,
        clock: Callable[[], datetime],
    ):
        self._graph, self._s3, self._bucket = graph, s3, bucket
        self._store, self._clock = store, clock

    def copy(self, job: dict[str, Any], attempts: int = 0) -> bool:
        key = job["key"]
        try:
            meta = self._graph.media_url(str(job["media_id"]))
            with self._graph.download(str(meta["url"]), MAX_BYTES) as data:
                mime = str(meta.get("mime_type") or job.get("mime_type") or "")
                digest, size = check_content(data, mime, meta.get("sha256"))
                self._s3.put_object(
                    Bucket=self._bucket,
                    Key=key,
                    Body=data,
                    ContentType=mime,
                    ChecksumSHA256=base64.b64encode(bytes.fromhex(digest)).decode(),
                    Metadata={"sha256": digest},
                )
        except (
            GraphError,
            EvidenceError,
            MediaRefused,
            KeyError,
            ClientError,
            BotoCoreError,
        ) as error:
            attempts += 1
            permanent = isinstance(error, EvidenceError | MediaRefused) or attempts >= MAX_ATTEMPTS
            due = self._clock() + timedelta(seconds=min(60 * 2**attempts, 6 * 3600))
            self._store.media_retry(key, due, attempts, str(error)[:300], give_up=permanent)
            log.warning(
                "evidence_copy_failed",
                extra={
                    "key": key,
                    "attempts": attempts,
                    "final": permanent,
                    "reason": type(error).__name__,
                },
            )
            return False
        self._store.media_done(key, size)
        log.info("evidence_stored", extra={"key": key, "bytes": size})
        return True

    def sweep(self) -> int:
        copied = 0
        for item in self._store.due_media(self._clock()):
            copied += self.copy(json.loads(item["job"]), int(item.get("attempts", 0)))
        return copied


def erase_evidence(s3: Any, bucket: str, keys: list[str]) -> int:
    """Delete every version (and delete marker) of each evidence object: the bucket is
    versioned, so a plain delete would only hide the file. Returns the versions removed."""
    removed = 0
    for key in keys:
        versions: list[dict[str, str]] = []
        for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket, Prefix=key):
            versions += [
                {"Key": v["Key"], "VersionId": v["VersionId"]}
                for v in page.get("Versions", []) + page.get("DeleteMarkers", [])
                if v["Key"] == key
            ]
        for start in range(0, len(versions), 1000):  # S3's limit per request
            batch = versions[start : start + 1000]
            answer = s3.delete_objects(Bucket=bucket, Delete={"Objects": batch, "Quiet": True})
            if answer.get("Errors"):
                raise EvidenceError(f"{len(answer['Errors'])} versions of an object not deleted")
            removed += len(batch)
    return removed
