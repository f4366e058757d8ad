"""Content-Digest (RFC 9530) checks against stored body bytes."""

from __future__ import annotations

import base64
import binascii
import hashlib
import re

import http_sf

_ALGORITHMS = {"sha-256": hashlib.sha256, "sha-512": hashlib.sha512}
# The form nearly every stored digest has; parsed without the general RFC 8941 parser
# (`log verify` checks every entry). Anything else takes the general path.
_ONE_SHA256 = re.compile(r"sha-256=:([A-Za-z0-9+/]{43}=):")


def content_digest_matches(header: str, body: bytes) -> bool:
    """True when every supported digest in ``header`` matches ``body`` and there is at least one.

    Unparseable headers and headers naming only unknown algorithms do not match: a digest the
    verifier cannot check proves nothing.
    """
    single = _ONE_SHA256.fullmatch(header) if isinstance(header, str) else None
    if single is not None:
        try:
            value = base64.b64decode(single.group(1), validate=True)
        except binascii.Error:
            value = None
        if value is not None and base64.b64encode(value).decode() == single.group(1):
            return value == hashlib.sha256(body).digest()
        # not canonical base64: the general parser decides
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
