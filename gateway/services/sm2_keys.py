"""Partners' SM2 public keys (algorithm ``sm2-sm3``): registration forms and adapter look-ups.

An SM2 key is registered like any partner key (``partner_keys``), but it verifies only the
signatures of a partner's own format (a CFX document, a bank's JSON), never an RFC 9421
request: ``KeyRegistry`` does not resolve it. Stored forms:

    public_key_pem   SubjectPublicKeyInfo PEM with the SM2 curve OID 1.2.156.10197.1.301
    fingerprint      SHA-256 of that DER, hex (= ``Sm2PublicKey.fingerprint()``)
    jwk              {"kty": "EC", "crv": "SM2", "x", "y"}: 32-byte coordinates, base64url
    thumbprint       RFC 7638 over that JWK's required EC members (crv, kty, x, y)
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from ..errors import Forbidden, NotFound
from ..gmcrypto import Sm2KeyMalformed, Sm2PublicKey
from ..signatures.errors import KeyRefused
from ..signatures.jwk import jwk_thumbprint
from ..signatures.keys import PublicKeyInfo

SM2_ALGORITHM = "sm2-sm3"


def is_sm2_pem(material: str | Mapping[str, Any]) -> bool:
    """Whether ``material`` is PEM SubjectPublicKeyInfo naming the SM2 curve (unambiguous,
    so such a key registers as ``sm2-sm3`` without a declared algorithm)."""
    if not isinstance(material, str) or "-----BEGIN PUBLIC KEY-----" not in material:
        return False
    try:
        Sm2PublicKey.from_pem(material)
    except Sm2KeyMalformed:
        return False
    return True


def load_sm2_public_key(material: str | Mapping[str, Any]) -> PublicKeyInfo:
    """A partner's SM2 public key from PEM or a hex point (``04 ‖ x ‖ y``). Raises
    ``KeyRefused`` (private_key_refused, key_malformed)."""
    if not isinstance(material, str):
        raise KeyRefused("SM2 keys are registered as PEM or a hex point (04‖x‖y), not a JWK.",
                         reason="key_malformed")
    if "PRIVATE KEY" in material:
        raise KeyRefused("This is a private key; submit the public key only.",
                         reason="private_key_refused")
    try:
        key = Sm2PublicKey.parse(material)
    except Sm2KeyMalformed as exc:
        raise KeyRefused(f"Not an SM2 public key: {exc.detail}.", reason="key_malformed") from None
    xy = key.to_xy()
    jwk = {"kty": "EC", "crv": "SM2", "x": _b64url(xy[:32]), "y": _b64url(xy[32:])}
    return PublicKeyInfo(algorithm=SM2_ALGORITHM, key=key,  # type: ignore[arg-type]
                         jwk=jwk, thumbprint=jwk_thumbprint(jwk),
                         fingerprint=key.fingerprint(), pem=key.to_pem())


def sm2_key_for(uow, partner_id: str, keyid: str, now: datetime) -> Sm2PublicKey:
    """The SM2 key ``keyid`` of ``partner_id``, usable at ``now``.

    Raises ``NotFound`` (key_not_found) if there is no such key, it belongs to another partner
    or is not an SM2 key; ``Forbidden`` (key_revoked, key_not_yet_valid, key_expired)."""
    key = uow.keys.get(keyid)
    if key is None or key.partner_id != partner_id or key.algorithm != SM2_ALGORITHM:
        raise NotFound(f"partner {partner_id} has no SM2 key {keyid}", reason="key_not_found")
    validity = key.validity_at(now)
    if validity != "valid":
        raise Forbidden(f"SM2 key {keyid} is {validity.replace('_', ' ')}",
                        reason=f"key_{validity}")
    return Sm2PublicKey.from_pem(key.public_key_pem)


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")
