"""The hash chain's encoding, re-derived from docs/evidence.md, and what append accepts."""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import replace

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from evidence_factory import Parties, build_log, inbound_record

from gateway.evidence import (
    GENESIS,
    ChainHead,
    Checkpoint,
    GatewayKeys,
    MalformedEvidence,
    append,
    checkpoint_due,
    compute_entry_hash,
    entry_from_json,
    entry_to_json,
    key_fingerprint,
    public_jwk,
    public_key_from_jwk,
    record_digest,
)
from gateway.evidence.keys import jwk_thumbprint


@pytest.fixture(scope="module")
def parties() -> Parties:
    return Parties.fresh()


def _spec_record_digest(seq: int, entry_json: dict) -> bytes:
    """docs/evidence.md §2, implemented with the json module: for these values (strings without
    escapes beyond what json emits, small integers) RFC 8785 equals sorted keys, no whitespace, UTF-8."""
    record = dict(entry_json["record"])
    body = base64.b64decode(record.pop("body"))
    record.update(format="govgate.log-entry/1", seq=seq, body_length=len(body),
                  body_sha256=base64.b64encode(hashlib.sha256(body).digest()).decode())
    encoded = json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    return hashlib.sha256(encoded).digest()


def test_entry_hash_follows_the_documented_encoding(parties):
    log = build_log(parties, [inbound_record(parties, 1), inbound_record(parties, 2, method="GET")], every=10)
    prev = bytes(32)
    for entry in log.entries:
        as_json = entry_to_json(entry)
        digest = _spec_record_digest(entry.seq, as_json)
        assert digest == record_digest(entry.seq, entry.record)
        assert entry.prev_hash == prev
        assert entry.entry_hash == hashlib.sha256(prev + digest).digest()
        prev = entry.entry_hash


def test_append_numbers_and_links_entries(parties):
    first = append(GENESIS, inbound_record(parties, 1))
    second = append(ChainHead(first.seq, first.entry_hash), inbound_record(parties, 2))
    assert (first.seq, first.prev_hash) == (1, bytes(32))
    assert (second.seq, second.prev_hash) == (2, first.entry_hash)
    assert compute_entry_hash(second) == second.entry_hash


def test_the_body_is_hashed_through_its_digest(parties):
    record = inbound_record(parties, 1)
    changed = replace(record, body=record.body + b" ")
    assert record_digest(1, record) != record_digest(1, changed)
    assert record_digest(1, record) != record_digest(2, record)


@pytest.mark.parametrize("change, complaint", [
    ({"recorded_at": "2024-05-06T01:30:00Z"}, "recorded_at"),
    ({"recorded_at": "2024-02-30T01:30:00.000000Z"}, "recorded_at"),
    ({"direction": "sideways"}, "direction"),
    ({"message_id": ""}, "message_id"),
    ({"body": b"{}"}, "content_digest"),
    ({"response_status": 99}, "response_status"),
    ({"covered_components": {'"@method"': 1}}, "covered_components"),
    ({"operation": "submit\udc80"}, "canonicalise"),
])
def test_append_refuses_malformed_records(parties, change, complaint):
    with pytest.raises(MalformedEvidence, match=complaint):
        append(GENESIS, replace(inbound_record(parties, 1), **change))


def test_entry_json_round_trips_and_is_strict(parties):
    entry = append(GENESIS, inbound_record(parties, 1))
    as_json = json.loads(json.dumps(entry_to_json(entry)))
    assert entry_from_json(as_json) == entry
    with pytest.raises(MalformedEvidence, match="members"):
        entry_from_json({**as_json, "extra": 1})
    with pytest.raises(MalformedEvidence, match="base64"):
        entry_from_json({**as_json, "prev_hash": "not base64!"})
    with pytest.raises(MalformedEvidence, match="32 bytes"):
        entry_from_json({**as_json, "prev_hash": "AAAA"})


def test_checkpoint_json_round_trips_and_is_strict(parties):
    checkpoint = build_log(parties, [inbound_record(parties, 1)], every=1).checkpoints[0]
    assert Checkpoint.from_json(checkpoint.to_json()) == checkpoint
    with pytest.raises(MalformedEvidence):
        Checkpoint.from_json({**checkpoint.to_json(), "seq": 0})
    with pytest.raises(MalformedEvidence):
        Checkpoint.from_json({**checkpoint.to_json(), "issued_at": "yesterday"})


@pytest.mark.parametrize("head, last, interval, due", [(10, 0, 10, True), (9, 0, 10, False), (25, 20, 5, True)])
def test_checkpoint_is_due_every_interval_entries(head, last, interval, due):
    assert checkpoint_due(head, last, interval) is due


@pytest.mark.parametrize("private", [Ed25519PrivateKey.generate(), ec.generate_private_key(ec.SECP256R1()),
                                     rsa.generate_private_key(65537, 2048)], ids=["ed25519", "p256", "rsa"])
def test_jwk_round_trip_and_fingerprint(private):
    key = private.public_key()
    restored = public_key_from_jwk(public_jwk(key, kid="k1"))
    der = key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    assert key_fingerprint(restored) == hashlib.sha256(der).hexdigest()


def test_jwk_thumbprint_matches_rfc_8037_example():
    jwk = {"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}
    assert jwk_thumbprint(jwk) == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"


def test_jwks_parsing_skips_foreign_keys_and_refuses_ambiguity():
    ours = public_jwk(Ed25519PrivateKey.generate().public_key(), kid="gw-1")
    keys = GatewayKeys.from_jwks({"keys": [ours, {"kty": "oct", "kid": "hmac", "k": "AAAA"}]})
    assert keys.get("gw-1") is not None and keys.get("hmac") is None
    assert keys.unsupported == {"hmac"}
    with pytest.raises(MalformedEvidence, match="twice"):
        GatewayKeys.from_jwks({"keys": [ours, ours]})
    with pytest.raises(MalformedEvidence, match="keys"):
        GatewayKeys.from_jwks({"kty": "OKP"})
