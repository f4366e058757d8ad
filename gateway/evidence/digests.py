"""Content-Digest (RFC 9530) checks against stored body bytes."""

from __future__ import annotations

import hashlib

import http_sf

_ALGORITHMS = {"sha-256": hashlib.sha256, "sha-512": hashlib.sha512}


def content_digest_matches(header: str, body: bytes) -> bool:
    """True when every supported digest in ``header`` matches ``body`` and there is at least one.

    Unparseable headers and headers naming only unknown algorithms do not match: a digest the
    verifier cannot check proves nothing.
    """
    try:
        members = http_sf.parse(header.encode("ascii"), tltype="dictionary")
    except (UnicodeEncodeError, ValueError, http_sf.StructuredFieldError):
        return False
    checked = 0
    for name, (value, _params) in members.items():
        algorithm = _ALGORITHMS.get(name)
        if algorithm is None:
            continue
        if not isinstance(value, bytes) or algorithm(body).digest() != value:
            return False
        checked += 1
    return checked > 0
