"""Check an evidence bundle offline, with nothing but the gateway's JWKS, and say what holds.

Each check is a named finding that ``holds``, ``fails``, is ``not_applicable`` to this entry, or is
``not_checked`` because something it depends on failed. A bundle is verified when nothing fails
and nothing was left unchecked. The names and their order are part of the documented format.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import http_sf

from gateway.evidence.bundle import Bundle, parse_bundle, proof_head
from gateway.evidence.canonical import MalformedEvidence
from gateway.evidence.chain import Direction, compute_entry_hash
from gateway.evidence.checkpoint import checkpoint_signature_problem
from gateway.evidence.digests import content_digest_matches
from gateway.evidence.httpsig import SignatureProblem, check_signature, parse_logged_signature, serialised_member_value
from gateway.evidence.keys import GatewayKeys, key_fingerprint, public_key_from_jwk
from gateway.evidence.leaf import record_leaf_hash
from gateway.evidence.merkle import verify_inclusion
from gateway.evidence.note import Verifier, gateway_verifiers, signature_holds
from gateway.evidence.tree_bundle import BUNDLE_FORMAT_V2, TreeBundle, parse_tree_bundle

FINDINGS_V2 = ("bundle_well_formed", "body_matches_content_digest", "signed_values_match_entry",
               "sender_key_matches_fingerprint", "sender_signature_valid", "leaf_hash_valid",
               "inclusion_proof_valid", "checkpoint_key_known", "checkpoint_signature_valid",
               "witness_cosignatures", "receipt_signature_valid", "receipt_bound_to_request")
FINDINGS = ("bundle_well_formed", "body_matches_content_digest", "signed_values_match_entry",
            "sender_key_matches_fingerprint", "sender_signature_valid", "entry_hash_valid",
            "proof_links_entry_to_checkpoint", "checkpoint_key_known", "checkpoint_signature_valid",
            "receipt_signature_valid", "receipt_bound_to_request")


class _Outcome(Exception):
    def __init__(self, status: str, detail: str) -> None:
        super().__init__(detail)
        self.status, self.detail = status, detail


def _fails(detail: str) -> _Outcome:
    return _Outcome("fails", detail)


@dataclass(frozen=True)
class BundleFinding:
    name: str
    status: str  # holds | fails | not_applicable | not_checked
    detail: str


@dataclass(frozen=True)
class BundleReport:
    findings: tuple[BundleFinding, ...]

    @property
    def verified(self) -> bool:
        return all(f.status in ("holds", "not_applicable") for f in self.findings)

    def to_json(self) -> dict[str, Any]:
        return {"verified": self.verified, "findings": [asdict(f) for f in self.findings]}


def verify_bundle(bundle: Any, jwks: Mapping[str, Any], *, witnesses: Sequence[Verifier] = (),
                  quorum: int = 0) -> BundleReport:
    """Never raises for a bad bundle (that is a finding); raises MalformedEvidence for a bad JWKS.

    A v2 bundle's checkpoint must carry valid cosignatures of at least ``quorum`` of ``witnesses``
    (cosignature/v1 verifier keys); v1 bundles (hash chain) are still understood."""
    keys = GatewayKeys.from_jwks(jwks)
    v2 = isinstance(bundle, Mapping) and bundle.get("format") == BUNDLE_FORMAT_V2
    names = FINDINGS_V2 if v2 else FINDINGS
    try:
        parsed = parse_tree_bundle(bundle) if v2 else parse_bundle(bundle)
    except MalformedEvidence as exc:
        rest = [BundleFinding(n, "not_checked", "the bundle is malformed") for n in names[1:]]
        return BundleReport((BundleFinding(names[0], "fails", exc.detail), *rest))
    if v2:
        checks: _Checks = _TreeChecks(parsed, keys, list(witnesses), quorum)
        summary = f"leaf {parsed.leaf_index}, checkpoint of size {parsed.checkpoint.size}"
    else:
        checks = _Checks(parsed, keys)
        summary = f"entry seq {parsed.entry.seq}, checkpoint seq {parsed.checkpoint.seq}"
    return _run(checks, names, summary)


def _run(checks: _Checks, names: tuple[str, ...], summary: str) -> BundleReport:
    findings = [BundleFinding(names[0], "holds", summary)]
    for name in names[1:]:
        check: Callable[[], str] = getattr(checks, name)
        try:
            status, detail = "holds", check()
        except _Outcome as outcome:
            status, detail = outcome.status, outcome.detail
        except MalformedEvidence as exc:  # e.g. a value JCS cannot encode
            status, detail = "fails", exc.detail
        checks.outcomes[name] = status
        findings.append(BundleFinding(name, status, detail))
    return BundleReport(tuple(findings))


class _Checks:
    """One method per finding; each returns a detail when it holds or raises _Outcome."""

    def __init__(self, bundle: Bundle, keys: GatewayKeys) -> None:
        self.bundle, self.entry, self.record, self.keys = bundle, bundle.entry, bundle.entry.record, keys
        self.outcomes: dict[str, str] = {}

    def _needs(self, name: str) -> None:
        if self.outcomes.get(name) != "holds":
            raise _Outcome("not_checked", f"depends on {name}")

    def _inbound_only(self) -> None:
        if self.record.direction != Direction.INBOUND.value:
            raise _Outcome("not_applicable", f"{self.record.direction} entries carry the recipient's "
                           "receipt, signed with the recipient's key, not the gateway's")

    def _signed_message_only(self) -> None:
        if self.record.direction == Direction.RECEIPT.value:
            raise _Outcome("not_applicable", "a receipt entry is the gateway's statement of a recipient's "
                           "answer (its digest, signer and code); the answer and its own signature are "
                           "kept on the delivery, re-verifiable against that digest")

    def body_matches_content_digest(self) -> str:
        if self.record.content_digest is None:
            if self.record.body:
                raise _fails("a body was logged without a Content-Digest")
            raise _Outcome("not_applicable", "the message has no body")
        if not content_digest_matches(self.record.content_digest, self.record.body):
            raise _fails("the body does not match the Content-Digest")
        return f"{len(self.record.body)} body bytes match {self.record.content_digest}"

    def signed_values_match_entry(self) -> str:
        self._signed_message_only()
        expected = {'"@method"': self.record.method, '"@target-uri"': self.record.target_uri}
        if self.record.content_digest is not None:
            expected['"content-digest"'] = self.record.content_digest
        signature = self._parsed(self.record.signature_input, self.record.signature)
        logged = self.record.covered_components
        wrong = [c for c, v in expected.items() if c not in signature.covered or logged.get(c) != v]
        if wrong:
            raise _fails(f"not signed, or signed with a different value: {', '.join(wrong)}")
        return f"the signature covers {', '.join(expected)} with the logged values"

    def sender_key_matches_fingerprint(self) -> str:
        self._signed_message_only()
        fingerprint = key_fingerprint(self._sender_key())
        if fingerprint != self.record.key_fingerprint:
            raise _fails(f"sender_jwk has fingerprint {fingerprint}, the entry records {self.record.key_fingerprint}")
        return f"sender_jwk is the logged key {fingerprint}"

    def sender_signature_valid(self) -> str:
        self._signed_message_only()
        self._needs("sender_key_matches_fingerprint")
        signature = self._parsed(self.record.signature_input, self.record.signature)
        self._check(signature, self.record.covered_components, self._sender_key())
        return f"signature {signature.label} (keyid {signature.keyid}) verifies over the logged components"

    def entry_hash_valid(self) -> str:
        if compute_entry_hash(self.entry) != self.entry.entry_hash:
            raise _fails("the entry does not hash to its entry_hash")
        return "the entry hashes to its entry_hash"

    def proof_links_entry_to_checkpoint(self) -> str:
        self._needs("entry_hash_valid")
        entry, checkpoint, digests = self.entry, self.bundle.checkpoint, self.bundle.record_digests
        if checkpoint.seq - entry.seq != len(digests):
            raise _fails(f"from seq {entry.seq} to checkpoint {checkpoint.seq} needs "
                         f"{checkpoint.seq - entry.seq} record digests, the proof has {len(digests)}")
        if proof_head(entry.entry_hash, digests) != checkpoint.head_hash:
            raise _fails("the proof does not lead to the checkpoint's head_hash")
        return (f"entry {entry.seq} and {len(digests)} later record digests hash to the head of "
                f"checkpoint {checkpoint.seq}")

    def checkpoint_key_known(self) -> str:
        if self.keys.get(self.bundle.checkpoint.keyid) is None:
            raise _fails(f"keyid {self.bundle.checkpoint.keyid!r} is not in the JWKS")
        return f"keyid {self.bundle.checkpoint.keyid!r} is in the JWKS"

    def checkpoint_signature_valid(self) -> str:
        self._needs("checkpoint_key_known")
        problem = checkpoint_signature_problem(self.bundle.checkpoint, self.keys)
        if problem:
            raise _fails(problem[1])
        checkpoint = self.bundle.checkpoint
        return f"checkpoint seq {checkpoint.seq} issued {checkpoint.issued_at} is signed by the gateway"

    def receipt_signature_valid(self) -> str:
        self._inbound_only()
        receipt = self._receipt()
        key = self.keys.get(receipt.keyid) if receipt.keyid else None
        if key is None:
            raise _fails(f"the receipt's keyid {receipt.keyid!r} is not in the JWKS")
        self._check(receipt, self.record.response_components, key)
        return f"the gateway's receipt (status {self.record.response_status}, keyid {receipt.keyid}) verifies"

    def receipt_bound_to_request(self) -> str:
        self._inbound_only()
        self._needs("receipt_signature_valid")
        receipt = self._receipt()
        request = self._parsed(self.record.signature_input, self.record.signature)
        expected = [("@status", {}, str(self.record.response_status)), ("@method", {"req": True}, self.record.method),
                    ("@target-uri", {"req": True}, self.record.target_uri),
                    ("signature", {"req": True, "key": request.label}, serialised_member_value(self.record.signature))]
        if self.record.content_digest is not None:
            expected.append(("content-digest", {"req": True}, self.record.content_digest))
        if self.record.response_content_digest is not None:
            expected.append(("content-digest", {}, self.record.response_content_digest))
        wrong = [name + "".join(f";{k}" for k in params) for name, params, value in expected
                 if _covered_value(receipt.covered, self.record.response_components, name, params) != value]
        if wrong:
            raise _fails(f"the receipt does not sign these request/response values: {', '.join(wrong)}")
        return "the receipt signs the status, the response digest and the request's method, URI, digest and signature"

    def _receipt(self):
        if self.record.response_signature_input is None or self.record.response_signature is None:
            raise _fails("no receipt was logged")
        return self._parsed(self.record.response_signature_input, self.record.response_signature)

    def _sender_key(self):
        try:
            return public_key_from_jwk(self.bundle.sender_jwk)
        except MalformedEvidence as exc:
            raise _fails(f"sender_jwk is unusable: {exc.detail}") from exc

    @staticmethod
    def _parsed(signature_input: str, signature: str):
        try:
            return parse_logged_signature(signature_input, signature)
        except SignatureProblem as exc:
            raise _fails(exc.detail) from exc

    @staticmethod
    def _check(signature, components, key) -> None:
        try:
            check_signature(signature, components, key)
        except SignatureProblem as exc:
            raise _fails(exc.detail) from exc


class _TreeChecks(_Checks):
    """The v2 findings: the message checks are v1's; the proof is a Merkle inclusion proof to a
    C2SP checkpoint, which witnesses may have cosigned."""

    def __init__(self, bundle: TreeBundle, keys: GatewayKeys, witnesses: list[Verifier], quorum: int) -> None:
        self.bundle, self.record, self.keys = bundle, bundle.record, keys
        self.witnesses, self.quorum = witnesses, quorum
        self.outcomes = {}
        self.ours = [(s, v) for s in bundle.note.signatures for v in gateway_verifiers(bundle.checkpoint.origin, keys)
                     if (s.name, s.key_id) == (v.name, v.key_id)]

    def leaf_hash_valid(self) -> str:
        if record_leaf_hash(self.record) != self.bundle.leaf_hash:
            raise _fails("the entry does not hash to its leaf_hash")
        return "the entry hashes to its leaf_hash"

    def inclusion_proof_valid(self) -> str:
        self._needs("leaf_hash_valid")
        b = self.bundle
        if b.tree_size != b.checkpoint.size:
            raise _fails(f"the proof is for a tree of size {b.tree_size}, the checkpoint has size {b.checkpoint.size}")
        if not verify_inclusion(b.leaf_index, b.tree_size, b.leaf_hash, b.proof, b.checkpoint.root):
            raise _fails("the inclusion proof does not lead to the checkpoint's root")
        return f"leaf {b.leaf_index} and {len(b.proof)} hashes lead to the root of the tree of size {b.tree_size}"

    def checkpoint_key_known(self) -> str:
        if not self.ours:
            raise _fails(f"no signature on the checkpoint is by a key of the JWKS (name {self.bundle.checkpoint.origin!r})")
        return f"the checkpoint is signed by {self.ours[0][1].vkey}"

    def checkpoint_signature_valid(self) -> str:
        self._needs("checkpoint_key_known")
        if not any(signature_holds(self.bundle.note.text, s, v) for s, v in self.ours):
            raise _fails("the gateway's signature on the checkpoint does not verify")
        return f"checkpoint of size {self.bundle.checkpoint.size} ({self.bundle.checkpoint.origin}) is signed by the gateway"

    def witness_cosignatures(self) -> str:
        note = self.bundle.note
        lines = len(note.signatures) - len(self.ours)
        if not self.witnesses:
            raise _Outcome("not_applicable", f"no witness keys given ({lines} other signature line(s) not checked)")
        cosigned = sorted({v.name for s in note.signatures for v in self.witnesses
                           if signature_holds(note.text, s, v)})
        if len(cosigned) < self.quorum:
            raise _fails(f"cosigned by {len(cosigned)} of the {len(self.witnesses)} witnesses given "
                         f"({', '.join(cosigned) or 'none'}), the policy needs {self.quorum}")
        return f"cosigned by {', '.join(cosigned) or 'none'} ({len(cosigned)} of {len(self.witnesses)}, needed {self.quorum})"


def _covered_value(covered: tuple[str, ...], values: Mapping[str, str], name: str, params: dict) -> str | None:
    """The logged value of the covered component ``name`` with exactly ``params`` (in any order)."""
    for identifier in covered:
        try:
            item, item_params = http_sf.parse(identifier.encode("ascii"), tltype="item")
        except (UnicodeEncodeError, ValueError):
            continue
        if item == name and dict(item_params) == params:
            return values.get(identifier)
    return None
