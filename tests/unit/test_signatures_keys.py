"""Registering partner public keys: PEM and JWK, refusals, thumbprints, JWKS round trips."""

import hashlib
import json

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from gateway.signatures.errors import KeyRefused
from gateway.signatures.jwk import jwk_thumbprint
from gateway.signatures.keys import jwks_document, keys_from_jwks, load_public_key
from gateway.signatures.signing_key import SigningKey

ALGORITHMS = ["ed25519", "ecdsa-p256-sha256", "rsa-pss-sha512"]

# RFC 9421 Appendix B.1.4.
RFC_ED25519_PUBLIC = """-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEAJrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs=
-----END PUBLIC KEY-----"""
RFC_ED25519_PRIVATE = """-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIJ+DYvh6SEqVTm50DFtMDoQikTmiCqirVv9mWG9qfSnF
-----END PRIVATE KEY-----"""
# RFC 7638 §3.1.
RFC7638_JWK = {
    "kty": "RSA",
    "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPeb"
    "WKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQ"
    "MicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2Nc"
    "Rwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
    "e": "AQAB",
    "alg": "RS256",
    "kid": "2011-04-29",
}


@pytest.fixture(scope="module", params=ALGORITHMS)
def signing_key(request):
    return SigningKey.generate(request.param, f"k-{request.param}")


def refusal(material, algorithm=None):
    with pytest.raises(KeyRefused) as caught:
        load_public_key(material, algorithm)
    return caught.value


def test_rfc7638_thumbprint_vector():
    assert jwk_thumbprint(RFC7638_JWK) == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
    assert load_public_key(
        {k: v for k, v in RFC7638_JWK.items() if k != "alg"}
    ).thumbprint == ("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs")


def test_rfc_ed25519_key_from_pem():
    info = load_public_key(RFC_ED25519_PUBLIC)
    assert info.algorithm == "ed25519"
    assert info.jwk == {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": "JrQLj5P_89iXES9-vFgrIy29clF9CC_oPPsw3c5D0bs",
    }
    der = info.key.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    assert info.fingerprint == hashlib.sha256(der).hexdigest()


def test_pem_and_jwk_forms_describe_the_same_key(signing_key):
    from_pem = load_public_key(signing_key.public_info().pem, signing_key.algorithm)
    from_jwk = load_public_key(json.dumps(from_pem.jwk), signing_key.algorithm)
    assert from_pem.algorithm == from_jwk.algorithm == signing_key.algorithm
    assert from_pem.thumbprint == from_jwk.thumbprint
    assert from_pem.fingerprint == from_jwk.fingerprint
    assert from_pem.pem == from_jwk.pem


def test_private_pem_is_refused_without_echoing_it(signing_key):
    refused = refusal(signing_key.private_pem())
    assert refused.reason == "private_key_refused"
    assert "PRIVATE KEY-----" not in refused.detail
    assert refusal(RFC_ED25519_PRIVATE).reason == "private_key_refused"
    assert (
        refusal(signing_key.private_pem(password=b"secret")).reason
        == "private_key_refused"
    )


def test_private_jwk_is_refused():
    jwk = {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": "JrQLj5P_89iXES9-vFgrIy29clF9CC_oPPsw3c5D0bs",
        "d": "n4Ni-HpISpVObnQMW0wOhCKROaIKqKtW_2ZYb2p9KcU",
    }
    refused = refusal(jwk)
    assert refused.reason == "private_key_refused"
    assert jwk["d"] not in refused.detail
    assert refusal(json.dumps(jwk)).reason == "private_key_refused"


def test_short_rsa_keys_are_refused():
    weak = rsa.generate_private_key(public_exponent=65537, key_size=1024).public_key()
    pem = weak.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode()
    assert refusal(pem).reason == "key_too_weak"


def test_declared_algorithm_must_fit_the_key(signing_key):
    other = next(a for a in ALGORITHMS if a != signing_key.algorithm)
    assert refusal(signing_key.public_info().pem, other).reason == "algorithm_mismatch"
    assert (
        refusal(signing_key.public_info().pem, "hmac-sha256").reason
        == "algorithm_unsupported"
    )


def test_jwk_alg_must_agree_with_the_declared_algorithm():
    jwk = {**load_public_key(RFC_ED25519_PUBLIC).jwk, "alg": "ES256"}
    assert refusal(jwk).reason == "algorithm_mismatch"
    assert load_public_key({**jwk, "alg": "EdDSA"}, "ed25519").algorithm == "ed25519"


def test_unsupported_curves_and_garbage_are_refused():
    p384 = ec.generate_private_key(ec.SECP384R1()).public_key()
    pem = p384.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode()
    assert refusal(pem).reason == "algorithm_unsupported"
    assert refusal("not a key").reason == "key_malformed"
    assert (
        refusal("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----").reason
        == "key_malformed"
    )
    assert refusal("[1, 2]").reason == "key_malformed"
    assert (
        refusal({"kty": "EC", "crv": "P-256", "x": "AAAA", "y": "AAAA"}).reason
        == "key_malformed"
    )
    assert refusal({"kty": "oct", "k": "AAAA"}).reason == "private_key_refused"
    assert (
        refusal({"kty": "OKP", "crv": "X25519", "x": "AAAA"}).reason
        == "algorithm_unsupported"
    )


def test_jwks_round_trip_keeps_kids_and_algorithms():
    keys = [SigningKey.generate(a, f"gw-{a}") for a in ALGORITHMS]
    document = jwks_document((k.keyid, k.public_info()) for k in keys)
    assert {entry["alg"] for entry in document["keys"]} == {"EdDSA", "ES256", "PS512"}
    assert all("d" not in entry for entry in document["keys"])
    loaded = keys_from_jwks(json.loads(json.dumps(document)))
    assert {kid: info.algorithm for kid, info in loaded.items()} == {
        k.keyid: k.algorithm for k in keys
    }
    assert all(loaded[k.keyid].thumbprint == k.public_info().thumbprint for k in keys)
