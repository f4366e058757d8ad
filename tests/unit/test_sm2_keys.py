"""SM2 key loading and encoding: the forms OpenSSL 3 writes, partner encodings, and bad input.

The embedded key is a throwaway made with ``openssl genpkey -algorithm SM2`` (OpenSSL 3.0).
"""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from gateway.errors import InvalidInput
from gateway.gmcrypto import Sm2KeyMalformed, Sm2PrivateKey, Sm2PublicKey, _containers, _der
from gateway.gmcrypto._curve import N, P

OPENSSL_PKCS8 = """-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqBHM9VAYItBG0wawIBAQQggbBWLKTNTU3qiMPM
6qD7gzGyK84NIeJPzqSinDhyIDGhRANCAAQOW3FRLsag6D+8gp57reBbFcmpQTax
EwrR558PBi2Bejsx8iT8GiCyjTVWn0GReQLEJEjrY5Zv229RiM49dRdX
-----END PRIVATE KEY-----
"""
OPENSSL_SEC1 = """-----BEGIN SM2 PRIVATE KEY-----
MHcCAQEEIIGwViykzU1N6ojDzOqg+4MxsivODSHiT86kopw4ciAxoAoGCCqBHM9V
AYItoUQDQgAEDltxUS7GoOg/vIKee63gWxXJqUE2sRMK0eefDwYtgXo7MfIk/Bog
so01Vp9BkXkCxCRI62OWb9tvUYjOPXUXVw==
-----END SM2 PRIVATE KEY-----
"""
OPENSSL_PUBLIC = """-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoEcz1UBgi0DQgAEDltxUS7GoOg/vIKee63gWxXJqUE2
sRMK0eefDwYtgXo7MfIk/Bogso01Vp9BkXkCxCRI62OWb9tvUYjOPXUXVw==
-----END PUBLIC KEY-----
"""
OPENSSL_PUBLIC_COMPRESSED = """-----BEGIN PUBLIC KEY-----
MDkwEwYHKoZIzj0CAQYIKoEcz1UBgi0DIgADDltxUS7GoOg/vIKee63gWxXJqUE2
sRMK0eefDwYtgXo=
-----END PUBLIC KEY-----
"""
PUBLIC_HEX = (
    "040e5b71512ec6a0e83fbc829e7bade05b15c9a94136b1130ad1e79f0f062d817a"
    "3b31f224fc1a20b28d35569f41917902c42448eb63966fdb6f5188ce3d751757"
)
PRIVATE_D = bytes.fromhex("81B0562CA4CD4D4DEA88C3CCEAA0FB8331B22BCE0D21E24FCEA4A29C38722031")


def test_openssl_pkcs8_and_sec1_load_to_the_same_key_and_pkcs8_is_rewritten_byte_for_byte():
    key = Sm2PrivateKey.from_pem(OPENSSL_PKCS8)
    assert Sm2PrivateKey.from_pem(OPENSSL_SEC1).to_pem() == OPENSSL_PKCS8
    assert key.to_pem() == OPENSSL_PKCS8
    assert key.public_key().to_pem() == OPENSSL_PUBLIC
    assert key.public_key().to_hex() == PUBLIC_HEX


def test_public_key_forms_agree():
    key = Sm2PublicKey.from_pem(OPENSSL_PUBLIC)
    x_hex, y_hex = PUBLIC_HEX[2:66], PUBLIC_HEX[66:]
    compressed = ("03" if int(y_hex, 16) & 1 else "02") + x_hex
    spki_b64 = base64.b64encode(key.to_der()).decode()
    forms = [
        Sm2PublicKey.from_pem(OPENSSL_PUBLIC_COMPRESSED),
        Sm2PublicKey.from_hex(PUBLIC_HEX),
        Sm2PublicKey.from_hex(PUBLIC_HEX[2:].upper()),
        Sm2PublicKey.from_hex(compressed),
        Sm2PublicKey.parse(f"  {OPENSSL_PUBLIC}  "),
        Sm2PublicKey.parse(PUBLIC_HEX),
        Sm2PublicKey.parse(compressed),
        Sm2PublicKey.parse(spki_b64),
        Sm2PublicKey.parse(base64.b64encode(bytes.fromhex(PUBLIC_HEX)).decode()),
    ]
    assert all(form == key for form in forms)
    assert len({hash(form) for form in forms}) == 1


@pytest.mark.parametrize("encoding", ["pem", "hex", "base64"])
def test_partner_encodings_round_trip(encoding):
    key = Sm2PrivateKey.generate().public_key()
    text = key.encode(encoding)
    assert Sm2PublicKey.decode(text, encoding) == key
    assert Sm2PublicKey.parse(text) == key


def test_generated_private_key_round_trips_and_differs_each_time():
    first, second = Sm2PrivateKey.generate(), Sm2PrivateKey.generate()
    assert first.public_key() != second.public_key()
    assert Sm2PrivateKey.from_pem(first.to_pem()).public_key() == first.public_key()
    assert Sm2PrivateKey.from_der(first.to_der()).to_der() == first.to_der()


def test_repr_shows_no_private_material():
    key = Sm2PrivateKey.from_pem(OPENSSL_PKCS8)
    assert PRIVATE_D.hex()[:12] not in repr(key).lower()
    assert "fingerprint=" in repr(key)


def _p256_public_pem() -> str:
    public = ec.generate_private_key(ec.SECP256R1()).public_key()
    return public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def _rsa_public_pem() -> str:
    public = rsa.generate_private_key(public_exponent=65537, key_size=1024).public_key()
    return public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def _off_curve_hex() -> str:
    y = (int(PUBLIC_HEX[66:], 16) + 1) % P
    return PUBLIC_HEX[:66] + f"{y:064x}"


@pytest.mark.parametrize(
    ("make_text", "detail"),
    [
        (lambda: "not a key", "base64"),
        (lambda: OPENSSL_PUBLIC.replace("PUBLIC KEY", "CERTIFICATE"), "CERTIFICATE"),
        (lambda: OPENSSL_PUBLIC.replace("MFkw", "MF!w"), "base64"),
        (_p256_public_pem, "not an SM2 key (curve 1.2.840.10045.3.1.7)"),
        (_rsa_public_pem, "not an elliptic-curve key (algorithm 1.2.840.113549.1.1.1)"),
        (_off_curve_hex, "not a point on the SM2 curve"),
        (lambda: PUBLIC_HEX[:-2], "not a point on the SM2 curve"),  # 128 digits: read as x‖y
        (lambda: PUBLIC_HEX[:-4], "hex digits"),
        (lambda: "04" + "00" * 64, "not a point on the SM2 curve"),
        (lambda: base64.b64encode(bytes.fromhex(PUBLIC_HEX) + b"\x00").decode(), "curve"),
    ],
)
def test_malformed_public_keys_are_invalid_input(make_text, detail):
    with pytest.raises(Sm2KeyMalformed) as caught:
        Sm2PublicKey.parse(make_text())
    assert detail in caught.value.detail
    assert isinstance(caught.value, InvalidInput)
    assert caught.value.reason == "sm2_key_malformed"


def test_malformed_hex_and_der_public_keys():
    with pytest.raises(Sm2KeyMalformed, match="hex digits"):
        Sm2PublicKey.from_hex("04abcd")
    with pytest.raises(Sm2KeyMalformed, match="not valid hex"):
        Sm2PublicKey.from_hex("zz" + PUBLIC_HEX[2:])
    der = Sm2PublicKey.from_hex(PUBLIC_HEX).to_der()
    for bad in (der[:-1], der + b"\x00", b"\x30\x80" + der[2:], b""):
        with pytest.raises(Sm2KeyMalformed):
            Sm2PublicKey.from_der(bad)


def _sec1(private_d: bytes, point: bytes | None, *, curve: bool = False) -> bytes:
    """SEC1 ECPrivateKey built by hand, so that invalid combinations can be expressed."""
    sec1 = _der.encode(0x02, b"\x01") + _der.encode(0x04, private_d)
    if curve:
        sec1 += _der.encode(0xA0, _der.encode(0x06, _containers.SM2_CURVE_OID))
    if point is not None:
        sec1 += _der.encode(0xA1, _der.encode(0x03, b"\x00" + point))
    return _der.encode(0x30, sec1)


def _pkcs8(private_d: bytes, point: bytes | None) -> bytes:
    algorithm = _containers.encode_spki(bytes(64))[2:23]  # the AlgorithmIdentifier
    return _der.encode(
        0x30, _der.encode(0x02, b"\x00") + algorithm + _der.encode(0x04, _sec1(private_d, point))
    )


def test_hand_built_containers_match_openssl():
    point = bytes.fromhex(PUBLIC_HEX)
    assert Sm2PrivateKey.from_der(_pkcs8(PRIVATE_D, point)).to_pem() == OPENSSL_PKCS8
    sec1 = Sm2PrivateKey.from_der(_sec1(PRIVATE_D, point, curve=True), pkcs8=False)
    assert sec1.to_pem() == OPENSSL_PKCS8
    with pytest.raises(Sm2KeyMalformed, match="does not name its curve"):
        Sm2PrivateKey.from_der(_sec1(PRIVATE_D, point), pkcs8=False)


@pytest.mark.parametrize(
    ("private_d", "point", "detail"),
    [
        (None, "other", "does not match the public key"),
        (None, None, "carries no public key"),
        (bytes(32), "own", "out of range"),
        ((N - 1).to_bytes(32, "big"), "own", "out of range"),
        (b"\x01" * 33, "own", "1–32 byte"),
    ],
)
def test_bad_private_keys_are_invalid_input(private_d, point, detail):
    d = private_d if private_d is not None else PRIVATE_D
    encoded = {
        "own": bytes.fromhex(PUBLIC_HEX),
        "other": bytes.fromhex(Sm2PrivateKey.generate().public_key().to_hex()),
        None: None,
    }[point]
    with pytest.raises(Sm2KeyMalformed, match=detail):
        Sm2PrivateKey.from_der(_pkcs8(d, encoded))


def test_private_pem_labels():
    with pytest.raises(Sm2KeyMalformed, match="encrypted"):
        Sm2PrivateKey.from_pem(
            "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMAA=\n-----END ENCRYPTED PRIVATE KEY-----"
        )
    with pytest.raises(Sm2KeyMalformed, match="expected one of"):
        Sm2PrivateKey.from_pem(OPENSSL_PUBLIC)
    with pytest.raises(Sm2KeyMalformed, match="not a PEM document"):
        Sm2PrivateKey.from_pem("")
    ec_label = OPENSSL_SEC1.replace("SM2 PRIVATE KEY", "EC PRIVATE KEY")
    assert Sm2PrivateKey.from_pem(ec_label).public_key().to_hex() == PUBLIC_HEX
