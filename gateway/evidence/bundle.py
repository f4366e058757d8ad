"""Evidence bundles: one log entry, self-contained, provably part of a signed checkpoint.

    {"format": "govgate.evidence-bundle/1",
     "entry": <entry JSON, see entry_json>,
     "proof": {"record_digests": [b64, ...]},   # entries seq+1 .. checkpoint.seq, in order
     "checkpoint": <checkpoint JSON>,
     "sender_jwk": <public JWK of the key that signed the message, as it was>}

The gateway's receipt is the entry's ``response_*`` members. ``verify_bundle`` (in bundle_verify)
checks a bundle offline against the gateway's JWKS.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from gateway.errors import GovgateError
from gateway.evidence.canonical import MalformedEvidence, b64, unb64
from gateway.evidence.chain import LogEntry, link
from gateway.evidence.checkpoint import Checkpoint
from gateway.evidence.entry_json import entry_from_json, entry_to_json

BUNDLE_FORMAT = "govgate.evidence-bundle/1"
_MEMBERS = frozenset({"format", "entry", "proof", "checkpoint", "sender_jwk"})


class EvidenceInconsistent(GovgateError):
    """Stored evidence does not add up (the log itself needs ``govgate log verify``)."""

    status = 500
    reason = "evidence_inconsistent"


@dataclass(frozen=True)
class Bundle:
    entry: LogEntry
    record_digests: tuple[bytes, ...]
    checkpoint: Checkpoint
    sender_jwk: Mapping[str, Any]


def proof_head(entry_hash: bytes, record_digests: Sequence[bytes]) -> bytes:
    """Fold the following record digests onto an entry hash: the head the checkpoint should sign."""
    head = entry_hash
    for digest in record_digests:
        head = link(head, digest)
    return head


def build_bundle(entry: LogEntry, record_digests: Sequence[bytes], checkpoint: Checkpoint,
                 sender_jwk: Mapping[str, Any]) -> dict[str, Any]:
    """The bundle's JSON; ``record_digests`` are those of entries ``entry.seq+1 .. checkpoint.seq``.

    Raises EvidenceInconsistent rather than hand out a bundle whose proof does not reach the
    checkpoint. The caller picks the first checkpoint at or after the entry, which keeps the proof
    no longer than the checkpoint interval.
    """
    if checkpoint.seq - entry.seq != len(record_digests):
        raise EvidenceInconsistent(f"a proof from seq {entry.seq} to checkpoint {checkpoint.seq} needs "
                                   f"{checkpoint.seq - entry.seq} record digests, got {len(record_digests)}")
    if proof_head(entry.entry_hash, record_digests) != checkpoint.head_hash:
        raise EvidenceInconsistent(f"entry {entry.seq} does not chain to checkpoint {checkpoint.seq}")
    return {"format": BUNDLE_FORMAT, "entry": entry_to_json(entry),
            "proof": {"record_digests": [b64(d) for d in record_digests]},
            "checkpoint": checkpoint.to_json(), "sender_jwk": dict(sender_jwk)}


def parse_bundle(obj: Any) -> Bundle:
    """Raises MalformedEvidence unless ``obj`` is a bundle in exactly the documented shape."""
    if not isinstance(obj, Mapping) or set(obj) != _MEMBERS:
        raise MalformedEvidence(f"a bundle has exactly the members {sorted(_MEMBERS)}")
    if obj["format"] != BUNDLE_FORMAT:
        raise MalformedEvidence(f"unknown bundle format {obj['format']!r}")
    proof = obj["proof"]
    if not isinstance(proof, Mapping) or set(proof) != {"record_digests"} \
            or not isinstance(proof["record_digests"], list):
        raise MalformedEvidence('proof must be {"record_digests": [...]}')
    digests = tuple(unb64(d, what="proof record digest") for d in proof["record_digests"])
    if any(len(d) != 32 for d in digests):
        raise MalformedEvidence("every proof record digest must be 32 bytes")
    if not isinstance(obj["sender_jwk"], Mapping):
        raise MalformedEvidence("sender_jwk must be a JSON object")
    return Bundle(entry_from_json(obj["entry"]), digests, Checkpoint.from_json(obj["checkpoint"]), obj["sender_jwk"])
