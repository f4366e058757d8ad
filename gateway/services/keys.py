"""Partners' public signing keys: registration, rotation overlap, revocation.

Keys are found by ``keyid`` (globally unique), never by trying a partner's keys in turn.
"""

from __future__ import annotations

import re
from datetime import datetime

from ..domain.partners import KeyStatus, SigningKey
from ..errors import Conflict, FieldError, InvalidInput, NotFound
from ..signatures.keys import load_public_key
from .partners import PartnerRegistry
from .sm2_keys import SM2_ALGORITHM, is_sm2_pem, load_sm2_public_key

KEYID = re.compile(r"^[A-Za-z0-9._:\-]{1,200}$")


def snapshot(k: SigningKey) -> dict:
    return {
        "keyid": k.keyid,
        "partner_id": k.partner_id,
        "algorithm": k.algorithm,
        "fingerprint": k.fingerprint,
        "not_before": k.not_before.isoformat(),
        "not_after": k.not_after.isoformat() if k.not_after else None,
        "status": k.status.value,
        "revoked_reason": k.revoked_reason,
    }


def register(
    uow,
    partner_id: str,
    material,
    *,
    keyid: str | None,
    algorithm: str | None,
    not_before: datetime | None,
    not_after: datetime | None,
    now: datetime,
):
    PartnerRegistry.get(uow, partner_id)
    if algorithm == SM2_ALGORITHM or (algorithm is None and is_sm2_pem(material)):
        info = load_sm2_public_key(material)  # for partner formats only, never RFC 9421
    else:
        info = load_public_key(material, algorithm)  # raises KeyRefused (private keys, weak keys, …)
    keyid = keyid or info.thumbprint
    errors = []
    if not KEYID.match(keyid):
        errors.append(FieldError("/keyid", "use 1 to 200 of A-Z a-z 0-9 . _ : -"))
    not_before = not_before or now
    if not_after is not None and not_after <= not_before:
        errors.append(FieldError("/not_after", "must be later than not_before"))
    if errors:
        raise InvalidInput("the key is not valid", reason="validation_failed", errors=errors)
    if uow.keys.get(keyid) is not None:
        raise Conflict(f"keyid {keyid} is already registered", reason="keyid_exists")
    if uow.keys.with_fingerprint(info.fingerprint) is not None:
        raise Conflict("this public key is already registered", reason="key_exists")
    key = SigningKey(
        keyid=keyid,
        partner_id=partner_id,
        algorithm=info.algorithm,
        public_key_pem=info.pem,
        jwk=info.jwk,
        fingerprint=info.fingerprint,
        thumbprint=info.thumbprint,
        not_before=not_before,
        not_after=not_after,
        created_at=now,
    )
    uow.keys.add(key)
    return key, None, snapshot(key)


def get(uow, keyid: str, partner_id: str | None = None) -> SigningKey:
    key = uow.keys.get(keyid)
    if key is None or (partner_id is not None and key.partner_id != partner_id):
        raise NotFound(f"no key {keyid}", reason="key_not_found")
    return key


def revoke(uow, keyid: str, reason: str, now: datetime, partner_id: str | None = None):
    key = get(uow, keyid, partner_id)
    reason = (reason or "").strip()
    if not reason or len(reason) > 500:
        raise InvalidInput(
            "a revocation needs a reason",
            reason="validation_failed",
            errors=[FieldError("/reason", "must be 1 to 500 characters")],
        )
    before = snapshot(key)
    if key.status is KeyStatus.REVOKED:
        raise Conflict(f"key {keyid} is already revoked", reason="key_already_revoked")
    key.status, key.revoked_at, key.revoked_reason = KeyStatus.REVOKED, now, reason
    uow.keys.save(key)
    return key, before, snapshot(key)


def set_expiry(uow, keyid: str, not_after: datetime | None, partner_id: str | None = None):
    """Shorten or extend a key's validity - how an overlapping rotation is finished."""
    key = get(uow, keyid, partner_id)
    before = snapshot(key)
    if not_after is not None and not_after <= key.not_before:
        raise InvalidInput(
            "not_after must be later than not_before",
            reason="validation_failed",
            errors=[FieldError("/not_after", "must be later than not_before")],
        )
    key.not_after = not_after
    uow.keys.save(key)
    return key, before, snapshot(key)
