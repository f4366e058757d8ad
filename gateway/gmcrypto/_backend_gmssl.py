"""The SM2 primitives from ``gmssl_pyx`` (a C extension statically linking GmSSL 3.2).

Only digest signing and verification are used: the caller computes ``e = SM3(Z_A ‖ M)`` itself
(:func:`gateway.gmcrypto._curve.signer_digest`), which keeps the user ID free and is ten times
faster than the library's own message API (~200 sign/s, see the package docstring).

GmSSL writes a one-line trace to stderr for every failed verification; it is harmless but
shows up in container logs next to the ``sm2_signature_invalid`` we raise.
"""

from __future__ import annotations

import gmssl_pyx

from gateway.gmcrypto.errors import Sm2BackendFailure, Sm2KeyMalformed

NAME = f"gmssl-pyx {gmssl_pyx.__version__}"


def generate_keypair() -> tuple[bytes, bytes]:
    """A fresh ``(d, x ‖ y)``: 32-byte private scalar and 64-byte public point."""
    try:
        public_xy, private_d = gmssl_pyx.sm2_key_generate()
    except gmssl_pyx.GmsslInnerError as exc:
        raise Sm2BackendFailure("SM2 key generation failed") from exc
    return private_d, public_xy


def normalize_point(encoded: bytes) -> bytes:
    """``04 ‖ x ‖ y``, bare ``x ‖ y`` or compressed ``02/03 ‖ x`` to a checked 64-byte ``x ‖ y``."""
    try:
        return gmssl_pyx.normalize_sm2_public_key(encoded)
    except gmssl_pyx.InvalidValueError as exc:
        raise Sm2KeyMalformed("SM2 public key is not a point on the SM2 curve") from exc


def sign_digest(private_d: bytes, digest: bytes) -> bytes:
    """DER ``SEQUENCE {r, s}`` over a 32-byte ``e``."""
    try:
        return gmssl_pyx.sm2_sign_sm3_digest(private_d, digest)
    except gmssl_pyx.InvalidValueError as exc:
        raise Sm2KeyMalformed("SM2 private key is out of range") from exc
    except gmssl_pyx.GmsslInnerError as exc:
        raise Sm2BackendFailure("SM2 signing failed") from exc


def verify_digest(public_xy: bytes, digest: bytes, der_signature: bytes) -> bool:
    try:
        return gmssl_pyx.sm2_verify_sm3_digest(public_xy, digest, der_signature)
    except gmssl_pyx.InvalidValueError as exc:
        raise Sm2KeyMalformed("SM2 public key is not a point on the SM2 curve") from exc
    except gmssl_pyx.GmsslInnerError as exc:
        raise Sm2BackendFailure("SM2 verification failed to run") from exc
