"""SM2 curve parameters (GB/T 32918.5) and the signer digest ``e = SM3(Z_A ‖ M)``.

Computing ``e`` here rather than in the backend is what makes the user ID a free per-partner
setting: the backend only ever signs or verifies a 32-byte digest. No curve arithmetic lives
here; the one membership test below is a polynomial check, not point arithmetic.
"""

from __future__ import annotations

from cryptography.hazmat.primitives import hashes

P = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF
A = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFC
B = 0x28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93
N = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123
GX = 0x32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7
GY = 0xBC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0

COORDINATE_SIZE = 32
# ENTL is the ID length in *bits* as two bytes, so the longest ID is 8191 bytes.
MAX_USER_ID_BYTES = 0xFFFF // 8

_CURVE_PREFIX = b"".join(v.to_bytes(COORDINATE_SIZE, "big") for v in (A, B, GX, GY))


def sm3(data: bytes) -> bytes:
    """SM3 digest (32 bytes), from ``cryptography``."""
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize()


def signer_digest(user_id: bytes, public_xy: bytes, message: bytes) -> bytes:
    """``e = SM3(Z_A ‖ M)`` with ``Z_A = SM3(ENTL ‖ ID ‖ a ‖ b ‖ xG ‖ yG ‖ xA ‖ yA)``."""
    entl = (len(user_id) * 8).to_bytes(2, "big")
    z_a = sm3(entl + user_id + _CURVE_PREFIX + public_xy)
    digest = hashes.Hash(hashes.SM3())
    digest.update(z_a)
    digest.update(message)
    return digest.finalize()


def is_on_curve(public_xy: bytes) -> bool:
    """True when the 64-byte ``x ‖ y`` is a point of the curve (cofactor 1: then also of the group)."""
    x = int.from_bytes(public_xy[:COORDINATE_SIZE], "big")
    y = int.from_bytes(public_xy[COORDINATE_SIZE:], "big")
    return x < P and y < P and (y * y - (x * x * x + A * x + B)) % P == 0


def is_valid_private_scalar(d: int) -> bool:
    # SM2 excludes n-1 as well as 0 (GB/T 32918.1 §6.1: d ∈ [1, n-2]).
    return 1 <= d <= N - 2
