"""A log entry as a Merkle leaf (format ``govgate.log-entry/2``).

    leaf data = JCS(leaf object)        leaf hash = SHA-256(0x00 || leaf data)   (RFC 9162 §2.1.1)

The leaf object is v1's hash object (``chain.hash_object``) without ``seq`` — the position is the
tree's business, assigned later by the integrator — and with ``format`` = ``govgate.log-entry/2``.
The body enters through its SHA-256 and length, so a proof about one entry reveals nothing of
another: a leaf hash commits to signatures and nonces and cannot be inverted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gateway.evidence.canonical import MalformedEvidence, canonical_json
from gateway.evidence.chain import MessageRecord, hash_object, record_problems
from gateway.evidence.digests import content_digest_matches
from gateway.evidence.merkle import leaf_hash

LEAF_FORMAT = "govgate.log-entry/2"


def leaf_object(record: MessageRecord) -> dict[str, Any]:
    obj = hash_object(0, record)
    del obj["seq"]
    obj["format"] = LEAF_FORMAT
    return obj


def leaf_data(record: MessageRecord) -> bytes:
    return canonical_json(leaf_object(record))


def record_leaf_hash(record: MessageRecord) -> bytes:
    return leaf_hash(leaf_data(record))


def checked_leaf_hash(record: MessageRecord) -> bytes:
    """The leaf hash of a record about to be logged; raises MalformedEvidence if it is not one
    the log may hold (the shape of §3, and a body matching its Content-Digest)."""
    problems = record_problems(record)
    if record.content_digest is not None and not content_digest_matches(record.content_digest, record.body):
        problems.append("body does not match content_digest")
    if problems:
        raise MalformedEvidence("; ".join(problems))
    return record_leaf_hash(record)


@dataclass(frozen=True)
class StoredEntry:
    """An entry as stored: ``index`` is None until the integrator has placed it in the tree."""

    id: int
    index: int | None
    leaf_hash: bytes
    record: MessageRecord
