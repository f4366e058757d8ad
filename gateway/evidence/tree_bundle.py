"""Evidence bundles v2: one entry, its RFC 9162 inclusion proof, and the (cosigned) checkpoint.

    {"format": "govgate.evidence-bundle/2",
     "entry": {"leaf_index": i, "leaf_hash": b64, "record": <record JSON, body as b64>},
     "proof": {"tree_size": n, "hashes": [b64, ...]},      # PATH(i, D[n]), leaf-most first
     "checkpoint": "<the C2SP signed note of size n: the gateway's line, and witnesses' lines>",
     "sender_jwk": <public JWK of the key that signed the message>}
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

from gateway.evidence.canonical import MalformedEvidence, b64, unb64
from gateway.evidence.chain import MessageRecord, record_problems
from gateway.evidence.leaf import StoredEntry
from gateway.evidence.note import Checkpoint, Note

BUNDLE_FORMAT_V2 = "govgate.evidence-bundle/2"
_MEMBERS = frozenset({"format", "entry", "proof", "checkpoint", "sender_jwk"})
_RECORD_MEMBERS = frozenset(f.name for f in fields(MessageRecord))


@dataclass(frozen=True)
class TreeBundle:
    leaf_index: int
    leaf_hash: bytes
    record: MessageRecord
    tree_size: int
    proof: tuple[bytes, ...]
    note: Note
    checkpoint: Checkpoint
    sender_jwk: Mapping[str, Any]


def record_to_json(record: MessageRecord) -> dict[str, Any]:
    obj = {f.name: getattr(record, f.name) for f in fields(MessageRecord)}
    obj.update(body=b64(record.body), covered_components=dict(record.covered_components),
               response_components=dict(record.response_components))
    return obj


def record_from_json(raw: Any) -> MessageRecord:
    if not isinstance(raw, Mapping) or set(raw) != _RECORD_MEMBERS:
        raise MalformedEvidence(f"a record has exactly the members {sorted(_RECORD_MEMBERS)}")
    record = MessageRecord(**{**raw, "body": unb64(raw["body"], what="record body")})
    problems = record_problems(record)
    if problems:
        raise MalformedEvidence("; ".join(problems))
    return record


def build_tree_bundle(entry: StoredEntry, tree_size: int, proof: Sequence[bytes], signed_note: str,
                      sender_jwk: Mapping[str, Any]) -> dict[str, Any]:
    return {"format": BUNDLE_FORMAT_V2,
            "entry": {"leaf_index": entry.index, "leaf_hash": b64(entry.leaf_hash),
                      "record": record_to_json(entry.record)},
            "proof": {"tree_size": tree_size, "hashes": [b64(h) for h in proof]},
            "checkpoint": signed_note, "sender_jwk": dict(sender_jwk)}


def _int(value: Any, what: str) -> int:
    if type(value) is not int or not 0 <= value < 2**63:
        raise MalformedEvidence(f"{what} must be a non-negative integer")
    return value


def parse_tree_bundle(obj: Any) -> TreeBundle:
    """Raises MalformedEvidence unless ``obj`` is a v2 bundle in exactly the documented shape."""
    if not isinstance(obj, Mapping) or set(obj) != _MEMBERS or obj["format"] != BUNDLE_FORMAT_V2:
        raise MalformedEvidence(f"a v2 bundle has exactly the members {sorted(_MEMBERS)}")
    entry, proof = obj["entry"], obj["proof"]
    if not isinstance(entry, Mapping) or set(entry) != {"leaf_index", "leaf_hash", "record"}:
        raise MalformedEvidence("entry has exactly leaf_index, leaf_hash and record")
    if not isinstance(proof, Mapping) or set(proof) != {"tree_size", "hashes"} \
            or not isinstance(proof["hashes"], list):
        raise MalformedEvidence('proof must be {"tree_size": n, "hashes": [...]}')
    hashes = tuple(unb64(h, what="proof hash") for h in proof["hashes"])
    leaf = unb64(entry["leaf_hash"], what="leaf_hash")
    if len(leaf) != 32 or any(len(h) != 32 for h in hashes):
        raise MalformedEvidence("leaf and proof hashes are 32 bytes")
    if not isinstance(obj["checkpoint"], str):
        raise MalformedEvidence("checkpoint is the signed note, as text")
    note = Note.parse(obj["checkpoint"])
    if not isinstance(obj["sender_jwk"], Mapping):
        raise MalformedEvidence("sender_jwk must be a JSON object")
    return TreeBundle(_int(entry["leaf_index"], "leaf_index"), leaf, record_from_json(entry["record"]),
                      _int(proof["tree_size"], "tree_size"), hashes, note, Checkpoint.from_text(note.text),
                      obj["sender_jwk"])
