"""Whatever a sender puts in Signature-Input, Signature or Content-Digest, verification either
succeeds or raises SignatureRejected (401): never another exception (a 500)."""

from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gateway.signatures import (
    HttpRequest,
    HttpResponse,
    InMemoryNonceStore,
    RegisteredKey,
    RequestSigner,
    RequestVerifier,
    ResponseVerifier,
    SignatureRejected,
    SigningKey,
)
from gateway.signatures.digest import verify_content_digest

NOW = datetime(2025, 3, 1, tzinfo=UTC)
KEY = SigningKey.generate("ed25519", "fuzz-key")
REGISTERED = RegisteredKey("fuzz-key", "p", "ed25519", KEY.private_key.public_key())

# Text drawn mostly from structured-field syntax, so that the parser gets past its first byte.
SF_ALPHABET = st.sampled_from(
    list('abcdefgkqrsty@-_*:=;,()" ?01269\\/+.%\t') + ["é", "\x00", "\r\n "]
)
SF_TEXT = st.lists(SF_ALPHABET, max_size=80).map("".join)
ANY_TEXT = st.text(max_size=120)
HEADER = st.one_of(SF_TEXT, ANY_TEXT)

# Fragments of a valid field, recombined.
VALID = RequestSigner(KEY, clock=lambda: NOW).sign(
    HttpRequest(
        "POST",
        "https://gw.example/x",
        {"Content-Type": "a/b", "Idempotency-Key": "k"},
        b"{}",
    )
)
PIECES = st.sampled_from(
    [
        VALID.signature_input,
        VALID.signature,
        VALID.content_digest,
        'tag="govgate-request"',
        ";created=",
        ";nonce=",
        '"@method";req',
        ';key="sig1"',
        "sig1=",
        ":",
        "(",
        ")",
        ", ",
        "9" * 16,
    ]
)
SPLICED = st.lists(st.one_of(PIECES, SF_TEXT), max_size=6).map("".join)


def verifier():
    return RequestVerifier(
        lambda kid: REGISTERED, InMemoryNonceStore(lambda: NOW), clock=lambda: NOW
    )


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    signature_input=st.one_of(HEADER, SPLICED),
    signature=st.one_of(HEADER, SPLICED),
    digest=st.one_of(st.none(), HEADER, SPLICED),
    body=st.binary(max_size=16),
    method=st.sampled_from(["GET", "POST"]),
    authority=st.sampled_from(
        ["gw.example", "gw.example:99999", "[::1", "[::1]:x", "a@b:1"]
    ),
    path=st.text(max_size=12),
)
def test_request_verification_only_ever_rejects(
    signature_input, signature, digest, body, method, authority, path
):
    headers = [
        ("Signature-Input", signature_input),
        ("Signature", signature),
        ("Content-Type", "a/b"),
        ("Idempotency-Key", "k"),
    ]
    if digest is not None:
        headers.append(("Content-Digest", digest))
    try:
        verifier().verify(
            HttpRequest(method, f"https://{authority}/{path}", headers, body)
        )
    except SignatureRejected:
        pass


@settings(max_examples=300, deadline=None)
@given(
    signature_input=st.one_of(HEADER, SPLICED),
    signature=st.one_of(HEADER, SPLICED),
    request_signature=HEADER,
)
def test_response_verification_only_ever_rejects(
    signature_input, signature, request_signature
):
    request = HttpRequest(
        "GET", "https://gw.example/x", {"Signature": request_signature}
    )
    response = HttpResponse(
        200,
        [
            ("Signature-Input", signature_input),
            ("Signature", signature),
            ("Content-Digest", VALID.content_digest),
        ],
        b"{}",
    )
    try:
        ResponseVerifier(lambda kid: REGISTERED, clock=lambda: NOW).verify(
            response, request, "sig1"
        )
    except SignatureRejected:
        pass


@settings(max_examples=300, deadline=None)
@given(header=st.one_of(HEADER, SPLICED), body=st.binary(max_size=16))
def test_content_digest_only_ever_rejects(header, body):
    try:
        verify_content_digest(header, body)
    except SignatureRejected:
        pass


@settings(max_examples=200, deadline=None)
@given(
    authority=st.sampled_from(
        ["gw.example", "gw.example:99999", "[::1", "[::1]:x", "a@b:1", "é.cn"]
    ),
    path=st.text(max_size=12),
)
def test_a_valid_signature_on_a_mangled_target_uri_only_ever_rejects(authority, path):
    request = HttpRequest(
        "POST",
        f"https://{authority}/{path}",
        [("Content-Type", "a/b"), ("Idempotency-Key", "k"), *VALID.headers()],
        b"{}",
    )
    try:
        verifier().verify(request)
    except SignatureRejected:
        pass
