"""Delivery fixtures: recipients that are real loopback simulators, and accepted messages.

    recipients(behaviour=…)   a CanonicalPartnerSimulator registered as a canonical partner,
                              with its key registered, started and stopped with the test
    accept(recipient_ids)     a stored message (kind "test") with a pending delivery to each
    make_worker(...)          a DeliveryWorker on the test's container and settable clock
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import uuid

import pytest

from gateway.delivery import CanonicalChannel, DeliveryWorker, RetryPolicy
from gateway.delivery.registry import AdapterRegistry
from gateway.evidence.bundle_verify import verify_bundle
from gateway.evidence.keys import GatewayKeys
from gateway.services import keys as key_service
from gateway.signatures import SigningKey
from gateway.simulators import Behaviour, CanonicalPartnerSimulator
from gateway.storage.policy_repositories import StoredMessage
from tests.support.ids import credit_code

SENDER = credit_code(900)

_numbers = itertools.count(100)


def register_partner(container, partner_id: str, endpoint_url: str, key: SigningKey | None,
                     **fields) -> None:
    body = {"id": partner_id, "name": f"测试接收方{partner_id[-4:]}", "roles": ["tax"],
            "division_code": "150500", "endpoint_url": endpoint_url, **fields}
    now = container.clock()
    with container.uow() as uow:
        container.partners.register(uow, body, now)
        if key is not None:
            key_service.register(uow, partner_id, key.public_info().pem, keyid=key.keyid,
                                 algorithm=None, not_before=None, not_after=None, now=now)


@pytest.fixture
def gateway_jwks(container):
    container.keystore.ensure_current()
    return container.keystore.jwks


@pytest.fixture
def recipients(container, gateway_jwks):
    started: list[CanonicalPartnerSimulator] = []

    def make(behaviour: Behaviour | None = None, *, register_key: bool = True,
             clock=None) -> CanonicalPartnerSimulator:
        partner_id = credit_code(next(_numbers))
        key = SigningKey.generate("ed25519", f"recipient-{partner_id}")
        simulator = CanonicalPartnerSimulator(partner_id, key, gateway_jwks,
                                              behaviour=behaviour, clock=clock or container.clock)
        register_partner(container, partner_id, simulator.endpoint_url,
                         key if register_key else None)
        started.append(simulator.start())
        return simulator

    yield make
    for simulator in started:
        simulator.stop()


@pytest.fixture
def accept(container):
    def accept(*recipient_ids: str, payload: dict | None = None, kind: str = "test",
               sender: str = SENDER) -> str:
        message_id = str(uuid.uuid4())
        now = container.clock()
        with container.uow() as uow:
            uow.messages.add(StoredMessage(message_id, kind, sender, "150500", None,
                                           payload or {"n": 1, "名称": "测试"}, now))
            for recipient_id in recipient_ids:
                uow.deliveries.schedule(message_id, recipient_id, now)
        return message_id

    return accept


def first_attempt_policy(**changes) -> RetryPolicy:
    """Backoff that always waits the longest allowed (so tests know when a retry is due)."""
    options = {"max_attempts": 3, "base_delay": 10.0, "max_delay": 300.0,
               "uniform": lambda low, high: high}
    options.update(changes)
    return RetryPolicy(**options)


@pytest.fixture
def make_worker(container, gateway_jwks):
    def make(policy: RetryPolicy | None = None, *, timeout=(1.0, 2.0), lease_seconds=60.0,
             worker_id: str | None = None) -> DeliveryWorker:
        channel = CanonicalChannel(container.keystore.current, container.key_registry,
                                   timeout=timeout, clock=container.clock)
        return DeliveryWorker(container.uow, container.clock, AdapterRegistry(channel),
                              container.message_log, policy or first_attempt_policy(),
                              lease_seconds=lease_seconds, worker_id=worker_id)

    return make


def delivery_of(container, message_id: str, recipient_id: str | None = None):
    with container.uow() as uow:
        rows = uow.deliveries.for_message(message_id)
    if recipient_id is not None:
        rows = [d for d in rows if d.recipient_id == recipient_id]
    [row] = rows
    return row


def log_entries(container, message_id: str):
    with container.uow() as uow:
        return uow.message_log.by_message_id(message_id)


def receipt_entries(container, message_id: str, recipient_id: str):
    return [e for e in log_entries(container, message_id)
            if e.record.direction == "receipt" and e.record.partner_id == recipient_id]


def assert_receipt_logged(container, message_id: str, recipient_id: str, answer: bytes, *,
                          answer_format: str, attempt: int, code: str | None,
                          authenticated_by: str, signer: str | None, duplicate: bool = False) -> dict:
    """The delivery's receipt entry names the message, recipient, delivery, attempt and the
    SHA-256 of the answer kept on the delivery row; it is served with a verifying bundle, and
    the log still verifies. Returns the entry's evidence item."""
    delivery = delivery_of(container, message_id, recipient_id)
    [entry] = receipt_entries(container, message_id, recipient_id)
    with container.uow() as uow:
        stored_kind = uow.messages.get(message_id).kind
    assert json.loads(entry.record.body) == {
        "format": "govgate.delivery-receipt/1", "message_id": message_id, "kind": stored_kind,
        "recipient_id": recipient_id, "delivery_id": delivery.id, "attempt": attempt,
        "answer": {"format": answer_format, "status": 200,
                   "sha256": base64.b64encode(hashlib.sha256(answer).digest()).decode(),
                   "length": len(answer), "authenticated_by": authenticated_by, "signer": signer,
                   "code": code, "duplicate": duplicate}}
    assert entry.record.key_fingerprint == (signer or "unsigned")
    assert entry.record.operation == f"receipt:{stored_kind}"
    container.keystore.ensure_current()  # checkpoints are signed with the gateway key
    jwks = container.keystore.jwks()
    evidence = container.message_log.evidence(message_id, lambda uow, fingerprint: {})
    [item] = [r for r in evidence["receipts"] if r["recipient_id"] == recipient_id]
    assert (item["status"], item["delivery_id"], item["attempt"]) == ("integrated", delivery.id, attempt)
    assert item["bundle"]["entry"]["leaf_hash"] == base64.b64encode(entry.leaf_hash).decode()
    report = verify_bundle(item["bundle"], jwks)
    assert report.verified, report.to_json()
    findings = {f.name: f.status for f in report.findings}
    assert findings["sender_signature_valid"] == "not_applicable"
    assert findings["inclusion_proof_valid"] == findings["body_matches_content_digest"] == "holds"
    verified = container.message_log.verify(GatewayKeys.from_jwks(jwks))
    assert verified.ok, verified.failure
    return item
