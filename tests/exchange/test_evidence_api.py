"""GET /v1/messages/{id}/evidence: who may read a message's evidence, proven offline."""

from __future__ import annotations

import base64
import copy

import pytest

from gateway.evidence import verify_bundle
from tests.support.exchange import gateway_jwks, problem, verify_receipt

UNKNOWN = "00000000-0000-4000-8000-000000000000"


@pytest.fixture
def message(partner):
    response = partner.post(
        "/v1/connectivity-tests",
        json={"申请": "担保", "金额": "800000.00"},
        idempotency_key="evidence-1",
    )
    assert response.status_code == 200, response.text
    return response


def evidence_url(message_id: str) -> str:
    return f"/v1/messages/{message_id}/evidence"


def bundle_of(response) -> dict:
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["status"] == "integrated", answer
    return answer["bundle"]


def assert_proves(bundle: dict, jwks: dict, message) -> None:
    report = verify_bundle(bundle, jwks)
    assert report.verified, report.to_json()
    entry = bundle["entry"]["record"]
    assert entry["message_id"] == message.json()["message_id"]
    # the receipt is the first signature; the second (govgate-log) names the leaf
    assert entry["response_signature"] == message.headers["signature"].split(", ")[0]
    assert message.headers["log-leaf"] == f":{bundle['entry']['leaf_hash']}:"


@pytest.mark.parametrize("role", ["admin", "operator", "auditor"])
def test_staff_read_evidence_and_the_read_is_audited(client, request, admin_headers, message, role):
    headers = request.getfixturevalue(f"{role}_headers")
    message_id = message.json()["message_id"]
    response = client.get(evidence_url(message_id), headers=headers)
    assert "signature" not in response.headers  # a token, not a signature: no receipt
    assert_proves(bundle_of(response), gateway_jwks(client), message)
    events = client.get("/v1/admin/audit-events?action=evidence.read", headers=admin_headers).json()
    [event] = events["items"]
    assert event["target_id"] == message_id and event["actor_role"] == role
    assert event["outcome"] == "allowed"


def test_the_sender_reads_its_own_evidence_with_a_signed_request(client, partner, message, clock):
    response = partner.get(evidence_url(message.json()["message_id"]))
    verify_receipt(client, response, clock)
    assert_proves(bundle_of(response), gateway_jwks(client), message)


def test_another_partner_cannot_see_the_message(client, other_partner, message, clock):
    response = other_partner.get(evidence_url(message.json()["message_id"]))
    body = problem(response, 404, "message_not_found")
    assert "担保" not in response.text and "entry" not in body
    verify_receipt(client, response, clock)


def test_unknown_messages_are_404_for_everyone(client, admin_headers, partner):
    problem(client.get(evidence_url(UNKNOWN), headers=admin_headers), 404, "message_not_found")
    problem(partner.get(evidence_url(UNKNOWN)), 404, "message_not_found")  # before the bug's line


def test_evidence_needs_a_token_or_a_signature(client, message):
    response = client.get(evidence_url(message.json()["message_id"]))
    assert response.status_code == 401


def test_a_tampered_bundle_does_not_verify(client, admin_headers, message):
    bundle = bundle_of(client.get(evidence_url(message.json()["message_id"]), headers=admin_headers))
    tampered = copy.deepcopy(bundle)
    record = tampered["entry"]["record"]
    body = base64.b64decode(record["body"])
    record["body"] = base64.b64encode(body.replace(b"800000", b"900000")).decode()
    report = verify_bundle(tampered, gateway_jwks(client))
    assert not report.verified
    assert {f.name for f in report.findings if f.status == "fails"} >= {
        "body_matches_content_digest"
    }


def test_bundles_still_verify_after_the_gateway_key_rotates(client, admin_headers, message):
    message_id = message.json()["message_id"]
    before = bundle_of(client.get(evidence_url(message_id), headers=admin_headers))
    assert client.post("/v1/admin/gateway-keys/rotate", headers=admin_headers).status_code == 201
    after = bundle_of(client.get(evidence_url(message_id), headers=admin_headers))
    jwks = gateway_jwks(client)
    assert_proves(before, jwks, message)
    assert_proves(after, jwks, message)
