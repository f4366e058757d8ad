"""Content-Digest (RFC 9530): computing it for outgoing content, checking it on arrival.

The field is an RFC 8941 dictionary of ``algorithm=:base64:`` members. Members with algorithms
we do not know are ignored (RFC 9530 §2); every member we do know must match, so a sender
cannot smuggle a wrong sha-512 next to a right sha-256.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable

import http_sf

from gateway.signatures.errors import Rejection, SignatureRejected
from gateway.signatures.structured import parse_dictionary

DIGEST_ALGORITHMS: dict[str, Callable[[bytes], bytes]] = {
    "sha-256": lambda body: hashlib.sha256(body).digest(),
    "sha-512": lambda body: hashlib.sha512(body).digest(),
}


def content_digest(body: bytes, alg: str = "sha-256") -> str:
    """The Content-Digest field value for ``body``, e.g. ``sha-256=:X48E…=:``."""
    if alg not in DIGEST_ALGORITHMS:
        raise ValueError(f"unsupported digest algorithm {alg!r}")
    return http_sf.ser({alg: DIGEST_ALGORITHMS[alg](body)})


def verify_content_digest(header_value: str | None, body: bytes) -> str:
    """Check a received Content-Digest against the received bytes.

    Returns the field value re-serialised with only the supported members (what evidence
    records). Raises ``SignatureRejected`` with ``content_digest_missing``,
    ``content_digest_malformed``, ``content_digest_unsupported`` or ``content_digest_mismatch``.
    """
    if header_value is None:
        raise SignatureRejected(Rejection.CONTENT_DIGEST_MISSING)
    members = parse_dictionary(header_value, Rejection.CONTENT_DIGEST_MALFORMED)
    checked: dict[str, bytes] = {}
    for alg, (value, _params) in members.items():
        if alg not in DIGEST_ALGORITHMS:
            continue
        if not isinstance(value, bytes):
            raise SignatureRejected(Rejection.CONTENT_DIGEST_MALFORMED)
        if not hmac.compare_digest(value, DIGEST_ALGORITHMS[alg](body)):
            raise SignatureRejected(Rejection.CONTENT_DIGEST_MISMATCH)
        checked[alg] = value
    if not checked:
        raise SignatureRejected(Rejection.CONTENT_DIGEST_UNSUPPORTED)
    return http_sf.ser(checked)
