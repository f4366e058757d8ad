"""Public keys as the evidence log needs them: from JWK, fingerprinted, and verifying raw signatures.

Self-contained on purpose: offline verification of a bundle must not depend on the gateway's key
registry or database. Three key types are understood, matching the RFC 9421 algorithms of the
signing profile: OKP/Ed25519 (``ed25519``), EC/P-256 (``ecdsa-p256-sha256``, signature is the raw
32-byte r followed by 32-byte s) and RSA (``rsa-pss-sha512``, MGF1-SHA-512, 64-byte salt).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from gateway.evidence.canonical import MalformedEvidence, b64url, b64url_decode, canonical_json

PublicKey = Ed25519PublicKey | ec.EllipticCurvePublicKey | rsa.RSAPublicKey

_THUMBPRINT_MEMBERS = {"OKP": ("crv", "kty", "x"), "EC": ("crv", "kty", "x", "y"), "RSA": ("e", "kty", "n")}


def public_key_from_jwk(jwk: Mapping[str, Any]) -> PublicKey:
    """Raises MalformedEvidence for anything but a well-formed Ed25519, P-256 or RSA public JWK."""
    if not isinstance(jwk, Mapping):
        raise MalformedEvidence("a JWK must be a JSON object")
    kty, crv = jwk.get("kty"), jwk.get("crv")
    try:
        if kty == "OKP" and crv == "Ed25519":
            return Ed25519PublicKey.from_public_bytes(b64url_decode(jwk.get("x"), what="JWK x"))
        if kty == "EC" and crv == "P-256":
            x = int.from_bytes(b64url_decode(jwk.get("x"), what="JWK x"), "big")
            y = int.from_bytes(b64url_decode(jwk.get("y"), what="JWK y"), "big")
            return ec.EllipticCurvePublicNumbers(x, y, ec.SECP256R1()).public_key()
        if kty == "RSA":
            n = int.from_bytes(b64url_decode(jwk.get("n"), what="JWK n"), "big")
            e = int.from_bytes(b64url_decode(jwk.get("e"), what="JWK e"), "big")
            return rsa.RSAPublicNumbers(e, n).public_key()
    except ValueError as exc:  # off-curve points, wrong lengths, tiny moduli
        raise MalformedEvidence(f"JWK is not a valid public key: {exc}") from exc
    raise MalformedEvidence(f"unsupported JWK kty={kty!r} crv={crv!r}")


def public_jwk(key: PublicKey, *, kid: str | None = None) -> dict[str, str]:
    """The public JWK (RFC 7517) of ``key``; the inverse of public_key_from_jwk."""
    if isinstance(key, Ed25519PublicKey):
        raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        jwk = {"kty": "OKP", "crv": "Ed25519", "x": b64url(raw)}
    elif isinstance(key, ec.EllipticCurvePublicKey) and isinstance(key.curve, ec.SECP256R1):
        numbers = key.public_numbers()
        jwk = {"kty": "EC", "crv": "P-256", "x": b64url(numbers.x.to_bytes(32, "big")),
               "y": b64url(numbers.y.to_bytes(32, "big"))}
    elif isinstance(key, rsa.RSAPublicKey):
        numbers = key.public_numbers()
        jwk = {"kty": "RSA", "n": b64url(_unsigned(numbers.n)), "e": b64url(_unsigned(numbers.e))}
    else:
        raise MalformedEvidence(f"unsupported key type {type(key).__name__}")
    if kid is not None:
        jwk["kid"] = kid
    return jwk


def _unsigned(value: int) -> bytes:
    return value.to_bytes((value.bit_length() + 7) // 8, "big")


def key_fingerprint(key: PublicKey) -> str:
    """Lower-case hex SHA-256 of the DER SubjectPublicKeyInfo: the log's ``key_fingerprint``."""
    der = key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(der).hexdigest()


def jwk_thumbprint(jwk: Mapping[str, Any]) -> str:
    """RFC 7638 SHA-256 thumbprint, base64url; JCS of string members equals RFC 7638's form."""
    members = _THUMBPRINT_MEMBERS.get(jwk.get("kty"))  # type: ignore[arg-type]
    if members is None or any(not isinstance(jwk.get(m), str) for m in members):
        raise MalformedEvidence("JWK lacks the members its thumbprint needs")
    return b64url(hashlib.sha256(canonical_json({m: jwk[m] for m in members})).digest())


def algorithm_of(key: PublicKey) -> str:
    """The RFC 9421 algorithm a key is used with; the key decides, never the message."""
    if isinstance(key, Ed25519PublicKey):
        return "ed25519"
    if isinstance(key, ec.EllipticCurvePublicKey):
        return "ecdsa-p256-sha256"
    return "rsa-pss-sha512"


def signature_holds(key: PublicKey, message: bytes, signature: bytes) -> bool:
    try:
        if isinstance(key, Ed25519PublicKey):
            key.verify(signature, message)
        elif isinstance(key, ec.EllipticCurvePublicKey):
            if len(signature) != 64:
                return False
            r, s = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
            key.verify(encode_dss_signature(r, s), message, ec.ECDSA(hashes.SHA256()))
        else:
            pss = padding.PSS(mgf=padding.MGF1(hashes.SHA512()), salt_length=64)
            key.verify(signature, message, pss, hashes.SHA512())
    except InvalidSignature:
        return False
    return True


@dataclass(frozen=True)
class GatewayKeys:
    """The gateway's published keys (its JWKS), by ``kid``; old keys stay so old proofs verify."""

    by_kid: Mapping[str, PublicKey]
    # kids present in the JWKS whose key type this verifier does not understand
    unsupported: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def from_jwks(cls, jwks: Mapping[str, Any]) -> GatewayKeys:
        """Raises MalformedEvidence if the document is not a JWKS or a kid is missing/duplicated."""
        keys = jwks.get("keys") if isinstance(jwks, Mapping) else None
        if not isinstance(keys, list):
            raise MalformedEvidence('a JWKS must be an object with a "keys" array')
        by_kid: dict[str, PublicKey] = {}
        unsupported: set[str] = set()
        for jwk in keys:
            kid = jwk.get("kid") if isinstance(jwk, Mapping) else None
            if not isinstance(kid, str) or not kid:
                raise MalformedEvidence("every key in the JWKS needs a kid")
            if kid in by_kid or kid in unsupported:
                raise MalformedEvidence(f"kid {kid!r} appears twice in the JWKS")
            try:
                by_kid[kid] = public_key_from_jwk(jwk)
            except MalformedEvidence:
                unsupported.add(kid)
        return cls(by_kid, frozenset(unsupported))

    def get(self, kid: str) -> PublicKey | None:
        return self.by_kid.get(kid)
