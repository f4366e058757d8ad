"""The tamper-evident message log's pure core: hash chain, checkpoints, proofs, evidence bundles.

No database, web framework or clock in here: storage feeds ``LogEntry`` rows in ``seq`` order,
and the format is specified normatively in docs/evidence.md so that an auditor can re-implement
verification elsewhere.

    v2 (the Merkle log): merkle.py (RFC 9162), note.py (C2SP notes, checkpoints, cosignatures),
    leaf.py (entry -> leaf), tree_verify.py (log verify), tree_bundle.py (bundles v2)
    v1 (the frozen hash chain of migrated databases):
    append(head, record) -> LogEntry                    chain.py
    sign_checkpoint(head, issued_at, key, kid)          checkpoint.py
    verify_log(entries, checkpoints, keys) -> LogReport verify.py   (streaming, O(1) memory)
    build_bundle(...) / verify_bundle(bundle, jwks)     bundle.py, bundle_verify.py

Errors: ``MalformedEvidence`` (an InvalidInput) for data not in the documented shape, and
``EvidenceInconsistent`` when stored evidence does not add up while building a bundle.
"""

from gateway.evidence.bundle import BUNDLE_FORMAT, Bundle, EvidenceInconsistent, build_bundle, parse_bundle, proof_head
from gateway.evidence.bundle_verify import FINDINGS, FINDINGS_V2, BundleFinding, BundleReport, verify_bundle
from gateway.evidence.canonical import MalformedEvidence, canonical_json, format_timestamp
from gateway.evidence.chain import (
                                    ENTRY_FORMAT,
                                    GENESIS,
                                    GENESIS_HASH,
                                    ChainHead,
                                    Direction,
                                    LogEntry,
                                    MessageRecord,
                                    append,
                                    compute_entry_hash,
                                    record_digest,
)
from gateway.evidence.checkpoint import Checkpoint, checkpoint_due, sign_checkpoint
from gateway.evidence.entry_json import entry_from_json, entry_to_json
from gateway.evidence.keys import GatewayKeys, key_fingerprint, public_jwk, public_key_from_jwk
from gateway.evidence.verify import CHECKPOINT_FINDINGS, ENTRY_FINDINGS, Finding, LogReport, verify_log

__all__ = [
    "BUNDLE_FORMAT", "CHECKPOINT_FINDINGS", "ENTRY_FINDINGS", "ENTRY_FORMAT", "FINDINGS", "FINDINGS_V2", "GENESIS",
    "GENESIS_HASH", "Bundle", "BundleFinding", "BundleReport", "ChainHead", "Checkpoint", "Direction",
    "EvidenceInconsistent", "Finding", "GatewayKeys", "LogEntry", "LogReport", "MalformedEvidence",
    "MessageRecord", "append", "build_bundle", "canonical_json", "checkpoint_due", "compute_entry_hash",
    "entry_from_json", "entry_to_json", "format_timestamp", "key_fingerprint", "parse_bundle", "proof_head",
    "public_jwk", "public_key_from_jwk", "record_digest", "sign_checkpoint", "verify_bundle", "verify_log",
]
