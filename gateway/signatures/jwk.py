"""Public keys as JSON Web Keys (RFC 7517/7518), and their RFC 7638 thumbprints.

Only the three key types the profile signs with: OKP Ed25519, EC P-256 and RSA. A JWK that
carries private members is refused outright rather than stripped, so that a partner who
pasted the wrong file learns it at once and the gateway never holds the secret.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Mapping
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from gateway.signatures.algorithms import PublicKey
from gateway.signatures.errors import KeyRefused

# RFC 7518 §6.2.2, §6.3.2 and RFC 8037 §2: members that only a private key has.
PRIVATE_MEMBERS = frozenset({"d", "p", "q", "dp", "dq", "qi", "oth", "k"})
# RFC 7638 §3.2: the required members hashed for the thumbprint, per key type.
_THUMBPRINT_MEMBERS = {
    "OKP": ("crv", "kty", "x"),
    "EC": ("crv", "kty", "x", "y"),
    "RSA": ("e", "kty", "n"),
}


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_decode(value: Any) -> bytes:
    if not isinstance(value, str):
        raise KeyRefused(
            "A JWK member is not a base64url string.", reason="key_malformed"
        )
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (ValueError, TypeError) as exc:
        raise KeyRefused(
            "A JWK member is not valid base64url.", reason="key_malformed"
        ) from exc


def _uint(value: Any) -> int:
    return int.from_bytes(_b64url_decode(value), "big")


def public_key_from_jwk(jwk: Mapping[str, Any]) -> PublicKey:
    """Build a public key from a JWK; raises ``KeyRefused`` (private_key_refused, key_malformed)."""
    if PRIVATE_MEMBERS & set(jwk):
        raise KeyRefused(
            "This JWK contains private key members; submit the public key only.",
            reason="private_key_refused",
        )
    kty, crv = jwk.get("kty"), jwk.get("crv")
    try:
        if kty == "OKP" and crv == "Ed25519":
            return ed25519.Ed25519PublicKey.from_public_bytes(
                _b64url_decode(jwk.get("x"))
            )
        if kty == "EC" and crv == "P-256":
            x, y = _b64url_decode(jwk.get("x")), _b64url_decode(jwk.get("y"))
            if len(x) != 32 or len(y) != 32:
                raise ValueError("P-256 coordinates are 32 bytes")
            numbers = ec.EllipticCurvePublicNumbers(
                int.from_bytes(x, "big"), int.from_bytes(y, "big"), ec.SECP256R1()
            )
            return numbers.public_key()
        if kty == "RSA":
            return rsa.RSAPublicNumbers(
                _uint(jwk.get("e")), _uint(jwk.get("n"))
            ).public_key()
    except ValueError as exc:
        raise KeyRefused(
            "The JWK does not describe a valid public key.", reason="key_malformed"
        ) from exc
    raise KeyRefused(
        "Only OKP Ed25519, EC P-256 and RSA keys are accepted.",
        reason="algorithm_unsupported",
    )


def public_key_to_jwk(key: PublicKey) -> dict[str, str]:
    """The minimal public JWK for ``key`` (no kid, alg or use: callers add what they publish)."""
    if isinstance(key, ed25519.Ed25519PublicKey):
        raw = key.public_bytes(Encoding.Raw, PublicFormat.Raw)
        return {"kty": "OKP", "crv": "Ed25519", "x": b64url(raw)}
    if isinstance(key, ec.EllipticCurvePublicKey) and isinstance(
        key.curve, ec.SECP256R1
    ):
        numbers = key.public_numbers()
        return {
            "kty": "EC",
            "crv": "P-256",
            "x": b64url(numbers.x.to_bytes(32, "big")),
            "y": b64url(numbers.y.to_bytes(32, "big")),
        }
    if isinstance(key, rsa.RSAPublicKey):
        numbers = key.public_numbers()
        return {
            "kty": "RSA",
            "n": b64url(_unsigned(numbers.n)),
            "e": b64url(_unsigned(numbers.e)),
        }
    raise TypeError(f"no JWK form for {type(key).__name__}")


def _unsigned(value: int) -> bytes:
    return value.to_bytes((value.bit_length() + 7) // 8 or 1, "big")


def jwk_thumbprint(jwk: Mapping[str, str]) -> str:
    """RFC 7638 SHA-256 thumbprint, base64url without padding."""
    members = _THUMBPRINT_MEMBERS[jwk["kty"]]
    canonical = json.dumps(
        {name: jwk[name] for name in members}, separators=(",", ":"), sort_keys=True
    )
    return b64url(hashlib.sha256(canonical.encode("utf-8")).digest())
