"""Signed checkpoints: the gateway's signature over (seq, head hash, time) of its log.

    signed bytes = JCS({"format": "govgate.checkpoint/1", "seq": n, "head_hash": b64,
                        "issued_at": "...Z", "keyid": kid})
    signature    = Ed25519 (RFC 8032) over those bytes, by the key ``kid`` of the gateway's JWKS

``keyid`` is inside the signed bytes, so a checkpoint cannot be re-attributed to another key.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from gateway.evidence.canonical import MalformedEvidence, b64, canonical_json, is_timestamp, unb64
from gateway.evidence.chain import MAX_SEQ, ChainHead
from gateway.evidence.keys import GatewayKeys

CHECKPOINT_FORMAT = "govgate.checkpoint/1"


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    head_hash: bytes
    issued_at: str
    keyid: str
    signature: bytes

    @property
    def head(self) -> ChainHead:
        return ChainHead(self.seq, self.head_hash)

    def signed_bytes(self) -> bytes:
        return canonical_json({"format": CHECKPOINT_FORMAT, "seq": self.seq, "head_hash": b64(self.head_hash),
                               "issued_at": self.issued_at, "keyid": self.keyid})

    def to_json(self) -> dict[str, Any]:
        return {"seq": self.seq, "head_hash": b64(self.head_hash), "issued_at": self.issued_at,
                "keyid": self.keyid, "signature": b64(self.signature)}

    @classmethod
    def from_json(cls, obj: Any) -> Checkpoint:
        """Raises MalformedEvidence unless ``obj`` has exactly the documented members."""
        if not isinstance(obj, Mapping) or set(obj) != {"seq", "head_hash", "issued_at", "keyid", "signature"}:
            raise MalformedEvidence("a checkpoint has exactly seq, head_hash, issued_at, keyid, signature")
        checkpoint = cls(obj["seq"], unb64(obj["head_hash"], what="checkpoint head_hash"), obj["issued_at"],
                         obj["keyid"], unb64(obj["signature"], what="checkpoint signature"))
        problems = checkpoint_problems(checkpoint)
        if problems:
            raise MalformedEvidence("; ".join(problems))
        return checkpoint


def checkpoint_problems(checkpoint: Checkpoint) -> list[str]:
    problems = []
    if type(checkpoint.seq) is not int or not 1 <= checkpoint.seq <= MAX_SEQ:
        problems.append("checkpoint seq must be an integer from 1 to 2^53-1")
    if not isinstance(checkpoint.head_hash, bytes) or len(checkpoint.head_hash) != 32:
        problems.append("checkpoint head_hash must be 32 bytes")
    if not is_timestamp(checkpoint.issued_at):
        problems.append("checkpoint issued_at must be RFC 3339 UTC with microseconds and Z")
    if not isinstance(checkpoint.keyid, str) or not checkpoint.keyid:
        problems.append("checkpoint keyid must be a non-empty string")
    if not isinstance(checkpoint.signature, bytes):
        problems.append("checkpoint signature must be bytes")
    return problems


def sign_checkpoint(head: ChainHead, issued_at: str, key: Ed25519PrivateKey, keyid: str) -> Checkpoint:
    """Raises MalformedEvidence for a genesis head or a malformed time or keyid."""
    unsigned = Checkpoint(head.seq, head.hash, issued_at, keyid, b"")
    problems = checkpoint_problems(unsigned)
    if problems:
        raise MalformedEvidence("; ".join(problems))
    return Checkpoint(head.seq, head.hash, issued_at, keyid, key.sign(unsigned.signed_bytes()))


def checkpoint_signature_problem(checkpoint: Checkpoint, keys: GatewayKeys) -> tuple[str, str] | None:
    """None if the signature holds under ``keys`` ; else (finding code, detail)."""
    key = keys.get(checkpoint.keyid) if isinstance(checkpoint.keyid, str) else None
    if key is None:
        return "checkpoint_unknown_key", f"keyid {checkpoint.keyid!r} is not in the gateway's JWKS"
    if not isinstance(key, Ed25519PublicKey):
        return "checkpoint_unknown_key", f"keyid {checkpoint.keyid!r} is not an Ed25519 key"
    try:
        key.verify(checkpoint.signature, checkpoint.signed_bytes())
    except (InvalidSignature, MalformedEvidence):  # MalformedEvidence: unencodable corrupted field
        return "checkpoint_signature_invalid", f"signature by {checkpoint.keyid!r} does not verify"
    return None


def checkpoint_due(head_seq: int, last_checkpoint_seq: int, interval: int) -> bool:
    """Whether the gateway should sign a checkpoint now: every ``interval`` entries.

    The interval also bounds the size of a bundle's proof (at most ``interval`` record digests).
    """
    if interval < 1:
        raise MalformedEvidence("the checkpoint interval must be at least 1")
    return head_seq - last_checkpoint_seq >= interval
