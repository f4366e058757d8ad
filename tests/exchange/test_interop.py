"""Interoperability through the app: partners signing with an independent RFC 9421 library.

For each algorithm the profile allows, requests signed by http-message-signatures (never by our
signer) are accepted, and the gateway's receipts verify with that library.
"""

from __future__ import annotations

import json
import secrets

import pytest
from http_message_signatures.exceptions import InvalidSignature

from gateway.signatures.profile import REPLAY_TAG
from tests.support.exchange import BASE, gateway_jwks
from tests.support.library import (
    ALGORITHMS,
    library_signed_headers,
    library_verified_receipt,
)
from tests.support.signing import register_signed_partner


@pytest.fixture(params=sorted(ALGORITHMS))
def library_partner(request, client, admin_headers, clock):
    return register_signed_partner(client, admin_headers, 7, algorithm=request.param, clock=clock)


def test_library_signed_get_is_accepted(client, library_partner, clock):
    key = library_partner.key
    headers = library_signed_headers(
        key, "GET", BASE + "/v1/whoami", clock=clock, nonce=secrets.token_urlsafe(18)
    )
    response = client.get("/v1/whoami", headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["partner_id"] == library_partner.id
    assert response.json()["keyid"] == key.keyid
    result = library_verified_receipt(response, gateway_jwks(client))
    assert (
        result.covered_components['"signature";req;key="partner"']
        == headers["Signature"][len("partner=") :]
    )


def test_library_signed_post_is_accepted(client, library_partner, clock):
    key = library_partner.key
    body = json.dumps(
        {"企业名称": "某某担保有限公司", "金额": "1500000.00"}, ensure_ascii=False
    ).encode()
    headers = library_signed_headers(
        key,
        "POST",
        BASE + "/v1/connectivity-tests",
        clock=clock,
        body=body,
        headers={"Idempotency-Key": "interop-1"},
        nonce=secrets.token_urlsafe(18),
    )
    response = client.post("/v1/connectivity-tests", headers=headers, content=body)
    assert response.status_code == 200, response.text
    echo = response.json()
    assert echo["content_digest"] == headers["Content-Digest"] == echo["body_sha256"]
    assert echo["signature_params"] in headers["Signature-Input"]
    assert [c["component"] for c in echo["covered_components"]] == [
        '"@method"',
        '"@target-uri"',
        '"content-type"',
        '"idempotency-key"',
        '"content-digest"',
    ]
    result = library_verified_receipt(response, gateway_jwks(client))
    assert result.covered_components['"content-digest";req'] == headers["Content-Digest"]


def test_library_signed_request_that_was_altered_is_refused(client, library_partner, clock):
    headers = library_signed_headers(
        library_partner.key,
        "GET",
        BASE + "/v1/whoami?x=1",
        clock=clock,
        nonce=secrets.token_urlsafe(18),
    )
    response = client.get("/v1/whoami", headers=headers)
    assert response.status_code == 401 and response.json()["reason"] == "signature_invalid"
    library_verified_receipt(response, gateway_jwks(client))


def test_a_replayed_answer_verifies_against_the_retry_with_the_library(client, library_partner, clock):
    """docs/signing.md, "Retries": the stored receipt names the first request; the extra
    govgate-replay signature binds the same answer to the retry that fetched it."""
    key, jwks = library_partner.key, gateway_jwks(client)
    body = json.dumps({"申请": "apply-1", "金额": "1500000.00"}, ensure_ascii=False).encode()

    def send(label: str):
        headers = library_signed_headers(
            key, "POST", BASE + "/v1/connectivity-tests", clock=clock, body=body,
            headers={"Idempotency-Key": "interop-retry"}, nonce=secrets.token_urlsafe(18), label=label)
        return client.post("/v1/connectivity-tests", headers=headers, content=body)

    first = send("first")
    clock.advance(minutes=3)  # a fresh signature: new created, new nonce, another label
    retry = send("again")
    assert first.status_code == retry.status_code == 200
    assert retry.headers["idempotency-replayed"] == "true" and retry.content == first.content

    # The original receipt is replayed byte for byte: it proves the first request ...
    original = library_verified_receipt(first, jwks)
    assert original.label == "govgate"
    # ... and cannot prove the retry (it covers the first request's signature) ...
    with pytest.raises(InvalidSignature):
        library_verified_receipt(retry, jwks)
    # ... which the govgate-replay signature does, over the same status, type and digest.
    replay = library_verified_receipt(retry, jwks, tag=REPLAY_TAG)
    assert replay.label == "govgate-replay"
    assert replay.covered_components['"signature";req;key="again"'] == \
        retry.request.headers["signature"][len("again="):]
    assert replay.covered_components['"content-digest"'] == first.headers["content-digest"]
    assert replay.parameters["created"] > original.parameters["created"]
