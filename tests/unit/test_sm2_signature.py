"""SM2-with-SM3 signatures: known answers from OpenSSL, settings, encodings and properties."""

from __future__ import annotations

from functools import lru_cache

import gmssl_pyx
import pytest
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from hypothesis import given, settings
from hypothesis import strategies as st

from gateway.errors import InvalidInput, Unauthenticated
from gateway.gmcrypto import (
    DEFAULT_SETTINGS,
    Sm2PrivateKey,
    Sm2PublicKey,
    Sm2Settings,
    Sm2SettingsInvalid,
    Sm2SignatureInvalid,
    Sm2SignatureMalformed,
    der_to_raw,
    raw_to_der,
    sm3,
    verify,
)
from gateway.gmcrypto._curve import N

# Made once with `openssl dgst -sm3 -sign key.pem -sigopt distid:… -out sig.bin msg` (OpenSSL 3.0)
# using the key of test_sm2_keys.py; they pin our Z_A and e to OpenSSL's without its binary.
KAT_PUBLIC_HEX = (
    "040e5b71512ec6a0e83fbc829e7bade05b15c9a94136b1130ad1e79f0f062d817a"
    "3b31f224fc1a20b28d35569f41917902c42448eb63966fdb6f5188ce3d751757"
)
KAT_MESSAGE = b"govgate SM2 known answer"
KAT_SIGNATURES = {
    b"CLIENT0042000000": bytes.fromhex(
        "30460221008a80222b358569a133269ed98c7b567ff2fcb93d7b7ac281465fe7044ce89732"
        "022100cc5bb65e5fa45366e233ab71aad635b826f1caa9d2f6c9fef92cd0c418b805af"
    ),
    b"1234567812345678": bytes.fromhex(
        "30450220174b618f394fb87012eccc81e820696af1fb88bea6fe61347e39851d08d82bdd"
        "022100c29ef3049c9d7b8e456f132d570036c28de9efa9e8b333a8b9ae38be4ee93b80"
    ),
}


@lru_cache(maxsize=1)
def signer() -> Sm2PrivateKey:
    return Sm2PrivateKey.generate()


def test_sm3_standard_vector():
    # GB/T 32905-2016 Appendix A.1
    assert sm3(b"abc").hex() == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"


@pytest.mark.parametrize("user_id", sorted(KAT_SIGNATURES))
def test_openssl_signatures_verify_only_under_their_own_user_id(user_id):
    public = Sm2PublicKey.from_hex(KAT_PUBLIC_HEX)
    signature = KAT_SIGNATURES[user_id]
    verify(public, KAT_MESSAGE, signature, Sm2Settings(user_id=user_id))
    other = next(uid for uid in KAT_SIGNATURES if uid != user_id)
    with pytest.raises(Sm2SignatureInvalid):
        verify(public, KAT_MESSAGE, signature, Sm2Settings(user_id=other))
    raw = Sm2Settings(user_id=user_id, signature_encoding="raw")
    verify(public, KAT_MESSAGE, der_to_raw(signature), raw)


def test_digest_matches_gmssl_own_z_a_computation():
    # GmSSL's message API computes Z_A itself: a second, independent implementation.
    public_xy, private_d = gmssl_pyx.sm2_key_generate()
    key = Sm2PrivateKey(private_d, Sm2PublicKey(public_xy))
    for user_id in (b"1234567812345678", b"CLIENT0042000000", b"\x00\xff" * 40):
        theirs = gmssl_pyx.sm2_sign(private_d, public_xy, b"m", user_id)
        verify(key.public_key(), b"m", theirs, Sm2Settings(user_id=user_id))
        ours = key.sign(b"m", Sm2Settings(user_id=user_id))
        assert gmssl_pyx.sm2_verify(public_xy, b"m", ours, user_id)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"user_id": b""},
        {"user_id": "1234567812345678"},
        {"user_id": b"x" * 8192},
        {"signature_encoding": "base64"},
        {"public_key_encoding": "jwk"},
    ],
)
def test_unusable_settings_are_refused(kwargs):
    with pytest.raises(Sm2SettingsInvalid) as caught:
        Sm2Settings(**kwargs)
    assert caught.value.reason == "sm2_settings_invalid"


def test_defaults_are_the_tax_profile():
    assert Sm2Settings(b"1234567812345678", "der", "pem") == DEFAULT_SETTINGS
    assert Sm2Settings(user_id=b"x" * 8191).user_id == b"x" * 8191


def test_raw_signatures_are_64_bytes_and_convert_both_ways():
    raw_settings = Sm2Settings(signature_encoding="raw")
    for _ in range(20):  # r or s below 2**248 exercises the left padding
        raw = signer().sign(b"payload", raw_settings)
        assert len(raw) == 64
        der = raw_to_der(raw)
        assert der_to_raw(der) == raw
        verify(signer().public_key(), b"payload", der)
        verify(signer().public_key(), b"payload", raw, raw_settings)


@pytest.mark.parametrize(
    ("signature", "encoding", "detail"),
    [
        (b"", "der", "not DER"),
        (encode_dss_signature(1, 2) + b"\x00", "der", "not DER"),
        (bytes.fromhex("3007020200010201") + b"\x02", "der", "not DER"),  # non-minimal INTEGER
        (encode_dss_signature(0, 2), "der", "out of range"),
        (encode_dss_signature(1, N), "der", "out of range"),
        (bytes(63), "raw", "must be 64 bytes"),
        (bytes(64), "raw", "out of range"),
        (N.to_bytes(32, "big") + (1).to_bytes(32, "big"), "raw", "out of range"),
    ],
)
def test_malformed_signatures_are_invalid_input(signature, encoding, detail):
    with pytest.raises(Sm2SignatureMalformed, match=detail) as caught:
        verify(signer().public_key(), b"m", signature, Sm2Settings(signature_encoding=encoding))
    assert isinstance(caught.value, InvalidInput)


def test_invalid_signature_is_unauthenticated_with_its_reason():
    signature = signer().sign(b"m")
    with pytest.raises(Sm2SignatureInvalid) as caught:
        verify(Sm2PrivateKey.generate().public_key(), b"m", signature)
    assert isinstance(caught.value, Unauthenticated)
    assert caught.value.reason == "sm2_signature_invalid"
    assert caught.value.status == 401


def test_der_signature_is_refused_under_raw_settings_and_vice_versa():
    der = signer().sign(b"m")
    with pytest.raises(Sm2SignatureMalformed):
        verify(signer().public_key(), b"m", der, Sm2Settings(signature_encoding="raw"))
    raw = signer().sign(b"m", Sm2Settings(signature_encoding="raw"))
    with pytest.raises(Sm2SignatureMalformed):
        verify(signer().public_key(), b"m", raw)


user_ids = st.binary(min_size=1, max_size=64)
encodings = st.sampled_from(["der", "raw"])


@settings(max_examples=60, deadline=None)
@given(message=st.binary(max_size=2048), user_id=user_ids, encoding=encodings)
def test_round_trip_for_any_message_and_user_id(message, user_id, encoding):
    chosen = Sm2Settings(user_id=user_id, signature_encoding=encoding)
    verify(signer().public_key(), message, signer().sign(message, chosen), chosen)


@settings(max_examples=60, deadline=None)
@given(message=st.binary(min_size=1, max_size=256), encoding=encodings, data=st.data())
def test_any_single_bit_flip_fails(message, encoding, data):
    chosen = Sm2Settings(signature_encoding=encoding)
    signature = signer().sign(message, chosen)
    bit = data.draw(st.integers(0, len(message) * 8 - 1), label="message bit")
    flipped = bytearray(message)
    flipped[bit // 8] ^= 1 << (bit % 8)
    with pytest.raises(Sm2SignatureInvalid):
        verify(signer().public_key(), bytes(flipped), signature, chosen)

    # DER length varies with the random nonce; draw from a fixed range to keep replays stable.
    bit = data.draw(st.integers(0, 72 * 8 - 1), label="signature bit") % (len(signature) * 8)
    flipped = bytearray(signature)
    flipped[bit // 8] ^= 1 << (bit % 8)
    with pytest.raises((Sm2SignatureInvalid, Sm2SignatureMalformed)):
        verify(signer().public_key(), message, bytes(flipped), chosen)


@settings(max_examples=30, deadline=None)
@given(message=st.binary(max_size=256), user_id=user_ids, other=user_ids)
def test_another_user_id_fails(message, user_id, other):
    if other == user_id:
        other = user_id + b"!"
    signature = signer().sign(message, Sm2Settings(user_id=user_id))
    with pytest.raises(Sm2SignatureInvalid):
        verify(signer().public_key(), message, signature, Sm2Settings(user_id=other))
