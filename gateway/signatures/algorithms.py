"""The three RFC 9421 signature algorithms the profile allows, over ``cryptography``.

Each algorithm knows which key type it needs, so the registry can refuse a key that does not
fit the declared algorithm, and the verifier can take the algorithm from the registered key
rather than from the message (RFC 9421 §3.3.7).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

PublicKey = ed25519.Ed25519PublicKey | ec.EllipticCurvePublicKey | rsa.RSAPublicKey
PrivateKey = ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey

MIN_RSA_BITS = 2048


class SignatureAlgorithm(Protocol):
    name: str
    jose_name: str

    def fits(self, key: PublicKey | PrivateKey) -> bool: ...

    def sign(self, private_key: PrivateKey, data: bytes) -> bytes: ...

    def verify(self, public_key: PublicKey, signature: bytes, data: bytes) -> bool: ...


@dataclass(frozen=True)
class Ed25519:
    name: str = "ed25519"
    jose_name: str = "EdDSA"

    def fits(self, key: PublicKey | PrivateKey) -> bool:
        return isinstance(key, (ed25519.Ed25519PublicKey, ed25519.Ed25519PrivateKey))

    def sign(self, private_key: PrivateKey, data: bytes) -> bytes:
        if not isinstance(private_key, ed25519.Ed25519PrivateKey):
            raise TypeError(f"{self.name} needs a Ed25519PrivateKey")
        return private_key.sign(data)

    def verify(self, public_key: PublicKey, signature: bytes, data: bytes) -> bool:
        if not isinstance(public_key, ed25519.Ed25519PublicKey):
            return False
        try:
            public_key.verify(signature, data)
        except (InvalidSignature, ValueError):
            return False
        return True


@dataclass(frozen=True)
class EcdsaP256Sha256:
    """RFC 9421 §3.3.4: the signature is r‖s, each 32 bytes big-endian, not DER."""

    name: str = "ecdsa-p256-sha256"
    jose_name: str = "ES256"

    def fits(self, key: PublicKey | PrivateKey) -> bool:
        return isinstance(
            key, (ec.EllipticCurvePublicKey, ec.EllipticCurvePrivateKey)
        ) and isinstance(key.curve, ec.SECP256R1)

    def sign(self, private_key: PrivateKey, data: bytes) -> bytes:
        if not isinstance(private_key, ec.EllipticCurvePrivateKey):
            raise TypeError(f"{self.name} needs a EllipticCurvePrivateKey")
        r, s = decode_dss_signature(private_key.sign(data, ec.ECDSA(hashes.SHA256())))
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")

    def verify(self, public_key: PublicKey, signature: bytes, data: bytes) -> bool:
        if not isinstance(public_key, ec.EllipticCurvePublicKey) or not self.fits(
            public_key
        ):
            return False
        if len(signature) != 64:
            return False
        der = encode_dss_signature(
            int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
        )
        try:
            public_key.verify(der, data, ec.ECDSA(hashes.SHA256()))
        except (InvalidSignature, ValueError):
            return False
        return True


_PSS_SHA512 = padding.PSS(mgf=padding.MGF1(hashes.SHA512()), salt_length=64)


@dataclass(frozen=True)
class RsaPssSha512:
    """RFC 9421 §3.3.1: RSASSA-PSS, SHA-512, MGF1 with SHA-512, 64-byte salt."""

    name: str = "rsa-pss-sha512"
    jose_name: str = "PS512"

    def fits(self, key: PublicKey | PrivateKey) -> bool:
        return isinstance(key, (rsa.RSAPublicKey, rsa.RSAPrivateKey))

    def sign(self, private_key: PrivateKey, data: bytes) -> bytes:
        if not isinstance(private_key, rsa.RSAPrivateKey):
            raise TypeError(f"{self.name} needs a RSAPrivateKey")
        return private_key.sign(data, _PSS_SHA512, hashes.SHA512())

    def verify(self, public_key: PublicKey, signature: bytes, data: bytes) -> bool:
        if not isinstance(public_key, rsa.RSAPublicKey):
            return False
        try:
            public_key.verify(signature, data, _PSS_SHA512, hashes.SHA512())
        except (InvalidSignature, ValueError):
            return False
        return True


ALGORITHMS: dict[str, SignatureAlgorithm] = {
    algorithm.name: algorithm
    for algorithm in (Ed25519(), EcdsaP256Sha256(), RsaPssSha512())
}


def algorithm_named(name: str) -> SignatureAlgorithm | None:
    """The algorithm for an RFC 9421 name, or its JOSE name as JWKS documents carry it."""
    if name in ALGORITHMS:
        return ALGORITHMS[name]
    return next((a for a in ALGORITHMS.values() if a.jose_name == name), None)


def algorithm_for_key(key: PublicKey | PrivateKey) -> SignatureAlgorithm | None:
    """The only profile algorithm a key can serve (each key type maps to exactly one)."""
    return next((a for a in ALGORITHMS.values() if a.fits(key)), None)
