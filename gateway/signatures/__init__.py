"""HTTP Message Signatures (RFC 9421) and Digest Fields (RFC 9530) in the govgate profile.

Framework-free: callers translate their messages into ``HttpRequest``/``HttpResponse``.
See docs/signing-profile.md for what is signed and checked.

    inbound request   RequestVerifier(key_resolver, nonce_store).verify(req) -> VerifiedRequest
    its receipt       ResponseSigner(gateway_key).sign(resp, req, label) -> SignatureFields
    outbound request  RequestSigner(key, tag=DELIVERY_TAG).sign(req) -> SignatureFields
    their receipt     ResponseVerifier(key_resolver, tag=RECEIPT_TAG).verify(resp, req, label)
    key registry      load_public_key(pem_or_jwk, algorithm) -> PublicKeyInfo

Rejections are ``SignatureRejected`` (an ``Unauthenticated``) with a ``Rejection`` reason;
refused key material is ``KeyRefused`` (an ``InvalidInput``).
"""

from gateway.signatures.digest import content_digest, verify_content_digest
from gateway.signatures.errors import KeyRefused, Rejection, SignatureRejected
from gateway.signatures.fields import tagged_label
from gateway.signatures.keys import (
    PublicKeyInfo,
    jwks_document,
    keys_from_jwks,
    load_public_key,
)
from gateway.signatures.message import Headers, HttpRequest, HttpResponse
from gateway.signatures.ports import (
    Clock,
    InMemoryNonceStore,
    KeyResolver,
    NonceStore,
    RegisteredKey,
    utc_now,
)
from gateway.signatures.profile import (
    DELIVERY_TAG,
    RECEIPT_TAG,
    REQUEST_TAG,
    RESPONSE_TAG,
)
from gateway.signatures.signer import RequestSigner, ResponseSigner, SignatureFields
from gateway.signatures.signing_key import SigningKey
from gateway.signatures.verifier import (
    RequestVerifier,
    ResponseVerifier,
    VerificationWindow,
    VerifiedMessage,
    VerifiedRequest,
    VerifiedResponse,
    static_key_resolver,
)

__all__ = [
    "DELIVERY_TAG",
    "RECEIPT_TAG",
    "REQUEST_TAG",
    "RESPONSE_TAG",
    "Clock",
    "Headers",
    "HttpRequest",
    "HttpResponse",
    "InMemoryNonceStore",
    "KeyRefused",
    "KeyResolver",
    "NonceStore",
    "PublicKeyInfo",
    "RegisteredKey",
    "Rejection",
    "RequestSigner",
    "RequestVerifier",
    "ResponseSigner",
    "ResponseVerifier",
    "SignatureFields",
    "SignatureRejected",
    "SigningKey",
    "VerificationWindow",
    "VerifiedMessage",
    "VerifiedRequest",
    "VerifiedResponse",
    "content_digest",
    "jwks_document",
    "keys_from_jwks",
    "load_public_key",
    "static_key_resolver",
    "tagged_label",
    "utc_now",
    "verify_content_digest",
]
