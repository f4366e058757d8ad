"""The verifier's ports over the database: the partner key registry and the replay cache.

Called plainly, each opens a short transaction of its own. ``within(uow)`` binds them to a
transaction the caller holds instead, and ``DatabaseNonceStore.deferred()`` leaves the nonce to
the caller's write transaction, which records it atomically or finds the replay: the gateway
admits a signed request in one read (key, access: from the registry cache, usually without a
statement) and one short write (nonce, idempotency claim), so neither the crypto nor the reads
hold SQLite's write lock, and PostgreSQL commits once. Either way a nonce is committed before
the request is processed, so a replay is refused even if the business transaction of the first
request later fails.
"""

from __future__ import annotations

from collections.abc import Callable
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
            return self.within(uow)(keyid)

    def within(self, uow) -> Callable[[str], RegisteredKey | None]:
        """A ``KeyResolver`` that reads in ``uow``'s transaction."""
        return lambda keyid: self._registered(keyid, uow.keys.get_with_partner_status(keyid))

    def _registered(self, keyid: str, found) -> RegisteredKey | None:
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
            return self.within(uow).seen(keyid, nonce)

    def record(self, keyid: str, nonce: str, expires_at: datetime) -> bool:
        with self._uow() as uow:
            return self.within(uow).record(keyid, nonce, expires_at)

    def within(self, uow) -> _NoncesInTransaction:
        """A ``NonceStore`` that reads and records in ``uow``'s (write) transaction."""
        return _NoncesInTransaction(self, uow)

    def deferred(self) -> DeferredNonce:
        """A ``NonceStore`` that checks and records later, in ``record_in``."""
        return DeferredNonce(self)

    def purge(self) -> int:
        with self._uow() as uow:
            return uow.nonces.purge(self._clock())

    def _purge_due(self) -> bool:
        self._since_purge += 1
        if self._since_purge < self.PURGE_EVERY:
            return False
        self._since_purge = 0
        return True


class _NoncesInTransaction:
    def __init__(self, store: DatabaseNonceStore, uow) -> None:
        self._store, self._uow = store, uow

    def seen(self, keyid: str, nonce: str) -> bool:
        return self._uow.nonces.seen(keyid, nonce, self._store._clock())

    def record(self, keyid: str, nonce: str, expires_at: datetime) -> bool:
        now = self._store._clock()
        recorded = self._uow.nonces.record(keyid, nonce, expires_at, now)
        if self._store._purge_due():
            self._uow.nonces.purge(now)
        return recorded


class DeferredNonce:
    """The admission's nonce store: ``record`` only remembers the nonce, and ``record_in`` records
    it atomically in the admission's write transaction, which refuses a replay there. ``seen``
    reads nothing: the read transaction before the crypto then needs no database connection
    when the registry rows are cached, and a replay is refused by the record either way."""

    def __init__(self, store: DatabaseNonceStore) -> None:
        self._store = store
        self.pending: tuple[str, str, datetime] | None = None

    def seen(self, keyid: str, nonce: str) -> bool:
        return False  # decided by record_in

    def record(self, keyid: str, nonce: str, expires_at: datetime) -> bool:
        self.pending = keyid, nonce, expires_at
        return True

    def record_in(self, uow) -> bool:
        """Record the remembered nonce in ``uow``'s write transaction; False if it was taken."""
        assert self.pending is not None, "record_in before the signature was verified"
        return self._store.within(uow).record(*self.pending)
