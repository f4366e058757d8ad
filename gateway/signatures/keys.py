"""Loading the public keys partners register, and the forms the gateway stores and publishes.

A key arrives as PEM (SubjectPublicKeyInfo, or PKCS#1 for RSA) or as a JWK, with or without a
declared algorithm. Private keys are refused before any parsing: the material is never turned
into a key object, so it cannot end up in a log, a database row or an exception.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    PublicFormat,
    load_pem_public_key,
)

from gateway.signatures.algorithms import (
    MIN_RSA_BITS,
    PublicKey,
    algorithm_for_key,
    algorithm_named,
)
from gateway.signatures.errors import KeyRefused
from gateway.signatures.jwk import (
    jwk_thumbprint,
    public_key_from_jwk,
    public_key_to_jwk,
)


@dataclass(frozen=True)
class PublicKeyInfo:
    """A validated public key and the identifiers the registry and JWKS use for it."""

    algorithm: str  # RFC 9421 name, e.g. "ed25519"
    key: PublicKey
    jwk: dict[str, str]  # minimal public JWK, no kid
    thumbprint: str  # RFC 7638, base64url SHA-256
    fingerprint: str  # hex SHA-256 of the DER SubjectPublicKeyInfo
    pem: str  # SubjectPublicKeyInfo PEM


def load_public_key(
    material: str | Mapping[str, Any], algorithm: str | None = None
) -> PublicKeyInfo:
    """Parse and check a partner's public key.

    ``material`` is PEM text, JWK JSON text, or a JWK mapping. ``algorithm`` (an RFC 9421
    name) is checked against the key type; without it the algorithm follows from the key.
    Raises ``KeyRefused`` with reason ``private_key_refused``, ``key_malformed``,
    ``key_too_weak``, ``algorithm_unsupported`` or ``algorithm_mismatch``.
    """
    declared = algorithm
    if isinstance(material, Mapping):
        key = public_key_from_jwk(material)
        declared = _agree(declared, material.get("alg"))
    else:
        text = material.strip()
        if "PRIVATE KEY" in text:
            raise KeyRefused(
                "This is a private key; submit the public key only.",
                reason="private_key_refused",
            )
        if text.startswith("{"):
            return load_public_key(_json_object(text), algorithm)
        key = _load_pem(text)
    return describe_public_key(key, declared)


def describe_public_key(key: PublicKey, algorithm: str | None = None) -> PublicKeyInfo:
    """Check ``key`` against ``algorithm`` (or infer it) and compute its published forms."""
    if isinstance(key, rsa.RSAPublicKey) and key.key_size < MIN_RSA_BITS:
        raise KeyRefused(
            f"RSA keys must have at least {MIN_RSA_BITS} bits.", reason="key_too_weak"
        )
    fitting = algorithm_for_key(key)
    if fitting is None:
        raise KeyRefused(
            "This key type is not supported.", reason="algorithm_unsupported"
        )
    if algorithm is not None:
        named = algorithm_named(algorithm)
        if named is None:
            raise KeyRefused(
                "Supported algorithms: ed25519, ecdsa-p256-sha256, rsa-pss-sha512.",
                reason="algorithm_unsupported",
            )
        if named.name != fitting.name:
            raise KeyRefused(
                "The key type does not fit the declared algorithm.",
                reason="algorithm_mismatch",
            )
    der = key.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    jwk = public_key_to_jwk(key)
    return PublicKeyInfo(
        algorithm=fitting.name,
        key=key,
        jwk=jwk,
        thumbprint=jwk_thumbprint(jwk),
        fingerprint=hashlib.sha256(der).hexdigest(),
        pem=key.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode(
            "ascii"
        ),
    )


def _agree(declared: str | None, from_jwk: Any) -> str | None:
    if from_jwk is None:
        return declared
    if not isinstance(from_jwk, str):
        raise KeyRefused("The JWK alg member must be a string.", reason="key_malformed")
    if declared is not None and algorithm_named(declared) != algorithm_named(from_jwk):
        raise KeyRefused(
            "The JWK alg does not match the declared algorithm.",
            reason="algorithm_mismatch",
        )
    return declared or from_jwk


def _json_object(text: str) -> Mapping[str, Any]:
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise KeyRefused(
            "The key is neither PEM nor a JSON Web Key.", reason="key_malformed"
        ) from exc
    if not isinstance(value, dict):
        raise KeyRefused(
            "A JSON Web Key must be a JSON object.", reason="key_malformed"
        )
    return value


def _load_pem(text: str) -> PublicKey:
    if not text.startswith("-----BEGIN"):
        raise KeyRefused(
            "The key is neither PEM nor a JSON Web Key.", reason="key_malformed"
        )
    try:
        key = load_pem_public_key(text.encode("ascii"))
    except UnsupportedAlgorithm as exc:  # e.g. an SM2 curve: only sm2-sm3 registers those
        raise KeyRefused(
            "This key type is not supported.", reason="algorithm_unsupported"
        ) from exc
    except (ValueError, TypeError, UnicodeError) as exc:
        raise KeyRefused(
            "The PEM text is not a valid public key.", reason="key_malformed"
        ) from exc
    if algorithm_for_key(key) is None:  # type: ignore[arg-type]
        raise KeyRefused(
            "This key type is not supported.", reason="algorithm_unsupported"
        )
    return key  # type: ignore[return-value]


def jwks_document(
    keys: Iterable[tuple[str, PublicKeyInfo]],
) -> dict[str, list[dict[str, str]]]:
    """An RFC 7517 JWK Set publishing ``(kid, key)`` pairs, with JOSE ``alg`` names."""
    entries = []
    for kid, info in keys:
        jose = algorithm_named(info.algorithm)
        assert jose is not None  # PublicKeyInfo is only built for supported algorithms
        entries.append({**info.jwk, "kid": kid, "use": "sig", "alg": jose.jose_name})
    return {"keys": entries}


def keys_from_jwks(document: Mapping[str, Any]) -> dict[str, PublicKeyInfo]:
    """The keys of a JWK Set by ``kid``; members without a kid cannot be selected and are skipped."""
    entries = document.get("keys")
    if not isinstance(entries, list):
        raise KeyRefused("A JWK Set needs a keys array.", reason="key_malformed")
    found: dict[str, PublicKeyInfo] = {}
    for entry in entries:
        if isinstance(entry, dict) and isinstance(entry.get("kid"), str):
            found[entry["kid"]] = load_public_key(entry)
    return found
