"""The verifier's ports over the database: the partner key registry and the replay cache.

Both open short transactions of their own. A nonce is committed the moment it is recorded, so a
replay is refused even if the business transaction of the first request later fails.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache

from ..signatures.algorithms import ALGORITHMS
from ..signatures.keys import load_public_key
from ..signatures.ports import RegisteredKey


@lru_cache(maxsize=1024)
def _public_key(pem: str):
    # Keys are immutable once registered (only status and validity change), so parsing is cached.
    return load_public_key(pem).key


class KeyRegistry:
    """``KeyResolver``: keyid → the registered key with its partner's current status."""

    def __init__(self, uow_factory) -> None:
        self._uow = uow_factory
        self._fingerprints: dict[str, str] = {}

    def __call__(self, keyid: str) -> RegisteredKey | None:
        with self._uow(readonly=True) as uow:
            found = uow.keys.get_with_partner_status(keyid)
        # Keys of other algorithms (SM2 for partner formats) never verify an RFC 9421
        # signature: to the verifier they do not exist (key_unknown).
        if found is None or found[0].algorithm not in ALGORITHMS:
            return None
        key, partner_status = found
        self._fingerprints[keyid] = key.fingerprint
        return RegisteredKey(
            keyid=key.keyid,
            partner_id=key.partner_id,
            algorithm=key.algorithm,
            public_key=_public_key(key.public_key_pem),
            not_before=key.not_before,
            not_after=key.not_after,
            revoked_at=key.revoked_at,
            partner_status=partner_status.value if partner_status else "suspended",
        )


    def fingerprint(self, keyid: str) -> str:
        """The fingerprint of a key this registry resolved (or looks up now)."""
        if keyid not in self._fingerprints:
            with self._uow() as uow:
                key = uow.keys.get(keyid)
            if key is None:
                raise LookupError(keyid)
            self._fingerprints[keyid] = key.fingerprint
        return self._fingerprints[keyid]


class DatabaseNonceStore:
    """``NonceStore`` shared by every gateway process through the unique (keyid, nonce) key."""

    PURGE_EVERY = 500

    def __init__(self, uow_factory, clock) -> None:
        self._uow = uow_factory
        self._clock = clock
        self._since_purge = 0

    def seen(self, keyid: str, nonce: str) -> bool:
        with self._uow(readonly=True) as uow:
            return uow.nonces.seen(keyid, nonce, self._clock())

    def record(self, keyid: str, nonce: str, expires_at: datetime) -> bool:
        now = self._clock()
        with self._uow() as uow:
            recorded = uow.nonces.record(keyid, nonce, expires_at, now)
            self._since_purge += 1
            if self._since_purge >= self.PURGE_EVERY:
                self._since_purge = 0
                uow.nonces.purge(now)
        return recorded

    def purge(self) -> int:
        with self._uow() as uow:
            return uow.nonces.purge(self._clock())
