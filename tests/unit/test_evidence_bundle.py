"""Evidence bundles verify offline against the gateway's JWKS, and say exactly what fails."""

from __future__ import annotations

import copy
import json

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from evidence_factory import GATEWAY_KID, Parties, build_log, inbound_record

from gateway.evidence import (
    FINDINGS,
    EvidenceInconsistent,
    MalformedEvidence,
    build_bundle,
    public_jwk,
    sign_checkpoint,
    verify_bundle,
)

EVERY = 8


@pytest.fixture(scope="module")
def parties() -> Parties:
    return Parties.fresh()


@pytest.fixture(scope="module")
def log(parties):
    return build_log(parties, [inbound_record(parties, n, method="GET" if n == 4 else "POST")
                               for n in range(1, 2 * EVERY + 1)], every=EVERY)


def _bundle(parties, log, seq: int, checkpoint_index: int = 0) -> dict:
    checkpoint = log.checkpoints[checkpoint_index]
    bundle = build_bundle(log.entries[seq - 1], log.digests_after(seq, checkpoint.seq), checkpoint, parties.sender_jwk)
    return json.loads(json.dumps(bundle))  # what a file on disk gives back


def _statuses(bundle: dict, jwks: dict) -> dict[str, str]:
    report = verify_bundle(bundle, jwks)
    assert [f.name for f in report.findings] == list(FINDINGS)
    return {f.name: f.status for f in report.findings}


def _failing(bundle: dict, jwks: dict) -> set[str]:
    report = verify_bundle(bundle, jwks)
    assert not report.verified
    return {f.name for f in report.findings if f.status == "fails"}


@pytest.mark.parametrize("seq, checkpoint_index", [(3, 0), (8, 0), (4, 0), (3, 1)])
def test_a_genuine_bundle_verifies(parties, log, seq, checkpoint_index):
    bundle = _bundle(parties, log, seq, checkpoint_index)
    report = verify_bundle(bundle, parties.jwks)
    assert report.verified, report.to_json()
    assert len(bundle["proof"]["record_digests"]) == log.checkpoints[checkpoint_index].seq - seq
    expected_body = "not_applicable" if seq == 4 else "holds"
    assert _statuses(bundle, parties.jwks)["body_matches_content_digest"] == expected_body


OTHER_ALGORITHMS = {"ecdsa-p256-sha256": ec.generate_private_key(ec.SECP256R1()),
                    "rsa-pss-sha512": rsa.generate_private_key(65537, 2048)}


@pytest.mark.parametrize("partner_key", OTHER_ALGORITHMS.values(), ids=OTHER_ALGORITHMS.keys())
def test_bundles_from_partners_with_other_algorithms_verify(partner_key):
    parties = Parties(partner_key, Ed25519PrivateKey.generate())
    log = build_log(parties, [inbound_record(parties, 1)], every=1)
    bundle = build_bundle(log.entries[0], [], log.checkpoints[0], parties.sender_jwk)
    assert verify_bundle(bundle, parties.jwks).verified


def test_a_tampered_body_fails(parties, log):
    bundle = _bundle(parties, log, 3)
    record = bundle["entry"]["record"]
    record["body"] = record["body"][:-4] + ("AAA=" if record["body"][-4:] != "AAA=" else "BBB=")
    assert _failing(bundle, parties.jwks) == {"body_matches_content_digest", "entry_hash_valid"}


def test_a_body_swapped_together_with_its_digest_fails(parties, log):
    """The forger fixes Content-Digest too; the partner's signature and the chain still give it away."""
    genuine, other = _bundle(parties, log, 3), _bundle(parties, log, 5)
    for name in ("body", "content_digest"):
        genuine["entry"]["record"][name] = other["entry"]["record"][name]
    assert _failing(genuine, parties.jwks) == {"signed_values_match_entry", "entry_hash_valid",
                                               "receipt_bound_to_request"}


def test_a_tampered_proof_fails(parties, log):
    bundle = _bundle(parties, log, 3)
    bundle["proof"]["record_digests"][2] = bundle["proof"]["record_digests"][3]
    assert _failing(bundle, parties.jwks) == {"proof_links_entry_to_checkpoint"}
    bundle["proof"]["record_digests"].pop()
    report = verify_bundle(bundle, parties.jwks)
    details = {f.name: f.detail for f in report.findings}
    assert "needs 5 record digests, the proof has 4" in details["proof_links_entry_to_checkpoint"]


def test_an_unknown_gateway_key_fails(parties, log):
    stranger = {"keys": [public_jwk(Ed25519PrivateKey.generate().public_key(), kid="someone-else")]}
    statuses = _statuses(_bundle(parties, log, 3), stranger)
    assert statuses["checkpoint_key_known"] == "fails"
    assert statuses["checkpoint_signature_valid"] == "not_checked"
    assert statuses["receipt_signature_valid"] == "fails"
    assert statuses["entry_hash_valid"] == statuses["sender_signature_valid"] == "holds"


def test_a_checkpoint_signed_with_another_key_fails(parties, log):
    bundle = _bundle(parties, log, 3)
    honest = log.checkpoints[0]
    forged = sign_checkpoint(honest.head, honest.issued_at, Ed25519PrivateKey.generate(), GATEWAY_KID)
    bundle["checkpoint"] = forged.to_json()
    assert _failing(bundle, parties.jwks) == {"checkpoint_signature_valid"}


def test_a_message_signed_with_another_key_fails(parties, log):
    impostor = Parties(Ed25519PrivateKey.generate(), parties.gateway_key)
    bundle = _bundle(parties, log, 3)
    forged = inbound_record(impostor, 3)
    bundle["entry"]["record"]["signature"] = forged.signature
    assert "sender_signature_valid" in _failing(bundle, parties.jwks)


def test_a_substituted_sender_key_fails(parties, log):
    bundle = _bundle(parties, log, 3)
    bundle["sender_jwk"] = public_jwk(Ed25519PrivateKey.generate().public_key())
    statuses = _statuses(bundle, parties.jwks)
    assert statuses["sender_key_matches_fingerprint"] == "fails"
    assert statuses["sender_signature_valid"] == "not_checked"


def test_a_rewritten_receipt_fails(parties, log):
    bundle = _bundle(parties, log, 3)
    record = bundle["entry"]["record"]
    record["response_status"] = 500
    record["response_components"]['"@status"'] = "500"
    assert _failing(bundle, parties.jwks) == {"entry_hash_valid", "receipt_signature_valid"}


def test_a_malformed_bundle_is_one_failing_finding(parties, log):
    bundle = _bundle(parties, log, 3)
    del bundle["proof"]
    report = verify_bundle(bundle, parties.jwks)
    assert report.findings[0].status == "fails" and "members" in report.findings[0].detail
    assert {f.status for f in report.findings[1:]} == {"not_checked"}
    assert verify_bundle("not even an object", parties.jwks).findings[0].status == "fails"


def test_a_malformed_jwks_is_an_error_not_a_finding(parties, log):
    with pytest.raises(MalformedEvidence):
        verify_bundle(_bundle(parties, log, 3), {"keys": "none"})


def test_build_refuses_a_proof_that_does_not_reach_the_checkpoint(parties, log):
    entry, checkpoint = log.entries[2], log.checkpoints[0]
    digests = log.digests_after(3, checkpoint.seq)
    with pytest.raises(EvidenceInconsistent, match="needs 5"):
        build_bundle(entry, digests[:-1], checkpoint, parties.sender_jwk)
    with pytest.raises(EvidenceInconsistent, match="does not chain"):
        build_bundle(entry, list(reversed(digests)), checkpoint, parties.sender_jwk)


def test_the_report_serialises(parties, log):
    report = verify_bundle(copy.deepcopy(_bundle(parties, log, 3)), parties.jwks)
    as_json = json.loads(json.dumps(report.to_json()))
    assert as_json["verified"] is True and len(as_json["findings"]) == len(FINDINGS)
