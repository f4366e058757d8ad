"""A log entry as a Merkle leaf (format ``govgate.log-entry/2``).

    leaf data = JCS(leaf object)        leaf hash = SHA-256(0x00 || leaf data)   (RFC 9162 §2.1.1)

The leaf object is v1's hash object (``chain.hash_object``) without ``seq`` — the position is the
tree's business, assigned later by the integrator — and with ``format`` = ``govgate.log-entry/2``.
The body enters through its SHA-256 and length, so a proof about one entry reveals nothing of
another: a leaf hash commits to signatures and nonces and cannot be inverted.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from gateway.evidence.canonical import _FAST, MalformedEvidence, b64, canonical_json
from gateway.evidence.chain import MAX_SEQ, MessageRecord, record_problems
from gateway.evidence.digests import content_digest_matches
from gateway.evidence.merkle import leaf_hash

LEAF_FORMAT = "govgate.log-entry/2"


def leaf_object(record: MessageRecord) -> dict[str, Any]:
    """v1's hash object without ``seq``, with the v2 format: the same members as
    ``chain.hash_object`` (a unit test holds the two together), built in one step."""
    r = record
    return {"message_id": r.message_id, "partner_id": r.partner_id, "key_fingerprint": r.key_fingerprint,
            "operation": r.operation, "method": r.method, "target_uri": r.target_uri,
            "signature_input": r.signature_input, "signature": r.signature, "content_digest": r.content_digest,
            "response_content_digest": r.response_content_digest,
            "response_signature_input": r.response_signature_input, "response_signature": r.response_signature,
            "format": LEAF_FORMAT, "recorded_at": r.recorded_at, "direction": r.direction,
            "body_sha256": b64(hashlib.sha256(r.body).digest()), "body_length": len(r.body),
            "covered_components": dict(r.covered_components), "response_status": r.response_status,
            "response_components": dict(r.response_components)}


def leaf_data(record: MessageRecord) -> bytes:
    obj = leaf_object(record)
    if _flat(obj):  # the shape every well-formed record has: encode without the general walk
        try:
            return _FAST.encode(obj).encode("utf-8")
        except UnicodeEncodeError:
            pass  # a lone surrogate: canonical_json says so
    return canonical_json(obj)


_SCALARS = frozenset({str, type(None)})


def _flat(obj: dict) -> bool:
    """Strings, null, small integers and string->string maps with ASCII keys only: the values
    for which the C encoder's output is JCS (see canonical.canonical_json)."""
    for value in obj.values():
        kind = type(value)
        if kind in _SCALARS:
            continue
        if kind is int and 0 <= value <= MAX_SEQ:
            continue
        if kind is dict and _str_map(value):
            continue
        return False
    return True


def _str_map(value: dict) -> bool:
    return (not value or (set(map(type, value)) == _STR and set(map(type, value.values())) == _STR
                          and "".join(value).isascii()))


_STR = {str}


def record_leaf_hash(record: MessageRecord) -> bytes:
    return leaf_hash(leaf_data(record))


def well_formed_leaf_hash(record: MessageRecord) -> bytes:
    """``record_leaf_hash`` of a record ``record_problems`` passed: every member already has its
    type, so only the component maps' keys decide whether the C encoder's bytes are JCS."""
    obj = leaf_object(record)
    if "".join(obj["covered_components"]).isascii() and "".join(obj["response_components"]).isascii():
        try:
            return leaf_hash(_FAST.encode(obj).encode("utf-8"))
        except UnicodeEncodeError:
            pass  # a lone surrogate: canonical_json says so
    return leaf_hash(canonical_json(obj))


def checked_leaf_hash(record: MessageRecord) -> bytes:
    """The leaf hash of a record about to be logged; raises MalformedEvidence if it is not one
    the log may hold (the shape of §3, and a body matching its Content-Digest)."""
    problems = record_problems(record)
    if record.content_digest is not None and not content_digest_matches(record.content_digest, record.body):
        problems.append("body does not match content_digest")
    if problems:
        raise MalformedEvidence("; ".join(problems))
    return well_formed_leaf_hash(record)


@dataclass(frozen=True)
class StoredEntry:
    """An entry as stored: ``index`` is None until the integrator has placed it in the tree."""

    id: int
    index: int | None
    leaf_hash: bytes
    record: MessageRecord
