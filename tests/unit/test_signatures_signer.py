"""RequestSigner and ResponseSigner: what they cover, and what they refuse to sign."""

from datetime import UTC, datetime

import pytest

from gateway.signatures import (
    DELIVERY_TAG,
    HttpRequest,
    HttpResponse,
    RegisteredKey,
    RequestSigner,
    ResponseSigner,
    ResponseVerifier,
    SignatureRejected,
    SigningKey,
)
from gateway.signatures.digest import content_digest
from gateway.signatures.fields import select_signature

NOW = datetime(2025, 3, 1, tzinfo=UTC)
KEY = SigningKey.generate("ecdsa-p256-sha256", "gw-2025")
REGISTERED = RegisteredKey(
    KEY.keyid, "govgate", KEY.algorithm, KEY.private_key.public_key()
)


def clock():
    return NOW


def signed_request():
    request = HttpRequest(
        "POST",
        "https://hrss.example.cn/inbox",
        {"Content-Type": "application/json", "Idempotency-Key": "d-1"},
        b"{}",
    )
    for name, value in (
        RequestSigner(KEY, tag=DELIVERY_TAG, clock=clock).sign(request).headers()
    ):
        request.headers.set(name, value)
    return request


def covered(fields, headers_of):
    message = HttpResponse(200, fields.headers())
    return [
        c.serialise() for c in select_signature(message.headers, headers_of).components
    ]


def test_request_signer_covers_the_profile_and_digests_the_content():
    fields = RequestSigner(
        KEY, tag=DELIVERY_TAG, clock=clock, nonce_factory=lambda: "n" * 16
    ).sign(
        HttpRequest(
            "POST",
            "https://a.example/x",
            {"Content-Type": "a/b", "Idempotency-Key": "k"},
            b"{}",
        )
    )
    assert fields.content_digest == content_digest(b"{}")
    assert fields.signature_input.startswith(
        'sig1=("@method" "@target-uri" "content-type" "content-digest" "idempotency-key");'
        f'created={int(NOW.timestamp())};keyid="gw-2025";nonce="nnnnnnnnnnnnnnnn";tag="govgate-delivery";'
        'alg="ecdsa-p256-sha256"'
    )
    assert [name for name, _ in fields.headers()] == [
        "Content-Digest",
        "Signature-Input",
        "Signature",
    ]


@pytest.mark.parametrize("headers", [{"Content-Type": "a/b"}, {"Idempotency-Key": "k"}])
def test_request_signer_refuses_a_request_the_profile_would_reject(headers):
    with pytest.raises(ValueError):
        RequestSigner(KEY).sign(
            HttpRequest("POST", "https://a.example/x", headers, b"{}")
        )


def test_request_signer_replaces_a_stale_digest():
    request = HttpRequest(
        "PUT",
        "https://a.example/x",
        {"Content-Type": "a/b", "Content-Digest": content_digest(b"old")},
        b"new",
    )
    assert RequestSigner(KEY).sign(request).content_digest == content_digest(b"new")


def test_response_signer_binds_the_request_and_verifies():
    request = signed_request()
    response = HttpResponse(202, {"Content-Type": "application/json"}, b'{"ok":1}')
    fields = ResponseSigner(KEY, clock=clock).sign(response, request, "sig1")
    assert covered(fields, "govgate-response") == [
        '"@status"',
        '"content-type"',
        '"content-digest"',
        '"@method";req',
        '"@target-uri";req',
        '"content-digest";req',
        '"signature";req;key="sig1"',
    ]
    for name, value in fields.headers():
        response.headers.set(name, value)
    verifier = ResponseVerifier({KEY.keyid: REGISTERED}.get, clock=clock)
    assert verifier.verify(response, request, "sig1").created == int(NOW.timestamp())
    response.status = 200
    with pytest.raises(SignatureRejected) as caught:
        verifier.verify(response, request, "sig1")
    assert caught.value.reason == "signature_invalid"


def test_response_signer_leaves_out_what_the_request_does_not_have():
    request = HttpRequest("GET", "https://a.example/x", {"Signature": "garbage((("})
    fields = ResponseSigner(KEY, tag="govgate-receipt", clock=clock).sign(
        HttpResponse(204), request, "sig1"
    )
    assert covered(fields, "govgate-receipt") == [
        '"@status"',
        '"content-digest"',
        '"@method";req',
        '"@target-uri";req',
    ]


def test_a_receipt_for_another_request_does_not_verify():
    request, other = signed_request(), signed_request()
    response = HttpResponse(200, {"Content-Type": "text/plain"}, b"ok")
    for name, value in (
        ResponseSigner(KEY, clock=clock).sign(response, request, "sig1").headers()
    ):
        response.headers.set(name, value)
    with pytest.raises(SignatureRejected) as caught:
        ResponseVerifier({KEY.keyid: REGISTERED}.get, clock=clock).verify(
            response, other, "sig1"
        )
    assert caught.value.reason == "signature_invalid"
