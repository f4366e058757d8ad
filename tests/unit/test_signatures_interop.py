"""Interoperability with an independent RFC 9421 implementation: http-message-signatures 3.x.

Both directions for all three algorithms: the library signs and we verify; we sign (requests,
and responses with ``req`` components bound to the request signature) and the library verifies.
The library is only ever used here, as the partner's or recipient's stand-in.
"""

import datetime
import secrets

import pytest
from http_message_signatures import (
    HTTPMessageSigner,
    HTTPMessageVerifier,
    MappingKeyResolver,
    algorithms,
)
from http_message_signatures.exceptions import InvalidSignature
from requests.structures import CaseInsensitiveDict

from gateway.signatures import (
    HttpRequest,
    HttpResponse,
    InMemoryNonceStore,
    RegisteredKey,
    RequestSigner,
    RequestVerifier,
    ResponseSigner,
    ResponseVerifier,
    SignatureRejected,
    SigningKey,
)

LIBRARY_ALGORITHMS = {
    "ed25519": algorithms.ED25519,
    "ecdsa-p256-sha256": algorithms.ECDSA_P256_SHA256,
    "rsa-pss-sha512": algorithms.RSA_PSS_SHA512,
}
URI = "https://gateway.example.gov.cn/v1/guarantees/apply?channel=bank"
BODY = '{"企业名称":"某某担保有限公司","金额":"1500000.00"}'.encode()
REQUEST_COMPONENTS = (
    "@method",
    "@target-uri",
    "content-type",
    "content-digest",
    "idempotency-key",
)
RESPONSE_COMPONENTS = (
    '"@status"',
    '"content-type"',
    '"content-digest"',
    '"@method";req',
    '"@target-uri";req',
    '"content-digest";req',
    '"signature";req;key="sig1"',
)


class LibraryRequest:
    """The message shape http-message-signatures reads: method, absolute url, headers."""

    def __init__(self, method, url, headers):
        self.method, self.url, self.headers = method, url, CaseInsensitiveDict(headers)


class LibraryResponse:
    def __init__(self, status_code, headers, request):
        self.status_code, self.headers, self.request = (
            status_code,
            CaseInsensitiveDict(headers),
            request,
        )


@pytest.fixture(scope="module", params=sorted(LIBRARY_ALGORITHMS))
def key(request):
    return SigningKey.generate(request.param, f"bank-{request.param}")


def library(key):
    resolver = MappingKeyResolver(
        public_keys={key.keyid: key.private_key.public_key()},
        private_keys={key.keyid: key.private_key},
    )
    algorithm = LIBRARY_ALGORITHMS[key.algorithm]
    return (
        HTTPMessageSigner(signature_algorithm=algorithm, key_resolver=resolver),
        HTTPMessageVerifier(signature_algorithm=algorithm, key_resolver=resolver),
    )


def registered(key):
    return RegisteredKey(
        key.keyid, "bank-of-x", key.algorithm, key.private_key.public_key()
    )


def library_signed_request(key):
    signer, _ = library(key)
    message = LibraryRequest(
        "POST", URI, {"Content-Type": "application/json", "Idempotency-Key": "apply-77"}
    )
    signer.sign(
        message,
        key_id=key.keyid,
        nonce=secrets.token_urlsafe(18),
        tag="govgate-request",
        label="bank",
        covered_component_ids=REQUEST_COMPONENTS[:3] + REQUEST_COMPONENTS[4:],
        body=BODY,
    )
    return HttpRequest(message.method, message.url, list(message.headers.items()), BODY)


def test_library_signed_request_verifies_with_ours(key):
    request = library_signed_request(key)
    verifier = RequestVerifier({key.keyid: registered(key)}.get, InMemoryNonceStore())
    verified = verifier.verify(request)
    assert verified.label == "bank"
    assert verified.algorithm == key.algorithm
    assert verified.content_digest == request.headers.get("content-digest")


def test_library_signed_request_with_altered_content_is_refused_by_ours(key):
    request = library_signed_request(key)
    request.target_uri = URI.replace("bank", "bonk")
    verifier = RequestVerifier({key.keyid: registered(key)}.get, InMemoryNonceStore())
    with pytest.raises(SignatureRejected) as caught:
        verifier.verify(request)
    assert caught.value.reason == "signature_invalid"


def our_signed_request(key):
    request = HttpRequest(
        "POST",
        URI,
        {"Content-Type": "application/json", "Idempotency-Key": "apply-78"},
        BODY,
    )
    for name, value in RequestSigner(key).sign(request).headers():
        request.headers.set(name, value)
    return request


def test_our_signed_request_verifies_with_the_library(key):
    request = our_signed_request(key)
    _, verifier = library(key)
    message = LibraryRequest(
        request.method, request.target_uri, request.headers.items()
    )
    [result] = verifier.verify(
        message,
        expect_tag="govgate-request",
        require_components=REQUEST_COMPONENTS,
        body=BODY,
        max_age=datetime.timedelta(minutes=5),
    )
    assert result.parameters["keyid"] == key.keyid
    assert result.body == BODY
    message.headers["Idempotency-Key"] = "apply-79"
    with pytest.raises(InvalidSignature):
        verifier.verify(message, expect_tag="govgate-request", body=BODY)


def test_our_signed_response_with_req_components_verifies_with_the_library(key):
    request = our_signed_request(key)
    response = HttpResponse(
        201, {"Content-Type": "application/json"}, b'{"receipt":"R-1"}'
    )
    for name, value in ResponseSigner(key).sign(response, request, "sig1").headers():
        response.headers.set(name, value)
    _, verifier = library(key)
    library_request = LibraryRequest(
        request.method, request.target_uri, request.headers.items()
    )
    message = LibraryResponse(
        response.status, response.headers.items(), library_request
    )
    [result] = verifier.verify(
        message,
        expect_tag="govgate-response",
        require_components=RESPONSE_COMPONENTS,
        body=response.body,
        max_age=datetime.timedelta(minutes=5),
    )
    assert list(result.covered_components)[:-1] == list(RESPONSE_COMPONENTS)
    # Bound to the request: a different request signature makes the receipt fail.
    library_request.headers["Signature"] = "sig1=:" + "A" * 86 + "==:"
    with pytest.raises(InvalidSignature):
        verifier.verify(message, expect_tag="govgate-response", body=response.body)


def test_library_signed_receipt_verifies_with_ours(key):
    """A recipient agency using the library answers a delivery with a govgate-receipt."""
    request = our_signed_request(key)
    signer, _ = library(key)
    library_request = LibraryRequest(
        request.method, request.target_uri, request.headers.items()
    )
    body = b'{"status":"received"}'
    message = LibraryResponse(
        200, {"Content-Type": "application/json"}, library_request
    )
    signer.sign(
        message,
        key_id=key.keyid,
        tag="govgate-receipt",
        label="receipt",
        body=body,
        covered_component_ids=[
            c for c in RESPONSE_COMPONENTS if c != '"content-digest"'
        ],
    )
    response = HttpResponse(200, list(message.headers.items()), body)
    verifier = ResponseVerifier({key.keyid: registered(key)}.get, tag="govgate-receipt")
    receipt = verifier.verify(response, request, "sig1")
    assert receipt.label == "receipt"
    assert (
        dict(receipt.components)['"signature";req;key="sig1"']
        == request.headers.get("signature")[5:]
    )
