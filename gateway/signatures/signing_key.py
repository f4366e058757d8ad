"""A private key the gateway or a partner signs with, bound to its keyid and algorithm.

This is the one place private key material is loaded; the registry side (``keys``) refuses it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.hazmat.primitives.serialization import (
    BestAvailableEncryption,
    Encoding,
    NoEncryption,
    PrivateFormat,
    load_pem_private_key,
)

from gateway.signatures.algorithms import (
    PrivateKey,
    SignatureAlgorithm,
    algorithm_for_key,
    algorithm_named,
)
from gateway.signatures.keys import PublicKeyInfo, describe_public_key


@dataclass(frozen=True)
class SigningKey:
    keyid: str
    algorithm: str  # RFC 9421 name
    private_key: PrivateKey = field(repr=False)

    def __post_init__(self) -> None:
        named = algorithm_named(self.algorithm)
        if named is None or not named.fits(self.private_key):
            raise ValueError(
                f"key {self.keyid!r} does not fit algorithm {self.algorithm!r}"
            )

    @classmethod
    def from_pem(
        cls,
        pem: str | bytes,
        keyid: str,
        algorithm: str | None = None,
        password: bytes | None = None,
    ) -> SigningKey:
        data = pem.encode("ascii") if isinstance(pem, str) else pem
        key = load_pem_private_key(data, password=password)
        fitting = algorithm_for_key(key)  # type: ignore[arg-type]
        if fitting is None:
            raise ValueError("unsupported private key type")
        return cls(keyid=keyid, algorithm=algorithm or fitting.name, private_key=key)  # type: ignore[arg-type]

    @classmethod
    def generate(cls, algorithm: str, keyid: str) -> SigningKey:
        """A fresh key pair, for key rotation, partner onboarding kits and tests."""
        makers = {
            "ed25519": ed25519.Ed25519PrivateKey.generate,
            "ecdsa-p256-sha256": lambda: ec.generate_private_key(ec.SECP256R1()),
            "rsa-pss-sha512": lambda: rsa.generate_private_key(
                public_exponent=65537, key_size=3072
            ),
        }
        if algorithm not in makers:
            raise ValueError(f"unsupported algorithm {algorithm!r}")
        return cls(keyid=keyid, algorithm=algorithm, private_key=makers[algorithm]())

    def private_pem(self, password: bytes | None = None) -> str:
        encryption = BestAvailableEncryption(password) if password else NoEncryption()
        return self.private_key.private_bytes(
            Encoding.PEM, PrivateFormat.PKCS8, encryption
        ).decode("ascii")

    @property
    def signature_algorithm(self) -> SignatureAlgorithm:
        named = algorithm_named(self.algorithm)
        assert named is not None  # checked in __post_init__
        return named

    def sign(self, data: bytes) -> bytes:
        return self.signature_algorithm.sign(self.private_key, data)

    def public_info(self) -> PublicKeyInfo:
        return describe_public_key(self.private_key.public_key(), self.algorithm)
