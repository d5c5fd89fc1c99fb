"""Evidence is kept only when its bytes are what Meta said they are."""

from __future__ import annotations

import hashlib
import io

import pytest

from chalicelib.media import EvidenceError, check_content

FILES = {
    "image/jpeg": b"\xff\xd8\xff\xe0" + b"\x00" * 32,
    "application/pdf": b"%PDF-1.7\n" + b"\x00" * 32,
    "audio/ogg; codecs=opus": b"OggS\x00\x02" + b"\x00" * 32,  # a WhatsApp voice note
    "audio/mpeg": b"ID3\x04" + b"\x00" * 32,
    "video/mp4": b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 32,
    "audio/mp4": b"\x00\x00\x00\x1cftypM4A " + b"\x00" * 32,
}


@pytest.mark.parametrize("mime", list(FILES))
def test_accepted_evidence_is_hashed_and_rewound(mime):
    data = FILES[mime]
    stream = io.BytesIO(data)
    digest, size = check_content(stream, mime, hashlib.sha256(data).hexdigest())
    assert (digest, size) == (hashlib.sha256(data).hexdigest(), len(data))
    assert stream.tell() == 0


@pytest.mark.parametrize(
    ("mime", "data"),
    [
        ("image/jpeg", b"%PDF-1.7"),  # not what it claims
        ("video/mp4", b"OggS" + b"\x00" * 16),
        ("application/x-msdownload", b"MZ\x90\x00"),  # not evidence at all
    ],
)
def test_content_that_is_not_what_it_claims_is_refused(mime, data):
    with pytest.raises(EvidenceError):
        check_content(io.BytesIO(data), mime, None)


def test_a_file_whose_hash_differs_from_metas_is_refused():
    data = FILES["image/jpeg"]
    with pytest.raises(EvidenceError):
        check_content(io.BytesIO(data), "image/jpeg", "0" * 64)
