"""SM2 signature encodings: DER ``SEQUENCE {r, s}`` and raw fixed-width ``r ‖ s``.

Both decoders are strict (canonical DER, exact length, ``1 ≤ r, s < n``) so that a signature
has exactly one accepted form.
"""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

from gateway.gmcrypto._curve import COORDINATE_SIZE, N
from gateway.gmcrypto.errors import Sm2SignatureMalformed
from gateway.gmcrypto.settings import SignatureEncoding

RAW_SIGNATURE_SIZE = 2 * COORDINATE_SIZE


def decode_signature(signature: bytes, encoding: SignatureEncoding) -> tuple[int, int]:
    """``(r, s)`` from a signature in ``encoding``; raises :class:`Sm2SignatureMalformed`."""
    if encoding == "raw":
        if len(signature) != RAW_SIGNATURE_SIZE:
            raise Sm2SignatureMalformed(
                f"raw SM2 signature must be {RAW_SIGNATURE_SIZE} bytes, got {len(signature)}"
            )
        r = int.from_bytes(signature[:COORDINATE_SIZE], "big")
        s = int.from_bytes(signature[COORDINATE_SIZE:], "big")
    else:
        try:
            r, s = decode_dss_signature(signature)
        except ValueError as exc:
            raise Sm2SignatureMalformed("SM2 signature is not DER SEQUENCE {r, s}") from exc
    if not (0 < r < N and 0 < s < N):
        raise Sm2SignatureMalformed("SM2 signature r or s is out of range")
    return r, s


def encode_signature(r: int, s: int, encoding: SignatureEncoding) -> bytes:
    if encoding == "raw":
        return r.to_bytes(COORDINATE_SIZE, "big") + s.to_bytes(COORDINATE_SIZE, "big")
    return encode_dss_signature(r, s)


def der_to_raw(signature: bytes) -> bytes:
    return encode_signature(*decode_signature(signature, "der"), "raw")


def raw_to_der(signature: bytes) -> bytes:
    return encode_signature(*decode_signature(signature, "raw"), "der")
