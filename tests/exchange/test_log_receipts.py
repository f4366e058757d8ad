"""The signed answer names its leaf hash; `Prefer: wait` returns the inclusion proof; the log's
checkpoint and proofs are served to the parties that may read evidence."""

from __future__ import annotations

import base64
import time

import http_sf
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from gateway.bootstrap import start_integrator
from gateway.evidence import merkle, note
from gateway.evidence.keys import GatewayKeys
from gateway.signatures.components import ComponentId, build_signature_base
from tests.support.exchange import gateway_jwks, problem, received_response, sent_request


def _log_signature(client, response) -> list[str]:
    """Check the govgate-log signature with the published key; the identifiers it covers."""
    inputs = http_sf.parse(response.headers["signature-input"].encode(), tltype="dictionary")
    signatures = http_sf.parse(response.headers["signature"].encode(), tltype="dictionary")
    members, params = inputs["govgate-log"]
    components = [ComponentId.from_sf(item, dict(p)) for item, p in members]
    base = build_signature_base(components, dict(params), received_response(response), sent_request(response))
    key = GatewayKeys.from_jwks(gateway_jwks(client)).get(params["keyid"])
    assert isinstance(key, Ed25519PublicKey)
    key.verify(signatures["govgate-log"][0], base.encode())  # raises if it does not hold
    assert params["tag"] == "govgate-log"
    return [c.name + "".join(f";{k}" if v is True else f';{k}="{v}"' for k, v in c.params) for c in components]


def _verifiers(client, origin: str):
    return note.gateway_verifiers(origin, GatewayKeys.from_jwks(gateway_jwks(client)))


def test_the_receipt_names_the_leaf_under_a_second_signature(client, partner, container):
    response = partner.post("/v1/connectivity-tests", json={"n": 1}, idempotency_key="leaf-1")
    assert response.status_code == 200, response.text
    covered = _log_signature(client, response)
    assert covered == ["@status", "log-leaf", 'signature;key="govgate"']
    leaf = http_sf.parse(response.headers["log-leaf"].encode(), tltype="item")[0]
    with container.uow(readonly=True) as uow:
        [entry] = uow.message_log.by_message_id(response.json()["message_id"])
    assert leaf == entry.leaf_hash and entry.index is None  # not integrated yet: nobody waited
    assert "log-inclusion" not in response.headers


def test_evidence_is_pending_until_an_integrator_has_run(client, partner, container, admin_headers, monkeypatch):
    response = partner.post("/v1/connectivity-tests", json={"n": 2}, idempotency_key="leaf-2")
    message_id = response.json()["message_id"]
    monkeypatch.setattr(container.message_log, "integrate_once", lambda: None)  # another one holds the lock
    pending = client.get(f"/v1/messages/{message_id}/evidence", headers=admin_headers)
    assert pending.status_code == 200, pending.text
    assert pending.json() == {"status": "pending", "message_id": message_id,
                              "leaf_hash": response.headers["log-leaf"].strip(":"), "receipts": []}
    monkeypatch.undo()
    assert client.get(f"/v1/messages/{message_id}/evidence", headers=admin_headers).json()["status"] == "integrated"


def test_prefer_wait_returns_the_inclusion_proof_in_the_answer(client, partner, container):
    stop = start_integrator(container)
    try:
        response = partner.post("/v1/connectivity-tests", json={"n": 3}, idempotency_key="leaf-3",
                                headers={"Prefer": "wait=5"})
    finally:
        stop.set()
    assert response.status_code == 200, response.text
    assert response.headers["preference-applied"] == "wait=5"
    assert _log_signature(client, response) == ["@status", "log-leaf", 'signature;key="govgate"',
                                                "log-inclusion", "log-checkpoint"]
    inclusion = http_sf.parse(response.headers["log-inclusion"].encode(), tltype="dictionary")
    index, size = inclusion["index"][0], inclusion["size"][0]
    proof = [h for h, _ in inclusion["proof"][0]]
    signed = note.Note.parse(http_sf.parse(response.headers["log-checkpoint"].encode(), tltype="item")[0])
    checkpoint = note.Checkpoint.from_text(signed.text)
    assert note.verified_by(signed, _verifiers(client, checkpoint.origin))
    leaf = http_sf.parse(response.headers["log-leaf"].encode(), tltype="item")[0]
    assert checkpoint.size == size and merkle.verify_inclusion(index, size, leaf, proof, checkpoint.root)


def test_prefer_wait_without_an_integrator_answers_after_the_wait_without_a_proof(partner):
    started = time.monotonic()
    response = partner.post("/v1/connectivity-tests", json={"n": 4}, idempotency_key="leaf-4",
                            headers={"Prefer": "respond-async, wait=1"})
    assert response.status_code == 200 and time.monotonic() - started >= 1
    assert response.headers["preference-applied"] == "wait=1" and "log-inclusion" not in response.headers


def test_the_log_its_checkpoint_and_proofs(client, partner, container, admin_headers):
    for n in range(5):
        partner.post("/v1/connectivity-tests", json={"n": n}, idempotency_key=f"log-{n}")
        container.message_log.integrate_once()  # checkpoints at sizes 1..5
    info = client.get("/v1/log", headers=admin_headers).json()
    assert info["tree_size"] == 5 and info["pending_entries"] == 0 and info["published_size"] == 5
    verifiers = [note.Verifier.from_vkey(k) for k in info["verifier_keys"]]
    text = client.get("/v1/log/checkpoint", headers=admin_headers)
    assert text.status_code == 200 and text.headers["content-type"].startswith("text/plain")
    signed = note.Note.parse(text.text)
    assert note.verified_by(signed, verifiers)
    five = note.Checkpoint.from_text(signed.text)
    assert (five.origin, five.size) == (info["origin"], 5)
    with container.uow(readonly=True) as uow:
        two = uow.message_log.checkpoint(2)
        leaf3 = next(e for e in uow.message_log.entries() if e.index == 3).leaf_hash
    consistency = partner.get("/v1/log/proofs/consistency?old=2&new=5")
    assert consistency.status_code == 200, consistency.text
    proof = [base64.b64decode(h) for h in consistency.json()["proof"]]
    assert merkle.verify_consistency(2, 5, two.root, five.root, proof)
    inclusion = client.get("/v1/log/proofs/inclusion?index=3&size=5", headers=admin_headers).json()
    assert merkle.verify_inclusion(3, 5, leaf3, [base64.b64decode(h) for h in inclusion["proof"]], five.root)


@pytest.mark.parametrize("query", ["inclusion?index=5&size=5", "inclusion?index=0&size=9",
                                   "consistency?old=4&new=2", "consistency?old=1&new=9"])
def test_proofs_of_trees_the_log_never_signed_are_422(client, partner, container, admin_headers, query):
    partner.post("/v1/connectivity-tests", json={"n": 0}, idempotency_key="p-0")
    container.message_log.integrate_once()
    for _ in range(4):
        partner.post("/v1/connectivity-tests", json={"n": _ + 1}, idempotency_key=f"p-{_ + 1}")
    container.message_log.integrate_once()
    problem(client.get(f"/v1/log/proofs/{query}", headers=admin_headers), 422, "no_such_tree")


def test_no_checkpoint_yet_is_404_and_the_log_needs_a_token_or_a_signature(client, admin_headers):
    problem(client.get("/v1/log/checkpoint", headers=admin_headers), 404, "no_checkpoint")
    assert client.get("/v1/log").status_code == 401


def test_a_replayed_answer_names_the_same_leaf_under_a_signature_that_still_holds(client, partner):
    first = partner.post("/v1/connectivity-tests", json={"n": 9}, idempotency_key="leaf-replay")
    retry = partner.post("/v1/connectivity-tests", json={"n": 9}, idempotency_key="leaf-replay")
    assert retry.headers["idempotency-replayed"] == "true"
    assert retry.headers["log-leaf"] == first.headers["log-leaf"]
    assert _log_signature(client, retry) == ["@status", "log-leaf", 'signature;key="govgate"']
