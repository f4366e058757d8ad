"""The independent RFC 9421 implementation (http-message-signatures 3.x) as a partner would use it.

library_signed_headers(key, method, uri, ...)   a request signed by the library, not by us
library_verified_receipt(response, jwks)        the gateway's receipt, checked by the library
library_verified_receipt(response, jwks, tag=REPLAY_TAG)  the extra signature of a replayed answer
receipt_components(response)                    what the profile says a receipt must cover
"""

from __future__ import annotations

import datetime

import http_sf
from http_message_signatures import (
    HTTPMessageSigner,
    HTTPMessageVerifier,
    MappingKeyResolver,
    algorithms,
)
from requests.structures import CaseInsensitiveDict

from gateway.signatures import (
    REQUEST_TAG,
    RESPONSE_TAG,
    SigningKey,
    keys_from_jwks,
    tagged_label,
)

from .exchange import sent_request

ALGORITHMS = {
    "ed25519": algorithms.ED25519,
    "ecdsa-p256-sha256": algorithms.ECDSA_P256_SHA256,
    "rsa-pss-sha512": algorithms.RSA_PSS_SHA512,
}


class LibraryRequest:
    """The message shape the library reads: method, absolute url, headers."""

    def __init__(self, method: str, url: str, headers) -> None:
        self.method, self.url, self.headers = method, url, CaseInsensitiveDict(headers)


class LibraryResponse:
    def __init__(self, status_code: int, headers, request: LibraryRequest) -> None:
        self.status_code, self.headers, self.request = (
            status_code,
            CaseInsensitiveDict(headers),
            request,
        )


class _TestClockVerifier(HTTPMessageVerifier):
    # The library checks `created` against the wall clock; the app runs on the tests' settable
    # clock, so time checks are the gateway's business here, not the library's.
    max_clock_skew = datetime.timedelta(days=3650)


def library_signed_headers(
    key: SigningKey,
    method: str,
    uri: str,
    *,
    clock,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
    nonce: str,
    label: str = "partner",
) -> dict[str, str]:
    fields = dict(headers or {})
    covered = ["@method", "@target-uri"]
    if body:
        fields.setdefault("Content-Type", "application/json")
        covered.append("content-type")
    if method == "POST":
        covered.append("idempotency-key")
    message = LibraryRequest(method, uri, fields)
    resolver = MappingKeyResolver(public_keys={}, private_keys={key.keyid: key.private_key})
    signer = HTTPMessageSigner(signature_algorithm=ALGORITHMS[key.algorithm], key_resolver=resolver)
    # body= makes the library add Content-Digest and cover it.
    signer.sign(
        message,
        key_id=key.keyid,
        created=clock(),
        nonce=nonce,
        tag=REQUEST_TAG,
        label=label,
        covered_component_ids=covered,
        body=body if body else None,
    )
    return dict(message.headers.items())


def receipt_components(response) -> list[str]:
    """The components the profile requires a receipt to cover, given the request it answers."""
    request = sent_request(response)
    covered = [
        '"@status"',
        '"content-type"',
        '"content-digest"',
        '"@method";req',
        '"@target-uri";req',
    ]
    if "content-digest" in request.headers:
        covered.append('"content-digest";req')
    label = tagged_label(request.headers, REQUEST_TAG)
    if label is not None:
        covered.append(f'"signature";req;key="{label}"')
    return covered


def library_verified_receipt(response, jwks: dict, *, tag: str = RESPONSE_TAG):
    """The library's VerifyResult for the gateway's signature tagged ``tag`` (the receipt, or a
    replay's ``govgate-replay``), bound to the request the test client sent; raises
    InvalidSignature otherwise."""
    signatures = http_sf.parse(response.headers["signature-input"].encode(), tltype="dictionary")
    [params] = [params for _items, params in signatures.values() if params.get("tag") == tag]
    key = keys_from_jwks(jwks)[params["keyid"]]
    sent = sent_request(response)
    request = LibraryRequest(sent.method, sent.target_uri, sent.headers.items())
    message = LibraryResponse(response.status_code, list(response.headers.multi_items()), request)
    verifier = _TestClockVerifier(
        signature_algorithm=ALGORITHMS[key.algorithm],
        key_resolver=MappingKeyResolver(public_keys={params["keyid"]: key.key}, private_keys={}),
    )
    [result] = verifier.verify(
        message,
        expect_tag=tag,
        require_components=receipt_components(response),
        body=response.content,
        max_age=None,
    )
    return result
