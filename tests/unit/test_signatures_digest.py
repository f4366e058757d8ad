"""Content-Digest (RFC 9530): known vectors and every way a received digest can be wrong."""

import pytest

from gateway.signatures.digest import content_digest, verify_content_digest
from gateway.signatures.errors import SignatureRejected

HELLO = b'{"hello": "world"}'
# RFC 9530 §2 and RFC 9421 Appendix B.2 publish these digests of the same 18 bytes.
HELLO_SHA256 = "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:"
HELLO_SHA512 = "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:"


def test_content_digest_matches_the_rfc_examples():
    assert content_digest(HELLO) == HELLO_SHA256
    assert content_digest(HELLO, "sha-512") == HELLO_SHA512


def test_content_digest_refuses_unknown_algorithms():
    with pytest.raises(ValueError):
        content_digest(HELLO, "md5")


@pytest.mark.parametrize(
    "header", [HELLO_SHA256, HELLO_SHA512, f"{HELLO_SHA256}, {HELLO_SHA512}"]
)
def test_verify_accepts_sha256_and_sha512(header):
    assert verify_content_digest(header, HELLO).startswith("sha-")


def test_verify_ignores_unknown_algorithms_next_to_a_known_one():
    assert verify_content_digest(f"md5=:AAAA:, {HELLO_SHA256}", HELLO) == HELLO_SHA256


def reason(header, body=HELLO):
    with pytest.raises(SignatureRejected) as caught:
        verify_content_digest(header, body)
    return caught.value.reason


def test_each_failure_has_its_own_reason():
    assert reason(None) == "content_digest_missing"
    assert reason("sha-256=not-bytes") == "content_digest_malformed"
    assert reason("sha-256=:X48E") == "content_digest_malformed"
    assert reason("sha-256") == "content_digest_malformed"
    assert reason("md5=:AAAA:, unixsum=:AAAA:") == "content_digest_unsupported"
    assert reason(HELLO_SHA256, HELLO + b" ") == "content_digest_mismatch"


def test_a_wrong_member_is_not_hidden_by_a_right_one():
    wrong_512 = content_digest(b"other", "sha-512")
    assert reason(f"{HELLO_SHA256}, {wrong_512}") == "content_digest_mismatch"


def test_empty_body_has_a_digest_too():
    assert verify_content_digest(content_digest(b""), b"") == content_digest(b"")
