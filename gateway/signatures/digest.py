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

from gateway.signatures import sf_write
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
    return _ser({alg: DIGEST_ALGORITHMS[alg](body)})


def _ser(members: dict[str, bytes]) -> str:
    try:
        return sf_write.dictionary_bytes(members)
    except sf_write.Unsupported:
        return http_sf.ser(members)


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
    return _ser(checked)


_HASHES: dict[str, Callable] = {"sha-256": hashlib.sha256, "sha-512": hashlib.sha512}


class StreamingDigest:
    """Checks a Content-Digest against a body that arrives in chunks, in constant memory.

    Construction parses the field (raising like ``verify_content_digest``); ``update`` each
    chunk; ``check()`` raises ``content_digest_mismatch`` unless every known member matches.
    """

    def __init__(self, header_value: str | None) -> None:
        if header_value is None:
            raise SignatureRejected(Rejection.CONTENT_DIGEST_MISSING)
        members = parse_dictionary(header_value, Rejection.CONTENT_DIGEST_MALFORMED)
        self._expected: dict[str, bytes] = {}
        for alg, (value, _params) in members.items():
            if alg not in _HASHES:
                continue
            if not isinstance(value, bytes):
                raise SignatureRejected(Rejection.CONTENT_DIGEST_MALFORMED)
            self._expected[alg] = value
        if not self._expected:
            raise SignatureRejected(Rejection.CONTENT_DIGEST_UNSUPPORTED)
        self._hashes = {alg: _HASHES[alg]() for alg in self._expected}
        self.value = http_sf.ser(self._expected)  # what evidence records
        self.length = 0

    def update(self, chunk: bytes) -> None:
        self.length += len(chunk)
        for h in self._hashes.values():
            h.update(chunk)

    def check(self) -> None:
        for alg, expected in self._expected.items():
            if not hmac.compare_digest(expected, self._hashes[alg].digest()):
                raise SignatureRejected(Rejection.CONTENT_DIGEST_MISMATCH)


class DigestWriter:
    """Computes the Content-Digest of content produced in chunks (bulk results, clients)."""

    def __init__(self, alg: str = "sha-256") -> None:
        self.alg, self._hash = alg, _HASHES[alg]()

    def update(self, chunk: bytes) -> None:
        self._hash.update(chunk)

    def value(self) -> str:
        return _ser({self.alg: self._hash.digest()})
