"""Sending a bulk batch the way a partner would: NDJSON, streamed in chunks, its Content-Digest
computed first and signed (with its Content-Type) in the request signature."""

from __future__ import annotations

import json
import uuid

from gateway.signatures import Headers, HttpRequest, RequestSigner
from gateway.signatures.digest import content_digest

from .signing import BASE, SignedPartner


def ndjson(lines) -> bytes:
    return b"".join(json.dumps(line, ensure_ascii=False).encode() + b"\n" for line in lines)


def batch_headers(partner: SignedPartner, path: str, body: bytes, *, key: str | None = None,
                  digest: str | None = None) -> dict:
    headers = {"Content-Type": "application/x-ndjson", "Idempotency-Key": key or str(uuid.uuid4())}
    signer = RequestSigner(partner.key, **({"clock": partner.clock} if partner.clock else {}))
    fields = signer.sign(HttpRequest("POST", BASE + path, Headers(headers), b""),
                         digest=digest or content_digest(body))
    return {**headers, **dict(fields.headers())}


def send_batch(partner: SignedPartner, path: str, body: bytes, *, chunk: int = 64 * 1024,
               key: str | None = None, digest: str | None = None, sent: bytes | None = None):
    """POST ``body`` as a batch; ``sent`` (default ``body``) is what actually goes on the wire."""
    headers = batch_headers(partner, path, body, key=key, digest=digest)
    wire = body if sent is None else sent

    def chunks():
        for start in range(0, len(wire), chunk):
            yield wire[start:start + chunk]

    return partner.client.post(path, headers=headers, content=chunks())
