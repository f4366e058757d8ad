"""Interoperability through the app: partners signing with an independent RFC 9421 library.

For each algorithm the profile allows, requests signed by http-message-signatures (never by our
signer) are accepted, and the gateway's receipts verify with that library.
"""

from __future__ import annotations

import json
import secrets

import pytest

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
