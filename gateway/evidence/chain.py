"""The hash chain: what one log entry records and how its hash is computed.

    record_digest = SHA-256( JCS(hash_object(seq, record)) )
    entry_hash    = SHA-256( prev_hash || record_digest )          (64 raw bytes in, 32 out)

The genesis ``prev_hash`` (before seq 1) is 32 zero bytes. The hash object carries the body's
SHA-256 and length rather than the body, so the proof linking an entry to a checkpoint needs only
the 32-byte record digests of the entries after it — never their content (see docs/evidence.md).
A changed stored body still breaks the chain: verification rehashes the stored bytes.
"""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from gateway.evidence.canonical import MalformedEvidence, b64, canonical_json, is_timestamp
from gateway.evidence.digests import content_digest_matches

ENTRY_FORMAT = "govgate.log-entry/1"
GENESIS_HASH = bytes(32)
MAX_SEQ = 2**53 - 1  # I-JSON integer range (RFC 8785 §3.2.2.3)


class Direction(str, enum.Enum):
    INBOUND = "inbound"  # a partner's signed request and the gateway's signed receipt
    OUTBOUND_DELIVERY = "outbound-delivery"  # the gateway's signed delivery to a recipient
    RECEIPT = "receipt"  # a recipient's signed answer to a delivery


@dataclass(frozen=True)
class MessageRecord:
    """What the log records about one message. Header values are kept exactly as exchanged.

    ``signature_input`` and ``signature`` are the one Signature-Input / Signature dictionary member
    that was verified (``label=(...)...`` and ``label=:...:``). ``covered_components`` maps each
    covered component identifier, serialised as on the left of its signature-base line (e.g.
    ``"@method"``, ``"signature";req;key="sig1"``), to its value; likewise ``response_components``.
    """

    recorded_at: str
    message_id: str
    partner_id: str
    key_fingerprint: str
    operation: str
    direction: str
    method: str
    target_uri: str
    body: bytes
    content_digest: str | None
    signature_input: str
    signature: str
    covered_components: Mapping[str, str]
    response_status: int | None = None
    response_content_digest: str | None = None
    response_signature_input: str | None = None
    response_signature: str | None = None
    response_components: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class LogEntry:
    """One stored entry. ``entry_hash`` is as stored; verification recomputes it."""

    seq: int
    prev_hash: bytes
    entry_hash: bytes
    record: MessageRecord


@dataclass(frozen=True)
class ChainHead:
    seq: int
    hash: bytes


GENESIS = ChainHead(0, GENESIS_HASH)

_STRINGS = ("message_id", "partner_id", "key_fingerprint", "operation", "method", "target_uri",
            "signature_input", "signature")
_OPTIONAL_STRINGS = ("content_digest", "response_content_digest", "response_signature_input",
                     "response_signature")


def hash_object(seq: int, record: MessageRecord) -> dict[str, Any]:
    """The JSON object whose JCS encoding is hashed into ``record_digest``."""
    obj: dict[str, Any] = {name: getattr(record, name) for name in _STRINGS + _OPTIONAL_STRINGS}
    obj.update(
        format=ENTRY_FORMAT,
        seq=seq,
        recorded_at=record.recorded_at,
        direction=record.direction,
        body_sha256=b64(hashlib.sha256(record.body).digest()),
        body_length=len(record.body),
        covered_components=dict(record.covered_components),
        response_status=record.response_status,
        response_components=dict(record.response_components),
    )
    return obj


def record_digest(seq: int, record: MessageRecord) -> bytes:
    return hashlib.sha256(canonical_json(hash_object(seq, record))).digest()


def link(prev_hash: bytes, digest: bytes) -> bytes:
    return hashlib.sha256(prev_hash + digest).digest()


def compute_entry_hash(entry: LogEntry) -> bytes:
    """The hash ``entry`` should have; raises MalformedEvidence if it cannot be encoded."""
    return link(entry.prev_hash, record_digest(entry.seq, entry.record))


def append(head: ChainHead, record: MessageRecord) -> LogEntry:
    """The entry that follows ``head``; raises MalformedEvidence if ``record`` is malformed."""
    problems = record_problems(record)
    if record.content_digest is not None and not content_digest_matches(record.content_digest, record.body):
        problems.append("body does not match content_digest")
    if problems:
        raise MalformedEvidence("; ".join(problems))
    if head.seq >= MAX_SEQ:
        raise MalformedEvidence("the log has reached the largest sequence number")
    unsealed = LogEntry(head.seq + 1, head.hash, b"", record)
    return replace(unsealed, entry_hash=compute_entry_hash(unsealed))


def entry_problems(entry: LogEntry) -> list[str]:
    """Why a stored entry is not in the documented shape (empty when it is)."""
    problems = record_problems(entry.record)
    if type(entry.seq) is not int or not 1 <= entry.seq <= MAX_SEQ:
        problems.append("seq must be an integer from 1 to 2^53-1")
    for name in ("prev_hash", "entry_hash"):
        value = getattr(entry, name)
        if not isinstance(value, bytes) or len(value) != 32:
            problems.append(f"{name} must be 32 bytes")
    return problems


def record_problems(record: MessageRecord) -> list[str]:
    r = record
    strings = (r.message_id, r.partner_id, r.key_fingerprint, r.operation, r.method, r.target_uri,
               r.signature_input, r.signature)
    optional = (r.content_digest, r.response_content_digest, r.response_signature_input, r.response_signature)
    status = r.response_status
    if (is_timestamp(r.recorded_at) and r.direction in _DIRECTIONS and all(type(v) is str and v for v in strings)
            and all(v is None or type(v) is str for v in optional) and type(r.body) is bytes
            and _string_map(r.covered_components) and _string_map(r.response_components)
            and (status is None or (type(status) is int and 100 <= status <= 599))):
        return []  # the shape every logged record has; the walk below says what is wrong otherwise
    return _record_problems(record)


_DIRECTIONS = frozenset(d.value for d in Direction)
_STR_TYPE = {str}


def _string_map(value: Any) -> bool:
    if type(value) is dict:
        return not value or (set(map(type, value)) == _STR_TYPE and set(map(type, value.values())) == _STR_TYPE)
    return isinstance(value, Mapping) and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items())


def _record_problems(record: MessageRecord) -> list[str]:
    problems = []
    if not is_timestamp(record.recorded_at):
        problems.append("recorded_at must be RFC 3339 UTC with microseconds and Z")
    if record.direction not in {d.value for d in Direction}:
        problems.append(f"direction must be one of {', '.join(d.value for d in Direction)}")
    for name in _STRINGS:
        if not isinstance(getattr(record, name), str) or not getattr(record, name):
            problems.append(f"{name} must be a non-empty string")
    for name in _OPTIONAL_STRINGS:
        if getattr(record, name) is not None and not isinstance(getattr(record, name), str):
            problems.append(f"{name} must be a string or null")
    if not isinstance(record.body, bytes):
        problems.append("body must be bytes")
    for name in ("covered_components", "response_components"):
        value = getattr(record, name)
        if not isinstance(value, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()
        ):
            problems.append(f"{name} must map strings to strings")
    status = record.response_status
    if status is not None and (type(status) is not int or not 100 <= status <= 599):
        problems.append("response_status must be an HTTP status code or null")
    return problems
