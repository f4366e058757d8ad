"""Builders for evidence tests: real RFC 9421 exchanges signed by an independent library.

Signing with ``http-message-signatures`` (not the gateway's code) means the offline verifier is
tested against signature bases it did not build itself.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import http_sf
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from http_message_signatures import HTTPMessageSigner, algorithms

from gateway.evidence import (
    GENESIS,
    ChainHead,
    Checkpoint,
    LogEntry,
    MessageRecord,
    append,
    format_timestamp,
    key_fingerprint,
    public_jwk,
    record_digest,
    sign_checkpoint,
)

T0 = datetime(2024, 5, 6, 1, 30, tzinfo=UTC)
BASE = "https://gateway.example.gov.cn/v1"
GATEWAY_KID = "gw-2024-05"


class _Keys:
    def __init__(self, key) -> None:
        self.key = key

    def resolve_private_key(self, key_id: str):
        return self.key


def _algorithm(key):
    if isinstance(key, Ed25519PrivateKey):
        return algorithms.ED25519
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return algorithms.ECDSA_P256_SHA256
    return algorithms.RSA_PSS_SHA512


def _sign(message, key, keyid: str, **kwargs) -> None:
    signer = HTTPMessageSigner(signature_algorithm=_algorithm(key), key_resolver=_Keys(key))
    signer.sign(message, key_id=keyid, created=T0, **kwargs)


def _component_values(signature_input: str, message, request) -> dict[str, str]:
    """Each covered component's value, worked out from the message (independently of the verifier)."""
    (inner, _), = http_sf.parse(signature_input.encode(), tltype="dictionary").values()
    values = {}
    for name, params in inner:
        source = request if params.get("req") else message
        if name == "@method":
            value = source.method
        elif name == "@target-uri":
            value = source.url
        elif name == "@status":
            value = str(source.status_code)
        elif "key" in params:
            members = http_sf.parse(source.headers[name.title()].encode(), tltype="dictionary")
            value = http_sf.ser_item(members[params["key"]])
        else:
            value = source.headers[name.title()]
        values[http_sf.ser_item((name, params))] = value
    return values


@dataclass
class Parties:
    partner_key: object  # Ed25519, P-256 or RSA private key
    gateway_key: Ed25519PrivateKey

    @classmethod
    def fresh(cls) -> Parties:
        return cls(Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate())

    @property
    def sender_jwk(self) -> dict:
        return public_jwk(self.partner_key.public_key(), kid="hrss-2024")

    @property
    def jwks(self) -> dict:
        return {"keys": [public_jwk(self.gateway_key.public_key(), kid=GATEWAY_KID)]}


def inbound_record(parties: Parties, n: int, *, method: str = "POST") -> MessageRecord:
    """Partner request ``n`` and the gateway's signed receipt, as the log records them."""
    body = json.dumps({"applicationNo": f"SB{n:08d}", "amount": "1200.00", "note": "缓缴申请"},
                      ensure_ascii=False).encode() if method == "POST" else b""
    query = "" if method == "POST" else f"?applicationNo=SB{n:08d}"
    request = SimpleNamespace(method=method, url=f"{BASE}/deferrals{query}", headers={})
    covered = ["@method", "@target-uri"]
    if body:
        request.headers.update({"Content-Type": "application/json", "Idempotency-Key": f"idem-{n}"})
        covered += ["content-type", "idempotency-key"]
    _sign(request, parties.partner_key, "hrss-2024", label="sig1", tag="govgate-request",
          nonce=f"nonce-{n:016d}", covered_component_ids=covered, body=body if body else None)
    response_body = json.dumps({"status": "accepted", "ref": n}).encode()
    response = SimpleNamespace(status_code=202, headers={"Content-Type": "application/json"}, request=request)
    response_covered = ["@status", "content-type", '"@method";req', '"@target-uri";req', '"signature";req;key="sig1"']
    if body:
        response_covered.append('"content-digest";req')
    _sign(response, parties.gateway_key, GATEWAY_KID, label="sig1", tag="govgate-response",
          covered_component_ids=response_covered, body=response_body)
    return MessageRecord(
        recorded_at=format_timestamp(T0 + timedelta(milliseconds=n)),
        message_id=f"msg-{n:06d}", partner_id="91110000717800000X",
        key_fingerprint=key_fingerprint(parties.partner_key.public_key()),
        operation="submitDeferral" if body else "getDeferral", direction="inbound",
        method=method, target_uri=request.url, body=body, content_digest=request.headers.get("Content-Digest"),
        signature_input=request.headers["Signature-Input"], signature=request.headers["Signature"],
        covered_components=_component_values(request.headers["Signature-Input"], request, request),
        response_status=202, response_content_digest=response.headers["Content-Digest"],
        response_signature_input=response.headers["Signature-Input"],
        response_signature=response.headers["Signature"],
        response_components=_component_values(response.headers["Signature-Input"], response, request),
    )


@dataclass
class Log:
    entries: list[LogEntry]
    checkpoints: list[Checkpoint]

    def digests_after(self, seq: int, until: int) -> list[bytes]:
        return [record_digest(e.seq, e.record) for e in self.entries[seq:until]]


def build_log(parties: Parties, records: list[MessageRecord], *, every: int) -> Log:
    """A chain of ``records`` with a checkpoint every ``every`` entries (and none for the tail)."""
    head, entries, checkpoints = GENESIS, [], []
    for record in records:
        entry = append(head, record)
        entries.append(entry)
        head = ChainHead(entry.seq, entry.entry_hash)
        if head.seq % every == 0:
            checkpoints.append(sign_checkpoint(head, record.recorded_at, parties.gateway_key, GATEWAY_KID))
    return Log(entries, checkpoints)
